"""Documents on demand: the document build each user has in progress (one at a time)."""
from peewee import CharField, DateTimeField, ForeignKeyField, Model


def upgrade(database, migrator):
    """Create the document_build table as it was here."""

    class Base(Model):
        class Meta:
            legacy_table_names = False

    Base._meta.set_database(database)

    class User(Base):
        class Meta:
            table_name = "users"

    class DocumentBuild(Base):
        user = ForeignKeyField(User, unique=True, on_delete="CASCADE")
        token = CharField(max_length=32)
        kind = CharField(max_length=32)
        started_at = DateTimeField()
        expires_at = DateTimeField()

    database.create_tables([DocumentBuild])
