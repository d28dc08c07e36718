"""The admin's changes: settings, finding categories, the authority's versions, e-mails resent."""

from peewee import IntegrityError

from .. import audit, policy, scoring, settings
from ..db import transaction
from ..errors import WorkflowError
from ..i18n import lazy_gettext as _l
from ..mail import outbox
from ..models import CONCLUSION_SIGNERS, SEVERITIES, AuthorityVersion, Category, Setting
from ..text import nfc
from ..transitions import claim


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


AUTHORITY_FIELDS = ("valid_from", "parent_authority", "authority_name", "place_name",
                    "signer", "signature_title", "signer_name")


def save_authority_version(actor, version, valid_from, parent_authority, authority_name,
                           place_name, signer, signature_title="", signer_name=""):
    """Create (version.id is None) or update a version of the authority's names.

    The version in force from the beginning keeps no date; every other one has its own.
    """
    if actor is not None and not policy.can(actor, "settings.manage"):
        raise WorkflowError(_l("You are not allowed to do this."))
    if signer not in CONCLUSION_SIGNERS:
        raise WorkflowError(_l("Not a valid choice."), field="signer")
    lines = [line.strip() for line in nfc(signature_title).splitlines() if line.strip()]
    if signer == "authority" and not (lines and nfc(signer_name).strip()):
        raise WorkflowError(_l("An authority signs with its signature block and the "
                               "signer's name."), field="signature_title")
    try:
        with transaction():
            if version.id is not None:
                # Claimed as it stands, so that concurrent edits compare with each other.
                version = claim(AuthorityVersion.signer, version.id, CONCLUSION_SIGNERS,
                                _l("This version no longer exists."))
            _check_validity(version, valid_from)
            tracked = audit.Tracked(version, AUTHORITY_FIELDS)
            version.valid_from = valid_from
            version.parent_authority = nfc(parent_authority).strip()
            version.authority_name = nfc(authority_name).strip()
            version.place_name = nfc(place_name).strip()
            version.signer, version.signature_title = signer, "\n".join(lines)
            version.signer_name = nfc(signer_name).strip()
            tracked.save(actor)
    except IntegrityError as error:
        # The same new version posted twice at once: the unique date keeps one.
        raise WorkflowError(_l("Another version is in force from this day."),
                            field="valid_from") from error
    return version


def _check_validity(version, valid_from):
    """Refuse a date on the version from the beginning, none on another, or a taken one."""
    if version.id is not None and version.valid_from is None:
        if valid_from is not None:
            # Its form shows no date: the refusal is flashed.
            raise WorkflowError(_l("The first version holds from the beginning: it has no "
                                   "date."))
        return
    if valid_from is None:
        raise WorkflowError(_l("This field is required."), field="valid_from")
    if (AuthorityVersion
            .select()
            .where(AuthorityVersion.valid_from == valid_from,
                   AuthorityVersion.id != (version.id or 0))
            .exists()):
        raise WorkflowError(_l("Another version is in force from this day."),
                            field="valid_from")
