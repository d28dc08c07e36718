"""The only place that reads the time: now() in UTC, today() in APP_TIMEZONE."""
import datetime as dt
from zoneinfo import ZoneInfo

_zone = ZoneInfo("Asia/Ho_Chi_Minh")


def configure(timezone_name):
    """Set the local time zone used for dates (APP_TIMEZONE)."""
    global _zone
    _zone = ZoneInfo(timezone_name)


def zone():
    """The configured local time zone."""
    return _zone


def now():
    """The current moment as a naive UTC datetime, the form stored in the database."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def local_now():
    """The current moment in the local time zone."""
    return dt.datetime.now(_zone)


def today():
    """Today's date in the local time zone: deadlines are counted in it."""
    return local_now().date()


def to_local(moment):
    """Convert a stored naive UTC datetime to an aware local one."""
    return moment.replace(tzinfo=dt.timezone.utc).astimezone(_zone)


def start_of_day_utc(day):
    """The stored (naive UTC) moment at which the local date day begins."""
    local = dt.datetime.combine(day, dt.time(), tzinfo=_zone)
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)
