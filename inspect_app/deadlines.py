"""Deadlines counted the Vietnamese way, and how each one was counted.

A deadline is given as a date, as N calendar days or as N working days after an event.
A period in days starts the day after the event (Civil Code 2015, art. 147): N working
days end on the Nth working day after it. N calendar days, or a date, ending on a day
off end at the end of the next working day instead (art. 148). Each deadline is stored
with its basis (unit, start, count), and its explanation is computed from the basis each
time it is shown, against the stored date: a deadline once fixed was notified and stays,
even when an admin later changes the working calendar.
"""
import datetime as dt
from dataclasses import dataclass

from .formatting import format_date
from .i18n import gettext as _
from .i18n import ngettext

DATE, CALENDAR_DAYS, WORKING_DAYS = "date", "calendar_days", "working_days"
UNITS = (DATE, CALENDAR_DAYS, WORKING_DAYS)


@dataclass(frozen=True)
class Basis:
    """How a deadline is counted: a date (start), or count days of unit after start.

    not_counted: calendar days left out of a period in calendar days (a case's deferral).
    """

    unit: str
    start: dt.date
    count: int = None
    not_counted: int = 0

    @classmethod
    def stored(cls, unit, start, count, not_counted=0):
        """The basis kept in a row's columns, or None for a deadline stored without one."""
        if unit not in UNITS or start is None or (unit != DATE and count is None):
            return None
        return cls(unit, start, count if unit != DATE else None,
                   not_counted if unit == CALENDAR_DAYS else 0)


def on(day):
    """The basis of a date given as such."""
    return Basis(DATE, day)


def days_after(unit, start, count):
    """The basis of count calendar or working days (unit) after start."""
    return Basis(unit, start, count)


def _period_end(basis):
    """The last day of a period before art. 148 moves it: the date, or start + days."""
    if basis.unit == DATE:
        return basis.start
    return basis.start + dt.timedelta(days=basis.count + basis.not_counted)


def end_of(calendar, basis):
    """The deadline that basis gives on calendar."""
    if basis.unit == WORKING_DAYS:
        return calendar.working_day_after(basis.start, basis.count)
    return calendar.next_working_day(_period_end(basis))


# --- explanations ------------------------------------------------------------------------


def _day_month(day, with_year):
    """A day as dd/mm, or dd/mm/yyyy."""
    return format_date(day) if with_year else day.strftime("%d/%m")


def span_text(first, last):
    """A run of days as "14–22/02", "30/04–03/05", "27/04" (years shown when they differ)."""
    with_year = first.year != last.year
    if first == last:
        return _day_month(first, with_year)
    if first.month == last.month and not with_year:
        return f"{first.day:02d}–{_day_month(last, False)}"
    return f"{_day_month(first, with_year)}–{_day_month(last, with_year)}"


def _run_names(calendar, first, last):
    """The holidays and extra days off of the days first to last, holidays first."""
    names = []
    for day in _days(first, last):
        if calendar.is_holiday(day):
            name = (calendar.is_swap(day), str(calendar.reason_off(day)))
            if name not in names:
                names.append(name)
    return [name for _swap, name in sorted(names, key=lambda pair: pair[0])]


def _days(first, last):
    """The days from first to last, inclusive."""
    return (first + dt.timedelta(days=n) for n in range((last - first).days + 1))


def holiday_runs(calendar, first, last):
    """[(first day, last day, names)] of the runs of days off in (first, last] that hold a
    holiday or an extra day off, each with the weekend days next to it."""
    runs, day = [], first + dt.timedelta(days=1)
    while day <= last:
        if calendar.is_working_day(day):
            day += dt.timedelta(days=1)
            continue
        run_first = day
        while day <= last and not calendar.is_working_day(day):
            day += dt.timedelta(days=1)
        names = _run_names(calendar, run_first, day - dt.timedelta(days=1))
        if names:
            runs.append((run_first, day - dt.timedelta(days=1), names))
    return runs


