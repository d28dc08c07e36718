"""Forms of assessment rounds and sheets: the round, its publication, a round of appraisal,
evidence, lost points to findings, survey points; and reading a scoring page's inputs.

A scoring page holds one set of inputs per node of a field (points-<id>, na-<id>,
note-<id>, ask-<id>, explanation-<id>): read_answers reads them against the nodes shown.
"""
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .. import scoring
from ..forms import (
    BaseForm,
    CheckboxListField,
    LongSelectField,
    PromptedSelectField,
    required_message,
)
from ..i18n import lazy_gettext as _l
from ..labels import SEVERITY, choices
from ..text import clean_text
from ..web import bounded_int
from .services import MAX_NOTE, AnswerInput

NUMBER_MESSAGE = _l("Enter a number, e.g. 0,5.")


class RoundForm(BaseForm):
    """A round's criteria set, units, deadlines, team, survey share and bands."""

    name = StringField(_l("Name"), validators=[DataRequired(required_message()),
                                               Length(max=300)])
    year = IntegerField(_l("Year assessed"), validators=[DataRequired(required_message()),
                                                         NumberRange(min=2000, max=2100)])
    criteria_set = PromptedSelectField(_l("Criteria set"), coerce=bounded_int,
                                       validators=[DataRequired(required_message())],
                                       prompt=_l("— Choose a criteria set —"))
    kinds = CheckboxListField(_l("Every unit of these kinds"), coerce=bounded_int,
                              validators=[Optional()])
    # The service checks the units and the team and says which rule failed.
    units = CheckboxListField(_l("And these units"), coerce=bounded_int,
                              validators=[Optional()], validate_choice=False)
    self_deadline = DateField(_l("Self-assessment deadline"),
                              validators=[DataRequired(required_message())])
    appraisal_from = DateField(_l("Appraisal from"), validators=[Optional()])
    appraisal_to = DateField(_l("Appraisal until"), validators=[Optional()])
    team = CheckboxListField(_l("Appraisal team"), coerce=bounded_int,
                             validators=[DataRequired(required_message())],
                             validate_choice=False)
    survey_share = StringField(_l("Survey's share of the 100 points"),
                               validators=[DataRequired(required_message()), Length(max=10)],
                               description=_l("From 0 to 30; the appraised score makes the "
                                              "rest."))
    bands = StringField(_l("Rating bands"), validators=[DataRequired(required_message()),
                                                        Length(max=500)])

    def fill_choices(self, sets, kinds, units, inspectors):
        """Offer the published sets, unit kinds, units and inspectors."""
        self.criteria_set.choices = [(s.id, f"{s.name} ({s.years})") for s in sets]
        self.kinds.choices = [(kind.id, kind.label) for kind in kinds]
        self.units.choices = [(unit.id, unit.name) for unit in units]
        self.team.choices = [(user.id, user.full_name) for user in inspectors]


class PublishForm(BaseForm):
    """The decision announcing a round's results."""

    decision_no = StringField(_l("Decision number"),
                              validators=[DataRequired(required_message()), Length(max=64)])
    decision_date = DateField(_l("Decision date"), validators=[DataRequired(required_message())])


class FirstRoundForm(BaseForm):
    """The end of appraisal round 1: the date by which the unit explains."""

    explanation_deadline = DateField(_l("Explanation due by"), validators=[Optional()],
                                     description=_l("Needed when nodes are marked for an "
                                                    "explanation."))


class EvidenceForm(BaseForm):
    """A piece of evidence: a new file or one the unit sent, and the document it is."""

    file = FileField(_l("New file"))
    attachment = LongSelectField(_l("Or a file the unit already sent"), coerce=bounded_int,
                                 validators=[Optional()])
    document_no = StringField(_l("Document number"), validators=[Length(max=100)],
                              description=_l("e.g. 12/KH-UBND"))
    document_date = DateField(_l("Document date"), validators=[Optional()])
    page = StringField(_l("Page or section"), validators=[Length(max=32)])

    def fill_choices(self, attachments):
        """Offer the unit's earlier files."""
        self.attachment.choices = [(0, _l("(none)"))] + [
            (attachment.id, attachment.original_name) for attachment in attachments]


class LostPointsForm(BaseForm):
    """Which lost points become draft findings, of which category and in which inspection."""

    nodes = SelectMultipleField(_l("Criteria"), coerce=bounded_int,
                                validators=[DataRequired(required_message())])
    category = PromptedSelectField(_l("Category"), coerce=bounded_int,
                                   validators=[DataRequired(required_message())],
                                   prompt=_l("— Choose a category —"))
    severity = SelectField(_l("Severity"), choices=choices(SEVERITY), default="medium")
    inspection = SelectField(_l("Inspection"), coerce=bounded_int, validators=[Optional()])

    def fill_choices(self, rows, categories, inspections):
        """Offer the nodes that lost points, the categories and the unit's inspections."""
        self.nodes.choices = [(row.node.id, f"{row.node.code}. {row.node.content[:100]}")
                              for row in rows]
        self.category.choices = [(c.id, f"{c.code} · {c.name}") for c in categories]
        self.inspection.choices = [(0, _l("A new inspection for this appraisal"))] + [
            (i.id, i.title) for i in inspections]


class SurveyImportForm(BaseForm):
    """A workbook of survey points: the unit's code and its points."""

    file = FileField(_l("Excel workbook (.xlsx)"),
                     validators=[FileRequired(required_message())])


class PageForm(BaseForm):
    """The CSRF token of a page whose inputs read_answers or read_survey read (CSRFProtect
    checks it on every post)."""


def _points(formdata, name, errors):
    """Points typed in the input called name (None when empty), or an error noted."""
    raw = clean_text(formdata.get(name, "")).strip()
    if not raw:
        return None
    value = scoring.parse_points(raw)
    if value is None or len(raw) > 12:
        errors[name] = NUMBER_MESSAGE
    return value


def _note(formdata, name, errors):
    """A note typed in the input called name, refused beyond MAX_NOTE characters."""
    text = clean_text(formdata.get(name, "")).strip()
    if len(text) > MAX_NOTE:
        errors[name] = _l("A note may hold at most %(max)s characters.", max=MAX_NOTE)
    return text


def read_answers(formdata, rows, stage):
    """({node id: AnswerInput}, {input name: error}) of a scoring page's inputs for rows."""
    answers, errors = {}, {}
    for row in rows:
        node_id = row.node.id
        if stage == "explanation":
            if row.score is not None and row.score.explanation_asked:
                answers[node_id] = AnswerInput(
                    explanation=_note(formdata, f"explanation-{node_id}", errors))
            continue
        answers[node_id] = AnswerInput(
            points=_points(formdata, f"points-{node_id}", errors) if row.leaf else None,
            na=row.node.na_allowed and formdata.get(f"na-{node_id}") == "y",
            note=_note(formdata, f"note-{node_id}", errors) if row.leaf else "",
            ask=stage == "first" and formdata.get(f"ask-{node_id}") == "y")
    return answers, errors


def read_survey(formdata, sheets):
    """({sheet id: points or None}, {input name: error}) of the survey inputs."""
    values, errors = {}, {}
    for sheet in sheets:
        values[sheet.id] = _points(formdata, f"survey-{sheet.id}", errors)
    return values, errors
