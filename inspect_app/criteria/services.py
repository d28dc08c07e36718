"""Criteria sets: create, import, edit while draft, publish, retire, make a new version.

A set is edited only while it is a draft: every change claims the set's row in the
draft state inside its transaction, so once published (or while being published) nothing
of it changes. A new version is a new draft set linked to its predecessor, each node to
the node it carries on from, so a unit's evidence and notes follow into the next round.

A node's code places it in the tree: "3.2.1" belongs under "3.2"; codes are unique in a
set, siblings are ordered by code (3.2 before 3.10).
"""
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

from .. import audit, clock, scoring
from ..db import transaction
from ..errors import WorkflowError
from ..formatting import format_points
from ..i18n import lazy_gettext as _l
from ..models import NODE_KINDS, CriteriaNode, CriteriaSet, CriteriaSetKind, UnitKind
from ..policy import can
from ..text import fold, nfc
from ..transitions import claim
from . import queries

SET_FIELDS = ("name", "first_year", "last_year", "legal_basis", "step")
NODE_FIELDS = ("code", "content", "kind", "max_points", "scoring", "levels", "guidance",
               "evidence", "applies_to", "na_allowed", "previous")
CODE = re.compile(r"[0-9A-Za-z]+(\.[0-9A-Za-z]+)*")
MAX_CODE_LENGTH = 32
# The most points a node may carry, and the most rows an imported sheet may hold.
MAX_POINTS = Decimal(1000)
MAX_NODES = 2000
FIRST_YEAR, LAST_YEAR = 2000, 2100
STEPS = (Decimal("0.01"), Decimal("0.05"), Decimal("0.1"), Decimal("0.25"), Decimal("0.5"),
         Decimal(1))
# Levels are written "label: points; label: points".
LEVEL_SEPARATOR, POINTS_SEPARATOR = ";", ":"


# --- helpers ---------------------------------------------------------------------------


def _require_admin(actor):
    """Refuse unless actor manages criteria sets."""
    if not can(actor, "criteria.manage"):
        raise WorkflowError(_l("Only administrators manage criteria sets."))


def claim_draft(criteria_set):
    """The set as stored, claimed while still a draft, inside the caller's transaction."""
    return claim(CriteriaSet.status, criteria_set.id, ("draft",),
                 _l("A published or retired criteria set never changes: make a new version "
                    "of it instead."))


def code_key(code):
    """The order of codes among siblings: numbers as numbers (3.2 before 3.10)."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, fold(part))
            for part in code.split(".")]


def parent_code(code):
    """The code a node's parent has ("3.2" for "3.2.1"), or None for a field."""
    return code.rpartition(".")[0] or None


def parse_levels(text):
    """[(label, points)] of levels written "label: points; ...", or None when malformed."""
    found = []
    for part in (text or "").split(LEVEL_SEPARATOR):
        if not part.strip():
            continue
        label, separator, points = part.rpartition(POINTS_SEPARATOR)
        value = scoring.parse_points(points)
        if not separator or not label.strip() or value is None:
            return None
        found.append((nfc(label).strip(), value))
    return found if len(found) >= 2 else None


def levels_text(levels):
    """Levels as written in a form or a sheet: "Đầy đủ: 1; Chậm: 0,5"."""
    return "; ".join(f"{label}: {format_points(points)}" for label, points in levels)


def _levels_json(levels):
    """Levels as stored."""
    return json.dumps([[label, str(points)] for label, points in levels], ensure_ascii=False)


@dataclass
class NodeDraft:
    """A node's values as typed or read from a sheet, before they are stored."""

    code: str
    content: str
    max_points: Decimal | None
    kind: str = "regular"
    scoring: str = "range"
    levels: list = field(default_factory=list)
    guidance: str = ""
    evidence: str = ""
    applies_to: list = field(default_factory=list)
    na_allowed: bool = False
    previous_id: int | None = None


def _points_problem(value):
    """Why value cannot be a node's maximum, or None."""
    if value is None or value < 0 or value > MAX_POINTS or scoring.rounded(value) != value:
        return _l("The maximum points must be a number from 0 to 1000 with at most two "
                  "decimals.")
    return None


