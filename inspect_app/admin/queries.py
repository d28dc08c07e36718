"""The admin's reads: the audit trail with its filters and in words, and the outbox."""
import datetime as dt
import re

from peewee import JOIN, fn

from .. import clock
from ..formatting import format_date, format_datetime
from ..i18n import lazy_gettext as _l
from ..labels import AUDIT_ACTION, AUDIT_ACTIONS_OF, AUDIT_FIELD, AUDIT_OBJECT, AUDIT_VALUES_OF
from ..models import (
    OUTBOX_STATES,
    AssessmentRound,
    AuditEvent,
    Category,
    ChecklistTemplate,
    CriteriaSet,
    DisciplineCase,
    Finding,
    Inspection,
    OutboxMessage,
    Plan,
    Unit,
    UnitKind,
    User,
)


def audit_events(entity=None, actor_id=None, day_from=None, day_to=None):
    """The audit events, newest first, filtered."""
    query = (AuditEvent
             .select(AuditEvent, User)
             .join(User, join_type=JOIN.LEFT_OUTER)
             .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
    if entity:
        query = query.where(AuditEvent.entity == entity)
    if actor_id:
        query = query.where(AuditEvent.actor == actor_id)
    if day_from:
        query = query.where(AuditEvent.at >= clock.start_of_day_utc(day_from))
    if day_to:
        next_day = day_to + dt.timedelta(days=1)
        query = query.where(AuditEvent.at < clock.start_of_day_utc(next_day))
    return query


def audit_entities():
    """The entity names present in the audit trail, for the filter."""
    return [row.entity for row in
            AuditEvent.select(AuditEvent.entity).distinct().order_by(AuditEvent.entity)]


def status_counts():
    """{status: number of messages} for every status, zeros included."""
    counts = dict.fromkeys(OUTBOX_STATES, 0)
    counts.update(OutboxMessage
                  .select(OutboxMessage.status, fn.COUNT(OutboxMessage.id))
                  .group_by(OutboxMessage.status)
                  .tuples())
    return counts


def outbox_messages(status):
    """The outbox, newest first, in status if given.

    Only the listed columns are read: bodies and attachments (PDFs in base64) stay behind.
    """
    query = (OutboxMessage
             .select(OutboxMessage.id, OutboxMessage.created_at, OutboxMessage.recipients,
                     OutboxMessage.subject, OutboxMessage.status, OutboxMessage.attempts,
                     OutboxMessage.next_attempt_at, OutboxMessage.last_error)
             .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()))
    if status in OUTBOX_STATES:
        query = query.where(OutboxMessage.status == status)
    return query


# The audit log in words: events store codes (submit_report, finding 15, status: open →
# submitted, True, None); the page shows action names, the objects' names with their
# pages, the fields' labels and formatted values, with one query per kind of object named.

# Each named object: its table, the column naming it, the page showing it and its argument.
OBJECT_PAGES = {
    "finding": (Finding, Finding.title, "findings.show", "finding_id"),
    "inspection": (Inspection, Inspection.title, "inspections.show", "inspection_id"),
    "plan": (Plan, Plan.title, "inspections.plan_show", "plan_id"),
    "unit": (Unit, Unit.name, "units.edit", "unit_id"),
    "users": (User, User.full_name, "admin.edit_user", "user_id"),
    "category": (Category, Category.name, "admin.edit_category", "category_id"),
    "discipline_case": (DisciplineCase, DisciplineCase.official_name, "discipline.show",
                        "case_id"),
    "criteria_set": (CriteriaSet, CriteriaSet.name, "criteria.show", "criteria_set_id"),
    "assessment_round": (AssessmentRound, AssessmentRound.name, "assessments.show",
                         "assessment_round_id"),
    "outbox_message": (OutboxMessage, OutboxMessage.subject, "admin.outbox_message",
                       "message_id"),
    "checklist_template": (ChecklistTemplate, ChecklistTemplate.name, "checklists.template",
                           "template_id"),
}

