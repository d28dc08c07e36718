"""Creating and changing units and unit kinds, with their audit trail."""
from flask_babel import lazy_gettext as _l

from .. import audit
from ..db import transaction
from ..errors import WorkflowError
from ..models import Unit, UnitKind

UNIT_FIELDS = ("code", "name", "kind", "parent", "email", "active")
KIND_FIELDS = ("code", "label", "active")


def normalise_code(code):
    """Codes are stored trimmed and in upper case."""
    return (code or "").strip().upper()


def _check_code_free(model, code, obj_id=None):
    """Refuse a code that another row of model already has."""
    query = model.select().where(model.code == code)
    if obj_id is not None:
        query = query.where(model.id != obj_id)
    if query.exists():
        raise WorkflowError(_l("This code is already used."), field="code")


def _check_parent(unit, parent):
    """A unit cannot be its own parent, nor the parent of one of its ancestors."""
    ancestor = parent
    while ancestor is not None:
        if unit.id is not None and ancestor.id == unit.id:
            raise WorkflowError(_l("A unit cannot be placed under itself."), field="parent")
        ancestor = ancestor.parent


def save_unit(actor, unit, code, name, kind, parent=None, email=""):
    """Create (unit.id is None) or update a unit."""
    code = normalise_code(code)
    _check_code_free(Unit, code, unit.id)
    _check_parent(unit, parent)
    tracked = audit.Tracked(unit, UNIT_FIELDS)
    with transaction():
        unit.code, unit.name, unit.kind = code, name.strip(), kind
        unit.parent, unit.email = parent, (email or "").strip()
        tracked.save(actor)
    return unit


def set_unit_active(actor, unit, active):
    """Deactivate or reactivate a unit; its records stay."""
    if unit.active == active:
        return unit
    with transaction():
        unit.active = active
        unit.save()
        audit.record(actor, "activate" if active else "deactivate", unit,
                     {"active": [not active, active]})
    return unit


def save_unit_kind(actor, kind, code, label, active=True):
    """Create (kind.id is None) or update a unit kind."""
    code = (code or "").strip().lower()
    _check_code_free(UnitKind, code, kind.id)
    tracked = audit.Tracked(kind, KIND_FIELDS)
    with transaction():
        kind.code, kind.label, kind.active = code, label.strip(), active
        tracked.save(actor)
    return kind


def active_units():
    """Active units ordered by name, for choice lists."""
    return Unit.select().where(Unit.active).order_by(Unit.name)


def active_kinds():
    """Active unit kinds ordered by label, for choice lists."""
    return UnitKind.select().where(UnitKind.active).order_by(UnitKind.label)
