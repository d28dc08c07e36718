"""Checklists: making one for an inspection, answering items, photos, draft findings made
from items, and applying the batches of changes laptops send after working offline.

A batch is applied in one transaction, in order, after claiming the checklist's row: two
batches for one checklist take turns, so each change id in the ledger (SyncChange) is
applied once however often, and however concurrently, the batch is sent. A refused
change is answered "rejected" and recorded; a failure of the server itself rolls the
whole batch back, ledger included, so sending it again applies it once.
"""
import base64
import binascii
import io
import json
import secrets
from decimal import Decimal, InvalidOperation

from peewee import IntegrityError
from werkzeug.datastructures import FileStorage

from .. import audit, clock
from ..criteria.services import parent_code, tree_order
from ..db import transaction
from ..errors import WorkflowError
from ..files import services as files
from ..findings import services as findings
from ..formatting import format_points
from ..i18n import lazy_gettext as _l
from ..labels import CHECKLIST_FIELD
from ..models import (
    ANSWERS,
    CLIENT_ID_LENGTH,
    SEVERITIES,
    SYNC_KINDS,
    AuditEvent,
    Category,
    Checklist,
    ChecklistItem,
    ChecklistPhoto,
    ChecklistTemplateItem,
    CriteriaNode,
    Inspection,
    SyncChange,
)
from ..policy import can
from ..text import clean_text, nfc
from ..transitions import claim
from . import queries

ANSWER_FIELDS = ("answer", "note", "points")
MAX_CHANGES = 500
MAX_NOTE_LENGTH = 5000
MAX_TITLE_LENGTH = 300
# A checklist may be made while the inspection is planned; it is answered while in progress.
CREATABLE_STATES = ("planned", "in_progress")
ANSWERABLE_STATES = ("in_progress",)
PHOTO_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}
NOT_WRITER = _l("Only the inspection team can change its checklist.")
NOT_ANSWERABLE = _l("The checklist can be answered only while the inspection is in progress.")


class BatchError(WorkflowError):
    """A batch that is not one: nothing in it can be applied or recorded."""


# --- templates (admins) ----------------------------------------------------------------

TEMPLATE_FIELDS = ("name", "description", "active")
TEMPLATE_ITEM_FIELDS = ("code", "content", "guidance", "max_points", "parent")


def _require_admin(actor):
    """Refuse unless actor manages checklist templates."""
    if not can(actor, "checklist_templates.manage"):
        raise WorkflowError(_l("Only administrators manage checklist templates."))


def save_template(actor, template, name, description="", active=True):
    """Create (template.id is None) or change a template's name, description and use."""
    _require_admin(actor)
    name = nfc(name or "").strip()
    if not name:
        raise WorkflowError(_l("Give the template a name."), field="name")
    with transaction():
        tracked = audit.Tracked(template, TEMPLATE_FIELDS)
        template.name, template.description = name[:300], nfc(description or "").strip()
        template.active = bool(active)
        if template.id is None:
            template.created_by = actor
        tracked.save(actor)
    return template


def _renumber_template(template):
    """Give the template's items their tree positions and depths: siblings by code."""
    ordered = tree_order(ChecklistTemplateItem
                         .select()
                         .where(ChecklistTemplateItem.template == template))
    ChecklistTemplateItem.bulk_update(
        ordered, fields=[ChecklistTemplateItem.position, ChecklistTemplateItem.depth],
        batch_size=200)


def _template_parent(template, item, code):
    """The item's parent by its code ("1" for "1.2"), or a refusal when it has none."""
    wanted = parent_code(code)
    if wanted is None:
        return None
    parent = ChecklistTemplateItem.get_or_none(ChecklistTemplateItem.template == template,
                                               ChecklistTemplateItem.code == wanted)
    if parent is None or parent.id == item.id:
        raise WorkflowError(_l("No item has the code %(parent)s, under which %(code)s "
                               "belongs.", parent=wanted, code=code), field="code")
    return parent


