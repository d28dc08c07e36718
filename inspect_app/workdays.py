"""Working days: the `holidays` package's Vietnamese calendar plus the admin's table.

A day is worked unless it is a Saturday or a Sunday, a public holiday of the Labour Code
(art. 112) as the package computes it (on its own Vietnamese lunar calendar, with the
days in lieu and the government's swaps it knows), or an extra day off in the table
(models.WorkCalendarDay). A make-up working day, in the table or the package, is worked
whatever else holds: it is the Saturday worked in exchange for a swapped day off.
"""
import bisect
import datetime as dt
import functools

import holidays

from . import deadlines
from .cache import cached
from .i18n import lazy_gettext as _l
from .models import WorkCalendarDay

DAY = dt.timedelta(days=1)
SATURDAY, SUNDAY = 5, 6
DAY_OFF, WORKING_DAY = "day_off", "working_day"

# The package's holidays (by their English names) under the names the app shows.
HOLIDAY_LABELS = (
    ("New Year's Day", _l("New Year's Day")),
    ("Lunar New Year", _l("Lunar New Year")),
    ("Hung Kings", _l("Hùng Kings' Commemoration Day")),
    ("Reunification Day", _l("Reunification Day")),
    ("Labor Day", _l("International Labour Day")),
    ("National Day", _l("National Day")),
    ("Cultural Day", _l("Vietnam Culture Day")),
)
# The name of a day off that a notice swapped with a Saturday worked.
SWAP_LABEL = _l("swapped working day")
WEEKEND_LABELS = {SATURDAY: _l("Saturday"), SUNDAY: _l("Sunday")}


def _label(name):
    """The app's name for one of the package's holidays (its own name if unknown)."""
    first = name.split("; ")[0]
    if first.startswith("Day off (substituted"):
        return SWAP_LABEL
    return next((label for key, label in HOLIDAY_LABELS if key in first), first)


@functools.lru_cache(maxsize=64)
def package_year(year):
    """({day: label} of the package's days off, {make-up working days}) in year."""
    found = holidays.country_holidays("VN", years=year, language="en_US")
    days_off = {day: _label(name) for day, name in found.items()}
    worked = frozenset(day for day in found.weekend_workdays if day.year == year)
    return days_off, worked


def _ordinal_weekdays(day):
    """How many Mondays to Fridays there are from 1 January of year 1 to day, inclusive."""
    # date(1, 1, 1) is a Monday with ordinal 1: weeks of five weekdays, then the rest.
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


class WorkCalendar:
    """Which days are worked: weekends, the package's holidays and the table's changes."""

    def __init__(self, days_off=None, working_days=None):
        """days_off, working_days: {day: reason} of the table's rows."""
        self.table_off = dict(days_off or {})
        self.table_worked = dict(working_days or {})
        self._years = {}

    def __eq__(self, other):
        """Calendars with the same table rows count the same days (the rest is the package's)."""
        return (isinstance(other, WorkCalendar) and self.table_off == other.table_off
                and self.table_worked == other.table_worked)

    __hash__ = None

    def _year(self, year):
        """(sorted weekdays off, sorted weekend days worked) of year, computed once."""
        if year not in self._years:
            package_off, package_worked = package_year(year)
            first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
            days = (first + DAY * n for n in range((last - first).days + 1))
            weekdays_off, weekends_worked = [], []
            for day in days:
                weekend = day.weekday() in (SATURDAY, SUNDAY)
                if self._worked(day, package_off, package_worked):
                    if weekend:
                        weekends_worked.append(day)
                elif not weekend:
                    weekdays_off.append(day)
            self._years[year] = (weekdays_off, weekends_worked)
        return self._years[year]

    def _worked(self, day, package_off, package_worked):
        """Whether day is worked, given its year's package data."""
        if day in self.table_worked:
            return True
        if day in self.table_off:
            return False
        if day in package_worked:
            return True
        return day.weekday() not in (SATURDAY, SUNDAY) and day not in package_off

    def is_working_day(self, day):
        """Whether day is a working day."""
        return self._worked(day, *package_year(day.year))

    def reason_off(self, day):
        """Why day is not worked: the table's reason, the holiday, or the weekday; else None."""
        if self.is_working_day(day):
            return None
        if day in self.table_off:
            return self.table_off[day]
        package_off = package_year(day.year)[0]
        return package_off.get(day) or WEEKEND_LABELS[day.weekday()]

    def is_holiday(self, day):
        """Whether day is off for a reason other than being a Saturday or a Sunday."""
        return not self.is_working_day(day) and (
            day in self.table_off or day in package_year(day.year)[0])

    def is_swap(self, day):
        """Whether day is off by a notice's swap or an admin's row rather than a holiday."""
        return day in self.table_off or self.reason_off(day) is SWAP_LABEL

    def next_working_day(self, day):
        """day itself when worked, else the first working day after it."""
        while not self.is_working_day(day):
            day += DAY
        return day

    def working_day_after(self, start, count):
        """The count-th working day after start (start itself is not counted)."""
        day = start
        for _n in range(count):
            day = self.next_working_day(day + DAY)
        return day

    def working_day_before(self, start, count):
        """The count-th working day before start (start itself is not counted)."""
        day = start
        for _n in range(count):
            day -= DAY
            while not self.is_working_day(day):
                day -= DAY
        return day

    def _in_range(self, lists, first, last):
        """How many days of the per-year sorted lists lie in (first, last]."""
        total = 0
        for year in range(first.year, last.year + 1):
            days = lists(year)
            total += bisect.bisect_right(days, last) - bisect.bisect_right(days, first)
        return total

    def working_days_between(self, first, last):
        """How many working days lie after first, up to and including last (0 if none)."""
        if last <= first:
            return 0
        weekdays = _ordinal_weekdays(last) - _ordinal_weekdays(first)
        return (weekdays - self._in_range(lambda y: self._year(y)[0], first, last)
                + self._in_range(lambda y: self._year(y)[1], first, last))

    def make_up_days(self, first, last):
        """The Saturdays and Sundays worked after first, up to and including last."""
        return [day for year in range(first.year, last.year + 1)
                for day in self._year(year)[1] if first < day <= last]


def load():
    """The working calendar as the admin's table stands now (one query)."""
    rows = WorkCalendarDay.select(WorkCalendarDay.day, WorkCalendarDay.kind,
                                  WorkCalendarDay.reason)
    days_off, working_days = {}, {}
    for row in rows:
        (days_off if row.kind == DAY_OFF else working_days)[row.day] = row.reason
    return WorkCalendar(days_off, working_days)


def kept():
    """The working calendar, kept until the admin's table changes: each year's days are
    then worked out once per process, not on every page that counts days. Pages read
    this; services fixing a deadline load() it in their transaction."""
    return cached(("work calendar",), load, ("work_calendar_day",))


def overdue_counter(today):
    """deadline -> (calendar days, working days) it is past on today."""
    calendar = kept()
    return lambda deadline: deadlines.overdue(calendar, deadline, today)


def explain(basis, deadline):
    """How deadline was counted, on the calendar as it stands (a template global)."""
    return deadlines.explain(kept(), basis, deadline) if basis is not None else ""


def init_app(app):
    """Let templates explain a deadline and say how long something is overdue."""
    app.add_template_global(explain, "explain_deadline")
    app.add_template_global(deadlines.overdue_text, "overdue_text")
