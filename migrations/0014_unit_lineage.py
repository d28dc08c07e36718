"""Units over time: the days each unit existed, and the reorganisations that ended units.

Since 1 July 2025 communes have been merged and split (Resolution 202/2025/QH15): a
reorganisation names the units that ended on its date and those that took over from
them, so that a unit's history can be followed back to the units it replaced. Both new
tables raise the data version like those of 0007_data_version.py: every unit's history,
and so the figures kept between requests, follow them.
"""
from peewee import (
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    Model,
    SqliteDatabase,
    TextField,
)
from playhouse.migrate import migrate

RAISE_VERSION = "UPDATE data_version SET version = version + 1 WHERE id = 1"


def _tables(database):
    """The tables this migration creates, as they were here."""

    class Base(Model):
        class Meta:
            legacy_table_names = False

    Base._meta.set_database(database)

    class Unit(Base):
        pass

    class User(Base):
        class Meta:
            table_name = "users"

    class Reorganisation(Base):
        kind = CharField(max_length=16)
        on_date = DateField(index=True)
        note = TextField(default="")
        recorded_by = ForeignKeyField(User, null=True)
        recorded_at = DateTimeField()

    class UnitSuccession(Base):
        reorganisation = ForeignKeyField(Reorganisation)
        predecessor = ForeignKeyField(Unit)
        successor = ForeignKeyField(Unit)

        class Meta:
            indexes = ((("predecessor", "successor"), True),)

    return Reorganisation, UnitSuccession


def _track(database, table):
    """Raise the data version on every change to table (as migration 0007)."""
    if isinstance(database, SqliteDatabase):
        for event in ("insert", "update", "delete"):
            database.execute_sql(f"CREATE TRIGGER {table}_{event}_data_version AFTER "
                                 f"{event.upper()} ON {table} BEGIN {RAISE_VERSION}; END")
        return
    database.execute_sql(f"CREATE TRIGGER {table}_data_version BEFORE INSERT OR UPDATE OR "
                         f"DELETE OR TRUNCATE ON {table} FOR EACH STATEMENT "
                         f"EXECUTE FUNCTION raise_data_version()")


def upgrade(database, migrator):
    """Add the units' validity dates, create the reorganisation tables and track them."""
    migrate(migrator.add_column("unit", "valid_from", DateField(null=True)),
            migrator.add_column("unit", "valid_to", DateField(null=True)))
    tables = _tables(database)
    database.create_tables(tables)
    for model in tables:
        _track(database, model._meta.table_name)
