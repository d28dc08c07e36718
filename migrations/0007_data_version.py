"""The data version: one counter row raised by triggers on every change to the tracked tables.

Cached figures are stored with the version they were computed at and recomputed as soon
as it differs, so a cache never shows numbers older than the data. Triggers rather than
application code raise it because bulk updates, imports and hand-made SQL fixes change
the data too. The table list is written out here as it was at this migration.
"""
from peewee import BigIntegerField, IntegerField, Model, SqliteDatabase

TRACKED_TABLES = ("setting", "unit_kind", "unit", "plan", "inspection", "inspection_member",
                  "category", "finding", "response", "extension_request",
                  "discipline_measure", "discipline_case", "discipline_case_finding")
RAISE_VERSION = "UPDATE data_version SET version = version + 1 WHERE id = 1"

POSTGRES_FUNCTION = f"""
CREATE FUNCTION raise_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {RAISE_VERSION};
    RETURN NULL;
END $$"""


def _sqlite_triggers(database, table):
    """Row triggers (SQLite has no statement triggers) after each kind of change."""
    for event in ("insert", "update", "delete"):
        database.execute_sql(f"CREATE TRIGGER {table}_{event}_data_version AFTER {event.upper()} "
                             f"ON {table} BEGIN {RAISE_VERSION}; END")


def _postgres_trigger(database, table):
    """One statement trigger taken before the statement's own row locks.

    Taking the counter row's lock first means that two transactions never hold a tracked
    row each while waiting for the counter, which could deadlock.
    """
    database.execute_sql(f"CREATE TRIGGER {table}_data_version BEFORE INSERT OR UPDATE OR "
                         f"DELETE OR TRUNCATE ON {table} FOR EACH STATEMENT "
                         f"EXECUTE FUNCTION raise_data_version()")


def upgrade(database, migrator):
    """Create the counter row and the triggers raising it."""

    class DataVersion(Model):
        id = IntegerField(primary_key=True)
        version = BigIntegerField(default=0)

        class Meta:
            table_name = "data_version"

    DataVersion._meta.set_database(database)
    database.create_tables([DataVersion])
    DataVersion.create(id=1, version=0)
    if isinstance(database, SqliteDatabase):
        for table in TRACKED_TABLES:
            _sqlite_triggers(database, table)
        return
    database.execute_sql(POSTGRES_FUNCTION)
    for table in TRACKED_TABLES:
        _postgres_trigger(database, table)
