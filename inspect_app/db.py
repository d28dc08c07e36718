"""The database proxy, its initialisation from DATABASE_URL, request hooks and transactions."""
from peewee import DatabaseProxy, SqliteDatabase
from playhouse.db_url import connect

db = DatabaseProxy()

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
    return db.atomic()
