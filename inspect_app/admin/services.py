"""The admin's changes: settings, finding categories, and sending an e-mail again."""

from flask_babel import lazy_gettext as _l

from .. import audit, scoring, settings
from ..db import transaction
from ..errors import WorkflowError
from ..mail import outbox
from ..models import SEVERITIES, Category, Setting


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
    if spec.kind == "bands" and scoring.parse_bands(value) is None:
        raise WorkflowError(settings.BANDS_MESSAGE, field=spec.key)


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
    tracked = audit.Tracked(category, CATEGORY_FIELDS)
    with transaction():
        category.code, category.name, category.area = code, name.strip(), area.strip()
        category.default_severity, category.active = default_severity, active
        tracked.save(actor)
    return category


def retry_message(actor, message):
    """Queue a failed or dead message again now, with a fresh time before giving up."""
    with transaction():
        retried = outbox.requeue(message.id)
        if retried:
            audit.record(actor, "retry", message, {"status": [message.status, "pending"]})
    return retried
