"""Forms for recording findings and for the report, review and extension steps."""
from wtforms import (
    DateField,
    IntegerField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..deadlines import CALENDAR_DAYS
from ..forms import (
    BaseForm,
    LongSelectField,
    PromptedSelectField,
    required_message,
    unit_only_field,
)
from ..i18n import lazy_gettext as _l
from ..labels import DAY_UNIT, FINDING_STATUS, SEVERITY, choices
from ..web import bounded_int


class FindingForm(BaseForm):
    """A finding with its recommendation and its deadline (a date or a number of days)."""

    category = PromptedSelectField(_l("Category"), coerce=bounded_int,
                                   validators=[DataRequired(required_message())],
                                   prompt=_l("— Choose a category —"))
    severity = SelectField(_l("Severity"), choices=choices(SEVERITY), default="medium")
    title = StringField(_l("Finding"), validators=[DataRequired(required_message()),
                                                   Length(max=300)])
    description = TextAreaField(_l("Details"), validators=[Length(max=10000)])
    recommendation = TextAreaField(_l("Recommendation"), validators=[Length(max=10000)])
    responsible_unit = PromptedSelectField(_l("Responsible unit"), coerce=bounded_int,
                                           validators=[DataRequired(required_message())],
                                           prompt=_l("— Choose a unit —"))
    official_name = StringField(_l("Official concerned"),
                                validators=[Optional(), Length(max=200)])
    official_position = StringField(_l("Position of the official"),
                                    validators=[Optional(), Length(max=200)])
    deadline = DateField(_l("Deadline"), validators=[Optional()])
    deadline_days = IntegerField(_l("Or days after the conclusion"),
                                 validators=[Optional(), NumberRange(min=1, max=365)])
    deadline_unit = SelectField(_l("Counted in"), choices=choices(DAY_UNIT),
                                default=CALENDAR_DAYS)

    def fill_choices(self, categories, units):
        """Offer the given categories and units."""
        self.category.choices = [(c.id, f"{c.code} · {c.name}") for c in categories]
        self.responsible_unit.choices = [(u.id, u.name) for u in units]


class ReportForm(BaseForm):
    """A remediation report with evidence files."""

    body = TextAreaField(_l("What the unit has done"),
                         validators=[DataRequired(required_message()), Length(max=20000)],
                         render_kw={"rows": 6})
    files = MultipleFileField(_l("Evidence files"))


class ExtensionForm(BaseForm):
    """A request for a later deadline: a date, or days after the current deadline."""

    requested_deadline = DateField(_l("New deadline"), validators=[Optional()])
    requested_days = IntegerField(_l("Or days after the current deadline"),
                                  validators=[Optional(), NumberRange(min=1, max=365)])
    requested_unit = SelectField(_l("Counted in"), choices=choices(DAY_UNIT),
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


class FindingFilterForm(BaseForm):
    """Search words and filters of the findings list."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=200)])
    unit = LongSelectField(_l("Unit"), coerce=bounded_int, validators=[Optional()])
    unit_only = unit_only_field()
    status = SelectField(_l("Status"), validators=[Optional()])
    severity = SelectField(_l("Severity"), validators=[Optional()])
    category = LongSelectField(_l("Category"), coerce=bounded_int, validators=[Optional()])
    inspection = LongSelectField(_l("Inspection"), coerce=bounded_int, validators=[Optional()])
    deadline_from = DateField(_l("Deadline from"), validators=[Optional()])
    deadline_to = DateField(_l("Deadline to"), validators=[Optional()])

    def fill_choices(self, offered, unit_head):
        """Offer the choices offered ({"units", "categories", "inspections"}: [(id, label)])."""
        everything = _l("(all)")
        if unit_head:
            # A unit head's list holds only their unit (and its history): no unit filter.
            del self.unit
            del self.unit_only
        else:
            self.unit.choices = [(0, everything)] + offered["units"]
        # A unit head never sees drafts.
        states = [key for key in FINDING_STATUS if not (unit_head and key == "draft")]
        self.status.choices = [("", everything)] + choices(FINDING_STATUS, states)
        self.severity.choices = [("", everything)] + choices(SEVERITY)
        self.category.choices = [(0, everything)] + offered["categories"]
        self.inspection.choices = [(0, everything)] + offered["inspections"]

    def filters(self):
        """The filters to apply: every field that holds a valid value."""
        return {name: field.data for name, field in self._fields.items()
                if not field.errors and field.data}