def _max_points(value):
    """An item's maximum as a decimal ("2,5" as written in Vietnamese), None when blank."""
    if value is None or str(value).strip() == "":
        return None
    try:
        points = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        points = None
    if points is None or not points.is_finite() or not 0 < points < Decimal("100000"):
        raise WorkflowError(_l("Give the points as a number more than 0, or leave them out "
                               "for an item that is not scored."), field="max_points")
    return points.quantize(Decimal("0.01"))


def save_template_item(actor, template, item, code, content, guidance="", max_points=None):
    """Create (item.id is None) or change a section or item of a template.

    Its place in the tree follows its code: "1.2" goes under "1"; an item with parts is
    a section, answered through its parts.
    """
    _require_admin(actor)
    code, content = (code or "").strip(), nfc(content or "").strip()
    if not code or len(code) > 32 or any(not part for part in code.split(".")):
        raise WorkflowError(_l("Give a code such as 1 or 1.2 (at most 32 characters)."),
                            field="code")
    if not content:
        raise WorkflowError(_l("Say what is checked."), field="content")
    max_points = _max_points(max_points)
    with transaction():
        clash = ChecklistTemplateItem.select().where(ChecklistTemplateItem.template == template,
                                                     ChecklistTemplateItem.code == code)
        if item.id is not None:
            clash = clash.where(ChecklistTemplateItem.id != item.id)
        if clash.exists():
            raise WorkflowError(_l("Another item of the template has the code %(code)s.",
                                   code=code), field="code")
        parent = _template_parent(template, item, code)
        if item.id is None:
            item.template, item.position = template, 0
        tracked = audit.Tracked(item, TEMPLATE_ITEM_FIELDS)
        item.code, item.content, item.parent = code, content, parent
        item.guidance, item.max_points = nfc(guidance or "").strip(), max_points
        tracked.save(actor)
        _renumber_template(template)
    return item


def delete_template_item(actor, item):
    """Remove an item of a template, with its parts (checklists made from it keep theirs)."""
    _require_admin(actor)
    with transaction():
        audit.record(actor, "delete", item, audit.snapshot(item, TEMPLATE_ITEM_FIELDS))
        ChecklistTemplateItem.delete().where(ChecklistTemplateItem.id == item.id).execute()
        _renumber_template(item.template)


# --- making a checklist ----------------------------------------------------------------


def _require_writer(actor, inspection):
    """Refuse unless actor is on the inspection's team."""
    if not can(actor, "checklist.write", inspection):
        raise WorkflowError(NOT_WRITER)


def _template_rows(template):
    """A template's items as rows to copy: (id, parent id, code, content, guidance, max
    points, whether a section)."""
    rows = list(template.items.order_by(ChecklistTemplateItem.position))
    parents = {row.parent_id for row in rows}
    return [(row.id, row.parent_id, row.code, row.content, row.guidance, row.max_points,
             row.id in parents) for row in rows]


def _criteria_rows(criteria_set):
    """A criteria set's nodes as rows to copy: its leaves are answered, scored."""
    nodes = list(CriteriaNode
                 .select()
                 .where(CriteriaNode.criteria_set == criteria_set)
                 .order_by(CriteriaNode.position))
    parents = {node.parent_id for node in nodes}
    return [(node.id, node.parent_id, node.code, node.content, node.guidance,
             node.max_points, node.id in parents) for node in nodes]


def _copy_items(checklist, rows):
    """Create the checklist's items from rows, parents before their children."""
    copied = {}
    for position, (row_id, parent_id, code, content, guidance, max_points,
                   is_section) in enumerate(rows, start=1):
        parent = copied.get(parent_id)
        copied[row_id] = ChecklistItem.create(
            checklist=checklist, parent=parent, position=position,
            depth=parent.depth + 1 if parent else 0, code=code, content=content,
            guidance=guidance, max_points=None if is_section else max_points,
            is_section=is_section)


