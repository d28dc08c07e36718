"""Settings, unit kinds, units, users and the audit trail."""
from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


def upgrade(database, migrator):
    """Create the foundation tables as they were at this migration."""

    class Base(Model):
        class Meta:
            database = None
            legacy_table_names = False

    Base._meta.set_database(database)

    class Setting(Base):
        key = CharField(max_length=64, unique=True)
        value = TextField(default="")

    class UnitKind(Base):
        code = CharField(max_length=32, unique=True)
        label = CharField(max_length=100)
        active = BooleanField(default=True)

    class Unit(Base):
        code = CharField(max_length=32, unique=True)
        name = CharField(max_length=200)
        kind = ForeignKeyField(UnitKind)
        parent = ForeignKeyField("self", null=True)
        email = CharField(max_length=254, default="")
        active = BooleanField(default=True)

    class User(Base):
        username = CharField(max_length=64, unique=True)
        full_name = CharField(max_length=200)
        email = CharField(max_length=254, default="")
        password_hash = CharField(max_length=255)
        role = CharField(max_length=16, index=True)
        unit = ForeignKeyField(Unit, null=True)
        active = BooleanField(default=True)
        locale = CharField(max_length=8, default="vi")
        failed_logins = IntegerField(default=0)
        locked_until = DateTimeField(null=True)
        session_version = IntegerField(default=1)
        must_change_password = BooleanField(default=False)
        created_at = DateTimeField()
        last_login_at = DateTimeField(null=True)

        class Meta:
            table_name = "users"

    class AuditEvent(Base):
        at = DateTimeField(index=True)
        actor = ForeignKeyField(User, null=True)
        action = CharField(max_length=32)
        entity = CharField(max_length=32)
        entity_id = IntegerField(null=True)
        changes = TextField(default="{}")
        remote_addr = CharField(max_length=64, default="")

        class Meta:
            indexes = ((("entity", "entity_id"), False),)

    database.create_tables([Setting, UnitKind, Unit, User, AuditEvent])
