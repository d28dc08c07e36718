"""The CCHC index's arithmetic: one pure function scores a sheet, from the tree and answers.

Pages, PDFs, exports and the ranking all call score() and index(), so they always agree.
Nothing here reads the database or the clock.

- A leaf earns its answer's points (none: 0, counted as missing on a regular node; a
  bonus or penalty left empty is simply none). A node is not
  applicable when its answer says so, when an ancestor's does, or when it does not apply
  to the unit's kind; it then earns nothing and its maximum leaves the applicable maximum.
- A regular parent earns the sum of its children. A bonus or penalty parent earns the sum
  of its children up to its own maximum: the cap.
- The appraised score: the regular points earned over the applicable maximum, times the
  set's total (the sum of its regular fields' maxima), rounded; plus the bonus, minus the
  penalty, kept between 0 and the set's total.
- The index (of 100): the appraised score scaled to the 100 points the survey leaves
  (100 − share), plus the unit's survey points (0 to the share).
- Every figure shown is rounded half up to two decimals, and each is computed from the
  rounded figures before it, so the figures on a sheet add up as printed.
"""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .text import sort_key

REGULAR, BONUS, PENALTY = "regular", "bonus", "penalty"
RANGE, LEVELS = "range", "levels"
ZERO = Decimal(0)
CENT = Decimal("0.01")
INDEX_POINTS = Decimal(100)


def rounded(value):
    """value rounded half up to two decimals: 87.245 → 87.25."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_points(text):
    """A number of points as typed (87,25 or 87.25), or None when it is not one."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


@dataclass(frozen=True)
class Node:
    """What scoring needs of a criteria node."""

    id: int
    parent_id: int | None
    kind: str
    max_points: Decimal
    applies: bool = True


@dataclass(frozen=True)
class Answer:
    """A score given to a node: points, or not applicable."""

    points: Decimal | None = None
    na: bool = False


@dataclass(frozen=True)
class NodeResult:
    """A node's outcome: points earned, its maximum, the maximum still applicable."""

    earned: Decimal
    maximum: Decimal
    applicable: Decimal
    na: bool
    missing: int


@dataclass
class SheetResult:
    """Every figure of a scored sheet."""

    nodes: dict = field(default_factory=dict)
    earned: Decimal = ZERO
    applicable: Decimal = ZERO
    total: Decimal = ZERO
    rescaled: Decimal = ZERO
    bonus: Decimal = ZERO
    penalty: Decimal = ZERO
    appraised: Decimal = ZERO
    missing: int = 0


def _children(nodes):
    """{parent id: [child]} of nodes."""
    children = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    return children


def _not_applicable(nodes, answers):
    """The ids of the nodes not applicable, their own answer's or an ancestor's doing."""
    na = set()
    for node in nodes:  # parents come before their children
        answer = answers.get(node.id)
        if (not node.applies or (answer is not None and answer.na)
                or node.parent_id in na):
            na.add(node.id)
    return na


def _leaf(node, answer, na):
    """The result of a leaf."""
    if na:
        return NodeResult(ZERO, node.max_points, ZERO, True, 0)
    if answer is None or answer.points is None:
        # An unanswered bonus or penalty is none given; only a scored node can be missing.
        return NodeResult(ZERO, node.max_points, node.max_points, False,
                          int(node.kind == REGULAR))
    points = min(max(answer.points, ZERO), node.max_points)
    return NodeResult(points, node.max_points, node.max_points, False, 0)


def _parent(node, results, na):
    """The result of a parent from its children's results."""
    earned = sum((r.earned for r in results), ZERO)
    missing = sum(r.missing for r in results)
    if na:
        return NodeResult(ZERO, node.max_points, ZERO, True, 0)
    if node.kind != REGULAR:
        return NodeResult(min(earned, node.max_points), node.max_points, node.max_points,
                          False, missing)
    applicable = sum((r.applicable for r in results), ZERO)
    return NodeResult(earned, node.max_points, applicable, False, missing)


def score(nodes, answers):
    """The SheetResult of a tree (nodes, parents before children) and {node id: Answer}."""
    children, na = _children(nodes), _not_applicable(nodes, answers)
    results = {}
    for node in reversed(nodes):
        kids = children.get(node.id)
        results[node.id] = (_parent(node, [results[k.id] for k in kids], node.id in na)
                            if kids else _leaf(node, answers.get(node.id), node.id in na))
    sheet = SheetResult(nodes=results)
    for root in children.get(None, []):
        result = results[root.id]
        if root.kind == BONUS:
            sheet.bonus += result.earned
        elif root.kind == PENALTY:
            sheet.penalty += result.earned
        else:
            sheet.earned += result.earned
            sheet.applicable += result.applicable
            sheet.total += root.max_points
        sheet.missing += result.missing
    if sheet.applicable:
        sheet.rescaled = rounded(sheet.earned / sheet.applicable * sheet.total)
    sheet.appraised = rounded(min(max(sheet.rescaled + sheet.bonus - sheet.penalty, ZERO),
                                  sheet.total))
    return sheet


def index(sheet, survey_points, survey_share):
    """The index of 100: the appraised score scaled to 100 − share, plus the survey points."""
    survey = min(max(survey_points or ZERO, ZERO), survey_share)
    if not sheet.total:
        return rounded(survey)
    scaled = rounded(sheet.appraised * (INDEX_POINTS - survey_share) / sheet.total)
    return scaled + rounded(survey)


def band(value, bands):
    """The label of the first of bands [(label, lowest value)], highest first, value reaches."""
    for label, lowest in bands:
        if value >= lowest:
            return label
    return ""


def rank(rows):
    """rows ({"index", "appraised", "name", ...}) in ranking order, each given its "rank".

    The tie rule: a higher index first; on an equal index, the higher appraised score (the
    points the team checked, before the survey); units equal on both share a rank
    (1, 2, 2, 4) and are listed by name in Vietnamese order.
    """
    rows = sorted(rows, key=lambda row: (-row["index"], -row["appraised"], sort_key(row["name"])))
    previous, place = None, 0
    for position, row in enumerate(rows, start=1):
        key = (row["index"], row["appraised"])
        if key != previous:
            previous, place = key, position
        row["rank"] = place
    return rows


def on_step(value, step):
    """Whether value is a whole number of steps (0.25 steps: 0.5 yes, 0.3 no)."""
    return step > 0 and value % step == 0


def parse_bands(text):
    """The bands written "label: lowest index; ..." as [(label, lowest)], highest first, or
    None unless every band has a label and a lowest index of 0 to 100, no two the same,
    and one starts at 0 (so that every index has a band)."""
    bands = []
    for part in (text or "").split(";"):
        if not part.strip():
            continue
        label, separator, lowest = part.rpartition(":")
        value = parse_points(lowest)
        if not separator or not label.strip() or value is None or rounded(value) != value \
                or not ZERO <= value <= INDEX_POINTS:
            return None
        bands.append((" ".join(label.split()), value))
    labels, values = [b[0] for b in bands], [b[1] for b in bands]
    if not bands or len(set(labels)) != len(labels) or len(set(values)) != len(values) \
            or ZERO not in values:
        return None
    return sorted(bands, key=lambda b: -b[1])


def bands_text(bands):
    """Bands as written in a form: "Xuất sắc: 90; Tốt: 80; ..."."""
    return "; ".join(f"{label}: {lowest.normalize():f}".replace(".", ",")
                     for label, lowest in bands)
