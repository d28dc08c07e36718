"""What the background jobs remember: reminders sent, the scheduler lease, job runs."""
from peewee import CharField, DateField, DateTimeField, IntegerField, TextField

from .. import clock
from .base import BaseModel

REMINDER_KINDS = ("reminder", "escalation")
# The name of the lease row of the one scheduler that runs the jobs.
SCHEDULER_LEASE = "scheduler"


class ReminderLog(BaseModel):
    """One reminder or escalation stage reached by one tracked deadline.

    The subject is named by entity and id rather than a foreign key because findings
    and discipline cases share the same reminder machinery. The unique key makes each
    stage happen once per deadline; a new deadline (extension) starts the stages again.
    """

    entity = CharField(max_length=32)
    entity_id = IntegerField()
    kind = CharField(max_length=16)
    stage = IntegerField()  # days after the deadline (negative: before it)
    deadline = DateField()
    sent_on = DateField(index=True)
    created_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("entity", "entity_id", "kind", "stage", "deadline"), True),)


class SchedulerLease(BaseModel):
    """Who runs the scheduled jobs: the holder renews the lease before it expires."""

    name = CharField(max_length=32, unique=True)
    holder = CharField(max_length=200)
    acquired_at = DateTimeField(default=clock.now)
    heartbeat_at = DateTimeField(default=clock.now)
    expires_at = DateTimeField()


class JobRun(BaseModel):
    """The last run of each scheduled job, so a scheduler that starts late catches up."""

    name = CharField(max_length=32, unique=True)
    last_run_on = DateField()
    started_at = DateTimeField()
    finished_at = DateTimeField(null=True)
    summary = TextField(default="")
