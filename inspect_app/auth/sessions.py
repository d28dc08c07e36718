"""Server-side sessions: the signed cookie carries a random token naming a session row.

A session is live while its row exists, it has been used within the idle limit and it
began within the absolute limit (SESSION_IDLE_MINUTES, SESSION_MAX_HOURS; OWASP ASVS
V7). Signing out deletes the row, so a copy of the cookie stops working with it.
"""
import datetime as dt
import hashlib
import secrets

from flask import current_app
from flask_login import LoginManager

from .. import clock
from ..db import transaction
from ..models import User, UserSession
from ..text import clean_text

# last_seen_at is written at most this often, so most requests only read the session.
TOUCH_INTERVAL = dt.timedelta(minutes=1)


def _digest(token):
    """The stored form of a token: a leaked table gives no usable cookie."""
    return hashlib.sha256(token.encode()).hexdigest()


def _oldest_live(moment):
    """(last use, start) before which a session has passed its idle or absolute limit."""
    config = current_app.config
    return (moment - dt.timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
            moment - dt.timedelta(hours=config["SESSION_MAX_HOURS"]))


def _expired(moment):
    """The condition of sessions past their idle or absolute limit at moment."""
    idle_since, started_before = _oldest_live(moment)
    return (UserSession.last_seen_at <= idle_since) | (UserSession.created_at <= started_before)


def start(user, remote_addr, user_agent):
    """Open a new session of user (removing everyone's expired ones); return its token."""
    token = secrets.token_urlsafe(32)
    moment = clock.now()
    with transaction():
        UserSession.delete().where(_expired(moment)).execute()
        UserSession.create(token_hash=_digest(token), user=user, created_at=moment,
                           last_seen_at=moment, remote_addr=(remote_addr or "")[:64],
                           user_agent=clean_text(user_agent or "")[:255])
    user.session_token = token
    return token


def user_of(token):
    """The active user of a live session with this token, or None; one query as a rule."""
    moment = clock.now()
    # Only the columns used: building the query's SQL is a good part of a request's cost.
    record = (UserSession
              .select(UserSession.id, UserSession.last_seen_at, User)
              .join(User)
              .where(UserSession.token_hash == _digest(token),
                     ~_expired(moment),
                     User.active)
              .first())
    if record is None:
        return None
    if record.last_seen_at < moment - TOUCH_INTERVAL:
        (UserSession
         .update(last_seen_at=moment)
         .where(UserSession.id == record.id)
         .execute())
    user = record.user
    user.session_token = token
    return user


def end(token):
    """End the session with this token (signing out)."""
    UserSession.delete().where(UserSession.token_hash == _digest(token)).execute()


def end_all(user):
    """End every session of user: a password change, a reset or a deactivation."""
    UserSession.delete().where(UserSession.user == user).execute()


login_manager = LoginManager()
# The signed cookie carries the token of a server-side session, not the user's id.
login_manager.id_attribute = "get_session_token"


@login_manager.user_loader
def load_user(token):
    """The user of a live session, or None when it ended, expired or the user left."""
    return user_of(token)
