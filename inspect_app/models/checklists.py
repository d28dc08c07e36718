"""Checklists of inspections (on-site work), their templates and the sync ledger.

A checklist's items are copied from a template or a criteria set when it is made: a later
edit of the template never changes a checklist. Every applied change to an item raises its
version, which an offline change names as the version it was made on (conflicts).
"""
from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .. import clock
from .base import BaseModel
from .criteria import points_field
from .inspections import Attachment, Finding, Inspection
from .org import User

ANSWERS = ("", "met", "not_met", "not_applicable")
SYNC_KINDS = ("answer", "photo", "finding", "resolve")
SYNC_OUTCOMES = ("applied", "conflict", "rejected")
# The longest id a laptop may give a change (a UUID is 36 characters).
CLIENT_ID_LENGTH = 64


class ChecklistTemplate(BaseModel):
    """A checklist the admins keep, from which an inspection's checklist is copied."""

    name = CharField(max_length=300)
    description = TextField(default="")
    active = BooleanField(default=True)
    created_by = ForeignKeyField(User, null=True, backref="created_checklist_templates")
    created_at = DateTimeField(default=clock.now)

    def __str__(self):
        return self.name


class ChecklistTemplateItem(BaseModel):
    """A section or an item of a template, at any depth (the tree of criteria nodes)."""

    template = ForeignKeyField(ChecklistTemplate, backref="items", on_delete="CASCADE")
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="CASCADE")
    # The item's place in the whole tree, parents before their children.
    position = IntegerField()
    depth = IntegerField(default=0)
    code = CharField(max_length=32)
    content = TextField()
    guidance = TextField(default="")
    # None: the item is answered but not scored.
    max_points = points_field(null=True)

    class Meta:
        indexes = ((("template", "code"), True), (("template", "position"), False))


class Checklist(BaseModel):
    """The checklist of one inspection."""

    inspection = ForeignKeyField(Inspection, unique=True, backref="checklists")
    title = CharField(max_length=300)
    # Where its items were copied from, as words (a template's or criteria set's name).
    source = CharField(max_length=400, default="")
    created_by = ForeignKeyField(User, null=True, backref="created_checklists")
    created_at = DateTimeField(default=clock.now)


class ChecklistItem(BaseModel):
    """A section or an answerable item of a checklist, with its answer."""

    checklist = ForeignKeyField(Checklist, backref="items", on_delete="CASCADE")
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="CASCADE")
    position = IntegerField()
    depth = IntegerField(default=0)
    code = CharField(max_length=32)
    content = TextField()
    guidance = TextField(default="")
    max_points = points_field(null=True)
    # A section groups items and is never answered (a criteria set's parent node).
    is_section = BooleanField(default=False)
    answer = CharField(max_length=16, default="")
    note = TextField(default="")
    points = points_field(null=True)
    # The draft finding made from this item (once only).
    finding = ForeignKeyField(Finding, null=True, backref="checklist_items")
    version = IntegerField(default=1)
    updated_by = ForeignKeyField(User, null=True, backref="checklist_answers")
    updated_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("checklist", "position"), False),)


class ChecklistPhoto(BaseModel):
    """A photo taken for an item, kept as an attachment of the inspection."""

    item = ForeignKeyField(ChecklistItem, backref="photos", on_delete="CASCADE")
    attachment = ForeignKeyField(Attachment, backref="checklist_photos")
    uploaded_by = ForeignKeyField(User, backref="checklist_photos")
    created_at = DateTimeField(default=clock.now)
    client_id = CharField(max_length=CLIENT_ID_LENGTH, unique=True)


class SyncChange(BaseModel):
    """The ledger of changes sent by laptops: each id is applied once, its answer kept."""

    client_id = CharField(max_length=CLIENT_ID_LENGTH, unique=True)
    user = ForeignKeyField(User, backref="sync_changes")
    checklist = ForeignKeyField(Checklist, backref="sync_changes", on_delete="CASCADE")
    kind = CharField(max_length=16)
    received_at = DateTimeField(default=clock.now)
    outcome = CharField(max_length=16)
    # The result first answered, as JSON: a replay answers the same.
    result = TextField(default="")