def create_checklist(actor, inspection, template=None, criteria_set=None):
    """Make the inspection's checklist by copying a template or a published criteria set."""
    _require_writer(actor, inspection)
    if (template is None) == (criteria_set is None):
        raise WorkflowError(_l("Choose a template or a criteria set."), field="source")
    if template is not None and not template.active:
        raise WorkflowError(_l("This template is no longer in use."), field="source")
    if criteria_set is not None and criteria_set.status != "published":
        raise WorkflowError(_l("Only a published criteria set can be used."), field="source")
    source = template or criteria_set
    try:
        with transaction():
            claim(Inspection.status, inspection.id, CREATABLE_STATES,
                  _l("A checklist can be made only for a planned inspection or one in "
                     "progress."))
            checklist = Checklist.create(inspection=inspection, title=source.name[:300],
                                         source=source.name[:400], created_by=actor)
            _copy_items(checklist, _template_rows(template) if template
                        else _criteria_rows(criteria_set))
            audit.record(actor, "create", checklist, {"source": source.name})
    except IntegrityError as error:
        raise WorkflowError(_l("This inspection already has a checklist.")) from error
    return checklist


# --- answering -------------------------------------------------------------------------


def _claim_checklist(actor, inspection):
    """The inspection's checklist, its row locked until the transaction ends.

    Every write to a checklist starts here, so writers of one checklist take turns and
    always lock the checklist before the items, findings and data version.
    """
    _require_writer(actor, inspection)
    checklist = queries.get_checklist(inspection)
    if checklist is None:
        raise WorkflowError(_l("This inspection has no checklist yet."))
    Checklist.update(title=Checklist.title).where(Checklist.id == checklist.id).execute()
    # Read once the lock is held: a conclusion committed meanwhile is seen. (Claiming the
    # inspection's row would raise the data version on every sync.)
    if Inspection.get_by_id(inspection.id).status not in ANSWERABLE_STATES:
        raise WorkflowError(NOT_ANSWERABLE)
    return checklist


def _item_of(checklist, item_id):
    """The checklist's item of this id, read afresh, or None."""
    if not isinstance(item_id, int) or isinstance(item_id, bool):
        return None
    return ChecklistItem.get_or_none(ChecklistItem.id == item_id,
                                     ChecklistItem.checklist == checklist)


def _item(checklist, item_id):
    """The checklist's item of this id, read afresh; refused if unknown or a section."""
    item = _item_of(checklist, item_id)
    if item is None:
        raise WorkflowError(_l("This item is not on the inspection's checklist."))
    if item.is_section:
        raise WorkflowError(_l("A section is not answered: answer its items."))
    return item


def _text(value, field, limit):
    """A text field's value, stripped, refused unless text within limit characters."""
    if value is None:
        value = ""
    if not isinstance(value, str) or len(value) > limit:
        raise WorkflowError(_l("%(field)s must be a text of at most %(max)d characters.",
                               field=CHECKLIST_FIELD.get(field, field), max=limit),
                            field=field)
    return clean_text(value).strip()


def _points(item, value):
    """The points given to item, as a decimal within its maximum, or None."""
    if value is None or value == "":
        return None
    if item.max_points is None:
        raise WorkflowError(_l("This item is not scored."), field="points")
    try:
        points = Decimal(str(value).replace(",", ".")) if not isinstance(value, bool) else None
    except InvalidOperation:
        points = None
    if points is None or not points.is_finite() or not 0 <= points <= item.max_points:
        raise WorkflowError(_l("Give points from 0 to %(max)s.",
                               max=format_points(item.max_points)),
                            field="points")
    return points.quantize(Decimal("0.01"))