# Fields that hold the id of another object (or a list of ids): shown by its name.
REFERENCES = {"unit": "unit", "responsible_unit": "unit", "parent": "unit", "units": "unit",
              "lead": "users", "appraiser": "users", "members": "users", "team": "users",
              "user": "users", "category": "category", "plan": "plan",
              "follow_up_of": "inspection", "criteria_set": "criteria_set",
              "finding": "finding"}
# A unit's kind is a row of its own; an inspection's kind is a word (labels).
KIND_IS_A_ROW = frozenset({"unit"})

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _reference(entity, field):
    """The kind of object field's value names, or None when it is a plain value."""
    if field == "kind":
        return "unit_kind" if entity in KIND_IS_A_ROW else None
    return REFERENCES.get(field)


def _ids(value):
    """The ids a reference field's value holds."""
    values = value if isinstance(value, list) else [value]
    return {v for v in values if isinstance(v, int) and not isinstance(v, bool)}


def _wanted(events):
    """{kind of object: ids} the page names: the events' objects and referenced rows."""
    wanted = {}
    for event in events:
        if event.entity in OBJECT_PAGES and event.entity_id is not None:
            wanted.setdefault(event.entity, set()).add(event.entity_id)
        for field, change in event.changed_fields.items():
            kind = _reference(event.entity, field)
            if kind:
                for value in (change if _is_change(change) else [change]):
                    wanted.setdefault(kind, set()).update(_ids(value))
    return wanted


def _names(wanted):
    """{(kind, id): name}, one query per kind of object."""
    names = {}
    for kind, ids in wanted.items():
        if kind == "unit_kind":
            model, column = UnitKind, UnitKind.label
        else:
            model, column = OBJECT_PAGES[kind][:2]
        rows = model.select(model.id, column.alias("name")).where(model.id.in_(list(ids)))
        names.update({(kind, row.id): row.name for row in rows})
    return names


def _is_change(change):
    """Whether a stored change is [old, new] rather than a single value."""
    return isinstance(change, list) and len(change) == 2


def _shown(entity, field, value, names):
    """A stored value as the admin reads it; None for an empty one."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, bool):
        return _l("Yes") if value else _l("No")
    kind = _reference(entity, field)
    if kind:
        ids = value if isinstance(value, list) else [value]
        return ", ".join(names.get((kind, v), f"#{v}") for v in ids)
    known = AUDIT_VALUES_OF.get((entity, field)) or AUDIT_VALUES_OF.get(field)
    if known and value in known:
        return known[value]
    if isinstance(value, str) and ISO_DATE.match(value):
        return format_date(dt.date.fromisoformat(value))
    if isinstance(value, str) and ISO_DATETIME.match(value):
        return format_datetime(dt.datetime.fromisoformat(value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


def _changes(event, names):
    """[{field, old, new, changed}] of an event, fields by their labels."""
    rows = []
    for field, change in event.changed_fields.items():
        old, new = change if _is_change(change) else (None, change)
        rows.append({"field": AUDIT_FIELD.get(field, field), "changed": _is_change(change),
                     "old": _shown(event.entity, field, old, names),
                     "new": _shown(event.entity, field, new, names)})
    return rows


def action_name(entity, action):
    """What the action did, in words; its code when nothing names it."""
    return AUDIT_ACTIONS_OF.get(entity, {}).get(action) or AUDIT_ACTION.get(action, action)


def describe_events(events):
    """The events in words: at, actor, action, object {kind, name, endpoint, args}, changes."""
    events = list(events)
    names = _names(_wanted(events))
    described = []
    for event in events:
        page = OBJECT_PAGES.get(event.entity)
        name = names.get((event.entity, event.entity_id))
        described.append({
            "at": event.at, "actor": event.actor.full_name if event.actor else None,
            "action": action_name(event.entity, event.action),
            "object": {"kind": AUDIT_OBJECT.get(event.entity, event.entity), "name": name,
                       "id": event.entity_id,
                       "endpoint": page[2] if page and name is not None else None,
                       "args": {page[3]: event.entity_id} if page else {}},
            "changes": _changes(event, names),
        })
    return described
