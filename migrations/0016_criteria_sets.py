"""Criteria sets of the CCHC index (bộ tiêu chí), the unit kinds each applies to, and
their trees of nodes (fields, criteria, sub-criteria at any depth). The tables raise the
data version like those of 0007_data_version.py: the home page and the monthly summary
show the rounds scored on them.
"""
from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
    TextField,
)

RAISE_VERSION = "UPDATE data_version SET version = version + 1 WHERE id = 1"
TABLES = ("criteria_set", "criteria_set_kind", "criteria_node")


def _tables(database):
    """The tables this migration creates, as they were here."""

    class Base(Model):
        class Meta:
            legacy_table_names = False

    Base._meta.set_database(database)

    class User(Base):
        class Meta:
            table_name = "users"

    class UnitKind(Base):
        pass

    class CriteriaSet(Base):
        name = CharField(max_length=300)
        first_year = IntegerField()
        last_year = IntegerField()
        legal_basis = TextField(default="")
        step = DecimalField(max_digits=7, decimal_places=2, default=0.25)
        status = CharField(max_length=16, default="draft", index=True)
        predecessor = ForeignKeyField("self", null=True, backref="successors")
        created_by = ForeignKeyField(User, null=True, backref="created_criteria_sets")
        created_at = DateTimeField()
        published_at = DateTimeField(null=True)

    class CriteriaSetKind(Base):
        criteria_set = ForeignKeyField(CriteriaSet, backref="kind_links", on_delete="CASCADE")
        kind = ForeignKeyField(UnitKind, backref="criteria_set_links")

        class Meta:
            indexes = ((("criteria_set", "kind"), True),)

    class CriteriaNode(Base):
        criteria_set = ForeignKeyField(CriteriaSet, backref="nodes", on_delete="CASCADE")
        parent = ForeignKeyField("self", null=True, backref="children", on_delete="CASCADE")
        position = IntegerField()
        depth = IntegerField(default=0)
        code = CharField(max_length=32)
        content = TextField()
        kind = CharField(max_length=16, default="regular")
        max_points = DecimalField(max_digits=7, decimal_places=2)
        scoring = CharField(max_length=16, default="range")
        levels = TextField(default="")
        guidance = TextField(default="")
        evidence = TextField(default="")
        applies_to = CharField(max_length=200, default="")
        na_allowed = BooleanField(default=False)
        previous = ForeignKeyField("self", null=True, backref="carried_to", on_delete="SET NULL")

        class Meta:
            indexes = ((("criteria_set", "code"), True), (("criteria_set", "position"), False))

    return [CriteriaSet, CriteriaSetKind, CriteriaNode]


def _track(database, tables):
    """Raise the data version on every change to the tables (as migration 0007)."""
    for table in tables:
        if isinstance(database, SqliteDatabase):
            for event in ("insert", "update", "delete"):
                database.execute_sql(f"CREATE TRIGGER {table}_{event}_data_version AFTER "
                                     f"{event.upper()} ON {table} BEGIN {RAISE_VERSION}; END")
        else:
            database.execute_sql(f"CREATE TRIGGER {table}_data_version BEFORE INSERT OR UPDATE "
                                 f"OR DELETE OR TRUNCATE ON {table} FOR EACH STATEMENT "
                                 f"EXECUTE FUNCTION raise_data_version()")


def upgrade(database, migrator):
    """Create the criteria tables and track them."""
    database.create_tables(_tables(database))
    _track(database, TABLES)
