"""Forms for units and unit kinds."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from ..forms import BaseForm, required_message
from ..web import bounded_int

CODE_PATTERN = Regexp(r"^[A-Za-z0-9_.-]+$",
                      message=_l("Use only letters without accents, digits, '-', '_' and '.'."))


class UnitForm(BaseForm):
    """A unit's code, name, kind, parent and shared email."""

    code = StringField(_l("Code"), validators=[DataRequired(required_message()),
                                               Length(max=32), CODE_PATTERN])
    name = StringField(_l("Name"), validators=[DataRequired(required_message()),
                                               Length(max=200)])
    kind = SelectField(_l("Kind"), coerce=bounded_int,
                       validators=[DataRequired(required_message())])
    parent = SelectField(_l("Parent unit"), coerce=bounded_int, validators=[Optional()])
    email = StringField(_l("Shared email of the unit"),
                        validators=[Optional(), Email(_l("Invalid email address.")),
                                    Length(max=254)])

    def fill_choices(self, kinds, units):
        """Offer the given kinds and parent units."""
        self.kind.choices = [(k.id, k.label) for k in kinds]
        self.parent.choices = [(0, _l("(none)"))] + [(u.id, u.name) for u in units]


class UnitKindForm(BaseForm):
    """A unit kind's code and label."""

    code = StringField(_l("Code"), validators=[DataRequired(required_message()),
                                               Length(max=32), CODE_PATTERN])
    label = StringField(_l("Label"), validators=[DataRequired(required_message()),
                                                 Length(max=100)])
    active = BooleanField(_l("In use"), default=True)