def reason_off(calendar, day):
    """Why day is off: the holidays of the break it falls in, else its weekday."""
    first = last = day
    while not calendar.is_working_day(first - dt.timedelta(days=1)):
        first -= dt.timedelta(days=1)
    while not calendar.is_working_day(last + dt.timedelta(days=1)):
        last += dt.timedelta(days=1)
    return ", ".join(_run_names(calendar, first, last)) or str(calendar.reason_off(day))


def _skipped_note(calendar, start, end):
    """" (not counting 14–22/02 off for …; counting the make-up working day 22/08)" or ""."""
    parts = []
    runs = [_("%(dates)s off for %(names)s", dates=span_text(first, last),
              names=", ".join(names))
            for first, last, names in holiday_runs(calendar, start, end)]
    if runs:
        parts.append(_("not counting %(days)s", days="; ".join(runs)))
    worked = calendar.make_up_days(start, end)
    if worked:
        parts.append(_("counting the make-up working day %(dates)s",
                       dates=", ".join(span_text(day, day) for day in worked)))
    return f" ({'; '.join(parts)})" if parts else ""


def _counted(basis):
    """"15 working days from 10/02/2026", "90 days from 05/01/2026, not counting …"."""
    start = format_date(basis.start)
    if basis.unit == WORKING_DAYS:
        return ngettext("%(num)d working day from %(start)s",
                        "%(num)d working days from %(start)s", basis.count, start=start)
    text = ngettext("%(num)d day from %(start)s", "%(num)d days from %(start)s",
                    basis.count, start=start)
    if basis.not_counted:
        text += ", " + ngettext("not counting %(num)d day deferred",
                                "not counting %(num)d days deferred", basis.not_counted)
    return text


def _moved(calendar, basis, deadline):
    """"…: the last day, 14/02/2026, is a day off (Lunar New Year): until the end of …"."""
    last = _period_end(basis)
    return _("%(date)s is a day off (%(reason)s): until the end of %(end)s, the next working "
             "day", date=format_date(last), reason=reason_off(calendar, last),
             end=format_date(deadline))


def explain(calendar, basis, deadline):
    """How deadline was counted, in the user's language; "" when it has no basis."""
    if basis is None or deadline is None:
        return ""
    moved = basis.unit != WORKING_DAYS and _period_end(basis) != deadline \
        and not calendar.is_working_day(_period_end(basis))
    if basis.unit == DATE:
        text = _moved(calendar, basis, deadline) if moved else _("Set date")
    else:
        ending = _moved(calendar, basis, deadline) if moved else \
            _("until the end of %(end)s", end=format_date(deadline))
        text = f"{_counted(basis)}: {ending}"
        if basis.unit == WORKING_DAYS:
            text += _skipped_note(calendar, basis.start, deadline)
    counted_today = end_of(calendar, basis)
    if counted_today != deadline:
        text += " " + _("(The working calendar has changed since: counted today, it would "
                        "end on %(date)s.)", date=format_date(counted_today))
    return text


def move_notice(calendar, basis, deadline):
    """What to tell a user whose date, or last day of a period, fell on a day off; or None."""
    last = _period_end(basis)
    if basis.unit == WORKING_DAYS or last == deadline or calendar.is_working_day(last):
        return None
    return _("%(date)s is a day off (%(reason)s): the deadline runs to the end of the next "
             "working day, %(end)s (Civil Code, article 148).", date=format_date(last),
             reason=reason_off(calendar, last), end=format_date(deadline))


# --- days overdue ------------------------------------------------------------------------


def overdue_text(days, working_days):
    """"12 days overdue (8 working days)"."""
    return _("%(days)s (%(working)s)",
             days=ngettext("%(num)d day overdue", "%(num)d days overdue", days),
             working=ngettext("%(num)d working day", "%(num)d working days", working_days))


def overdue(calendar, deadline, today):
    """(calendar days, working days) that deadline is past on today; (0, 0) when not past."""
    if deadline is None or deadline >= today:
        return 0, 0
    return (today - deadline).days, calendar.working_days_between(deadline, today)

