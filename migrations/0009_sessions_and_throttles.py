"""Server-side sessions and sign-in throttles replace the per-account lock.

Sessions become rows (a cookie copied before sign-out stops working); failed sign-ins
are counted per (username, address) and per address instead of per account, so the
account columns failed_logins, locked_until and session_version go. Sessions signed in
before this migration end: their cookies name no session row.
"""
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model
from playhouse.migrate import migrate


def upgrade(database, migrator):
    """Create the session and throttle tables as they were here; drop the lock columns."""

    class Base(Model):
        class Meta:
            legacy_table_names = False

    Base._meta.set_database(database)

    class User(Base):
        class Meta:
            table_name = "users"

    class UserSession(Base):
        token_hash = CharField(max_length=64, unique=True)
        user = ForeignKeyField(User)
        created_at = DateTimeField()
        last_seen_at = DateTimeField()
        remote_addr = CharField(max_length=64, default="")
        user_agent = CharField(max_length=255, default="")

    class LoginThrottle(Base):
        scope = CharField(max_length=8)
        username = CharField(max_length=255, default="")
        remote_addr = CharField(max_length=64)
        failures = IntegerField(default=0)
        window_started_at = DateTimeField()
        blocked_until = DateTimeField(null=True)

        class Meta:
            indexes = ((("scope", "username", "remote_addr"), True),)

    database.create_tables([UserSession, LoginThrottle])
    migrate(migrator.drop_column("users", "failed_logins"),
            migrator.drop_column("users", "locked_until"),
            migrator.drop_column("users", "session_version"))
