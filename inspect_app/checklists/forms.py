"""Forms of the checklist pages: making a checklist and answering an item without scripts."""
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..forms import BaseForm, required_message
from ..i18n import lazy_gettext as _l
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


class TemplateForm(BaseForm):
    """A checklist template's name, description and whether it is offered."""

    name = StringField(_l("Name"), validators=[DataRequired(required_message()),
                                               Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    active = BooleanField(_l("Offered for new checklists"), default=True)


class TemplateItemForm(BaseForm):
    """A section or item of a template; its code places it in the tree."""

    code = StringField(_l("Code"), validators=[DataRequired(required_message()),
                                               Length(max=32)],
                       description=_l("Its place in the tree: 1.2 belongs under 1. An item "
                                      "with parts is a section."))
    content = TextAreaField(_l("Content"), validators=[DataRequired(required_message()),
                                                       Length(max=5000)])
    guidance = TextAreaField(_l("Guidance for the inspector"), validators=[Length(max=5000)])
    max_points = StringField(_l("Points"), validators=[Length(max=20)],
                             description=_l("Leave empty for an item that is not scored."))