def _levels_problems(draft):
    """Why a node's levels cannot be, as a list of messages."""
    if draft.scoring != "levels":
        return []
    if not draft.levels:
        return [_l("Write the levels as \"label: points; label: points\", e.g. \"Đầy đủ, "
                   "đúng hạn: 1; Chậm: 0,5; Không thực hiện: 0\".")]
    problems = []
    labels = [label for label, _points in draft.levels]
    if len(set(labels)) != len(labels):
        problems.append(_l("Two levels have the same label."))
    values = [points for _label, points in draft.levels]
    if any(p < 0 or scoring.rounded(p) != p for p in values):
        problems.append(_l("A level's points must be 0 or more, with at most two decimals."))
    if draft.max_points is not None and any(p > draft.max_points for p in values):
        problems.append(_l("A level is worth more than the node's maximum."))
    elif draft.max_points is not None and draft.max_points not in values:
        problems.append(_l("No level gives the node's maximum of %(max)s: a unit could never "
                           "reach it.", max=format_points(draft.max_points)))
    return problems


def node_problems(draft, set_kind_codes):
    """Why a node's own values cannot be stored: [(form field, message)], empty if none."""
    problems = []
    if not draft.code:
        problems.append(("code", _l("Give the node's code.")))
    elif len(draft.code) > MAX_CODE_LENGTH or not CODE.fullmatch(draft.code):
        problems.append(("code", _l("The code %(code)s is not valid: use numbers or letters "
                                    "separated by dots, e.g. 3.2.1.", code=draft.code)))
    if not draft.content:
        problems.append(("content", _l("Give the node's content.")))
    points = _points_problem(draft.max_points)
    if points:
        problems.append(("max_points", points))
    if draft.kind not in NODE_KINDS:
        problems.append(("kind", _l("Choose whether the node is scored, bonus or penalty "
                                    "points.")))
    problems += [("levels", message) for message in _levels_problems(draft)]
    unknown = [code for code in draft.applies_to if code not in set_kind_codes]
    if unknown:
        problems.append(("applies_to", _l("The set does not apply to these unit kinds: "
                                          "%(kinds)s.", kinds=", ".join(unknown))))
    return problems


# --- the tree's rules ------------------------------------------------------------------


def _sum_problem(node, children):
    """Why a parent's maximum does not fit its children's, or None."""
    total = sum((child.max_points for child in children), Decimal(0))
    if node.kind == "regular" and total != node.max_points:
        return _l("The maximum of %(code)s is %(max)s, but its parts add up to %(sum)s.",
                  code=node.code, max=format_points(node.max_points),
                  sum=format_points(total))
    if node.kind != "regular" and node.max_points <= 0:
        return _l("The bonus or penalty group %(code)s needs a cap above 0.", code=node.code)
    return None


def _leaf_problem(node, step):
    """Why a leaf cannot be scored, or None."""
    if node.scoring == "range" and not scoring.on_step(node.max_points, step):
        return _l("The maximum of %(code)s (%(max)s) is not a whole number of steps of "
                  "%(step)s: a unit could never reach it.", code=node.code,
                  max=format_points(node.max_points), step=format_points(step))
    return None


def tree_problems(tree, step):
    """Why a tree (nodes in order, with code, kind, max_points, scoring and parent_id)
    cannot be published, as [(node, message)]; node None for the whole set."""
    children = {}
    for node in tree:
        children.setdefault(node.parent_id, []).append(node)
    by_id = {node.id: node for node in tree}
    problems = []
    for node in tree:
        parent = by_id.get(node.parent_id)
        if parent is not None and parent.kind != node.kind:
            problems.append((node, _l("%(code)s must be of the same kind (scored, bonus or "
                                      "penalty) as %(parent)s.", code=node.code,
                                      parent=parent.code)))
        kids = children.get(node.id)
        problem = _sum_problem(node, kids) if kids else _leaf_problem(node, step)
        if problem:
            problems.append((node, problem))
    if not any(n.kind == "regular" and n.max_points > 0 for n in children.get(None, [])):
        problems.append((None, _l("The set has no scored field worth any points.")))
    return problems


