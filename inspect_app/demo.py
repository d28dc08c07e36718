"""The demo data of DOMAIN.md: the authority, its units and five accounts."""
from . import settings
from .admin.services import save_settings
from .auth import services as accounts
from .models import Unit, UnitKind, User
from .units.services import save_unit

DEMO_PASSWORD = "demo12345"

AUTHORITY = {
    "authority_name": "UBND huyện Phú Hòa",
    "parent_authority": "UBND tỉnh Phú Yên",
    "place_name": "Phú Hòa",
}

UNITS = [
    ("TT-PHUHOA", "Thị trấn Phú Hòa", "thi_tran"),
    ("X-HOAAN", "Xã Hòa An", "xa"),
    ("X-HOADINHDONG", "Xã Hòa Định Đông", "xa"),
    ("X-HOADINHTAY", "Xã Hòa Định Tây", "xa"),
    ("X-HOAHOI", "Xã Hòa Hội", "xa"),
    ("X-HOAQUANGBAC", "Xã Hòa Quang Bắc", "xa"),
    ("X-HOAQUANGNAM", "Xã Hòa Quang Nam", "xa"),
    ("X-HOATHANG", "Xã Hòa Thắng", "xa"),
    ("X-HOATRI", "Xã Hòa Trị", "xa"),
    ("VP-UBND", "Văn phòng HĐND và UBND", "phong_ban"),
    ("P-NOIVU", "Phòng Nội vụ", "phong_ban"),
    ("P-TUPHAP", "Phòng Tư pháp", "phong_ban"),
    ("P-TCKH", "Phòng Tài chính - Kế hoạch", "phong_ban"),
    ("P-VHTT", "Phòng Văn hóa và Thông tin", "phong_ban"),
]

ACCOUNTS = [
    ("admin", "Quản trị hệ thống", "admin", None),
    ("thanhtra", "Nguyễn Văn Thanh", "inspector", None),
    ("lanhdao", "Trần Thị Lãnh", "leader", None),
    ("hoaan", "Lê Văn An", "unit_head", "X-HOAAN"),
    ("noivu", "Phạm Thị Nội", "unit_head", "P-NOIVU"),
]


def _load_units():
    """Create the demo units that are missing."""
    kinds = {k.code: k for k in UnitKind.select()}
    existing = {u.code for u in Unit.select(Unit.code)}
    for code, name, kind in UNITS:
        if code not in existing:
            save_unit(None, Unit(), code, name, kinds[kind],
                      email=f"{code.lower()}@phuhoa.example.vn")


def _load_accounts():
    """Create the demo accounts that are missing."""
    units = {u.code: u for u in Unit.select()}
    existing = {u.username for u in User.select(User.username)}
    for username, full_name, role, unit_code in ACCOUNTS:
        if username not in existing:
            accounts.create_user(None, username, full_name, role, DEMO_PASSWORD,
                                 unit=units.get(unit_code),
                                 email=f"{username}@phuhoa.example.vn")


def load():
    """Load the demo data; running it again adds only what is missing."""
    blank = {key: value for key, value in AUTHORITY.items() if not settings.get(key)}
    if blank:
        save_settings(None, blank)
    _load_units()
    _load_accounts()
