"""Forms for plans, inspections, their status actions, the conclusion and files."""
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..formatting import format_date
from ..forms import BaseForm, CheckboxListField, PromptedSelectField, required_message
from ..i18n import lazy_gettext as _l
from ..labels import INSPECTION_KIND, INSPECTION_STATUS, ROLE, choices
from ..web import bounded_int

YEAR_RANGE = NumberRange(min=2000, max=2100)


class PlanForm(BaseForm):
    """An annual plan's year, title and approval decision."""

    year = IntegerField(_l("Year"), validators=[DataRequired(required_message()), YEAR_RANGE])
    title = StringField(_l("Title"), validators=[DataRequired(required_message()),
                                                 Length(max=300)])
    decision_no = StringField(_l("Decision number"), validators=[Optional(), Length(max=64)])
    decision_date = DateField(_l("Decision date"), validators=[Optional()])


class InspectionForm(BaseForm):
    """An inspection's unit, subject, kind, dates and team."""

    plan = SelectField(_l("Plan"), coerce=bounded_int, validators=[Optional()])
    unit = PromptedSelectField(_l("Inspected unit"), coerce=bounded_int,
                               validators=[DataRequired(required_message())],
                               prompt=_l("— Choose a unit —"))
    title = StringField(_l("Title"), validators=[DataRequired(required_message()),
                                                 Length(max=300)])
    topics = TextAreaField(_l("Topics"), validators=[Optional(), Length(max=5000)],
                           description=_l("One topic a line, e.g. handling of "
                                          "administrative procedures."))
    kind = SelectField(_l("Inspection type"), choices=choices(INSPECTION_KIND))
    follow_up_of = SelectField(_l("Follow-up of"), coerce=bounded_int, validators=[Optional()],
                               description=_l("For a follow-up: the earlier inspection of "
                                              "the same unit."))
    start_date = DateField(_l("Start date"), validators=[DataRequired(required_message())])
    end_date = DateField(_l("End date"), validators=[DataRequired(required_message())])
    lead = SelectField(_l("Team lead"), coerce=bounded_int, validators=[Optional()])
    # The service checks every member (active inspectors only) and says which rule failed.
    members = CheckboxListField(_l("Team members"), coerce=bounded_int,
                                validators=[Optional()], validate_choice=False)
    decision_no = StringField(_l("Team decision number"),
                              validators=[Optional(), Length(max=64)])
    decision_date = DateField(_l("Team decision date"), validators=[Optional()])

    def fill_choices(self, plans, units, inspectors, earlier):
        """Offer the given plans, units, inspectors and earlier inspections."""
        none = (0, _l("(none)"))
        self.plan.choices = [none] + [(p.id, f"{p.year} · {p.title}") for p in plans]
        self.unit.choices = [(u.id, u.name) for u in units]
        self.lead.choices = [none] + [(u.id, u.full_name) for u in inspectors]
        self.members.choices = [(u.id, u.full_name) for u in inspectors]
        self.follow_up_of.choices = [none] + [
            (i.id, f"{i.unit.name} · {i.title} ({format_date(i.start_date)})") for i in earlier]


class InspectionFilterForm(BaseForm):
    """Filters of the inspections list (a GET form, no CSRF)."""

    class Meta:
        csrf = False

    year = IntegerField(_l("Year"), validators=[Optional(), YEAR_RANGE])
    unit = SelectField(_l("Unit"), coerce=bounded_int, validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])
    kind = SelectField(_l("Inspection type"), validators=[Optional()])

    def fill_choices(self, units):
        """Offer the given units and every status and kind."""
        everything = _l("(all)")
        self.unit.choices = [(0, everything)] + [(u.id, u.name) for u in units]
        self.status.choices = [("", everything)] + choices(INSPECTION_STATUS)
        self.kind.choices = [("", everything)] + choices(INSPECTION_KIND)


class CancelForm(BaseForm):
    """Why an inspection is cancelled."""

    reason = TextAreaField(_l("Reason for cancelling"),
                           validators=[DataRequired(_l("Give the reason for cancelling.")),
                                       Length(max=2000)])


class ConclusionForm(BaseForm):
    """The conclusion's number, date and summary."""

    conclusion_no = StringField(_l("Conclusion number"),
                                validators=[DataRequired(required_message()), Length(max=64)],
                                description=_l("As printed on the document, e.g. 12/2026."))
    conclusion_date = DateField(_l("Conclusion date"),
                                validators=[DataRequired(required_message())])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=10000)])


class AttachmentForm(BaseForm):
    """A file to attach: the on-site record, the team decision, ..."""

    file = FileField(_l("File"), validators=[FileRequired(required_message())])


class AppraisalRequestForm(BaseForm):
    """Who appraises the draft conclusion, and its draft summary."""

    appraiser = PromptedSelectField(_l("Appraiser"), coerce=bounded_int,
                                    validators=[DataRequired(required_message())],
                                    prompt=_l("— Choose the appraiser —"),
                                    description=_l("A leader, or an inspector who is not on "
                                                   "the team."))
    summary = TextAreaField(_l("Summary of the draft conclusion"),
                            validators=[Optional(), Length(max=10000)])

    def fill_choices(self, candidates):
        """Offer the users who may appraise this draft."""
        self.appraiser.choices = [(user.id, f"{user.full_name} · {ROLE[user.role]}")
                                  for user in candidates]


class AppraisalDecisionForm(BaseForm):
    """The appraiser's decision on a draft conclusion and the notes of the appraisal."""

    # Set by the button pressed: appraised, or returned to the team.
    outcome = SelectField(_l("Decision"), choices=[("appraised", _l("Appraised")),
                                                   ("returned", _l("Returned for changes"))])
    note = TextAreaField(_l("Notes of the appraisal"), validators=[Optional(), Length(max=10000)],
                         description=_l("Required when the draft is returned: say what the "
                                        "team should change."))
