"""Signing in: server-side session records and the counters that throttle failed sign-ins."""
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from .. import clock
from .base import BaseModel
from .org import User


class UserSession(BaseModel):
    """A signed-in browser; its cookie carries a random token, stored here only hashed.

    The session is live while the record exists and neither the idle nor the absolute
    limit has passed; signing out deletes the record, and a password change, a reset or
    a deactivation deletes all the account's records.
    """

    token_hash = CharField(max_length=64, unique=True)
    user = ForeignKeyField(User, backref="sessions")
    created_at = DateTimeField(default=clock.now)
    last_seen_at = DateTimeField(default=clock.now)
    remote_addr = CharField(max_length=64, default="")
    user_agent = CharField(max_length=255, default="")


class LoginThrottle(BaseModel):
    """Failed sign-ins of one (username, address) pair or of one address, in one window.

    The username is counted as typed (normalised), whether or not such an account
    exists, so unknown and existing usernames are throttled alike.
    """

    scope = CharField(max_length=8)  # "pair" or "address" (auth.throttle)
    username = CharField(max_length=255, default="")  # empty for the address scope
    remote_addr = CharField(max_length=64)
    failures = IntegerField(default=0)
    window_started_at = DateTimeField(default=clock.now)
    blocked_until = DateTimeField(null=True)

    class Meta:
        indexes = ((("scope", "username", "remote_addr"), True),)
