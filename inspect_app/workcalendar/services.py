"""Changes to the working calendar: each checked, written with its audit event.

Deadlines already fixed keep their date when the calendar changes (they were notified);
only the deadlines counted from now on, and the days overdue, follow the new calendar.
"""
from peewee import IntegrityError

from .. import audit, workdays
from ..db import transaction
from ..errors import WorkflowError
from ..i18n import lazy_gettext as _l
from ..models import CALENDAR_DAY_KINDS, WorkCalendarDay
from ..policy import can

DAY_FIELDS = ("day", "kind", "reason", "notice")


def _require_admin(actor):
    """Refuse unless actor manages the working calendar."""
    if not can(actor, "work_calendar.manage"):
        raise WorkflowError(_l("Only administrators change the working calendar."))


def _check(row, day, kind, reason):
    """Refuse a missing or taken date, an unknown kind, a change that changes nothing."""
    if day is None:
        raise WorkflowError(_l("This field is required."), field="day")
    if kind not in CALENDAR_DAY_KINDS:
        raise WorkflowError(_l("Not a valid choice."), field="kind")
    if not reason:
        raise WorkflowError(_l("Give the reason, as the notice words it."), field="reason")
    taken = WorkCalendarDay.select().where(WorkCalendarDay.day == day)
    if row.id is not None:
        taken = taken.where(WorkCalendarDay.id != row.id)
    if taken.exists():
        raise WorkflowError(_l("This date is already in the calendar: change that row "
                               "instead."), field="day")
    # Against the weekends and the holidays alone: what the row would change.
    worked = workdays.WorkCalendar().is_working_day(day)
    if kind == "day_off" and not worked:
        raise WorkflowError(_l("This date is already a day off (%(reason)s).",
                               reason=workdays.WorkCalendar().reason_off(day)), field="day")
    if kind == "working_day" and worked:
        raise WorkflowError(_l("This date is already a working day."), field="day")


def save_day(actor, row, day, kind, reason, notice=""):
    """Create (row.id is None) or change a day of the working calendar."""
    _require_admin(actor)
    reason, notice = (reason or "").strip(), (notice or "").strip()
    _check(row, day, kind, reason)
    tracked = audit.Tracked(row, DAY_FIELDS)
    row.day, row.kind, row.reason, row.notice = day, kind, reason, notice
    try:
        with transaction():
            tracked.save(actor)
    except IntegrityError as error:
        # Another admin saved the same date meanwhile (the column is unique).
        raise WorkflowError(_l("This date is already in the calendar: change that row "
                               "instead."), field="day") from error
    return row


def delete_day(actor, row):
    """Take a day out of the working calendar."""
    _require_admin(actor)
    with transaction():
        deleted = WorkCalendarDay.delete().where(WorkCalendarDay.id == row.id).execute()
        if deleted:
            audit.record(actor, "delete", row, audit.snapshot(row, DAY_FIELDS))
