"""Forms for recording findings and for the report, review and extension steps."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, MultipleFileField, SelectField, StringField, \
    TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..deadlines import CALENDAR_DAYS, WORKING_DAYS
from ..forms import BaseForm, required_message
from ..web import bounded_int


def severity_choices():
    """The severities with their names in the user's language."""
    return [("high", _l("High")), ("medium", _l("Medium")), ("low", _l("Low"))]


def day_unit_choices():
    """Calendar or working days, for a deadline given as a number of days."""
    return [(CALENDAR_DAYS, _l("calendar days")), (WORKING_DAYS, _l("working days"))]


class FindingForm(BaseForm):
    """A finding with its recommendation and its deadline (a date or a number of days)."""

    category = SelectField(_l("Category"), coerce=bounded_int,
                           validators=[DataRequired(required_message())])
    severity = SelectField(_l("Severity"), choices=severity_choices(), default="medium")
    title = StringField(_l("Finding"), validators=[DataRequired(required_message()),
                                                   Length(max=300)])
    description = TextAreaField(_l("Details"), validators=[Length(max=10000)])
    recommendation = TextAreaField(_l("Recommendation"), validators=[Length(max=10000)])
    responsible_unit = SelectField(_l("Responsible unit"), coerce=bounded_int,
                                   validators=[DataRequired(required_message())])
    official_name = StringField(_l("Official concerned"),
                                validators=[Optional(), Length(max=200)])
    official_position = StringField(_l("Position of the official"),
                                    validators=[Optional(), Length(max=200)])
    deadline = DateField(_l("Deadline"), validators=[Optional()])
    deadline_days = IntegerField(_l("Or days after the conclusion"),
                                 validators=[Optional(), NumberRange(min=1, max=365)])
    deadline_unit = SelectField(_l("Counted in"), choices=day_unit_choices(),
                                default=CALENDAR_DAYS)

    def fill_choices(self, categories, units):
        """Offer the given categories and units."""
        self.category.choices = [(c.id, f"{c.code} · {c.name}") for c in categories]
        self.responsible_unit.choices = [(u.id, u.name) for u in units]


class ReportForm(BaseForm):
    """A remediation report with evidence files."""

    body = TextAreaField(_l("What the unit has done"),
                         validators=[DataRequired(required_message()), Length(max=20000)])
    files = MultipleFileField(_l("Evidence files"))


class ExtensionForm(BaseForm):
    """A request for a later deadline: a date, or days after the current deadline."""

    requested_deadline = DateField(_l("New deadline"), validators=[Optional()])
    requested_days = IntegerField(_l("Or days after the current deadline"),
                                  validators=[Optional(), NumberRange(min=1, max=365)])
    requested_unit = SelectField(_l("Counted in"), choices=day_unit_choices(),
                                 default=CALENDAR_DAYS)
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(required_message()),
                                                     Length(max=5000)])


class NoteForm(BaseForm):
    """A note that goes with a decision (review or extension)."""

    note = TextAreaField(_l("Note"), validators=[Length(max=5000)])


class ReasonForm(BaseForm):
    """The reason for cancelling or reopening a finding."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(required_message()),
                                                     Length(max=5000)])
