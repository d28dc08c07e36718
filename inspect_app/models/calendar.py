"""The working calendar's changes an admin records, and the users' calendar feeds."""
from peewee import CharField, DateField, DateTimeField, ForeignKeyField

from .. import clock
from .base import BaseModel
from .org import User

# An extra day off (a swapped working day) or a make-up working day (a Saturday worked).
CALENDAR_DAY_KINDS = ("day_off", "working_day")


class WorkCalendarDay(BaseModel):
    """A day the government's notices make a day off, or a working day, against the rule.

    The public holidays themselves come from the `holidays` package (inspect_app.workdays);
    this table holds only what the package does not know.
    """

    day = DateField(unique=True)
    kind = CharField(max_length=16)
    reason = CharField(max_length=300)
    notice = CharField(max_length=300, default="")

    def __str__(self):
        return self.reason


class CalendarFeed(BaseModel):
    """A user's private calendar feed: its address carries a random token, stored hashed."""

    user = ForeignKeyField(User, unique=True, on_delete="CASCADE", backref="calendar_feeds")
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=clock.now)
