"""Reading assessment rounds: a sheet with its scores, the ranking, progress, deadlines.

Every score shown (pages, PDFs, the export, the ranking, e-mails) comes from
scoring.score() over the same answers read here, so they always agree. A sheet is read
in a fixed number of queries whatever the size of its criteria set.
"""
import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal

from peewee import JOIN, Case, fn

from .. import audit, clock, scoring
from ..cache import cached
from ..criteria import queries as criteria
from ..db import db
from ..labels import SHEET_TIMELINE
from ..models import (
    SECOND_ROUND_STATES,
    AssessmentEvidence,
    AssessmentRound,
    AssessmentRoundMember,
    Attachment,
    CriteriaSet,
    Finding,
    NodeScore,
    Response,
    Unit,
    UnitAssessment,
    UnitKind,
    User,
)
from ..policy import STAFF_ROLES

# The stages of a score as a sheet shows them: the unit's, round 1's, the final one.
STAGES = ("self", "first", "final")
# How many units the home page's ranking lists.
HOME_RANKING = 10
# How many of a unit's earlier files the evidence form offers.
ATTACHMENT_CHOICES = 200


# --- rounds ----------------------------------------------------------------------------


def get_round(round_id):
    """The round with this id (its set joined), or None."""
    return (AssessmentRound
            .select(AssessmentRound, CriteriaSet)
            .join(CriteriaSet)
            .where(AssessmentRound.id == round_id)
            .first())


def bands(assessment_round):
    """The round's rating bands: [(label, lowest index)], highest first."""
    return [(label, Decimal(lowest)) for label, lowest in json.loads(assessment_round.bands)]


def team(assessment_round):
    """The round's appraisal team."""
    return list(User
                .select()
                .join(AssessmentRoundMember)
                .where(AssessmentRoundMember.assessment_round == assessment_round)
                .order_by(User.sort_name))


def rounds_for(user):
    """The rounds a user's list shows: every round for staff, else those covering their
    unit once opened, with the unit's sheet id (sheet_id)."""
    query = (AssessmentRound
             .select(AssessmentRound, CriteriaSet)
             .join(CriteriaSet)
             .order_by(AssessmentRound.year.desc(), AssessmentRound.id.desc()))
    if user.role in STAFF_ROLES:
        return list(query)
    rounds = []
    for sheet in unit_sheets(user.unit_id):
        assessment_round = sheet.assessment_round
        assessment_round.sheet_id, assessment_round.sheet_status = sheet.id, sheet.status
        rounds.append(assessment_round)
    return rounds


def progress(round_ids):
    """{round id: {sheet status: count, "all": count}} of the rounds' sheets."""
    found = {}
    rows = (UnitAssessment
            .select(UnitAssessment.assessment_round, UnitAssessment.status,
                    fn.COUNT(UnitAssessment.id))
            .where(UnitAssessment.assessment_round.in_(list(round_ids)))
            .group_by(UnitAssessment.assessment_round, UnitAssessment.status)
            .tuples())
    for round_id, status, count in rows:
        counts = found.setdefault(round_id, {"all": 0})
        counts[status] = count
        counts["all"] += count
    return found


def round_sheets(assessment_round):
    """The round's sheets with their unit and kind, by unit name."""
    return list(UnitAssessment
                .select(UnitAssessment, Unit, UnitKind)
                .join(Unit)
                .join(UnitKind)
                .where(UnitAssessment.assessment_round == assessment_round)
                .order_by(Unit.sort_name))


# --- one sheet -------------------------------------------------------------------------


def get_sheet(sheet_id):
    """The sheet with this id, its round, set, unit and kind joined, or None."""
    return (UnitAssessment
            .select(UnitAssessment, AssessmentRound, CriteriaSet, Unit, UnitKind)
            .join(AssessmentRound)
            .join(CriteriaSet)
            .switch(UnitAssessment)
            .join(Unit)
            .join(UnitKind)
            .where(UnitAssessment.id == sheet_id)
            .first())


def answer(points, na):
    """A stored score as a scoring.Answer, or None when nothing was given."""
    if points is None and not na:
        return None
    return scoring.Answer(points, na)


def final_answer(score):
    """A node's final answer: round 2's where it gave one, else round 1's."""
    return (answer(score.second_points, score.second_na)
            or answer(score.first_points, score.first_na))


def answers_by_stage(scores):
    """{stage: {node id: Answer}} of a sheet's NodeScore rows."""
    found = {stage: {} for stage in STAGES + ("second",)}
    for score in scores:
        for stage, value in (("self", answer(score.self_points, score.self_na)),
                             ("first", answer(score.first_points, score.first_na)),
                             ("second", answer(score.second_points, score.second_na)),
                             ("final", final_answer(score))):
            if value is not None:
                found[stage][score.node_id] = value
    return found


