"""Forms of the checklist pages: making a checklist and answering an item without scripts."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..forms import BaseForm
from ..labels import CHECKLIST_ANSWER
from ..models import ANSWERS
from ..web import bounded_int


class ChecklistSourceForm(BaseForm):
    """Make an inspection's checklist from a template or a published criteria set."""

    template = SelectField(_l("From a checklist template"), coerce=bounded_int,
                           validators=[Optional()])
    criteria_set = SelectField(_l("From a criteria set"), coerce=bounded_int,
                               validators=[Optional()])


class ChecklistItemForm(BaseForm):
    """One item's answer, note, points and photos, on the version the page showed."""

    answer = RadioField(_l("Answer"), choices=[(key, CHECKLIST_ANSWER[key])
                                               for key in ANSWERS if key],
                        validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    points = StringField(_l("Points"), validators=[Optional(), Length(max=12)])
    version = IntegerField(validators=[InputRequired()])
    photos = MultipleFileField(_l("Photos"))
    # Set by the conflict's buttons: keep mine or keep theirs.
    choice = HiddenField()
