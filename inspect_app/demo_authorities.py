"""The demo's authority over time: huyện Phú Hòa until the 2025 reorganisation, then the
provincial department of Đắk Lắk that inspects the communes since 1 July 2025.

Kept apart from demo.py so that the demo's units and inspections and the authority's
versions can change independently; the demo loader calls seed_demo_authorities().
"""
import datetime as dt

from . import authority
from .admin.services import save_authority_version
from .models import AuthorityVersion

# Districts ended on 30 June 2025 (Resolution 202/2025/QH15); the province's departments
# inspect the communes from the next day.
REORGANISED_ON = dt.date(2025, 7, 1)

DISTRICT = {"parent_authority": "UBND tỉnh Phú Yên", "authority_name": "UBND huyện Phú Hòa",
            "place_name": "Phú Hòa", "signer": "authority",
            "signature_title": "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
            "signer_name": "Trần Thị Lãnh"}
DEPARTMENT = {"parent_authority": "UBND tỉnh Đắk Lắk",
              "authority_name": "Sở Nội vụ tỉnh Đắk Lắk", "place_name": "Đắk Lắk",
              "signer": "authority", "signature_title": "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
              "signer_name": "Trần Thị Lãnh"}


def seed_demo_authorities():
    """Name the district in the version from the beginning and add the department's, once."""
    base = authority.base()
    if base.id is not None and not base.authority_name:
        save_authority_version(None, base, None, **DISTRICT)
    if not AuthorityVersion.select().where(
            AuthorityVersion.valid_from == REORGANISED_ON).exists():
        save_authority_version(None, AuthorityVersion(), REORGANISED_ON, **DEPARTMENT)
