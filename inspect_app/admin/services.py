"""Saving settings and reading the audit trail."""
import datetime as dt

from flask_babel import lazy_gettext as _l
from peewee import JOIN

from .. import audit, clock, settings
from ..db import transaction
from ..errors import WorkflowError
from ..models import SEVERITIES, AuditEvent, Category, Setting, User

AUDIT_PAGE_SIZE = 50


def _check_value(spec, value):
    """Refuse a value that does not fit its setting's kind."""
    parts = [p.strip() for p in value.split(",") if p.strip()]
    if spec.kind == "int" and not value.isdigit():
        raise WorkflowError(_l("Enter a whole number."), field=spec.key)
    if spec.kind == "int_list" and not all(p.lstrip("-").isdigit() for p in parts):
        raise WorkflowError(_l("Enter whole numbers separated by commas."), field=spec.key)
    if spec.kind == "yes_no" and value not in ("0", "1"):
        raise WorkflowError(_l("Not a valid choice."), field=spec.key)
    if spec.kind == "email_list" and not all("@" in p and " " not in p for p in parts):
        raise WorkflowError(_l("Enter email addresses separated by commas."), field=spec.key)


def save_settings(actor, values):
    """Store the changed settings, one audit event each."""
    specs = settings.spec_by_key()
    current = settings.all_values()
    for key, value in values.items():
        _check_value(specs[key], value)
    with transaction():
        for key, value in values.items():
            if current.get(key) == value:
                continue
            row, _ = Setting.get_or_create(key=key, defaults={"value": value})
            row.value = value
            row.save()
            audit.record(actor, "update", row, {key: [current.get(key), value]})


def audit_events(entity=None, actor_id=None, day_from=None, day_to=None, page=1):
    """One page of audit events, newest first, filtered; and whether more follow."""
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
    rows = list(query.paginate(page, AUDIT_PAGE_SIZE + 1))
    return rows[:AUDIT_PAGE_SIZE], len(rows) > AUDIT_PAGE_SIZE


def audit_entities():
    """The entity names present in the audit trail, for the filter."""
    return [row.entity for row in
            AuditEvent.select(AuditEvent.entity).distinct().order_by(AuditEvent.entity)]


CATEGORY_FIELDS = ("code", "name", "area", "default_severity", "active")


def save_category(actor, category, code, name, area, default_severity, active=True):
    """Create (category.id is None) or update a finding category."""
    code = (code or "").strip().upper()
    clash = Category.select().where(Category.code == code)
    if category.id is not None:
        clash = clash.where(Category.id != category.id)
    if clash.exists():
        raise WorkflowError(_l("This code is already used."), field="code")
    if default_severity not in SEVERITIES:
        raise WorkflowError(_l("Not a valid choice."), field="default_severity")
    before = audit.snapshot(category, CATEGORY_FIELDS) if category.id else {}
    with transaction():
        category.code, category.name, category.area = code, name.strip(), area.strip()
        category.default_severity, category.active = default_severity, active
        changes = audit.diff(before, audit.snapshot(category, CATEGORY_FIELDS))
        if changes:
            action = "update" if category.id else "create"
            category.save()
            audit.record(actor, action, category, changes)
    return category