def answer_fields(item, fields):
    """The checked values of the answer fields a change sets (any of answer, note, points)."""
    if not isinstance(fields, dict) or not fields or set(fields) - set(ANSWER_FIELDS):
        raise WorkflowError(_l("A change sets the answer, the note or the points."))
    checked = {}
    if "answer" in fields:
        if fields["answer"] not in ANSWERS:
            raise WorkflowError(_l("Choose met, not met or not applicable."), field="answer")
        checked["answer"] = fields["answer"]
    if "note" in fields:
        checked["note"] = _text(fields["note"], "note", MAX_NOTE_LENGTH)
    if "points" in fields:
        checked["points"] = _points(item, fields["points"])
    return checked


def _version(value):
    """A base version as sent: a positive whole number."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise WorkflowError(_l("The change does not say which version it was made on."))
    return value


def _json_value(value):
    """A field's value as JSON shows it."""
    return float(value) if isinstance(value, Decimal) else value


def _last_changes(item):
    """{field: (who, when)} of the last change to each answer field of item."""
    events = (AuditEvent
              .select()
              .where(AuditEvent.entity == "checklist_item", AuditEvent.entity_id == item.id,
                     AuditEvent.action == "answer")
              .order_by(AuditEvent.id.desc()))
    found = {}
    for event in events:
        for field in event.changed_fields:
            found.setdefault(field, (event.actor.full_name if event.actor_id else None,
                                     event.at.isoformat()))
        if len(found) == len(ANSWER_FIELDS):
            break
    return found


def _conflict(item, fields):
    """The fields where a stale change differs from the server, who changed each and when."""
    last = _last_changes(item)
    return {"fields": [{"field": name, "label": str(CHECKLIST_FIELD[name]),
                        "mine": _json_value(value),
                        "theirs": _json_value(getattr(item, name)),
                        "changed_by": last.get(name, (None, None))[0],
                        "changed_at": last.get(name, (None, None))[1]}
                       for name, value in fields.items() if getattr(item, name) != value]}


def apply_answer(actor, item, fields, base_version):
    """("applied" | "conflict", conflict or None): fields written on item unless stale.

    A change made on an older version is applied only where it changes nothing (every
    field already holds its value); otherwise it is a conflict and nothing is written.
    """
    differing = {name: [_json_value(getattr(item, name)), _json_value(value)]
                 for name, value in fields.items() if getattr(item, name) != value}
    if not differing:
        return "applied", None
    if base_version != item.version:
        return "conflict", _conflict(item, fields)
    (ChecklistItem
     .update(**fields, version=ChecklistItem.version + 1, updated_by=actor,
             updated_at=clock.now())
     .where(ChecklistItem.id == item.id, ChecklistItem.version == base_version)
     .execute())
    audit.record(actor, "answer", item, differing)
    return "applied", None


def save_item(actor, inspection, item_id, fields, base_version, photos=(), choice=""):
    """Answer an item from its form and keep its photos: ("applied" | "conflict", conflict).

    choice is the user's answer to a conflict the page showed: "theirs" keeps the server's
    values, "mine" writes the form's on the version it now names; either is recorded.
    """
    with transaction():
        checklist = _claim_checklist(actor, inspection)
        item = _item(checklist, item_id)
        fields = answer_fields(item, fields)
        if choice in ("mine", "theirs"):
            audit.record(actor, "resolve_conflict", item, {"choice": choice})
            if choice == "theirs":
                return "applied", None
        status, conflict = apply_answer(actor, item, fields, _version(base_version))
        if status == "applied":
            for photo in photos:
                add_photo(actor, item, photo, secrets.token_hex(16))
        return status, conflict


# --- photos and findings ---------------------------------------------------------------


def _photo_upload(name, content_type, data):
    """The photo's bytes as an upload, refused unless a JPEG or PNG named as one."""
    if not isinstance(name, str) or not isinstance(data, str):
        raise WorkflowError(_l("A photo needs a file name and its content."), field="photos")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if PHOTO_TYPES.get(extension) is None or content_type != PHOTO_TYPES[extension]:
        raise WorkflowError(_l("Only JPEG or PNG photos are accepted."), field="photos")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as error:
        raise WorkflowError(_l("The photo's content cannot be read."), field="photos") from error
    return FileStorage(io.BytesIO(raw), filename=name, content_type=content_type)


