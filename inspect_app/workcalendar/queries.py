"""Reading the working calendar: the admin's rows and the days off of a year."""
import datetime as dt

from .. import workdays
from ..models import WorkCalendarDay

FIRST_YEAR, LAST_YEAR = 1900, 2999


def rows_of(year):
    """The admin's rows of year, by date."""
    return list(WorkCalendarDay
                .select()
                .where(WorkCalendarDay.day.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
                .order_by(WorkCalendarDay.day))


def year_overview(year):
    """[{day, working, reason, from_table}] of the year's weekdays off and weekend days worked."""
    calendar = workdays.kept()
    day, last, found = dt.date(year, 1, 1), dt.date(year, 12, 31), []
    while day <= last:
        weekend = day.weekday() in (workdays.SATURDAY, workdays.SUNDAY)
        working = calendar.is_working_day(day)
        if working == weekend:
            table = calendar.table_worked if working else calendar.table_off
            found.append({"day": day, "working": working, "from_table": day in table,
                          "reason": table.get(day) or calendar.reason_off(day) or ""})
        day += dt.timedelta(days=1)
    return found