def visible_stages(sheet, user):
    """The stages of a sheet user may see: the team's work shows once a round is done."""
    if user.role in STAFF_ROLES:
        return STAGES
    if sheet.status == "final":
        return STAGES
    if sheet.status in SECOND_ROUND_STATES:
        return ("self", "first")
    return ("self",)


@dataclass
class SheetRow:
    """One node of a sheet with its scores at each stage and its evidence."""

    node: object
    leaf: bool
    score: object
    results: dict
    evidence: list = field(default_factory=list)

    @property
    def lost(self):
        """Points the appraisal took off the unit's own score (0 when none)."""
        own, final = self.results.get("self"), self.results.get("final")
        if own is None or final is None or final.na:
            return Decimal(0)
        return max(own.earned - final.earned, Decimal(0))

    @property
    def below_maximum(self):
        """Points of the applicable maximum the final score does not reach."""
        final = self.results.get("final")
        return final.applicable - final.earned if final is not None else None


@dataclass
class SheetView:
    """Everything a sheet's page, PDF and export show."""

    sheet: object
    tree: list
    rows: list
    results: dict  # stage -> scoring.SheetResult
    index: dict  # stage -> the index of 100
    total: Decimal
    stages: tuple

    def rows_under(self, root_id):
        """The rows of one field: the root and everything below it."""
        inside, found = {root_id}, []
        for row in self.rows:
            if row.node.id in inside or row.node.parent_id in inside:
                inside.add(row.node.id)
                found.append(row)
        return found

    @property
    def fields(self):
        """The rows of the top-level nodes (fields, bonus, penalty)."""
        return [row for row in self.rows if row.node.parent_id is None]


def sheet_scores(sheet):
    """The sheet's NodeScore rows."""
    return list(NodeScore.select().where(NodeScore.assessment == sheet))


def sheet_evidence(sheet):
    """The sheet's evidence with its attachment (when it has one), oldest first."""
    return list(AssessmentEvidence
                .select(AssessmentEvidence, Attachment)
                .join(Attachment, JOIN.LEFT_OUTER)
                .where(AssessmentEvidence.assessment == sheet)
                .order_by(AssessmentEvidence.id))


def sheet_view(sheet, stages=STAGES):
    """The scored sheet at the given stages."""
    tree = criteria.nodes(sheet.assessment_round.criteria_set)
    scores = {score.node_id: score for score in sheet_scores(sheet)}
    evidence = {}
    for item in sheet_evidence(sheet):
        evidence.setdefault(item.node_id, []).append(item)
    answers = answers_by_stage(scores.values())
    nodes = criteria.scoring_nodes(tree, sheet.unit.kind.code)
    results = {stage: scoring.score(nodes, answers[stage]) for stage in stages}
    round_ = sheet.assessment_round
    index = {stage: scoring.index(result, sheet.survey_points if stage == "final" else None,
                                  round_.survey_share)
             for stage, result in results.items()}
    leaves = criteria.is_leaf_map(tree)
    rows = [SheetRow(node, leaves[node.id], scores.get(node.id),
                     {stage: results[stage].nodes[node.id] for stage in stages},
                     evidence.get(node.id, []))
            for node in tree]
    return SheetView(sheet, tree, rows, results, index, criteria.set_total(tree), stages)


def missing_codes(view, stage):
    """The codes of the applicable leaves without a score at stage."""
    return [row.node.code for row in view.rows
            if row.leaf and row.results[stage].missing]


def unexplained_codes(view):
    """The codes of leaves the unit claims points on with neither evidence nor a note."""
    return [row.node.code for row in view.rows
            if row.leaf and row.results["self"].earned > 0
            and not [e for e in row.evidence if e.stage == "self"]
            and not (row.score and row.score.self_note)]


def unit_attachments(unit, limit=ATTACHMENT_CHOICES):
    """The files a unit has already sent (remediation reports, evidence), newest first:
    what its head may cite as evidence without uploading the file again."""
    reports = (Attachment
               .select()
               .join(Response)
               .join(Finding)
               .where(Finding.responsible_unit == unit)
               .order_by(Attachment.id.desc())
               .limit(limit))
    evidence = (Attachment
                .select()
                .join(AssessmentEvidence)
                .join(UnitAssessment)
                .where(UnitAssessment.unit == unit)
                .distinct()
                .order_by(Attachment.id.desc())
                .limit(limit))
    found = {attachment.id: attachment for attachment in list(reports) + list(evidence)}
    return sorted(found.values(), key=lambda a: a.id, reverse=True)[:limit]


