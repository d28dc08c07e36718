"""Failed sign-ins slow down a (username, address) pair and an address, never an account.

An attacker elsewhere only makes their own pair and address wait, so the account's
owner still signs in from their own machine. A username is counted as typed, whether
or not such an account exists, so neither the answers nor the records tell who has an
account. The counters live in the database: every worker sees them, and concurrent
failures all count (one atomic insert-or-increment each).
"""
import datetime as dt

from .. import audit
from ..db import transaction
from ..models import LoginThrottle

PAIR, ADDRESS = "pair", "address"
# Failures allowed before a wait: per pair, and per address across usernames (password
# spraying); the address limit is higher because an office's browsers may share one.
FREE_FAILURES = {PAIR: 5, ADDRESS: 30}
FIRST_WAIT = dt.timedelta(seconds=30)
MAX_WAIT = dt.timedelta(minutes=15)
# Failures count within a window of this length from the first one, then start again.
WINDOW = dt.timedelta(hours=1)


def wait_after(failures, free):
    """The wait after failures in one window: none below free, then doubling, capped."""
    if failures < free:
        return None
    return min(FIRST_WAIT * 2 ** min(failures - free, 10), MAX_WAIT)


def _key(scope, username, remote_addr):
    """The condition naming one counter."""
    return ((LoginThrottle.scope == scope)
            & (LoginThrottle.username == username)
            & (LoginThrottle.remote_addr == remote_addr))


def blocked_until(username, remote_addr, moment):
    """The moment the pair or the address may try again, or None if it may now."""
    row = (LoginThrottle
           .select(LoginThrottle.blocked_until)
           .where(_key(PAIR, username, remote_addr) | _key(ADDRESS, "", remote_addr),
                  LoginThrottle.blocked_until > moment)
           .order_by(LoginThrottle.blocked_until.desc())
           .first())
    return row.blocked_until if row else None


def _count_failure(scope, username, remote_addr, moment):
    """Count one failure on a counter; the end of the wait it imposes, or None."""
    key = _key(scope, username, remote_addr)
    # A window that is over starts again: its counter goes before this failure is counted.
    (LoginThrottle
     .delete()
     .where(key, LoginThrottle.window_started_at <= moment - WINDOW)
     .execute())
    (LoginThrottle
     .insert(scope=scope, username=username, remote_addr=remote_addr, failures=1,
             window_started_at=moment)
     .on_conflict(conflict_target=[LoginThrottle.scope, LoginThrottle.username,
                                   LoginThrottle.remote_addr],
                  update={LoginThrottle.failures: LoginThrottle.failures + 1})
     .execute())
    counter = LoginThrottle.get(key)
    wait = wait_after(counter.failures, FREE_FAILURES[scope])
    if wait is None:
        return None
    counter.blocked_until = moment + wait
    counter.save(only=[LoginThrottle.blocked_until])
    audit.record_event(None, "throttle", LoginThrottle._meta.table_name, changes={
        "scope": scope, "username": username, "address": remote_addr,
        "failures": counter.failures, "blocked_until": counter.blocked_until.isoformat()})
    return counter.blocked_until


def record_failure(username, remote_addr, moment):
    """Count a failed sign-in for its pair and its address; when the wait ends, or None."""
    with transaction():
        ends = [_count_failure(PAIR, username, remote_addr, moment),
                _count_failure(ADDRESS, "", remote_addr, moment)]
    return max((end for end in ends if end is not None), default=None)


def clear_pair(username, remote_addr):
    """Forget the pair's failures (a successful sign-in)."""
    LoginThrottle.delete().where(_key(PAIR, username, remote_addr)).execute()


def clear_username(username):
    """Forget every pair of username (an admin's password reset)."""
    (LoginThrottle
     .delete()
     .where(LoginThrottle.scope == PAIR, LoginThrottle.username == username)
     .execute())


def remove_stale(moment):
    """Delete counters whose window and wait are both over."""
    (LoginThrottle
     .delete()
     .where(LoginThrottle.window_started_at <= moment - WINDOW,
            LoginThrottle.blocked_until.is_null() | (LoginThrottle.blocked_until <= moment))
     .execute())
