"""The choices the findings filter offers, within what the user may see."""
from ..formatting import format_date
from ..models import Category, Inspection, Unit
from ..reports.queries import STAFF_ROLES

# The inspection filter offers the latest inspections (and the one asked for): a
# province holds tens of thousands, far too many for one drop-down.
INSPECTION_CHOICES = 200


def _inspections(user, selected=None):
    """The latest inspections whose findings user may list, latest first, plus selected."""
    query = (Inspection
             .select(Inspection.id, Inspection.title, Inspection.start_date)
             .order_by(Inspection.start_date.desc(), Inspection.id.desc()))
    if user.role not in STAFF_ROLES:
        query = query.where(Inspection.unit == user.unit_id)
    latest = list(query.limit(INSPECTION_CHOICES))
    if selected and selected not in {i.id for i in latest}:
        latest += list(query.where(Inspection.id == selected))
    return latest


def filter_choices(user, selected_inspection=None):
    """{"units", "categories", "inspections"}: [(id, label)] for the filter form."""
    units = Unit.select(Unit.id, Unit.name).order_by(Unit.name)
    categories = Category.select(Category.id, Category.name).order_by(Category.name)
    return {
        "units": [(u.id, u.name) for u in units],
        "categories": [(c.id, c.name) for c in categories],
        "inspections": [(i.id, f"{i.title} ({format_date(i.start_date)})")
                        for i in _inspections(user, selected_inspection)],
    }