def _refuse_tree(tree, step):
    """Refuse, listing every problem, a tree that cannot be published."""
    problems = tree_problems(tree, step)
    if problems:
        raise WorkflowError(_l("The criteria set cannot be published as it stands."),
                            details=[message for _node, message in problems])


def tree_order(rows):
    """rows of a tree (parent_id, code) given their position and depth, parents before
    their children and siblings ordered by code; the rows in that order."""
    children = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    ordered = []

    def visit(parent_id, depth):
        for row in sorted(children.get(parent_id, []), key=lambda r: code_key(r.code)):
            row.depth = depth
            ordered.append(row)
            visit(row.id, depth + 1)
    visit(None, 0)
    for position, row in enumerate(ordered, start=1):
        row.position = position
    return ordered


def _renumber(criteria_set):
    """Give the set's nodes their tree positions and depths: siblings ordered by code."""
    ordered = tree_order(CriteriaNode.select().where(CriteriaNode.criteria_set == criteria_set))
    CriteriaNode.bulk_update(ordered, fields=[CriteriaNode.position, CriteriaNode.depth],
                             batch_size=200)


# --- the set's details -----------------------------------------------------------------


def _fill_set(criteria_set, name, first_year, last_year, legal_basis, step, kinds):
    """Check and copy a set's details onto it (nothing saved)."""
    name = nfc(name).strip()
    if not name:
        raise WorkflowError(_l("Give the criteria set a name."), field="name")
    if first_year is None or not FIRST_YEAR <= first_year <= LAST_YEAR:
        raise WorkflowError(_l("Give a year between 2000 and 2100."), field="first_year")
    last_year = last_year or first_year
    if not first_year <= last_year <= LAST_YEAR:
        raise WorkflowError(_l("The last year cannot be before the first."), field="last_year")
    if step not in STEPS:
        raise WorkflowError(_l("Not a valid choice."), field="step")
    if not kinds:
        raise WorkflowError(_l("Choose the unit kinds the set applies to."), field="kinds")
    criteria_set.name, criteria_set.first_year, criteria_set.last_year = \
        name, first_year, last_year
    criteria_set.legal_basis, criteria_set.step = nfc(legal_basis).strip(), step


def _link_kinds(criteria_set, kinds):
    """Make kinds the unit kinds the set applies to."""
    CriteriaSetKind.delete().where(CriteriaSetKind.criteria_set == criteria_set).execute()
    CriteriaSetKind.insert_many([{"criteria_set": criteria_set.id, "kind": kind.id}
                                 for kind in kinds]).execute()


def create_set(actor, name, first_year, last_year, legal_basis, step, kinds):
    """A new, empty draft set."""
    _require_admin(actor)
    criteria_set = CriteriaSet(created_by=actor, status="draft")
    _fill_set(criteria_set, name, first_year, last_year, legal_basis, step, kinds)
    with transaction():
        criteria_set.save()
        _link_kinds(criteria_set, kinds)
        audit.record(actor, "create", criteria_set,
                     {**audit.snapshot(criteria_set, SET_FIELDS),
                      "kinds": [kind.code for kind in kinds]})
    return criteria_set


def update_set(actor, criteria_set, name, first_year, last_year, legal_basis, step, kinds):
    """Change a draft set's details."""
    _require_admin(actor)
    with transaction():
        criteria_set = claim_draft(criteria_set)
        old_kinds = sorted(kind.code for kind in queries.set_kinds(criteria_set))
        tracked = audit.Tracked(criteria_set, SET_FIELDS, kinds=old_kinds)
        _fill_set(criteria_set, name, first_year, last_year, legal_basis, step, kinds)
        new_kinds = sorted(kind.code for kind in kinds)
        stranded = {code for node in queries.nodes(criteria_set)
                    for code in node.applies_to.split()} - set(new_kinds)
        if stranded:
            raise WorkflowError(_l("Nodes apply to unit kinds no longer chosen: %(kinds)s.",
                                   kinds=", ".join(sorted(stranded))), field="kinds")

        def store():
            criteria_set.save()
            _link_kinds(criteria_set, kinds)
        tracked.save(actor, store, kinds=new_kinds)
    return criteria_set


# --- nodes -----------------------------------------------------------------------------