def timeline(sheet):
    """The sheet's history, oldest first."""
    return audit.timeline(sheet, lambda event, changes: {
        "text": SHEET_TIMELINE.get(event.action, event.action),
        "detail": ", ".join(changes.get("nodes", [])[:12])})


# --- the ranking -----------------------------------------------------------------------


def _stored_points(value):
    """A points column as read raw from the driver (a number or None) as a Decimal."""
    return None if value is None else Decimal(str(value))


def _final_answers(assessment_round):
    """{sheet id: {node id: final Answer}} of every sheet of the round, in one query.

    The rows are read straight from the cursor: peewee's per-row model conversion would
    cost more than the scoring of every sheet of a 500-unit round.
    """
    query = (NodeScore
             .select(NodeScore.assessment, NodeScore.node, NodeScore.first_points,
                     NodeScore.first_na, NodeScore.second_points, NodeScore.second_na)
             .join(UnitAssessment)
             .where(UnitAssessment.assessment_round == assessment_round))
    found = {}
    for sheet_id, node_id, first, first_na, second, second_na in db.execute(query):
        value = (answer(_stored_points(second), bool(second_na))
                 or answer(_stored_points(first), bool(first_na)))
        if value is not None:
            found.setdefault(sheet_id, {})[node_id] = value
    return found


# The tables a round's ranking reads (cache.cached).
RANKING_TABLES = ("assessment_round", "assessment_round_member", "unit_assessment",
                  "node_score", "criteria_set", "criteria_node", "unit", "unit_kind")


def ranking(assessment_round):
    """[{sheet_id, unit_id, unit_name, unit_code, kind, status, appraised, survey, index,
    band, rank, fields}] of every sheet of the round, the final ones ranked first (by the
    tie rule of scoring.rank), then the others by name without a rank or index.

    fields holds the points earned in each top-level node, in tree order. The ranking is
    kept until one of the tables it reads changes; callers must not change it.
    """
    return cached(("cchc ranking", assessment_round.id),
                  lambda: computed_ranking(assessment_round), RANKING_TABLES)


def computed_ranking(assessment_round):
    """The ranking of a round, computed afresh: what a service reads inside its own
    transaction, whose changes the kept figures must not see before the commit."""
    tree = criteria.nodes(assessment_round.criteria_set)
    roots = [node for node in tree if node.parent_id is None]
    answers, nodes_of = _final_answers(assessment_round), {}
    round_bands = bands(assessment_round)
    final, others = [], []
    for sheet in round_sheets(assessment_round):
        row = {"sheet_id": sheet.id, "unit_id": sheet.unit_id, "unit_name": sheet.unit.name,
               "name": sheet.unit.name, "unit_code": sheet.unit.code,
               "kind": sheet.unit.kind.label, "status": sheet.status, "rank": None,
               "index": None, "appraised": None, "survey": sheet.survey_points, "band": "",
               "fields": []}
        if sheet.status != "final":
            others.append(row)
            continue
        kind = sheet.unit.kind.code
        if kind not in nodes_of:
            nodes_of[kind] = criteria.scoring_nodes(tree, kind)
        result = scoring.score(nodes_of[kind], answers.get(sheet.id, {}))
        row["appraised"] = result.appraised
        row["index"] = scoring.index(result, sheet.survey_points, assessment_round.survey_share)
        row["band"] = scoring.band(row["index"], round_bands)
        row["fields"] = [result.nodes[root.id].earned for root in roots]
        final.append(row)
    return {"roots": roots, "rows": scoring.rank(final) + others, "total": criteria.set_total(tree)}


def round_answers(assessment_round):
    """{sheet id: {stage: {node id: Answer}}} of every sheet of the round (the export)."""
    scores = {}
    for score in (NodeScore
                  .select()
                  .join(UnitAssessment)
                  .where(UnitAssessment.assessment_round == assessment_round)
                  .iterator()):
        scores.setdefault(score.assessment_id, []).append(score)
    return {sheet_id: answers_by_stage(rows) for sheet_id, rows in scores.items()}


def band_counts(rows, round_bands):
    """[(label, how many ranked units are in it)] in the bands' order."""
    counts = {label: 0 for label, _lowest in round_bands}
    for row in rows:
        if row["rank"] is not None and row["band"] in counts:
            counts[row["band"]] += 1
    return list(counts.items())


# --- the home pages and the monthly summary --------------------------------------------


def rounds_under_way():
    """The open rounds with their progress: [{round, counts}], newest first."""
    rounds = list(AssessmentRound
                  .select()
                  .where(AssessmentRound.status == "open")
                  .order_by(AssessmentRound.year.desc(), AssessmentRound.id.desc()))
    counts = progress([r.id for r in rounds])
    return [{"round": r, "counts": counts.get(r.id, {"all": 0})} for r in rounds]


