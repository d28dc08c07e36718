"""The form of one day of the working calendar."""
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import BaseForm, required_message
from ..i18n import lazy_gettext as _l
from ..labels import CALENDAR_DAY_KIND, choices


class CalendarDayForm(BaseForm):
    """A day the government's notice makes a day off or a working day, and why."""

    day = DateField(_l("Date"), validators=[DataRequired(required_message())])
    kind = SelectField(_l("Kind"), choices=choices(CALENDAR_DAY_KIND))
    reason = StringField(_l("Reason"), validators=[DataRequired(required_message()),
                                                   Length(max=300)],
                         description=_l("Shown in deadline explanations, e.g. \"Hoán đổi "
                                        "ngày làm việc (làm bù thứ Bảy 10/01/2026)\"."))
    notice = StringField(_l("Notice"), validators=[Optional(), Length(max=300)],
                         description=_l("The document that announces it, e.g. \"Công văn "
                                        "12729/VPCP-KGVX ngày 25/12/2025\"."))
