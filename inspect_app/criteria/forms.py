"""Forms of criteria sets: the set's details, importing a sheet, a node."""
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..forms import BaseForm, CheckboxListField, required_message
from ..i18n import lazy_gettext as _l
from ..labels import NODE_KIND, SCORING_RULE, choices
from ..web import bounded_int

YEARS = NumberRange(min=2000, max=2100)
# The steps a range-scored node may be scored in, as offered.
STEP_CHOICES = [("0.01", "0,01"), ("0.05", "0,05"), ("0.1", "0,1"), ("0.25", "0,25"),
                ("0.5", "0,5"), ("1", "1")]


class CriteriaSetForm(BaseForm):
    """A set's name, years, legal basis, scoring step and unit kinds."""

    name = StringField(_l("Name"), validators=[DataRequired(required_message()),
                                               Length(max=300)])
    first_year = IntegerField(_l("First year"), validators=[DataRequired(required_message()),
                                                            YEARS])
    last_year = IntegerField(_l("Last year"), validators=[Optional(), YEARS],
                             description=_l("Empty: the first year only."))
    legal_basis = TextAreaField(_l("Legal basis"), validators=[Length(max=2000)])
    step = SelectField(_l("Scoring step"), choices=STEP_CHOICES, default="0.25",
                       description=_l("Criteria scored on a range take points in this step."))
    kinds = CheckboxListField(_l("Unit kinds"), coerce=bounded_int,
                              validators=[DataRequired(required_message())])

    def fill_choices(self, kinds):
        """Offer the unit kinds."""
        self.kinds.choices = [(kind.id, kind.label) for kind in kinds]


class ImportForm(CriteriaSetForm):
    """A set's details and the workbook holding its criteria."""

    predecessor = SelectField(_l("New version of"), coerce=bounded_int, validators=[Optional()],
                              description=_l("Nodes are matched to the earlier version's by "
                                             "code, then by content, so that evidence carries "
                                             "over."))
    file = FileField(_l("Excel workbook (.xlsx)"),
                     validators=[FileRequired(required_message())])

    def fill_choices(self, kinds, sets=()):
        """Offer the unit kinds and the sets a new version may follow."""
        super().fill_choices(kinds)
        self.predecessor.choices = [(0, _l("(none)"))] + [
            (criteria_set.id, f"{criteria_set.name} ({criteria_set.years})")
            for criteria_set in sets]


class NodeForm(BaseForm):
    """A field, criterion or sub-criterion of a draft set."""

    code = StringField(_l("Code"), validators=[DataRequired(required_message()),
                                               Length(max=32)],
                       description=_l("Its place in the tree: 3.2.1 belongs under 3.2."))
    content = TextAreaField(_l("Content"), validators=[DataRequired(required_message()),
                                                       Length(max=5000)])
    kind = SelectField(_l("Kind of points"), choices=choices(NODE_KIND))
    max_points = StringField(_l("Maximum points"), validators=[DataRequired(required_message()),
                                                               Length(max=20)],
                             description=_l("For a bonus or penalty group: its cap."))
    scoring = SelectField(_l("How it is scored"), choices=choices(SCORING_RULE))
    levels = StringField(_l("Levels"), validators=[Length(max=2000)],
                         description=_l("For scoring by levels: \"Đầy đủ, đúng hạn: 1; Chậm: "
                                        "0,5; Không thực hiện: 0\"."))
    guidance = TextAreaField(_l("Scoring guidance"), validators=[Length(max=5000)])
    evidence = TextAreaField(_l("Evidence required"), validators=[Length(max=5000)])
    applies_to = CheckboxListField(_l("Applies to"), validators=[Optional()],
                                   description=_l("None chosen: every unit kind of the set. "
                                                  "For other kinds it is not applicable."))
    na_allowed = BooleanField(_l("A unit may mark it not applicable"))
    previous = SelectField(_l("Carries on from"), coerce=bounded_int, validators=[Optional()],
                           description=_l("The node of the previous version whose evidence "
                                          "and notes carry over."))

    def fill_choices(self, kinds, previous_nodes):
        """Offer the set's unit kinds and the previous version's nodes."""
        self.applies_to.choices = [(kind.code, kind.label) for kind in kinds]
        self.previous.choices = [(0, _l("(none)"))] + [
            (node.id, f"{node.code}. {node.content[:80]}") for node in previous_nodes]
