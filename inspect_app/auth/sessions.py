"""Server-side sessions: the signed cookie carries a random token naming a session row.

A session is live while its row exists, it has been used within the idle limit and it
began within the absolute limit (SESSION_IDLE_MINUTES, SESSION_MAX_HOURS; OWASP ASVS
V7). Signing out deletes the row, so a copy of the cookie stops working with it.
"""
import datetime as dt
import functools
import hashlib
import secrets

from flask import current_app
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager

from .. import clock
from ..db import db, execute_prepared, transaction
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


def _past_limits(idle_since, started_before):
    """The condition of sessions last used by idle_since or begun by started_before."""
    return (UserSession.last_seen_at <= idle_since) | (UserSession.created_at <= started_before)


def _expired(moment):
    """The condition of sessions past their idle or absolute limit at moment."""
    return _past_limits(*_oldest_live(moment))


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


@functools.cache
def _live_session_sql(database_kind):
    """The SQL of the live-session query for a kind of database, and the user's fields.

    Built once: making a query's SQL costs more than SQLite takes to answer it, and this
    query runs on every request. Its parameters: the token's digest, the oldest last use
    and the oldest start still live, and true (the user is active).
    """
    fields = User._meta.sorted_fields
    sql, _params = (UserSession
                    .select(UserSession.id, UserSession.last_seen_at, *fields)
                    .join(User)
                    .where(UserSession.token_hash == "",
                           ~_past_limits(dt.datetime.min, dt.datetime.min),
                           User.active == True)  # noqa: E712 (an SQL comparison)
                    .sql())
    return sql, fields


def user_of(token):
    """The active user of a live session with this token, or None; one query as a rule."""
    moment = clock.now()
    idle_since, started_before = _oldest_live(moment)
    sql, fields = _live_session_sql(type(db.obj))
    params = (_digest(token), UserSession.last_seen_at.db_value(idle_since),
              UserSession.created_at.db_value(started_before), User.active.db_value(True))
    row = execute_prepared("live_session", sql, params).fetchone()
    if row is None:
        return None
    session_id, last_seen_at, *values = row
    if UserSession.last_seen_at.python_value(last_seen_at) < moment - TOUCH_INTERVAL:
        (UserSession
         .update(last_seen_at=moment)
         .where(UserSession.id == session_id)
         .execute())
    user = User(__no_default__=True, **{field.name: field.python_value(value)
                                         for field, value in zip(fields, values)})
    # As peewee does for the rows it reads: nothing of a user just read is unsaved.
    user._dirty.clear()
    user.session_token = token
    return user


def end(token):
    """End the session with this token (signing out)."""
    UserSession.delete().where(UserSession.token_hash == _digest(token)).execute()


def end_all(user):
    """End every session of user: a password change, a reset or a deactivation."""
    UserSession.delete().where(UserSession.user == user).execute()


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed cookie, its serializer made once per set of keys.

    Flask makes a new one for every request and itsdangerous probes each new one with a
    trial dump: a tenth of a small page's time.
    """

    def __init__(self):
        self._serializers = {}

    def get_signing_serializer(self, app):
        """The serializer of the app's secret key (and fallbacks), made on first use."""
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer


login_manager = LoginManager()
# The signed cookie carries the token of a server-side session, not the user's id.
login_manager.id_attribute = "get_session_token"


@login_manager.user_loader
def load_user(token):
    """The user of a live session, or None when it ended, expired or the user left."""
    return user_of(token)
