"""The filter form of the findings list (a GET form) and the labels it shows."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from ..admin.forms import severity_choices
from ..forms import BaseForm, LongSelectField
from ..reports.queries import OVERDUE
from ..web import bounded_int


def status_choices(include_draft=True):
    """The finding states, plus the derived "overdue", with their names."""
    choices = [("draft", _l("Draft")), ("open", _l("Open")),
               ("submitted", _l("Submitted")),
               ("changes_requested", _l("Changes requested")),
               ("resolved", _l("Resolved")), ("cancelled", _l("Cancelled")),
               (OVERDUE, _l("Overdue"))]
    return choices if include_draft else choices[1:]


class FindingFilterForm(BaseForm):
    """Search words and filters of the findings list."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=200)])
    unit = LongSelectField(_l("Unit"), coerce=bounded_int, validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])
    severity = SelectField(_l("Severity"), validators=[Optional()])
    category = LongSelectField(_l("Category"), coerce=bounded_int, validators=[Optional()])
    inspection = LongSelectField(_l("Inspection"), coerce=bounded_int, validators=[Optional()])
    deadline_from = DateField(_l("Deadline from"), validators=[Optional()])
    deadline_to = DateField(_l("Deadline to"), validators=[Optional()])

    def fill_choices(self, choices, unit_head):
        """Offer choices ({"units", "categories", "inspections"}: [(id, label)])."""
        everything = _l("(all)")
        if unit_head:
            # A unit head's list holds only their unit: the unit filter would be noise.
            del self.unit
        else:
            self.unit.choices = [(0, everything)] + choices["units"]
        self.status.choices = [("", everything)] + status_choices(not unit_head)
        self.severity.choices = [("", everything)] + severity_choices()
        self.category.choices = [(0, everything)] + choices["categories"]
        self.inspection.choices = [(0, everything)] + choices["inspections"]

    def filters(self):
        """The filters to apply: every field that holds a valid value."""
        return {name: field.data for name, field in self._fields.items()
                if not field.errors and field.data}