def add_photo(actor, item, upload, client_id):
    """Keep a photo (a JPEG or PNG upload) of item; call inside the caller's transaction."""
    extension = (upload.filename or "").rsplit(".", 1)[-1].lower()
    if extension not in PHOTO_TYPES:
        raise WorkflowError(_l("Only JPEG or PNG photos are accepted."), field="photos")
    attachment = files.store(upload, actor, inspection=item.checklist.inspection)
    ChecklistPhoto.create(item=item, attachment=attachment, uploaded_by=actor,
                          client_id=client_id)
    audit.record(actor, "add_photo", item, {"photo": attachment.original_name})
    return attachment


def _default_category():
    """The category a finding drafted on site starts with (the team may change it)."""
    category = Category.select().where(Category.active).order_by(Category.id).first()
    if category is None:
        raise WorkflowError(_l("No finding category is in use: ask the administrator."))
    return category


def draft_finding(actor, checklist, item, title, description, severity="medium",
                  recommendation=""):
    """A draft finding of the checklist's inspection, linked to item (once) if given."""
    if item is not None and item.finding_id is not None:
        raise WorkflowError(_l("A finding has already been made from this item."))
    if severity not in SEVERITIES:
        raise WorkflowError(_l("Choose a severity."), field="severity")
    finding = findings.record_finding(
        actor, checklist.inspection, _default_category(), severity,
        _text(title, "title", MAX_TITLE_LENGTH), _text(description, "description", 20000),
        _text(recommendation, "recommendation", 20000))
    if item is not None:
        claimed = (ChecklistItem
                   .update(finding=finding)
                   .where(ChecklistItem.id == item.id, ChecklistItem.finding.is_null())
                   .execute())
        if claimed != 1:
            raise WorkflowError(_l("A finding has already been made from this item."))
        audit.record(actor, "make_finding", item, {"finding": finding.id})
    return finding


def finding_from_item(actor, inspection, item_id):
    """Make the draft finding of a not-met item, from its content and note (once only)."""
    with transaction():
        checklist = _claim_checklist(actor, inspection)
        item = _item(checklist, item_id)
        if item.answer != "not_met":
            raise WorkflowError(_l("Only an item answered not met becomes a finding."))
        return draft_finding(actor, checklist, item, item.content[:MAX_TITLE_LENGTH],
                             item.note)


# --- applying a batch from a laptop ----------------------------------------------------


def _check_batch(changes):
    """Refuse a batch that is not a list of at most MAX_CHANGES changes each with an id."""
    if not isinstance(changes, list):
        raise BatchError(_l("The request must hold a list of changes."))
    if len(changes) > MAX_CHANGES:
        raise BatchError(_l("Send at most %(max)d changes at once.", max=MAX_CHANGES))
    for change in changes:
        client_id = change.get("id") if isinstance(change, dict) else None
        # PostgreSQL refuses a NUL in text, and no control character belongs in an id.
        if (not isinstance(client_id, str) or not 0 < len(client_id) <= CLIENT_ID_LENGTH
                or clean_text(client_id) != client_id):
            raise BatchError(_l("Every change needs an id of at most %(max)d characters.",
                                max=CLIENT_ID_LENGTH))


def _sync_answer(actor, checklist, change):
    """An answer change: applied, or a conflict when made on an older version."""
    item = _item(checklist, change.get("item_id"))
    status, conflict = apply_answer(actor, item, answer_fields(item, change.get("fields")),
                                    _version(change.get("base_version")))
    return {"status": status, "conflict": conflict} if conflict else {"status": status}