def _previous_node(criteria_set, previous_id):
    """The predecessor's node a node carries on from (None for none), or a refusal."""
    if not previous_id:
        return None
    previous = CriteriaNode.get_or_none(CriteriaNode.id == previous_id)
    if previous is None or previous.criteria_set_id != criteria_set.predecessor_id:
        raise WorkflowError(_l("Choose a node of the previous version."), field="previous")
    return previous


def _node_parent(criteria_set, node, code):
    """The node's parent by its code, or a refusal when it has none."""
    wanted = parent_code(code)
    if wanted is None:
        return None
    parent = CriteriaNode.get_or_none(CriteriaNode.criteria_set == criteria_set,
                                      CriteriaNode.code == wanted)
    if parent is None or parent.id == node.id:
        raise WorkflowError(_l("No node has the code %(parent)s, under which %(code)s "
                               "belongs.", parent=wanted, code=code), field="code")
    return parent


def _check_code(criteria_set, node, code):
    """Refuse a code another node of the set has, or a new code for a node with children."""
    clash = CriteriaNode.select().where(CriteriaNode.criteria_set == criteria_set,
                                        CriteriaNode.code == code)
    if node.id is not None:
        clash = clash.where(CriteriaNode.id != node.id)
        if node.code != code and CriteriaNode.select().where(
                CriteriaNode.parent == node.id).exists():
            raise WorkflowError(_l("The code of a node with parts cannot change: change or "
                                   "remove its parts first."), field="code")
    if clash.exists():
        raise WorkflowError(_l("Another node of the set has the code %(code)s.", code=code),
                            field="code")


def _fill_node(node, draft, parent):
    """Copy a checked draft onto node (nothing saved)."""
    node.code, node.content, node.kind = draft.code, draft.content, draft.kind
    node.max_points, node.scoring = draft.max_points, draft.scoring
    node.levels = _levels_json(draft.levels) if draft.scoring == "levels" else ""
    node.guidance, node.evidence = draft.guidance, draft.evidence
    node.applies_to = " ".join(draft.applies_to)
    node.na_allowed, node.previous = draft.na_allowed, draft.previous_id
    node.parent = parent


def save_node(actor, criteria_set, node, draft):
    """Create (node.id is None) or change a node of a draft set."""
    _require_admin(actor)
    with transaction():
        criteria_set = claim_draft(criteria_set)
        kinds = {kind.code for kind in queries.set_kinds(criteria_set)}
        problems = node_problems(draft, kinds)
        if problems:
            field, message = problems[0]
            raise WorkflowError(message, field=field)
        _check_code(criteria_set, node, draft.code)
        parent = _node_parent(criteria_set, node, draft.code)
        _previous_node(criteria_set, draft.previous_id)
        if node.id is None:
            node.criteria_set, node.position = criteria_set, 0
        tracked = audit.Tracked(node, NODE_FIELDS)
        _fill_node(node, draft, parent)
        tracked.save(actor)
        _renumber(criteria_set)
    return node


def delete_node(actor, node):
    """Remove a node of a draft set, with its parts."""
    _require_admin(actor)
    with transaction():
        criteria_set = claim_draft(node.criteria_set)
        audit.record(actor, "delete", node, audit.snapshot(node, NODE_FIELDS))
        CriteriaNode.delete().where(CriteriaNode.id == node.id).execute()
        _renumber(criteria_set)


# --- publishing, retiring, new versions --------------------------------------------------


def publish_set(actor, criteria_set):
    """Publish a draft set whose tree holds together: from now on it never changes."""
    _require_admin(actor)
    with transaction():
        criteria_set = claim_draft(criteria_set)
        _refuse_tree(queries.nodes(criteria_set), criteria_set.step)
        criteria_set.status, criteria_set.published_at = "published", clock.now()
        criteria_set.save()
        audit.record(actor, "publish", criteria_set, {"status": ["draft", "published"]})
    return criteria_set


def retire_set(actor, criteria_set):
    """Retire a published set: no new round may use it (its rounds keep it)."""
    _require_admin(actor)
    with transaction():
        criteria_set = claim(CriteriaSet.status, criteria_set.id, ("published",),
                             _l("Only a published criteria set can be retired."))
        criteria_set.status = "retired"
        criteria_set.save()
        audit.record(actor, "retire", criteria_set, {"status": ["published", "retired"]})
    return criteria_set


