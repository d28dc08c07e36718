"""The settings an admin edits: their keys, labels, defaults and reading from the table."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from .models import Setting


@dataclass(frozen=True)
class SettingSpec:
    """One editable setting: its key, label, default text and kind of value."""

    key: str
    label: object
    default: str
    kind: str = "text"  # text | int | int_list | email_list
    help: object = ""


SPECS = [
    SettingSpec("authority_name", _l("Authority name"), "",
                help=_l("Printed top-left on official documents.")),
    SettingSpec("parent_authority", _l("Parent authority"), "",
                help=_l("Printed above the authority name; may be empty.")),
    SettingSpec("place_name", _l("Place name for date lines"), "",
                help=_l("As in \"Phú Hòa, ngày 05 tháng 12 năm 2026\".")),
    SettingSpec("deadline_days_high", _l("Days to remedy a high-severity finding"), "15",
                kind="int", help=_l("Used when a finding is recorded without a deadline.")),
    SettingSpec("deadline_days_medium", _l("Days to remedy a medium-severity finding"), "30",
                kind="int", help=_l("Used when a finding is recorded without a deadline.")),
    SettingSpec("deadline_days_low", _l("Days to remedy a low-severity finding"), "60",
                kind="int", help=_l("Used when a finding is recorded without a deadline.")),
]


def spec_by_key():
    """The registered settings by key."""
    return {spec.key: spec for spec in SPECS}


def all_values():
    """Every registered setting's current text, defaults filled in."""
    stored = {s.key: s.value for s in Setting.select()}
    return {spec.key: stored.get(spec.key, spec.default) for spec in SPECS}


def get(key):
    """One setting's current text, or its default."""
    spec = spec_by_key()[key]
    row = Setting.get_or_none(Setting.key == key)
    return spec.default if row is None else row.value


def get_int(key):
    """One setting read as an integer."""
    return int(get(key))


def get_int_list(key):
    """One setting read as a comma-separated list of integers."""
    return [int(part) for part in get(key).split(",") if part.strip()]
