"""Documents built on request: who is building one right now."""
from peewee import CharField, DateTimeField, ForeignKeyField

from .. import clock
from .base import BaseModel
from .org import User


class DocumentBuild(BaseModel):
    """A user's document build in progress: one row per user at most, across all workers.

    A worker that dies mid-build leaves its row behind; past expires_at it no longer
    counts, so the user is never blocked for long.
    """

    user = ForeignKeyField(User, unique=True, on_delete="CASCADE")
    token = CharField(max_length=32)
    kind = CharField(max_length=32)
    started_at = DateTimeField(default=clock.now)
    expires_at = DateTimeField()
