"""Discipline: measures by legal basis, cases against officials and their related findings."""
import datetime as dt

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
from ..deadlines import Basis
from .base import BaseModel
from .inspections import Finding
from .org import Unit, User

PERSON_TYPES = ("can_bo", "cong_chuc", "vien_chuc")
CASE_STATES = ("open", "decided", "dismissed", "deferred")
DEFERRAL_GROUNDS = ("illness", "pregnancy_childcare", "criminal_proceedings")
# Processing time of a case: 90 days from opening, one extension to at most 150 days.
PROCESSING_DAYS = 90
MAX_PROCESSING_DAYS = 150


class DisciplineMeasure(BaseModel):
    """A disciplinary measure for one person type under one legal basis, valid for a period."""

    code = CharField(max_length=32)
    name = CharField(max_length=100)
    person_type = CharField(max_length=16)
    legal_basis = CharField(max_length=200)
    valid_from = DateField(null=True)
    valid_to = DateField(null=True)
    note = TextField(default="")
    sort_order = IntegerField(default=0)
    active = BooleanField(default=True)

    class Meta:
        indexes = ((("code", "person_type", "legal_basis"), True),)

    def __str__(self):
        return self.name


class DisciplineCase(BaseModel):
    """A disciplinary case (xử lý kỷ luật) against one official, with its deadline and outcome."""

    official_name = CharField(max_length=200)
    official_position = CharField(max_length=200, default="")
    person_type = CharField(max_length=16)
    unit = ForeignKeyField(Unit, backref="discipline_cases")
    violation = TextField()
    opened_on = DateField(index=True)
    deadline = DateField(index=True)
    # How the deadline is counted (inspect_app.deadlines): calendar days from the opening,
    # or the date an extension gave.
    deadline_unit = CharField(max_length=16, default="")
    deadline_from = DateField(null=True)
    deadline_days = IntegerField(null=True)
    # opened_on + 90 days: kept so the page can show how far an extension moved the deadline.
    original_deadline = DateField()
    extension_reason = TextField(default="")
    # Days spent deferred: they do not count towards the processing time.
    paused_days = IntegerField(default=0)
    status = CharField(max_length=16, default="open", index=True)
    measure = ForeignKeyField(DisciplineMeasure, null=True, backref="cases")
    decision_no = CharField(max_length=64, default="")
    decision_date = DateField(null=True)
    issuing_authority = CharField(max_length=200, default="")
    outcome_reason = TextField(default="")
    deferral_ground = CharField(max_length=32, default="")
    # The local date of the current outcome: decision date, or day dismissed or deferred.
    outcome_on = DateField(null=True)
    search_text = TextField(default="")
    created_by = ForeignKeyField(User, null=True, backref="created_discipline_cases")
    created_at = DateTimeField(default=clock.now)
    updated_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("unit", "status"), False),)

    def __str__(self):
        return self.official_name

    @property
    def deadline_basis(self):
        """How the processing deadline is counted, the days deferred left out; or None."""
        return Basis.stored(self.deadline_unit, self.deadline_from, self.deadline_days,
                            not_counted=self.paused_days)

    @property
    def extended(self):
        """Whether the one extension of the processing time has been granted."""
        return bool(self.extension_reason)

    def latest_deadline(self):
        """The furthest deadline an extension may reach: 150 days plus the deferred days."""
        return self.opened_on + dt.timedelta(days=MAX_PROCESSING_DAYS + self.paused_days)


class DisciplineDeferral(BaseModel):
    """One deferral of a case, dated the local day it was recorded.

    A resumed case's row no longer shows that it was deferred; the monthly summary counts
    the month's deferrals from these rows.
    """

    case = ForeignKeyField(DisciplineCase, backref="deferrals", on_delete="CASCADE")
    deferred_on = DateField(index=True)


class DisciplineCaseFinding(BaseModel):
    """A finding a disciplinary case arose from."""

    case = ForeignKeyField(DisciplineCase, backref="finding_links", on_delete="CASCADE")
    finding = ForeignKeyField(Finding, backref="discipline_links")

    class Meta:
        indexes = ((("case", "finding"), True),)
