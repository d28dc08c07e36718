"""CCHC index assessment rounds: their appraisal teams, the units' sheets, the scores per
node (the unit's, appraisal rounds 1 and 2, the explanation) and the evidence. Every
table but the evidence raises the data version, as in 0016_criteria_sets.py: the home
page and the monthly summary show the rounds' progress and rankings.
"""
from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
    TextField,
)

RAISE_VERSION = "UPDATE data_version SET version = version + 1 WHERE id = 1"
TRACKED = ("assessment_round", "assessment_round_member", "unit_assessment", "node_score")


def _points(**kwargs):
    """A number of points, as the models declared it here."""
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

    class Unit(Base):
        pass

    class CriteriaSet(Base):
        pass

    class CriteriaNode(Base):
        pass

    class Finding(Base):
        pass

    class Attachment(Base):
        pass

    class AssessmentRound(Base):
        name = CharField(max_length=300)
        year = IntegerField(index=True)
        criteria_set = ForeignKeyField(CriteriaSet, backref="rounds")
        survey_share = _points(default=0)
        self_deadline = DateField()
        appraisal_from = DateField(null=True)
        appraisal_to = DateField(null=True)
        bands = TextField(default="[]")
        status = CharField(max_length=16, default="draft", index=True)
        decision_no = CharField(max_length=64, default="")
        decision_date = DateField(null=True)
        created_by = ForeignKeyField(User, null=True, backref="created_assessment_rounds")
        created_at = DateTimeField()
        opened_at = DateTimeField(null=True)
        published_at = DateTimeField(null=True)
        published_by = ForeignKeyField(User, null=True, backref="published_assessment_rounds")

    class AssessmentRoundMember(Base):
        assessment_round = ForeignKeyField(AssessmentRound, backref="members", on_delete="CASCADE")
        user = ForeignKeyField(User, backref="assessment_memberships")

        class Meta:
            indexes = ((("assessment_round", "user"), True),)

    class UnitAssessment(Base):
        assessment_round = ForeignKeyField(AssessmentRound, backref="sheets", on_delete="CASCADE")
        unit = ForeignKeyField(Unit, backref="assessments")
        status = CharField(max_length=16, default="draft", index=True)
        submitted_at = DateTimeField(null=True)
        submitted_on = DateField(null=True)
        submitted_late = BooleanField(null=True)
        explanation_deadline = DateField(null=True)
        explained_at = DateTimeField(null=True)
        first_appraised_at = DateTimeField(null=True)
        final_at = DateTimeField(null=True)
        survey_points = _points(null=True)
        updated_at = DateTimeField()

        class Meta:
            indexes = ((("assessment_round", "unit"), True),)

    class NodeScore(Base):
        assessment = ForeignKeyField(UnitAssessment, backref="scores", on_delete="CASCADE")
        node = ForeignKeyField(CriteriaNode, backref="scores")
        self_points = _points(null=True)
        self_na = BooleanField(default=False)
        self_note = TextField(default="")
        first_points = _points(null=True)
        first_na = BooleanField(default=False)
        first_note = TextField(default="")
        explanation_asked = BooleanField(default=False)
        explanation = TextField(default="")
        second_points = _points(null=True)
        second_na = BooleanField(default=False)
        second_note = TextField(default="")
        finding = ForeignKeyField(Finding, null=True, backref="assessment_scores",
                                  on_delete="SET NULL")

        class Meta:
            indexes = ((("assessment", "node"), True),)

    class AssessmentEvidence(Base):
        assessment = ForeignKeyField(UnitAssessment, backref="evidence", on_delete="CASCADE")
        node = ForeignKeyField(CriteriaNode, backref="evidence")
        stage = CharField(max_length=16, default="self")
        attachment = ForeignKeyField(Attachment, null=True, backref="assessment_evidence")
        document_no = CharField(max_length=100, default="")
        document_date = DateField(null=True)
        page = CharField(max_length=32, default="")
        carried_from = ForeignKeyField("self", null=True, backref="carried_to",
                                       on_delete="SET NULL")
        added_by = ForeignKeyField(User, null=True, backref="assessment_evidence")
        added_at = DateTimeField()

        class Meta:
            indexes = ((("assessment", "node"), False),)

    return [AssessmentRound, AssessmentRoundMember, UnitAssessment, NodeScore,
            AssessmentEvidence]


def _track(database):
    """Raise the data version on every change to the tracked tables (as migration 0007)."""
    for table in TRACKED:
        if isinstance(database, SqliteDatabase):
            for event in ("insert", "update", "delete"):
                database.execute_sql(f"CREATE TRIGGER {table}_{event}_data_version AFTER "
                                     f"{event.upper()} ON {table} BEGIN {RAISE_VERSION}; END")
        else:
            database.execute_sql(f"CREATE TRIGGER {table}_data_version BEFORE INSERT OR UPDATE "
                                 f"OR DELETE OR TRUNCATE ON {table} FOR EACH STATEMENT "
                                 f"EXECUTE FUNCTION raise_data_version()")


def upgrade(database, migrator):
    """Create the assessment tables and track them."""
    database.create_tables(_tables(database))
    _track(database)
