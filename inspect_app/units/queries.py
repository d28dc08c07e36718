"""Units read: their history (what they replaced, what took over), open items, the month's
reorganisations."""
from .. import lineage
from ..models import (
    EXTENDABLE_STATES,
    DisciplineCase,
    ExtensionRequest,
    Finding,
    Reorganisation,
    Unit,
    UnitSuccession,
)

# What passes to a successor: findings the unit still works on or that wait for a review,
# and cases not yet decided (a deferred case resumes with the successor).
PASSING_FINDING_STATES = EXTENDABLE_STATES
PASSING_CASE_STATES = ("open", "deferred")


def predecessors(unit_id):
    """The units unit_id replaced, directly or through others, by name."""
    return list(Unit
                .select()
                .where(Unit.id.in_(lineage.with_predecessors(unit_id)), Unit.id != unit_id)
                .order_by(Unit.sort_name))


def successions_of(unit):
    """(links to the units it replaced, links to those that took over from it), each link
    with its reorganisation and the other unit, oldest first."""
    Other = Unit.alias()

    def links(own_side, other_side):
        return list(UnitSuccession
                    .select(UnitSuccession, Reorganisation, Other)
                    .join(Reorganisation)
                    .switch(UnitSuccession)
                    .join(Other, on=(other_side == Other.id))
                    .where(own_side == unit.id)
                    .order_by(Reorganisation.on_date, Other.sort_name))
    return (links(UnitSuccession.successor, UnitSuccession.predecessor),
            links(UnitSuccession.predecessor, UnitSuccession.successor))


def passing_findings(unit_ids):
    """The findings of the given units that pass to a successor, by code."""
    return list(Finding
                .select()
                .where(Finding.responsible_unit.in_(unit_ids),
                       Finding.status.in_(PASSING_FINDING_STATES))
                .order_by(Finding.code, Finding.id))


def passing_cases(unit_ids):
    """The disciplinary cases of the given units that pass to a successor, oldest first."""
    return list(DisciplineCase
                .select()
                .where(DisciplineCase.unit.in_(unit_ids),
                       DisciplineCase.status.in_(PASSING_CASE_STATES))
                .order_by(DisciplineCase.opened_on, DisciplineCase.id))


def pending_extensions(finding_ids):
    """{finding id: its request for more time waiting for a decision}."""
    if not finding_ids:
        return {}
    return {request.finding_id: request
            for request in ExtensionRequest
            .select()
            .where(ExtensionRequest.finding.in_(finding_ids),
                   ExtensionRequest.status == "pending")}


def reorganisations_between(first_day, last_day):
    """[{on_date, kind, note, predecessors: [names], successors: [names]}] dated in the period,
    in date order."""
    Predecessor, Successor = Unit.alias(), Unit.alias()
    rows = (UnitSuccession
            .select(Reorganisation.id, Reorganisation.on_date, Reorganisation.kind,
                    Reorganisation.note, Predecessor.name.alias("predecessor"),
                    Successor.name.alias("successor"))
            .join(Reorganisation)
            .switch(UnitSuccession)
            .join(Predecessor, on=(UnitSuccession.predecessor == Predecessor.id))
            .switch(UnitSuccession)
            .join(Successor, on=(UnitSuccession.successor == Successor.id))
            .where(Reorganisation.on_date.between(first_day, last_day))
            .order_by(Reorganisation.on_date, Reorganisation.id, Predecessor.sort_name,
                      Successor.sort_name)
            .dicts())
    found = {}
    for row in rows:
        entry = found.setdefault(row["id"], {"on_date": row["on_date"], "kind": row["kind"],
                                             "note": row["note"], "predecessors": [],
                                             "successors": []})
        for side in ("predecessor", "successor"):
            if row[side] not in entry[f"{side}s"]:
                entry[f"{side}s"].append(row[side])
    return list(found.values())



def unit_move(change):
    """"Xã Hòa An → Xã Phú Hòa 1" for a [from, to] pair of unit ids ("" when unknown)."""
    if not change or len(change) != 2:
        return ""
    names = dict(Unit.select(Unit.id, Unit.name).where(Unit.id.in_(change)).tuples())
    return " → ".join(names.get(unit_id, "?") for unit_id in change)
