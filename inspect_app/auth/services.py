"""Accounts: signing in, passwords, and the admin's user management."""
import datetime as dt
import secrets

from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit, clock
from ..db import transaction
from ..errors import WorkflowError
from ..i18n import lazy_gettext as _l
from ..models import LOCALES, ROLES, User
from . import sessions, throttle

MIN_PASSWORD_LENGTH = 8
USER_FIELDS = ("username", "full_name", "email", "role", "unit", "active", "locale")
# Compared against when the username is unknown, so both paths cost one scrypt check.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def normalise_username(username):
    """Usernames are compared trimmed and in lower case."""
    return (username or "").strip().lower()


def check_password_strength(password):
    """Refuse a password shorter than the minimum."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise WorkflowError(_l("The password must have at least %(n)d characters.",
                               n=MIN_PASSWORD_LENGTH), field="new_password")


def _invalid_credentials():
    """The one message for a wrong username or password."""
    return WorkflowError(_l("Wrong username or password."))


def _throttled_error(until):
    """The message for a throttled sign-in, with the local time (rounded up) to try again."""
    local = clock.to_local(until)
    if local.second or local.microsecond:
        local = local.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    return WorkflowError(_l("Too many failed sign-ins. Please try again after %(time)s.",
                            time=local.strftime("%H:%M")))


def _matching_user(username, password):
    """The active user with these credentials, or None; one scrypt check either way."""
    user = User.get_or_none(User.username == username)
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if user.check_password(password) else None


def authenticate(username, password, remote_addr):
    """The active user with these credentials, or a WorkflowError saying why not.

    Unknown, deactivated and existing usernames get the same answers, counts and waits
    (auth.throttle); a throttled attempt is refused before any password is checked.
    """
    moment = clock.now()
    username, remote_addr = normalise_username(username), (remote_addr or "")[:64]
    until = throttle.blocked_until(username, remote_addr, moment)
    if until is not None:
        raise _throttled_error(until)
    user = _matching_user(username, password or "")
    if user is None:
        until = throttle.record_failure(username, remote_addr, moment)
        raise _invalid_credentials() if until is None else _throttled_error(until)
    with transaction():
        user.last_login_at = moment
        user.save(only=[User.last_login_at])
        throttle.clear_pair(username, remote_addr)
        throttle.remove_stale(moment)
    return user


def change_password(user, current_password, new_password):
    """Set a new password after checking the current one; every session of user ends.

    The route then opens a new session for the browser that made the change.
    """
    if not user.check_password(current_password or ""):
        raise WorkflowError(_l("The current password is not correct."),
                            field="current_password")
    check_password_strength(new_password)
    if user.check_password(new_password):
        raise WorkflowError(_l("The new password must differ from the current one."),
                            field="new_password")
    with transaction():
        user.set_password(new_password)
        user.must_change_password = False
        user.save()
        sessions.end_all(user)
        audit.record(user, "change_password", user, {"password": "changed"})
    return user


def _check_role_and_unit(role, unit):
    """A role must be known, and a unit head must have a unit."""
    if role not in ROLES:
        raise WorkflowError(_l("Unknown role."), field="role")
    if role == "unit_head" and unit is None:
        raise WorkflowError(_l("A unit head must belong to a unit."), field="unit")


def _check_username_free(username, user_id=None):
    """Refuse a username another account already has."""
    query = User.select().where(User.username == username)
    if user_id is not None:
        query = query.where(User.id != user_id)
    if query.exists():
        raise WorkflowError(_l("This username is already taken."), field="username")


def create_user(actor, username, full_name, role, password, unit=None, email="",
                locale="vi", must_change_password=False):
    """Create an account; the password is hashed, never stored."""
    username = normalise_username(username)
    if not username:
        raise WorkflowError(_l("This field is required."), field="username")
    _check_role_and_unit(role, unit)
    _check_username_free(username)
    check_password_strength(password)
    with transaction():
        user = User(username=username, full_name=full_name.strip(), role=role,
                    unit=unit if role == "unit_head" else None, email=(email or "").strip(),
                    locale=locale if locale in LOCALES else "vi",
                    must_change_password=must_change_password)
        user.set_password(password)
        audit.Tracked(user, USER_FIELDS).save(actor)
    return user


def update_user(actor, user, full_name, role, unit, email, locale):
    """Change an account's name, role, unit, email and language."""
    _check_role_and_unit(role, unit)
    tracked = audit.Tracked(user, USER_FIELDS)
    with transaction():
        user.full_name = full_name.strip()
        user.role = role
        user.unit = unit if role == "unit_head" else None
        user.email = (email or "").strip()
        user.locale = locale if locale in LOCALES else user.locale
        tracked.save(actor)
    return user


def set_user_active(actor, user, active):
    """Deactivate (ending every session) or reactivate an account."""
    if actor is not None and actor.id == user.id and not active:
        raise WorkflowError(_l("You cannot deactivate your own account."))
    if user.active == active:
        return user
    with transaction():
        user.active = active
        user.save()
        sessions.end_all(user)
        audit.record(actor, "activate" if active else "deactivate", user,
                     {"active": [not active, active]})
    return user


def update_own_account(user, email, locale):
    """A user sets their own notification email and language."""
    tracked = audit.Tracked(user, ("email", "locale"))
    with transaction():
        user.email = (email or "").strip()
        user.locale = locale if locale in LOCALES else user.locale
        tracked.save(user)
    return user


def reset_password(actor, user):
    """Give the account a random one-time password, to be changed at the next sign-in."""
    one_time = generate_one_time_password()
    with transaction():
        user.set_password(one_time)
        user.must_change_password = True
        user.save()
        sessions.end_all(user)
        throttle.clear_username(user.username)
        audit.record(actor, "reset_password", user, {"password": "reset"})
    return one_time


def generate_one_time_password():
    """A random password for a new or reset account, shown to the admin once."""
    return secrets.token_urlsafe(9)
