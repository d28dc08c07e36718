"""Forms of disciplinary cases, their steps, the list filter and the measures."""
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..formatting import format_date
from ..forms import BaseForm, PromptedSelectField, required_message, unit_only_field
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..labels import CASE_STATUS, DEFERRAL_GROUND, PERSON_TYPE, choices
from ..web import bounded_int


def _validity(measure):
    """A measure's period of validity in words: from, until or both."""
    if measure.valid_from and measure.valid_to:
        return _("%(start)s to %(end)s", start=format_date(measure.valid_from),
                 end=format_date(measure.valid_to))
    if measure.valid_from:
        return _("from %(date)s", date=format_date(measure.valid_from))
    if measure.valid_to:
        return _("until %(date)s", date=format_date(measure.valid_to))
    return ""


def measure_groups(measures):
    """Select choices grouped by legal basis and validity: {group: [(id, name)]}."""
    groups = {}
    for measure in measures:
        validity = _validity(measure)
        group = f"{measure.legal_basis} ({validity})" if validity else measure.legal_basis
        label = f"{measure.name} – {measure.note}" if measure.note else measure.name
        groups.setdefault(group, []).append((measure.id, label))
    return groups


class CaseForm(BaseForm):
    """The official, the unit, the violation, the opening date and the related findings."""

    official_name = StringField(_l("Name of the official"),
                                validators=[DataRequired(required_message()), Length(max=200)])
    official_position = StringField(_l("Position of the official"),
                                    validators=[Optional(), Length(max=200)])
    person_type = SelectField(_l("Person type"), choices=choices(PERSON_TYPE),
                              default="cong_chuc")
    unit = PromptedSelectField(_l("Unit"), coerce=bounded_int,
                               validators=[DataRequired(required_message())],
                               prompt=_l("— Choose a unit —"))
    violation = TextAreaField(_l("Violation"), validators=[DataRequired(required_message()),
                                                           Length(max=10000)])
    opened_on = DateField(_l("Opened on"), validators=[DataRequired(required_message())])
    findings = StringField(_l("Related findings"), validators=[Optional(), Length(max=2000)],
                           description=_l("Finding codes separated by commas, "
                                          "e.g. 12/KL-UBND-3."))

    def fill_choices(self, units):
        """Offer the given units."""
        self.unit.choices = [(u.id, u.name) for u in units]


class ExtendForm(BaseForm):
    """The one extension of the processing time: a date, or the days from the opening."""

    new_deadline = DateField(_l("New deadline"), validators=[Optional()])
    new_days = IntegerField(_l("Or the processing time in days from the opening"),
                            validators=[Optional(), NumberRange(min=91, max=150)],
                            description=_l("Calendar days, at most 150; a period ending on a "
                                           "day off runs to the next working day."))
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(required_message()),
                                                     Length(max=5000)])


class DecideForm(BaseForm):
    """The disciplinary decision."""

    # The offered measures may not all apply on the chosen date: the service decides.
    measure = PromptedSelectField(_l("Disciplinary measure"), coerce=bounded_int,
                                  validate_choice=False,
                                  validators=[DataRequired(required_message())],
                                  prompt=_l("— Choose a measure —"))
    decision_no = StringField(_l("Decision number"),
                              validators=[DataRequired(required_message()), Length(max=64)])
    decision_date = DateField(_l("Decision date"),
                              validators=[DataRequired(required_message())])
    issuing_authority = StringField(_l("Issuing authority"),
                                    validators=[DataRequired(required_message()),
                                                Length(max=200)])


class DismissForm(BaseForm):
    """Closing a case without a measure."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(required_message()),
                                                     Length(max=5000)])


class DeferForm(BaseForm):
    """Deferring a case on a legal ground."""

    ground = SelectField(_l("Ground"), choices=choices(DEFERRAL_GROUND))
    note = TextAreaField(_l("Note"), validators=[Length(max=5000)])


class ResumeForm(BaseForm):
    """Taking a deferred case up again."""

    note = TextAreaField(_l("Note"), validators=[Length(max=5000)])


class CaseFilterForm(BaseForm):
    """Search words and filters of the cases list (a GET form)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=200)])
    unit = SelectField(_l("Unit"), coerce=bounded_int, validators=[Optional()])
    unit_only = unit_only_field()
    status = SelectField(_l("Status"), validators=[Optional()])
    person_type = SelectField(_l("Person type"), validators=[Optional()])
    measure = SelectField(_l("Disciplinary measure"), validators=[Optional()])
    year = SelectField(_l("Year opened"), coerce=int, validators=[Optional()])

    def fill_choices(self, units, measures, years, unit_head):
        """Offer units [(id, name)], measures [(code, name)] and years; none for a unit head."""
        everything = _l("(all)")
        if unit_head:
            # A unit head's list holds only their unit (and its history): no unit filter.
            del self.unit
            del self.unit_only
        else:
            self.unit.choices = [(0, everything)] + units
        self.status.choices = [("", everything)] + choices(CASE_STATUS)
        self.person_type.choices = [("", everything)] + choices(PERSON_TYPE)
        self.measure.choices = [("", everything)] + measures
        self.year.choices = [(0, everything)] + [(year, str(year)) for year in years]

    def filters(self):
        """The filters to apply: every field that holds a valid value."""
        return {name: field.data for name, field in self._fields.items()
                if not field.errors and field.data}


class MeasureForm(BaseForm):
    """A disciplinary measure under a legal basis, with its period of validity."""

    code = StringField(_l("Code"), validators=[DataRequired(required_message()),
                                               Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(required_message()),
                                               Length(max=100)])
    person_type = SelectField(_l("Person type"), choices=choices(PERSON_TYPE))
    legal_basis = StringField(_l("Legal basis"), validators=[DataRequired(required_message()),
                                                             Length(max=200)])
    valid_from = DateField(_l("Valid from"), validators=[Optional()],
                           description=_l("Empty: no start."))
    valid_to = DateField(_l("Valid until"), validators=[Optional()],
                         description=_l("Empty: still in force."))
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])
    sort_order = IntegerField(_l("Order"), default=0,
                              validators=[Optional(), NumberRange(min=0, max=1000)])
    active = BooleanField(_l("In use"), default=True)
