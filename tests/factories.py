"""Factory functions for test data, with sensible defaults and overrides."""
import itertools

from inspect_app.auth import services as accounts
from inspect_app.models import Unit, UnitKind
from inspect_app.units.services import save_unit

PASSWORD = "matkhau123"
_counter = itertools.count(1)


def make_unit(code=None, name=None, kind_code="xa", email="", parent=None):
    """A unit of the given kind (a commune by default)."""
    n = next(_counter)
    kind = UnitKind.get(UnitKind.code == kind_code)
    return save_unit(None, Unit(), code or f"U{n}", name or f"Xã Thử Nghiệm {n}", kind,
                     parent=parent, email=email)


def make_user(username=None, role="inspector", unit=None, password=PASSWORD, email="",
              full_name=None, locale="vi"):
    """An account; a unit head gets a new unit unless one is given."""
    n = next(_counter)
    if role == "unit_head" and unit is None:
        unit = make_unit()
    return accounts.create_user(None, username or f"user{n}", full_name or f"Người Dùng {n}",
                                role, password, unit=unit, email=email, locale=locale)