def _copy_nodes(source, target):
    """Copy source's nodes into target, each linked to the node it copies."""
    new_ids = {}
    for node in queries.nodes(source):
        copy = CriteriaNode.create(
            criteria_set=target, parent=new_ids.get(node.parent_id), position=node.position,
            depth=node.depth, code=node.code, content=node.content, kind=node.kind,
            max_points=node.max_points, scoring=node.scoring, levels=node.levels,
            guidance=node.guidance, evidence=node.evidence, applies_to=node.applies_to,
            na_allowed=node.na_allowed, previous=node.id)
        new_ids[node.id] = copy.id


def new_version(actor, source):
    """A draft copy of a published or retired set, to become its next version."""
    _require_admin(actor)
    with transaction():
        source = claim(CriteriaSet.status, source.id, ("published", "retired"),
                       _l("A draft can be edited as it is: publish it before making a new "
                          "version."))
        # One draft of the next version at a time, so a repeated request makes one.
        if CriteriaSet.select().where(CriteriaSet.predecessor == source,
                                      CriteriaSet.status == "draft").exists():
            raise WorkflowError(_l("A draft of the next version already exists: edit it."))
        criteria_set = CriteriaSet.create(
            name=source.name, first_year=source.last_year + 1,
            last_year=source.last_year + 1 + (source.last_year - source.first_year),
            legal_basis=source.legal_basis, step=source.step, predecessor=source,
            created_by=actor, status="draft")
        _link_kinds(criteria_set, queries.set_kinds(source))
        _copy_nodes(source, criteria_set)
        audit.record(actor, "new_version", criteria_set, {"predecessor": source.id})
    return criteria_set


# --- importing a sheet -------------------------------------------------------------------


def _row_problem(row_number, message):
    """A problem of an imported sheet, naming its row."""
    return _l("Row %(row)s: %(problem)s", row=row_number, problem=message)


# How a sheet writes a node's kind, and a yes or a no (NFC, lower case).
SHEET_KINDS = {"": "regular", "thường": "regular", "thưởng": "bonus", "điểm thưởng": "bonus",
               "trừ": "penalty", "điểm trừ": "penalty"}
SHEET_YES, SHEET_NO = {"có", "x", "yes", "1"}, {"", "không", "no", "0"}


def _sheet_kinds(text, known):
    """(kind codes, unknown names) of the unit kinds a cell names, commas between."""
    codes, unknown = [], []
    for name in re.split(r"[,;]", text):
        if not name.strip():
            continue
        kind = known.get(fold(name).strip())
        if kind is None:
            unknown.append(name.strip())
        elif kind.code not in codes:
            codes.append(kind.code)
    return codes, unknown


def draft_from_cells(cells, known_kinds):
    """(NodeDraft, [problems]) of one sheet row's cells {column: text}."""
    problems = []
    rule = cells.get("scoring", "").strip()
    levels = parse_levels(rule) if rule else []
    applies_to, unknown = _sheet_kinds(cells.get("applies_to", ""), known_kinds)
    if unknown:
        problems.append(_l("Unknown unit kind: %(kinds)s.", kinds=", ".join(unknown)))
    kind = SHEET_KINDS.get(nfc(cells.get("kind", "")).strip().lower(), "?")
    na_text = nfc(cells.get("na_allowed", "")).strip().lower()
    if na_text not in SHEET_YES | SHEET_NO:
        problems.append(_l("Write \"có\" or leave empty whether the node may be marked not "
                           "applicable."))
    draft = NodeDraft(code=cells.get("code", "").strip(),
                      content=nfc(cells.get("content", "")).strip(),
                      max_points=scoring.parse_points(cells.get("max_points", "")),
                      kind=kind, scoring="levels" if rule else "range",
                      levels=levels or [], guidance=nfc(cells.get("guidance", "")).strip(),
                      evidence=nfc(cells.get("evidence", "")).strip(),
                      applies_to=applies_to, na_allowed=na_text in SHEET_YES)
    return draft, problems


