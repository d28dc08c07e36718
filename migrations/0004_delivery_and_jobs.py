"""Mail delivery and scheduled jobs: outbox give-up time, reminder log, lease, job runs."""
from peewee import CharField, DateField, DateTimeField, IntegerField, Model, TextField
from playhouse.migrate import migrate


def upgrade(database, migrator):
    """Add the outbox give-up column and create the job tables as they were here."""

    class Base(Model):
        class Meta:
            legacy_table_names = False

    Base._meta.set_database(database)

    class ReminderLog(Base):
        entity = CharField(max_length=32)
        entity_id = IntegerField()
        kind = CharField(max_length=16)
        stage = IntegerField()
        deadline = DateField()
        sent_on = DateField(index=True)
        created_at = DateTimeField()

        class Meta:
            indexes = ((("entity", "entity_id", "kind", "stage", "deadline"), True),)

    class SchedulerLease(Base):
        name = CharField(max_length=32, unique=True)
        holder = CharField(max_length=200)
        acquired_at = DateTimeField()
        heartbeat_at = DateTimeField()
        expires_at = DateTimeField()

    class JobRun(Base):
        name = CharField(max_length=32, unique=True)
        last_run_on = DateField()
        started_at = DateTimeField()
        finished_at = DateTimeField(null=True)
        summary = TextField(default="")

    migrate(migrator.add_column("outbox_message", "give_up_at", DateTimeField(null=True)))
    database.create_tables([ReminderLog, SchedulerLease, JobRun])