def latest_published(since=None):
    """The round published last (since a moment, when given), or None."""
    query = AssessmentRound.select().where(AssessmentRound.status == "published")
    if since is not None:
        query = query.where(AssessmentRound.published_at >= since)
    return (query
            .order_by(AssessmentRound.published_at.desc(), AssessmentRound.id.desc())
            .first())


def staff_home():
    """The assessment block of the staff home page: rounds under way and the latest ranking."""
    published = latest_published()
    top = ranking(published)["rows"][:HOME_RANKING] if published else []
    return {"under_way": rounds_under_way(), "published": published, "top": top}


def unit_sheets(unit):
    """A unit head's sheets in open or published rounds, newest first."""
    return list(UnitAssessment
                .select(UnitAssessment, AssessmentRound)
                .join(AssessmentRound)
                .where(UnitAssessment.unit == unit, AssessmentRound.status != "draft")
                .order_by(AssessmentRound.year.desc(), AssessmentRound.id.desc()))


@dataclass
class MonthRounds:
    """The monthly summary's CCHC index part: rounds under way, results published."""

    under_way: list  # [{"round", "covered", "submitted", "appraised", "final"}]
    published: list  # [{"round", "top", "bands"}]


def _count_before(column, moment):
    """How many rows have column set before moment."""
    return fn.COALESCE(fn.SUM(Case(None, [(column < moment, 1)], 0)), 0)


def month_summary(first, as_at):
    """The rounds under way in the days first..as_at, with their sheets' progress at the
    end of as_at, and the results published in those days (a MonthRounds, or None when
    there is neither)."""
    start = clock.start_of_day_utc(first)
    cutoff = clock.start_of_day_utc(as_at + dt.timedelta(days=1))
    rows = (AssessmentRound
            .select(AssessmentRound, fn.COUNT(UnitAssessment.id).alias("covered"),
                    _count_before(UnitAssessment.submitted_at, cutoff).alias("submitted"),
                    _count_before(UnitAssessment.first_appraised_at, cutoff)
                    .alias("appraised"),
                    _count_before(UnitAssessment.final_at, cutoff).alias("final"))
            .join(UnitAssessment, JOIN.LEFT_OUTER)
            .where(AssessmentRound.opened_at < cutoff,
                   AssessmentRound.published_at.is_null()
                   | (AssessmentRound.published_at >= cutoff))
            .group_by(AssessmentRound.id)
            .order_by(AssessmentRound.year.desc(), AssessmentRound.id))
    under_way = [{"round": r, "covered": r.covered, "submitted": r.submitted,
                  "appraised": r.appraised, "final": r.final} for r in rows]
    published = []
    for assessment_round in (AssessmentRound
                             .select()
                             .where(AssessmentRound.published_at >= start,
                                    AssessmentRound.published_at < cutoff)
                             .order_by(AssessmentRound.published_at)):
        ranked = ranking(assessment_round)["rows"]
        published.append({"round": assessment_round, "top": ranked[:HOME_RANKING],
                          "bands": band_counts(ranked, bands(assessment_round))})
    return MonthRounds(under_way, published) if under_way or published else None


# --- deadlines for the reminders -------------------------------------------------------


def _sheets_due(deadline, status, latest_deadline):
    """Rows (id, deadline, unit_id, unit_name, round_id, round_name) of the sheets of open
    rounds in status whose deadline (a column) is at most latest_deadline."""
    return (UnitAssessment
            .select(UnitAssessment.id, deadline.alias("deadline"),
                    UnitAssessment.unit.alias("unit_id"), Unit.name.alias("unit_name"),
                    AssessmentRound.id.alias("round_id"),
                    AssessmentRound.name.alias("round_name"))
            .join(AssessmentRound)
            .switch(UnitAssessment)
            .join(Unit)
            .where(AssessmentRound.status == "open", UnitAssessment.status == status,
                   deadline <= latest_deadline)
            .order_by(deadline, UnitAssessment.id)
            .namedtuples())


def sheets_awaiting_self_assessment(latest_deadline):
    """The sheets not yet submitted whose self-assessment is due by latest_deadline."""
    return _sheets_due(AssessmentRound.self_deadline, "draft", latest_deadline)


def sheets_awaiting_explanation(latest_deadline):
    """The sheets whose explanation is due by latest_deadline."""
    return _sheets_due(UnitAssessment.explanation_deadline, "explaining", latest_deadline)


def team_members(round_ids):
    """{round id: [active team members]}."""
    found = {}
    for member in (AssessmentRoundMember
                   .select(AssessmentRoundMember, User)
                   .join(User)
                   .where(AssessmentRoundMember.assessment_round.in_(list(round_ids)),
                          User.active)):
        found.setdefault(member.assessment_round_id, []).append(member.user)
    return found
