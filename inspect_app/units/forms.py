"""Forms for units and unit kinds."""
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from ..forms import BaseForm, CheckboxListField, PromptedSelectField, required_message
from ..i18n import lazy_gettext as _l
from ..labels import REORGANISATION_KIND, choices
from ..web import bounded_int

CODE_PATTERN = Regexp(r"^[A-Za-z0-9_.-]+$",
                      message=_l("Use only letters without accents, digits, '-', '_' and '.'."))


class UnitForm(BaseForm):
    """A unit's code, name, kind, parent and shared email."""

    code = StringField(_l("Code"), validators=[DataRequired(required_message()),
                                               Length(max=32), CODE_PATTERN])
    name = StringField(_l("Name"), validators=[DataRequired(required_message()),
                                               Length(max=200)])
    kind = PromptedSelectField(_l("Kind"), coerce=bounded_int,
                               validators=[DataRequired(required_message())],
                               prompt=_l("— Choose a kind —"))
    parent = SelectField(_l("Parent unit"), coerce=bounded_int, validators=[Optional()])
    email = StringField(_l("Shared email of the unit"),
                        validators=[Optional(), Email(_l("Invalid email address.")),
                                    Length(max=254)])
    valid_from = DateField(_l("In existence from"), validators=[Optional()])
    valid_to = DateField(_l("In existence until"), validators=[Optional()])

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


class ReorganisationForm(BaseForm):
    """A merge, split or renaming: its date, the units that end and those that take over."""

    kind = SelectField(_l("Kind of reorganisation"), choices=choices(REORGANISATION_KIND))
    on_date = DateField(_l("Effective date"), validators=[DataRequired(required_message())],
                        description=_l("The first day of the new units; the units that end "
                                       "exist until the day before."))
    # The service checks both sides (units in use, the shape of each kind) and says which
    # rule failed.
    predecessors = CheckboxListField(_l("Units that end"), coerce=bounded_int,
                                     validators=[DataRequired(required_message())],
                                     validate_choice=False)
    successors = CheckboxListField(_l("Units that take over"), coerce=bounded_int,
                                   validators=[DataRequired(required_message())],
                                   validate_choice=False)
    note = TextAreaField(_l("Legal basis and note"), validators=[Optional(), Length(max=2000)],
                         description=_l("E.g. the resolution that decided it."))

    def fill_choices(self, units):
        """Offer the units in use on both sides."""
        self.predecessors.choices = [(u.id, u.name) for u in units]
        self.successors.choices = [(u.id, u.name) for u in units]
