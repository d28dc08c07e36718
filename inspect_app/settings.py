"""The settings an admin edits: their keys, labels, defaults and reading from the table."""
import re
from dataclasses import dataclass

from .i18n import lazy_gettext as _l
from .models import Setting


@dataclass(frozen=True)
class SettingSpec:
    """One editable setting: its key, label, default text and kind of value."""

    key: str
    label: object
    default: str
    kind: str = "text"  # text | int | int_list | email_list | yes_no | bands
    help: object = ""


# The authority's names and signature block are versioned by date (inspect_app.authority,
# the admin's "Authority" page), not settings.
SPECS = [
    SettingSpec("deadline_days_high", _l("Days to remedy a high-severity finding"), "15",
                kind="int", help=_l("Used when a finding is recorded without a deadline.")),
    SettingSpec("deadline_days_medium", _l("Days to remedy a medium-severity finding"), "30",
                kind="int", help=_l("Used when a finding is recorded without a deadline.")),
    SettingSpec("deadline_days_low", _l("Days to remedy a low-severity finding"), "60",
                kind="int", help=_l("Used when a finding is recorded without a deadline.")),
    SettingSpec("conclusion_appraisal", _l("Appraise draft conclusions before they are issued"),
                "0", kind="yes_no",
                help=_l("Law on Inspection 84/2025: the team submits the draft conclusion to "
                        "a leader or an inspector outside the team, who appraises it or "
                        "returns it with notes; only an appraised draft can be issued.")),
    SettingSpec("monthly_recipients", _l("Monthly summary recipients"), "",
                kind="email_list",
                help=_l("E-mail addresses, separated by commas, that receive the monthly "
                        "summary besides the leaders.")),
    SettingSpec("reminder_days_before", _l("Remind units this many days before a deadline"),
                "7,3,1", kind="int_list",
                help=_l("Whole numbers separated by commas; a reminder is also sent on the day.")),
    SettingSpec("reminder_working_days",
                _l("Count the days before a deadline in working days"), "1", kind="yes_no",
                help=_l("Then a reminder 1 day before a Monday deadline goes out on the "
                        "Friday. No reminder is ever sent on a day off.")),
    SettingSpec("reminder_overdue_every_days", _l("While overdue, remind units every N days"),
                "7", kind="int", help=_l("0 sends no reminders after the deadline day.")),
    SettingSpec("escalation_after_days", _l("Report to leaders when overdue for N days"), "7",
                kind="int", help=_l("Leaders and the inspection lead receive one digest.")),
    SettingSpec("escalation_every_days", _l("Report again every N days while still overdue"),
                "14", kind="int", help=_l("0 reports each overdue item only once.")),
    SettingSpec("cchc_rating_bands", _l("Rating bands of the CCHC index"),
                "Xuất sắc: 90; Tốt: 80; Khá: 70; Trung bình: 50; Yếu: 0", kind="bands",
                help=_l("Each band with the lowest index it starts at, separated by "
                        "semicolons; one starts at 0. New assessment rounds start from "
                        "these.")),
]


# Why rating bands (a "bands" setting, a round's bands) are refused.
BANDS_MESSAGE = _l("Write each band as \"label: lowest index\", separated by semicolons, "
                   "with different labels and indexes from 0 to 100, one of them 0: e.g. "
                   "\"Xuất sắc: 90; Tốt: 80; Khá: 70; Trung bình: 50; Yếu: 0\".")


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


def get_bool(key):
    """One yes/no setting ("1" or "0") as a boolean."""
    return get(key) == "1"


def get_int_list(key):
    """One setting read as a comma-separated list of integers."""
    return [int(part) for part in get(key).split(",") if part.strip()]


def get_email_list(key):
    """One setting read as a list of e-mail addresses (commas or line breaks between)."""
    return [part for part in re.split(r"[\s,;]+", get(key)) if part]
