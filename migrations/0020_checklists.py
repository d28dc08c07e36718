"""Checklists of inspections (issue 17): templates and their items, an inspection's
checklist and its items with their answers, photos of items, and the ledger of changes
sent by laptops (each change id once). The tables do not raise the data version: no kept
figure reads them, and syncing laptops should not wait on every other writer.
"""
from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


def _points(**kwargs):
    """A number of points as the models keep it."""
    return DecimalField(max_digits=7, decimal_places=2, **kwargs)


def _tables(database):
    """The tables this migration creates, as they were here."""

    class Base(Model):
        class Meta:
            legacy_table_names = False

    Base._meta.set_database(database)

    class User(Base):
        class Meta:
            table_name = "users"

    class Inspection(Base):
        pass

    class Finding(Base):
        pass

    class Attachment(Base):
        pass

    class ChecklistTemplate(Base):
        name = CharField(max_length=300)
        description = TextField(default="")
        active = BooleanField(default=True)
        created_by = ForeignKeyField(User, null=True, backref="created_checklist_templates")
        created_at = DateTimeField()

    class ChecklistTemplateItem(Base):
        template = ForeignKeyField(ChecklistTemplate, backref="items", on_delete="CASCADE")
        parent = ForeignKeyField("self", null=True, backref="children", on_delete="CASCADE")
        position = IntegerField()
        depth = IntegerField(default=0)
        code = CharField(max_length=32)
        content = TextField()
        guidance = TextField(default="")
        max_points = _points(null=True)

        class Meta:
            indexes = ((("template", "code"), True), (("template", "position"), False))

    class Checklist(Base):
        inspection = ForeignKeyField(Inspection, unique=True, backref="checklists")
        title = CharField(max_length=300)
        source = CharField(max_length=400, default="")
        created_by = ForeignKeyField(User, null=True, backref="created_checklists")
        created_at = DateTimeField()

    class ChecklistItem(Base):
        checklist = ForeignKeyField(Checklist, backref="items", on_delete="CASCADE")
        parent = ForeignKeyField("self", null=True, backref="children", on_delete="CASCADE")
        position = IntegerField()
        depth = IntegerField(default=0)
        code = CharField(max_length=32)
        content = TextField()
        guidance = TextField(default="")
        max_points = _points(null=True)
        is_section = BooleanField(default=False)
        answer = CharField(max_length=16, default="")
        note = TextField(default="")
        points = _points(null=True)
        finding = ForeignKeyField(Finding, null=True, backref="checklist_items")
        version = IntegerField(default=1)
        updated_by = ForeignKeyField(User, null=True, backref="checklist_answers")
        updated_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("checklist", "position"), False),)

    class ChecklistPhoto(Base):
        item = ForeignKeyField(ChecklistItem, backref="photos", on_delete="CASCADE")
        attachment = ForeignKeyField(Attachment, backref="checklist_photos")
        uploaded_by = ForeignKeyField(User, backref="checklist_photos")
        created_at = DateTimeField()
        client_id = CharField(max_length=64, unique=True)

    class SyncChange(Base):
        client_id = CharField(max_length=64, unique=True)
        user = ForeignKeyField(User, backref="sync_changes")
        checklist = ForeignKeyField(Checklist, backref="sync_changes", on_delete="CASCADE")
        kind = CharField(max_length=16)
        received_at = DateTimeField()
        outcome = CharField(max_length=16)
        result = TextField(default="")

    return [ChecklistTemplate, ChecklistTemplateItem, Checklist, ChecklistItem,
            ChecklistPhoto, SyncChange]


def upgrade(database, migrator):
    """Create the checklist tables."""
    database.create_tables(_tables(database))
