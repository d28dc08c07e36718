"""The database proxy, its initialisation from DATABASE_URL, request hooks and transactions.

Connections are kept in a pool (peewee's playhouse.pool) and reused: a request, a job or
a thread takes one when it starts and gives it back when it ends, so only the first
request of a worker pays for connecting (and, on SQLite, for the pragmas). A connection
goes back into the pool outside any transaction: one a request left open is rolled back
first. A PostgreSQL connection leaving the pool is checked without a round trip while
the server has said nothing on it (CheckedPostgresqlPool), and prepares the queries
every request makes once for its life (execute_prepared).
"""
import itertools
import logging
import re
import select
import threading

from peewee import DatabaseProxy, SqliteDatabase
from playhouse.db_url import connect, parse
from playhouse.pool import PooledPostgresqlDatabase
from psycopg2 import extensions

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


def _pooled(url):
    """The URL of the same database with its connections pooled (sqlite+pool://...)."""
    scheme, rest = url.split("://", 1)
    return url if scheme.endswith("+pool") else f"{scheme}+pool://{rest}"


class CheckedPostgresqlPool(PooledPostgresqlDatabase):
    """PostgreSQL connections pooled, checked without a round trip when nothing is amiss."""

    def _is_closed(self, conn):
        """Whether a pooled connection is dead.

        playhouse asks the server (SELECT 1) at every check-out: a round trip per request.
        A server ending a backend (shutdown, pg_terminate_backend) first sends the client a
        message, so an idle connection with nothing to read is alive; one with something
        to read, or not idle, gets playhouse's full check.
        """
        if conn.closed or conn.get_transaction_status() != extensions.TRANSACTION_STATUS_IDLE:
            return super()._is_closed(conn)
        readable, _writable, _failed = select.select([conn], [], [], 0)
        return super()._is_closed(conn) if readable else False


class PreparingConnection(extensions.connection):
    """A psycopg2 connection that remembers which statements it has prepared on the server."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared = set()


def open_database(url):
    """Create the peewee database for a DATABASE_URL, its connections pooled.

    The pool has no limit of its own: it holds at most as many connections as there were
    threads using the database at once.
    """
    if url.startswith("sqlite"):
        # BEGIN IMMEDIATE takes the write lock up front, so concurrent writers wait
        # (busy_timeout) instead of failing with "database is locked" on lock upgrade.
        # A pooled connection serves one thread at a time, but not always the same one.
        return connect(_pooled(url), pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE",
                       max_connections=None, check_same_thread=False)
    return CheckedPostgresqlPool(**parse(url), autoconnect=True, max_connections=None,
                                 connection_factory=PreparingConnection)


def release():
    """Give this thread's connection back to the pool, outside any transaction."""
    if db.is_closed():
        return
    if db.in_transaction():
        # A block left open by mistake: forget it here, and the pool rolls the connection
        # back as it takes it (playhouse.pool checks every connection given back).
        log.error("a transaction was left open: rolled back")
        while db.in_transaction():
            db.pop_transaction()
        _open_blocks().clear()
    db.close()


def close_pool(app):
    """Close every connection the app's pool holds (before its database is dropped)."""
    app.extensions["database"].close_all()


def init_app(app):
    """Initialise the proxy from the app's DATABASE_URL; each request uses a pooled connection."""
    database = open_database(app.config["DATABASE_URL"])
    db.initialize(database)
    app.extensions["database"] = database

    @app.before_request
    def _connect():
        db.connect(reuse_if_open=True)

    @app.teardown_request
    def _release(exc):
        release()


def is_sqlite():
    """Whether the configured database is SQLite."""
    return isinstance(db.obj, SqliteDatabase)


def execute_prepared(name, sql, params):
    """The cursor of sql run with params; on PostgreSQL as a statement prepared once per connection.

    For a query run at every request: the server then neither parses nor plans it again
    (a third of the session query's time, measured). SQLite's driver keeps its own
    statements prepared. A prepared statement lives as long as its server session, and a
    pooled connection keeps its session for life.
    """
    if is_sqlite():
        return db.execute_sql(sql, params)
    connection = db.connection()
    if name not in connection.prepared:
        # Part of the connection's setup, like SQLite's pragmas: not logged as a query.
        with connection.cursor() as cursor:
            cursor.execute(f"PREPARE {name} AS {_numbered(sql)}")
        connection.prepared.add(name)
    if not params:
        return db.execute_sql(f"EXECUTE {name}")
    return db.execute_sql(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)


def _numbered(sql):
    """psycopg2's SQL with its %s placeholders numbered as PREPARE wants them ($1, $2...).

    The PREPARE is sent without parameters, which psycopg2 sends as it is: a doubled
    percent sign (a literal one in psycopg2's format) becomes one.
    """
    numbers = itertools.count(1)
    return re.sub(r"%%|%s", lambda match: "%" if match[0] == "%%" else f"${next(numbers)}", sql)


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
            _blocks.commits = commits() + 1
            _after_commit([on_commit for on_commit, _ in mine])
        return False


def commits():
    """How many transaction() blocks this thread has committed: a new count means new data."""
    return getattr(_blocks, "commits", 0)


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
