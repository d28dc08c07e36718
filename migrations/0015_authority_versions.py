"""The authority over time: its names, place name and signature block from a date on.

Every document takes the version in force on its own date. The names the settings held
become the version without a date (in force from the beginning), signed by the inspection
team as every conclusion was so far, and leave the settings. The table raises the data
version like those of 0007_data_version.py: kept documents print it.
"""
from peewee import (
    CharField,
    DateField,
    Model,
    SqliteDatabase,
    TextField,
)

RAISE_VERSION = "UPDATE data_version SET version = version + 1 WHERE id = 1"
MOVED_SETTINGS = ("authority_name", "parent_authority", "place_name")


def _models(database):
    """The tables this migration reads or creates, as they were here."""

    class Base(Model):
        class Meta:
            legacy_table_names = False

    Base._meta.set_database(database)

    class Setting(Base):
        key = CharField(max_length=64, unique=True)
        value = TextField(default="")

    class AuthorityVersion(Base):
        valid_from = DateField(null=True, unique=True)
        parent_authority = CharField(max_length=200, default="")
        authority_name = CharField(max_length=200, default="")
        place_name = CharField(max_length=100, default="")
        signer = CharField(max_length=16, default="team")
        signature_title = TextField(default="")
        signer_name = CharField(max_length=200, default="")

    return Setting, AuthorityVersion


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
    """Create the versions from the settings and track them."""
    setting, authority_version = _models(database)
    database.create_tables([authority_version])
    stored = {row.key: row.value for row in setting.select().where(
        setting.key.in_(MOVED_SETTINGS))}
    authority_version.create(valid_from=None, signer="team",
                             **{key: stored.get(key, "") for key in MOVED_SETTINGS})
    setting.delete().where(setting.key.in_(MOVED_SETTINGS)).execute()
    _track(database, "authority_version")