def _tree_from_rows(rows, kind_codes):
    """[(row number, draft, parent code)] of a sheet's rows, and the problems found."""
    problems, seen, checked = [], {}, []
    known = kinds_by_name()
    for row_number, cells in rows:
        draft, found = draft_from_cells(cells, known)
        found += [message for _field, message in node_problems(draft, kind_codes)]
        if draft.code in seen:
            found.append(_l("The code %(code)s is already used in row %(row)s.",
                            code=draft.code, row=seen[draft.code]))
        elif draft.code:
            seen[draft.code] = row_number
        wanted = parent_code(draft.code) if draft.code else None
        if wanted is not None and wanted not in seen:
            found.append(_l("No row above has the code %(parent)s, under which %(code)s "
                            "belongs.", parent=wanted, code=draft.code))
        problems += [_row_problem(row_number, message) for message in found]
        checked.append((row_number, draft, wanted))
    return checked, problems


@dataclass
class _SheetNode:
    """A checked row as the tree rules see it."""

    id: int
    parent_id: int | None
    code: str
    kind: str
    max_points: Decimal
    scoring: str
    row: int


def _sheet_tree_problems(checked, step):
    """The tree rules applied to the checked rows, each problem naming its row."""
    ids = {draft.code: number for number, (_row, draft, _parent) in enumerate(checked, 1)}
    tree = [_SheetNode(ids[draft.code], ids.get(parent), draft.code, draft.kind,
                       draft.max_points, draft.scoring, row)
            for row, draft, parent in checked]
    return [_row_problem(node.row, message) if node else message
            for node, message in tree_problems(tree, step)]


def _map_to_predecessor(criteria_set, predecessor):
    """Link each node to the predecessor's node of the same code, else of the same content."""
    old = queries.nodes(predecessor)
    by_code = {n.code: n.id for n in old}
    by_text = {}
    for node in old:
        by_text.setdefault(queries.similar_text(node.content), node.id)
    taken = set()
    for node in queries.nodes(criteria_set):
        previous = by_code.get(node.code)
        if previous is None or previous in taken:
            previous = by_text.get(queries.similar_text(node.content))
        if previous is not None and previous not in taken:
            taken.add(previous)
            CriteriaNode.update(previous=previous).where(CriteriaNode.id == node.id).execute()


def import_set(actor, rows, name, first_year, last_year, legal_basis, step, kinds,
               predecessor=None, file_name=""):
    """A new draft set from a sheet's rows [(row number, {column: text})]; a sheet with
    any mistake is refused whole, every problem listed by row."""
    _require_admin(actor)
    criteria_set = CriteriaSet(created_by=actor, status="draft", predecessor=predecessor)
    _fill_set(criteria_set, name, first_year, last_year, legal_basis, step, kinds)
    if not rows:
        raise WorkflowError(_l("The sheet holds no criteria."), field="file")
    if len(rows) > MAX_NODES:
        raise WorkflowError(_l("The sheet holds more than %(max)s rows.", max=MAX_NODES),
                            field="file")
    checked, problems = _tree_from_rows(rows, {kind.code for kind in kinds})
    if not problems:
        problems = _sheet_tree_problems(checked, step)
    if problems:
        raise WorkflowError(_l("The sheet has mistakes; nothing has been imported."),
                            field="file", details=problems)
    with transaction():
        criteria_set.save()
        _link_kinds(criteria_set, kinds)
        stored = {}
        for position, (_row, draft, parent) in enumerate(checked, start=1):
            node = CriteriaNode(criteria_set=criteria_set, position=position)
            _fill_node(node, draft, stored.get(parent))
            node.save()
            stored[draft.code] = node
        _renumber(criteria_set)
        if predecessor is not None:
            _map_to_predecessor(criteria_set, predecessor)
        audit.record(actor, "import", criteria_set,
                     {**audit.snapshot(criteria_set, SET_FIELDS), "nodes": len(checked),
                      "file": file_name, "kinds": [kind.code for kind in kinds]})
    return criteria_set


def kinds_by_name():
    """{folded code or label: unit kind}, for reading the kinds a sheet names."""
    found = {}
    for kind in UnitKind.select():
        found[fold(kind.code)] = kind
        found[fold(kind.label)] = kind
    return found
