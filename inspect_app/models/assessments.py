"""CCHC index assessment rounds: the units' sheets, their scores per node and evidence."""
from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .. import clock
from .base import BaseModel
from .criteria import CriteriaNode, CriteriaSet, points_field
from .inspections import Attachment, Finding
from .org import Unit, User

ROUND_STATES = ("draft", "open", "published")
# A unit's sheet: the unit scores itself (draft) and submits; appraisal round 1 ends with
# explanations asked (explaining, then explained once the unit answers) or none asked
# (appraised); appraisal round 2 fixes the final scores.
SHEET_STATES = ("draft", "submitted", "explaining", "explained", "appraised", "final")
# The sheets appraisal round 2 works on.
SECOND_ROUND_STATES = ("explaining", "explained", "appraised")
# Who scores: the unit itself, the team in round 1, the team in round 2.
SCORE_STAGES = ("self", "first", "second")
# Evidence comes with the self-assessment or with an explanation.
EVIDENCE_STAGES = ("self", "explanation")
# The survey's share of the 100 points of the index, at most.
MAX_SURVEY_SHARE = 30


class AssessmentRound(BaseModel):
    """An assessment round (đợt đánh giá): a set version, its units, deadlines and team."""

    name = CharField(max_length=300)
    year = IntegerField(index=True)
    criteria_set = ForeignKeyField(CriteriaSet, backref="rounds")
    # Points of the 100 that come from the citizens' survey (0 to 30).
    survey_share = points_field(default=0)
    self_deadline = DateField()
    appraisal_from = DateField(null=True)
    appraisal_to = DateField(null=True)
    # The rating bands: JSON [[label, lowest index], ...], highest first.
    bands = TextField(default="[]")
    status = CharField(max_length=16, default="draft", index=True)
    decision_no = CharField(max_length=64, default="")
    decision_date = DateField(null=True)
    created_by = ForeignKeyField(User, null=True, backref="created_assessment_rounds")
    created_at = DateTimeField(default=clock.now)
    opened_at = DateTimeField(null=True)
    published_at = DateTimeField(null=True)
    published_by = ForeignKeyField(User, null=True, backref="published_assessment_rounds")

    def __str__(self):
        return self.name


class AssessmentRoundMember(BaseModel):
    """A member of a round's appraisal team (tổ thẩm định)."""

    assessment_round = ForeignKeyField(AssessmentRound, backref="members", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="assessment_memberships")

    class Meta:
        indexes = ((("assessment_round", "user"), True),)


class UnitAssessment(BaseModel):
    """One unit's sheet in a round (phiếu chấm điểm), from self-assessment to final scores."""

    assessment_round = ForeignKeyField(AssessmentRound, backref="sheets", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, backref="assessments")
    status = CharField(max_length=16, default="draft", index=True)
    submitted_at = DateTimeField(null=True)
    submitted_on = DateField(null=True)
    # Sent after the self-assessment deadline (None until sent).
    submitted_late = BooleanField(null=True)
    explanation_deadline = DateField(null=True)
    explained_at = DateTimeField(null=True)
    first_appraised_at = DateTimeField(null=True)
    final_at = DateTimeField(null=True)
    # The citizens' survey points of the unit, within the round's survey share.
    survey_points = points_field(null=True)
    updated_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("assessment_round", "unit"), True),)


class NodeScore(BaseModel):
    """A node's scores on a sheet: the unit's, appraisal rounds 1 and 2, the explanation.

    A score is points, or not applicable (na); the final score is round 2's where it
    gave one, else round 1's.
    """

    assessment = ForeignKeyField(UnitAssessment, backref="scores", on_delete="CASCADE")
    node = ForeignKeyField(CriteriaNode, backref="scores")
    self_points = points_field(null=True)
    self_na = BooleanField(default=False)
    self_note = TextField(default="")
    first_points = points_field(null=True)
    first_na = BooleanField(default=False)
    first_note = TextField(default="")
    explanation_asked = BooleanField(default=False)
    explanation = TextField(default="")
    second_points = points_field(null=True)
    second_na = BooleanField(default=False)
    second_note = TextField(default="")
    # The draft finding the points taken off this node became.
    finding = ForeignKeyField(Finding, null=True, backref="assessment_scores",
                              on_delete="SET NULL")

    class Meta:
        indexes = ((("assessment", "node"), True),)


class AssessmentEvidence(BaseModel):
    """A piece of evidence for a node: a file (new, or one the unit already sent) and the
    document it is, by number, date and page."""

    assessment = ForeignKeyField(UnitAssessment, backref="evidence", on_delete="CASCADE")
    node = ForeignKeyField(CriteriaNode, backref="evidence_pieces")
    stage = CharField(max_length=16, default="self")
    attachment = ForeignKeyField(Attachment, null=True, backref="assessment_evidence")
    document_no = CharField(max_length=100, default="")
    document_date = DateField(null=True)
    page = CharField(max_length=32, default="")
    # The evidence of an earlier round this one was carried over from.
    carried_from = ForeignKeyField("self", null=True, backref="carried_to",
                                   on_delete="SET NULL")
    added_by = ForeignKeyField(User, null=True, backref="assessment_evidence")
    added_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("assessment", "node"), False),)