def _sync_photo(actor, checklist, change):
    """A photo change: the photo kept on its item."""
    item = _item(checklist, change.get("item_id"))
    add_photo(actor, item, _photo_upload(change.get("name"), change.get("content_type"),
                                         change.get("data")), change["id"])
    return {"status": "applied"}


def _sync_finding(actor, checklist, change):
    """A draft finding, linked to its item when it names one."""
    fields = change.get("fields")
    if not isinstance(fields, dict):
        raise WorkflowError(_l("A finding needs its title and description."))
    item_id = change.get("item_id")
    item = None if item_id is None else _item(checklist, item_id)
    finding = draft_finding(actor, checklist, item, fields.get("title"),
                            fields.get("description"), fields.get("severity", "medium"),
                            fields.get("recommendation"))
    return {"status": "applied", "finding": queries.finding_data(finding)}


def _was_conflict(checklist, client_id):
    """Whether the change of this id was answered as a conflict on the checklist."""
    if not isinstance(client_id, str) or clean_text(client_id) != client_id:
        return False
    return (SyncChange
            .select()
            .where(SyncChange.client_id == client_id, SyncChange.checklist == checklist,
                   SyncChange.outcome == "conflict")
            .exists())


def _sync_resolve(actor, checklist, change):
    """The user's choice on a conflict: keep mine (applied unless stale again) or theirs."""
    item = _item(checklist, change.get("item_id"))
    conflict_id, choice = change.get("conflict_id"), change.get("choice")
    if not _was_conflict(checklist, conflict_id) or choice not in ("mine", "theirs"):
        raise WorkflowError(_l("Choose keep mine or keep theirs for a conflict on this "
                               "checklist."))
    result = {"status": "applied", "choice": choice}
    if choice == "mine":
        status, conflict = apply_answer(actor, item, answer_fields(item, change.get("fields")),
                                        _version(change.get("base_version")))
        result = {**result, "status": status, **({"conflict": conflict} if conflict else {})}
    audit.record(actor, "resolve_conflict", item, {"conflict": conflict_id, "choice": choice})
    return result


HANDLERS = {"answer": _sync_answer, "photo": _sync_photo, "finding": _sync_finding,
            "resolve": _sync_resolve}


def _apply_change(actor, checklist, change):
    """The result of one change not seen before; a refused change leaves nothing."""
    kind = change.get("type")
    try:
        with transaction():
            if kind not in SYNC_KINDS:
                raise WorkflowError(_l("This kind of change is not known."))
            result = HANDLERS[kind](actor, checklist, change)
    except WorkflowError as error:
        result = {"status": "rejected", "message": str(error.message)}
    # The item as it now stands, whatever became of the change: the laptop shows it.
    item = _item_of(checklist, change.get("item_id"))
    if item is not None:
        result["item"] = queries.item_dict(item.id, actor)
    return {"id": change["id"], **result}


def _apply_once(actor, checklist, change):
    """The change's result: applied and recorded once, its first result when sent again."""
    seen = SyncChange.get_or_none(SyncChange.client_id == change["id"])
    if seen is not None:
        if seen.checklist_id != checklist.id or seen.user_id != actor.id:
            return {"id": change["id"], "status": "rejected",
                    "message": str(_l("This change id was already used for another change."))}
        return {**json.loads(seen.result), "status": "duplicate"}
    result = _apply_change(actor, checklist, change)
    kind = change.get("type")
    SyncChange.create(client_id=change["id"], user=actor, checklist=checklist,
                      kind=kind if kind in SYNC_KINDS else "unknown",
                      outcome=result["status"],
                      result=json.dumps(result, ensure_ascii=False, default=str))
    return result


def apply_batch(actor, inspection, changes):
    """Apply a laptop's changes in order, in one transaction; the result of each."""
    _check_batch(changes)
    with transaction():
        checklist = _claim_checklist(actor, inspection)
        return [_apply_once(actor, checklist, change) for change in changes]
