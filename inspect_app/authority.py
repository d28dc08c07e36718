"""The inspecting authority over time: the version of its names in force on a day.

Since 1 July 2025 districts are gone and inspecting bodies changed; a conclusion of 2024
printed today keeps the 2024 header. Every document reads its header, place name and
signature block from the version in force on its own date.
"""
from .models import AuthorityVersion


def base():
    """The version that holds from the beginning (an empty one before any is stored)."""
    return (AuthorityVersion.get_or_none(AuthorityVersion.valid_from.is_null())
            or AuthorityVersion())


def in_force(day):
    """The version in force on day: the latest dated on or before it, else the base one."""
    dated = (AuthorityVersion
             .select()
             .where(AuthorityVersion.valid_from <= day)
             .order_by(AuthorityVersion.valid_from.desc())
             .first())
    return dated or base()


def versions():
    """Every version, the base one first, then by date."""
    return list(AuthorityVersion
                .select()
                .order_by(AuthorityVersion.valid_from.asc(nulls="first")))
