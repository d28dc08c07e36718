"""The pickers of the reports page (GET forms, no CSRF)."""
from wtforms import StringField
from wtforms.validators import DataRequired, ValidationError

from ..forms import BaseForm, PromptedSelectField, required_message
from ..i18n import lazy_gettext as _l
from .monthly import Month, is_reportable


class MonthPickForm(BaseForm):
    """Which month's summary to open."""

    class Meta:
        csrf = False

    month = StringField(_l("Month"), validators=[DataRequired(required_message())])

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def validate_month(self, field):
        """A month written YYYY-MM with at least one day ended."""
        try:
            month = Month.parse(field.data)
        except ValueError:
            raise ValidationError(_l("Write the month as YYYY-MM, e.g. 2026-10."))
        if not is_reportable(month, self.today):
            raise ValidationError(_l("Choose a month that has already begun."))


class UnitPickForm(BaseForm):
    """Which unit's remediation report to open."""

    class Meta:
        csrf = False

    unit = PromptedSelectField(_l("Unit"), validators=[DataRequired(required_message())],
                               prompt=_l("— Choose a unit —"))

    def fill_choices(self, units):
        """Offer the given units, by code."""
        self.unit.choices = [(u.code, u.name) for u in units]
