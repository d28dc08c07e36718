"""Reading criteria sets: the list, a set's tree, what scoring needs, comparing versions."""
import json
from dataclasses import dataclass, field
from decimal import Decimal

from peewee import JOIN, fn

from .. import audit, scoring
from ..labels import CRITERIA_TIMELINE
from ..models import CriteriaNode, CriteriaSet, CriteriaSetKind, UnitKind
from ..text import fold, sort_key


def get_set(set_id):
    """The criteria set with this id, or None."""
    return CriteriaSet.get_or_none(CriteriaSet.id == set_id)


def _newest_first(sets):
    """sets by their last year, newest first, then by name in Vietnamese order."""
    return sorted(sets, key=lambda s: (-s.last_year, sort_key(s.name), -s.id))


def all_sets():
    """Every set, newest first, with its number of nodes (node_count)."""
    count = fn.COUNT(CriteriaNode.id)
    return _newest_first(CriteriaSet
                         .select(CriteriaSet, count.alias("node_count"))
                         .join(CriteriaNode, join_type=JOIN.LEFT_OUTER,
                               on=(CriteriaNode.criteria_set == CriteriaSet.id))
                         .group_by(CriteriaSet.id))


def published_sets():
    """The published sets a round may score on, newest first."""
    return _newest_first(CriteriaSet.select().where(CriteriaSet.status == "published"))


def set_kinds(criteria_set):
    """The unit kinds the set applies to."""
    return list(UnitKind
                .select()
                .join(CriteriaSetKind)
                .where(CriteriaSetKind.criteria_set == criteria_set)
                .order_by(UnitKind.label))


def nodes(criteria_set):
    """The set's nodes in tree order (parents before their children)."""
    return list(CriteriaNode
                .select()
                .where(CriteriaNode.criteria_set == criteria_set)
                .order_by(CriteriaNode.position))


def get_node(criteria_set, node_id):
    """The node of the set with this id, or None."""
    return CriteriaNode.get_or_none(CriteriaNode.id == node_id,
                                    CriteriaNode.criteria_set == criteria_set)


def levels(node):
    """A level-scored node's levels: [(label, points)]."""
    return [(label, Decimal(points)) for label, points in json.loads(node.levels or "[]")]


def applies_to(node):
    """The unit kind codes a node applies to (empty: every kind)."""
    return node.applies_to.split()


def scoring_nodes(tree, kind_code):
    """The tree as scoring.Node for a unit of kind_code."""
    return [scoring.Node(n.id, n.parent_id, n.kind, n.max_points,
                         not n.applies_to or kind_code in n.applies_to.split())
            for n in tree]


def set_total(tree):
    """The set's total: the sum of its regular fields' maxima."""
    return sum((n.max_points for n in tree if n.parent_id is None and n.kind == "regular"),
               Decimal(0))


def is_leaf_map(tree):
    """{node id: whether it has no children}."""
    parents = {n.parent_id for n in tree}
    return {n.id: n.id not in parents for n in tree}


def timeline(criteria_set):
    """The set's history, oldest first."""
    return audit.timeline(criteria_set, lambda event, changes: {
        "text": CRITERIA_TIMELINE.get(event.action, event.action)})


# --- comparing two versions ------------------------------------------------------------


@dataclass
class Comparison:
    """What changed from an older set to a newer one, node by node."""

    older: object
    newer: object
    old_tree: list
    new_tree: list
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    changed: list = field(default_factory=list)  # [(old node, new node, [what changed])]
    moved: list = field(default_factory=list)  # [(old node, new node, points difference)]
    unchanged: int = 0

    @property
    def total_change(self):
        """The change of the set's total."""
        return set_total(self.new_tree) - set_total(self.old_tree)


# The node fields a comparison looks at, with the names it reports.
COMPARED = ("code", "content", "max_points", "scoring", "levels", "guidance", "evidence",
            "applies_to", "na_allowed", "kind")


def pairs(old_tree, new_tree, linked):
    """[(old, new)] matched nodes: by the newer node's link to its predecessor when the
    newer set is a version of the older (linked), else by code."""
    old_by_id = {n.id: n for n in old_tree}
    if linked:
        return [(old_by_id[n.previous_id], n) for n in new_tree if n.previous_id in old_by_id]
    old_by_code = {n.code: n for n in old_tree}
    return [(old_by_code[n.code], n) for n in new_tree if n.code in old_by_code]


def compare(older, newer):
    """The Comparison of two sets' trees."""
    old_tree, new_tree = nodes(older), nodes(newer)
    result = Comparison(older, newer, old_tree, new_tree)
    matched = pairs(old_tree, new_tree, newer.predecessor_id == older.id)
    matched_old = {old.id for old, _new in matched}
    matched_new = {new.id for _old, new in matched}
    result.added = [n for n in new_tree if n.id not in matched_new]
    result.removed = [n for n in old_tree if n.id not in matched_old]
    for old, new in matched:
        what = [name for name in COMPARED if getattr(old, name) != getattr(new, name)]
        if what:
            result.changed.append((old, new, what))
        else:
            result.unchanged += 1
        if old.max_points != new.max_points:
            result.moved.append((old, new, new.max_points - old.max_points))
    return result


def predecessor_candidates(criteria_set):
    """The nodes of the set's predecessor, for choosing where a node carries on from."""
    if criteria_set.predecessor_id is None:
        return []
    return nodes(criteria_set.predecessor)


def similar_text(text):
    """A node's content reduced for matching across versions: folded, single spaces."""
    return " ".join(fold(text).split())
