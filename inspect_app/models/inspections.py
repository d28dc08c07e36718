"""Plans, inspections, categories, findings, remediation reports, extensions, files."""
from peewee import (
    SQL,
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .. import clock
from ..deadlines import Basis
from .base import BaseModel, ListedByName
from .org import Unit, User

PLAN_STATES = ("draft", "approved")
INSPECTION_KINDS = ("scheduled", "surprise", "follow_up")
INSPECTION_STATES = ("planned", "in_progress", "concluded", "closed", "cancelled")
# Where the draft conclusion stands in its appraisal (Law on Inspection 84/2025): "" never
# submitted, "submitted", "appraised" or "returned". The team works on its draft findings
# in these states; a returned draft is a draft again, with the appraiser's notes.
DRAFTING_STATES = ("", "returned")
SEVERITIES = ("low", "medium", "high")
FINDING_STATES = ("draft", "open", "submitted", "changes_requested", "resolved", "cancelled")
# Findings whose deadline is running: overdue when the deadline has passed.
RUNNING_STATES = ("open", "changes_requested")
# A unit head may ask for more time while the finding is still theirs to work on.
EXTENDABLE_STATES = RUNNING_STATES + ("submitted",)
CANCELLABLE_STATES = tuple(s for s in FINDING_STATES if s not in ("resolved", "cancelled"))
REVIEW_STATES = ("pending", "accepted", "changes_requested")
EXTENSION_STATES = ("pending", "approved", "rejected")


class Plan(BaseModel):
    """An annual inspection plan (kế hoạch kiểm tra)."""

    year = IntegerField(index=True)
    title = CharField(max_length=300)
    decision_no = CharField(max_length=64, default="")
    decision_date = DateField(null=True)
    status = CharField(max_length=16, default="draft")
    created_at = DateTimeField(default=clock.now)

    def __str__(self):
        return self.title


class Inspection(BaseModel):
    """One inspection of a unit (cuộc kiểm tra), from plan to closure."""

    plan = ForeignKeyField(Plan, null=True, backref="inspections")
    unit = ForeignKeyField(Unit, backref="inspections")
    title = CharField(max_length=300)
    topics = TextField(default="")
    kind = CharField(max_length=16, default="scheduled")
    follow_up_of = ForeignKeyField("self", null=True, backref="follow_ups")
    start_date = DateField(index=True)
    end_date = DateField()
    lead = ForeignKeyField(User, null=True, backref="led_inspections")
    decision_no = CharField(max_length=64, default="")
    decision_date = DateField(null=True)
    status = CharField(max_length=16, default="planned", index=True)
    cancel_reason = TextField(default="")
    conclusion_no = CharField(max_length=64, default="")
    conclusion_date = DateField(null=True)
    conclusion_summary = TextField(default="")
    appraisal_status = CharField(max_length=16, default="")
    appraiser = ForeignKeyField(User, null=True, backref="appraisals")
    appraisal_requested_by = ForeignKeyField(User, null=True, backref="appraisal_requests")
    appraisal_round = IntegerField(default=0)
    created_at = DateTimeField(default=clock.now)

    def __str__(self):
        return self.title


class InspectionMember(BaseModel):
    """A member of an inspection team (the lead is on the inspection itself)."""

    inspection = ForeignKeyField(Inspection, backref="members", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="memberships")

    class Meta:
        indexes = ((("inspection", "user"), True),)


class Category(ListedByName, BaseModel):
    """A finding category (seeded from DOMAIN.md, edited by the admin)."""

    code = CharField(max_length=32, unique=True)
    name = CharField(max_length=200)
    sort_name = TextField(default="")
    area = CharField(max_length=64)
    default_severity = CharField(max_length=8, default="medium")
    active = BooleanField(default=True)

    def __str__(self):
        return self.name


class Finding(BaseModel):
    """A finding (tồn tại, hạn chế) with its recommendation and remediation deadline."""

    inspection = ForeignKeyField(Inspection, backref="findings")
    responsible_unit = ForeignKeyField(Unit, backref="findings")
    category = ForeignKeyField(Category, backref="findings")
    severity = CharField(max_length=8, default="medium")
    title = CharField(max_length=300)
    description = TextField(default="")
    recommendation = TextField(default="")
    official_name = CharField(max_length=200, default="")
    official_position = CharField(max_length=200, default="")
    # How the deadline is counted (inspect_app.deadlines): a date, or deadline_days
    # calendar or working days after deadline_from (the conclusion date once issued).
    deadline_unit = CharField(max_length=16, default="")
    deadline_from = DateField(null=True)
    deadline_days = IntegerField(null=True)
    deadline = DateField(null=True, index=True)
    original_deadline = DateField(null=True)
    ordinal = IntegerField(null=True)
    code = CharField(max_length=100, default="")
    status = CharField(max_length=20, default="draft", index=True)
    cancel_reason = TextField(default="")
    resolved_at = DateTimeField(null=True)
    resolved_by = ForeignKeyField(User, null=True, backref="resolved_findings")
    resolved_on_time = BooleanField(null=True)
    search_text = TextField(default="")
    created_by = ForeignKeyField(User, null=True, backref="created_findings")
    created_at = DateTimeField(default=clock.now)

    class Meta:
        # The staff home page: running and overdue by unit, resolved this year, due soon.
        indexes = ((("responsible_unit", "status", "deadline"), False),
                   (("status", "resolved_at"), False),
                   (("status", "deadline"), False))

    def __str__(self):
        return self.code or self.title

    @property
    def deadline_basis(self):
        """How the deadline is counted (a deadlines.Basis), or None when not recorded."""
        return Basis.stored(self.deadline_unit, self.deadline_from, self.deadline_days)


class Response(BaseModel):
    """A remediation report (báo cáo kết quả khắc phục) and its review."""

    finding = ForeignKeyField(Finding, backref="responses")
    author = ForeignKeyField(User, backref="responses")
    body = TextField()
    submitted_at = DateTimeField(default=clock.now)
    submitted_on = DateField()
    review = CharField(max_length=20, default="pending", index=True)
    reviewer = ForeignKeyField(User, null=True, backref="reviews")
    reviewed_at = DateTimeField(null=True)
    review_note = TextField(default="")


class ExtensionRequest(BaseModel):
    """A unit head's request for a later deadline, and its decision."""

    finding = ForeignKeyField(Finding, backref="extensions")
    requested_by = ForeignKeyField(User, backref="extension_requests")
    requested_deadline = DateField()
    # How the new deadline was asked for: a date, or days after the current deadline.
    requested_unit = CharField(max_length=16, default="")
    requested_from = DateField(null=True)
    requested_days = IntegerField(null=True)
    previous_deadline = DateField()
    reason = TextField()
    status = CharField(max_length=16, default="pending", index=True)
    decided_by = ForeignKeyField(User, null=True, backref="extension_decisions")
    decided_at = DateTimeField(null=True)
    note = TextField(default="")
    created_at = DateTimeField(default=clock.now)

    @property
    def requested_basis(self):
        """How the new deadline was asked for (a deadlines.Basis), or None."""
        return Basis.stored(self.requested_unit, self.requested_from, self.requested_days)


# At most one request per finding waits for a decision, even when two arrive at once.
ExtensionRequest.add_index(ExtensionRequest.index(ExtensionRequest.finding, unique=True,
                                                  where=SQL("status = 'pending'"),
                                                  name="extension_request_one_pending"))


class Attachment(BaseModel):
    """An uploaded file belonging to an inspection, a finding or a remediation report."""

    inspection = ForeignKeyField(Inspection, null=True, backref="attachments")
    finding = ForeignKeyField(Finding, null=True, backref="attachments")
    response = ForeignKeyField(Response, null=True, backref="attachments")
    original_name = CharField(max_length=255)
    stored_name = CharField(max_length=64, unique=True)
    content_type = CharField(max_length=100)
    size = BigIntegerField()
    sha256 = CharField(max_length=64)
    uploader = ForeignKeyField(User, backref="attachments")
    uploaded_at = DateTimeField(default=clock.now)
