"""record(actor, action, obj, changes): the append-only history of changes; timeline(obj)."""
import contextvars
import datetime as dt
import json

from peewee import JOIN

from .models import AuditEvent, User

# The web layer sets the client's address per request; jobs and the CLI leave it empty.
remote_addr = contextvars.ContextVar("remote_addr", default="")


def _plain(value):
    """A JSON-friendly form of a field value."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "id") and hasattr(value, "_meta"):
        return value.id
    return value


def snapshot(obj, fields):
    """The current values of fields on obj, ready to compare and store."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before, after):
    """The fields whose value changed, as {field: [old, new]}."""
    return {key: [before.get(key), value] for key, value in after.items()
            if before.get(key) != value}


class Tracked:
    """A row's audited fields before a change; save() writes the row and its history.

    Take it where the change starts: after the row is claimed, inside the transaction,
    so that the values compared are those the change starts from. extra holds values
    kept outside the row (a team, linked findings), the same keys given again to save().
    """

    def __init__(self, obj, fields, **extra):
        self.obj, self.fields = obj, fields
        self.created = obj.id is None
        self.before = {} if self.created else {**snapshot(obj, fields), **extra}

    def save(self, actor, store=None, **extra):
        """If anything changed: store() (obj.save by default), then its create or update event.

        Returns the changes, {} when nothing changed and nothing was written.
        """
        changes = diff(self.before, {**snapshot(self.obj, self.fields), **extra})
        if changes:
            (store or self.obj.save)()
            record(actor, "create" if self.created else "update", self.obj, changes)
        return changes


def entity_name(obj):
    """The audit name of a model instance's table."""
    return obj._meta.table_name


def record(actor, action, obj, changes=None):
    """Append an AuditEvent for action on obj by actor (None for the system)."""
    return record_event(actor, action, entity_name(obj), obj.id, changes)


def timeline(obj, describe):
    """obj's history, oldest first, as the entries templates/macros/timeline.html shows.

    Each entry: at, actor (a name, "" for the system), kind (the action), and what
    describe(event, changes) says it shows: text, and where it has them note, deadline and
    detail (a short line such as a legal ground).
    """
    events = (AuditEvent
              .select(AuditEvent, User.id, User.full_name)
              .join(User, join_type=JOIN.LEFT_OUTER)
              .where(AuditEvent.entity == entity_name(obj), AuditEvent.entity_id == obj.id)
              .order_by(AuditEvent.at, AuditEvent.id))
    return [{"at": event.at, "actor": event.actor.full_name if event.actor else "",
             "kind": event.action, "note": "", "deadline": None, "detail": "",
             **describe(event, event.changed_fields)}
            for event in events]


def record_event(actor, action, entity, entity_id=None, changes=None):
    """Append an AuditEvent about entity, which need not be one row (entity_id None)."""
    return AuditEvent.create(
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        changes=json.dumps(changes or {}, ensure_ascii=False, default=str),
        remote_addr=remote_addr.get(),
    )
