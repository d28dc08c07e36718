"""Criteria sets of the CCHC index (bộ tiêu chí) and their trees of scored nodes."""
from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .. import clock
from .base import BaseModel
from .org import UnitKind, User

CRITERIA_SET_STATES = ("draft", "published", "retired")
# A regular node counts towards the set's total; a bonus or penalty node adds or takes
# off points up to its maximum (its cap), outside the total.
NODE_KINDS = ("regular", "bonus", "penalty")
# How a leaf is scored: any value from 0 to its maximum in the set's step, or one of
# its levels (label and points).
SCORING_RULES = ("range", "levels")


def points_field(**kwargs):
    """A number of points: up to 99,999.99, kept exact (never a float)."""
    return DecimalField(max_digits=7, decimal_places=2, auto_round=True, **kwargs)


class CriteriaSet(BaseModel):
    """One version of a criteria set; a published one never changes."""

    name = CharField(max_length=300)
    first_year = IntegerField()
    last_year = IntegerField()
    legal_basis = TextField(default="")
    # The step in which a range-scored node is scored, e.g. 0.25.
    step = points_field(default=0.25)
    status = CharField(max_length=16, default="draft", index=True)
    predecessor = ForeignKeyField("self", null=True, backref="successors")
    created_by = ForeignKeyField(User, null=True, backref="created_criteria_sets")
    created_at = DateTimeField(default=clock.now)
    published_at = DateTimeField(null=True)

    def __str__(self):
        return self.name

    @property
    def years(self):
        """The years the set applies to, as written: 2026 or 2026–2030."""
        if self.first_year == self.last_year:
            return str(self.first_year)
        return f"{self.first_year}–{self.last_year}"


class CriteriaSetKind(BaseModel):
    """A unit kind a criteria set applies to."""

    criteria_set = ForeignKeyField(CriteriaSet, backref="kind_links", on_delete="CASCADE")
    kind = ForeignKeyField(UnitKind, backref="criteria_set_links")

    class Meta:
        indexes = ((("criteria_set", "kind"), True),)


class CriteriaNode(BaseModel):
    """A field (lĩnh vực), criterion (tiêu chí) or sub-criterion of a set, at any depth.

    A leaf is scored by its rule; a parent's maximum is the sum of its children's (a
    bonus or penalty parent's maximum is the cap of what its children add up to).
    """

    criteria_set = ForeignKeyField(CriteriaSet, backref="nodes", on_delete="CASCADE")
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="CASCADE")
    # The node's place in the whole tree, parents before their children.
    position = IntegerField()
    depth = IntegerField(default=0)
    code = CharField(max_length=32)
    content = TextField()
    kind = CharField(max_length=16, default="regular")
    max_points = points_field()
    scoring = CharField(max_length=16, default="range")
    # The levels of a level-scored leaf: JSON [[label, points], ...].
    levels = TextField(default="")
    guidance = TextField(default="")
    evidence = TextField(default="")
    # The unit kinds (codes, space-separated) the node applies to; empty: every kind.
    # For a unit of another kind the node is not applicable and the total is rescaled.
    applies_to = CharField(max_length=200, default="")
    # Whether a unit may mark the node not applicable (e.g. a unit without procedures).
    na_allowed = BooleanField(default=False)
    # The node of the predecessor set it carries on: a unit's evidence and notes follow.
    previous = ForeignKeyField("self", null=True, backref="carried_to", on_delete="SET NULL")

    class Meta:
        indexes = ((("criteria_set", "code"), True), (("criteria_set", "position"), False))

    def __str__(self):
        return f"{self.code}. {self.content}"
