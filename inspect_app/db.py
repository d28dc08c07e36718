"""The database proxy, its initialisation from DATABASE_URL, request hooks and transactions."""
import logging
import threading

from peewee import DatabaseProxy, SqliteDatabase
from playhouse.db_url import connect

db = DatabaseProxy()
log = logging.getLogger("inspect_app.db")
# Per thread (peewee's connections are per thread): one list of (on_commit, on_rollback)
# pairs for each open transaction() block, the outermost first.
_blocks = threading.local()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
}


def open_database(url):
    """Create the peewee database for a DATABASE_URL."""
    if url.startswith("sqlite"):
        # BEGIN IMMEDIATE takes the write lock up front, so concurrent writers wait
        # (busy_timeout) instead of failing with "database is locked" on lock upgrade.
        return connect(url, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE")
    return connect(url, autoconnect=True)


def init_app(app):
    """Initialise the proxy from the app's DATABASE_URL and open a connection per request."""
    database = open_database(app.config["DATABASE_URL"])
    db.initialize(database)
    app.extensions["database"] = database

    @app.before_request
    def _connect():
        db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not db.is_closed():
            db.close()


def is_sqlite():
    """Whether the configured database is SQLite."""
    return isinstance(db.obj, SqliteDatabase)


def transaction():
    """A write transaction: services wrap every multi-step change in it."""
    return _Transaction()


def _open_blocks():
    """This thread's callbacks of the open transaction() blocks, outermost first."""
    if not hasattr(_blocks, "stack"):
        _blocks.stack = []
    return _blocks.stack


def _run_all(callbacks):
    """Call each callback; a failure is logged and does not stop the others."""
    for callback in callbacks:
        if callback is None:
            continue
        try:
            callback()
        except Exception:
            # The transaction's outcome is final by now: report, do not undo it.
            log.exception("transaction callback %r failed", callback)


class _Transaction:
    """db.atomic() that runs on_commit callbacks once the outermost block has committed."""

    def __enter__(self):
        self._atomic = db.atomic()
        entered = self._atomic.__enter__()
        _open_blocks().append([])
        return entered

    def __exit__(self, exc_type, exc, traceback):
        stack = _open_blocks()
        mine = stack.pop()
        try:
            self._atomic.__exit__(exc_type, exc, traceback)
        except BaseException:
            _run_all(on_rollback for _, on_rollback in mine)
            raise
        if exc_type is not None:
            _run_all(on_rollback for _, on_rollback in mine)
        elif stack:
            # A released savepoint: its work now commits or rolls back with the outer block.
            stack[-1].extend(mine)
        else:
            _after_commit([on_commit for on_commit, _ in mine])
        return False


def _after_commit(callbacks):
    """Run callbacks now, or when a transaction opened without transaction() commits."""
    if db.in_transaction():
        db.after_commit(lambda: _run_all(callbacks))
    else:
        _run_all(callbacks)


def on_commit(callback, on_rollback=None):
    """Call callback once the current transaction commits, or at once outside one.

    When a transaction() block rolls back instead (this one or an enclosing one),
    on_rollback is called if given, and callback never is. (A transaction opened with
    db.atomic() only drops the callback.)
    """
    stack = _open_blocks()
    if stack:
        stack[-1].append((callback, on_rollback))
    else:
        _after_commit([callback])
