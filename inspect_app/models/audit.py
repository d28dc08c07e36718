"""The append-only history of changes."""
import json

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .. import clock
from .base import BaseModel
from .org import User


class AuditEvent(BaseModel):
    """Who changed what, when (UTC), with the changed fields as JSON."""

    at = DateTimeField(default=clock.now, index=True)
    actor = ForeignKeyField(User, null=True, backref="audit_events")
    action = CharField(max_length=32)
    entity = CharField(max_length=32)
    entity_id = IntegerField(null=True)
    changes = TextField(default="{}")
    remote_addr = CharField(max_length=64, default="")

    class Meta:
        indexes = ((("entity", "entity_id"), False),)

    @property
    def changed_fields(self):
        """The stored changes as {field: [old, new]} (or a plain value)."""
        return json.loads(self.changes or "{}")
