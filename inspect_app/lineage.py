"""A unit's history: the units it replaced, directly or through others, in one query.

Every list, filter, export, report and policy rule that takes "this unit and its
predecessors" reads it from here. It is a recursive common table expression over the
unit successions, written once for SQLite and PostgreSQL alike; UNION (not UNION ALL)
stops at a unit already reached, should a reactivated unit ever close a circle.
"""
from .models import Unit, UnitSuccession


def with_predecessors(unit_id):
    """A query of the ids of unit_id and of every unit it replaced, for `.in_()`."""
    start = (Unit
             .select(Unit.id.alias("unit_id"))
             .where(Unit.id == unit_id)
             .cte("lineage", recursive=True))
    earlier = (UnitSuccession
               .select(UnitSuccession.predecessor)
               .join(start, on=(UnitSuccession.successor == start.c.unit_id)))
    lineage = start.union(earlier)
    return lineage.select_from(lineage.c.unit_id)


def unit_ids(unit_id):
    """The ids of unit_id and of every unit it replaced, as a set."""
    return {row[0] for row in with_predecessors(unit_id).tuples()}


def replaced(unit_id, other_id):
    """Whether other_id is a unit that unit_id replaced, directly or through others."""
    return other_id != unit_id and other_id in unit_ids(unit_id)


def of_unit(field, unit_id, history=True):
    """The condition "field names unit_id", or one of the units it replaced with history."""
    return field.in_(with_predecessors(unit_id)) if history else field == unit_id
