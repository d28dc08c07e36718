"""The only place that reads the time: now() in UTC, today() in APP_TIMEZONE."""
import datetime as dt
from contextlib import contextmanager
from zoneinfo import ZoneInfo

_zone = ZoneInfo("Asia/Ho_Chi_Minh")
# The moment the clock reads while held (naive UTC), or None for the real time.
_held = None


def configure(timezone_name):
    """Set the local time zone used for dates (APP_TIMEZONE)."""
    global _zone
    _zone = ZoneInfo(timezone_name)


def zone():
    """The configured local time zone."""
    return _zone


@contextmanager
def held_at(moment):
    """Read the clock as moment (a naive UTC datetime) inside the block, in this process.

    The demo loader holds it to write its history through the services as they would
    have written it on the day; it is one value for the whole process, so never in a request.
    """
    global _held
    previous, _held = _held, moment
    try:
        yield
    finally:
        _held = previous


def now():
    """The current moment as a naive UTC datetime, the form stored in the database."""
    if _held is not None:
        return _held
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def local_now():
    """The current moment in the local time zone."""
    if _held is not None:
        return to_local(_held)
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
