"""Assessment rounds and the units' sheets: every step a transition with audit and e-mail.

A round is prepared (draft), opened for the units' self-assessment, and its results
published by a leader once every sheet has final scores. A sheet goes from the unit's
self-assessment (draft) to submitted, through appraisal round 1 (which may ask for
explanations: explaining, then explained), to appraisal round 2, which fixes the final
scores. Each step claims the sheet's (or round's) row in the state it starts from, so a
burst of the same request changes it once and sends one e-mail.

Scores are saved as drafts at each stage: the unit's own, round 1's, round 2's; nothing
of a stage is shown to the unit before the team has finished it (queries.visible_stages).
"""
import json
from dataclasses import dataclass

from flask_babel import force_locale

from .. import audit, clock, scoring, settings
from ..criteria import queries as criteria
from ..db import transaction
from ..errors import WorkflowError
from ..files import services as files
from ..findings.queries import unit_heads
from ..findings.services import record_finding
from ..formatting import format_points
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..inspections.services import save_inspection, start_inspection
from ..mail.compose import app_link, enqueue_for_users
from ..mail.outbox import document_attachment
from ..models import (
    MAX_SURVEY_SHARE,
    SECOND_ROUND_STATES,
    SEVERITIES,
    AssessmentEvidence,
    AssessmentRound,
    AssessmentRoundMember,
    Attachment,
    Inspection,
    NodeScore,
    Unit,
    UnitAssessment,
    User,
)
from ..policy import INSPECTOR, LEADER, can
from ..text import nfc, sort_key
from ..transitions import claim
from . import queries

ROUND_FIELDS = ("name", "year", "criteria_set", "survey_share", "self_deadline",
                "appraisal_from", "appraisal_to", "bands")
# The sheet states each stage of scoring works in.
STAGE_STATES = {"self": ("draft",), "explanation": ("explaining",),
                "first": ("submitted", "draft"), "second": SECOND_ROUND_STATES}
# The NodeScore columns of each scoring stage.
STAGE_COLUMNS = {"self": ("self_points", "self_na", "self_note"),
                 "first": ("first_points", "first_na", "first_note"),
                 "second": ("second_points", "second_na", "second_note")}
MAX_NOTE = 5000
# How many node codes a refusal lists before "and N more".
LISTED_CODES = 15


@dataclass
class AnswerInput:
    """What a scoring form posts for one node."""

    points: object = None
    na: bool = False
    note: str = ""
    ask: bool = False
    explanation: str = ""


# --- helpers ---------------------------------------------------------------------------


def _require(actor, action, obj, message):
    """Refuse with message unless actor may perform action on obj."""
    if not can(actor, action, obj):
        raise WorkflowError(message)


def _codes(codes):
    """Node codes for a message: the first few, then how many more."""
    shown = ", ".join(codes[:LISTED_CODES])
    more = len(codes) - LISTED_CODES
    return shown + (str(_l(" and %(count)s more", count=more)) if more > 0 else "")


def sheet_link(sheet):
    """The absolute link to a sheet's page, also outside a request."""
    return app_link("assessments.sheet", assessment_id=sheet.id)


def _leaders():
    """The active leaders."""
    return list(User.select().where(User.role == LEADER, User.active).order_by(User.id))


def _text(value):
    """Typed text as stored, refused beyond MAX_NOTE characters."""
    value = nfc(value).strip()
    if len(value) > MAX_NOTE:
        raise WorkflowError(_l("A note may hold at most %(max)s characters.", max=MAX_NOTE))
    return value


# --- rounds ----------------------------------------------------------------------------


def _check_round(criteria_set, year, survey_share, self_deadline, appraisal_from,
                 appraisal_to):
    """Refuse a round's details that do not hold together."""
    if criteria_set is None or criteria_set.status != "published":
        raise WorkflowError(_l("Choose a published criteria set."), field="criteria_set")
    if year is None or not criteria_set.first_year <= year <= criteria_set.last_year:
        raise WorkflowError(_l("The criteria set applies to %(years)s.",
                               years=criteria_set.years), field="year")
    if survey_share is None or not 0 <= survey_share <= MAX_SURVEY_SHARE \
            or scoring.rounded(survey_share) != survey_share:
        raise WorkflowError(_l("The survey's share is from 0 to 30 points, with at most two "
                               "decimals."), field="survey_share")
    if self_deadline is None:
        raise WorkflowError(_l("Give the self-assessment deadline."), field="self_deadline")
    if appraisal_from and appraisal_to and appraisal_to < appraisal_from:
        raise WorkflowError(_l("The end date cannot be before the start date."),
                            field="appraisal_to")


def _coverage(criteria_set, kinds, units):
    """The units a round covers: every active unit of kinds, and units; refused if none or
    if one is of a kind the set does not apply to."""
    allowed = {kind.id for kind in criteria.set_kinds(criteria_set)}
    covered = {unit.id: unit for unit in Unit.select().where(
        Unit.kind.in_([kind.id for kind in kinds]), Unit.active)} if kinds else {}
    covered.update({unit.id: unit for unit in units})
    if not covered:
        raise WorkflowError(_l("Choose the units the round covers, by kind or by name."),
                            field="units")
    foreign = sorted((unit.name for unit in covered.values() if unit.kind_id not in allowed),
                     key=sort_key)
    if foreign:
        raise WorkflowError(_l("The criteria set does not apply to the kind of: %(units)s.",
                               units=", ".join(foreign[:10])), field="units")
    return covered


def _check_team(team):
    """Only active inspectors appraise; at least one."""
    if not team:
        raise WorkflowError(_l("Choose the appraisal team."), field="team")
    if any(user.role != INSPECTOR or not user.active for user in team):
        raise WorkflowError(_l("Only active inspectors can be on the team."), field="team")


def _store_round(assessment_round, unit_ids, team):
    """Save the round, make its sheets those of unit_ids and its team exactly team."""
    assessment_round.save()
    have = {sheet.unit_id: sheet.id for sheet in UnitAssessment.select().where(
        UnitAssessment.assessment_round == assessment_round)}
    gone = [sheet_id for unit_id, sheet_id in have.items() if unit_id not in unit_ids]
    if gone:
        UnitAssessment.delete().where(UnitAssessment.id.in_(gone)).execute()
    new = [{"assessment_round": assessment_round.id, "unit": unit_id, "updated_at": clock.now()}
           for unit_id in sorted(unit_ids) if unit_id not in have]
    if new:
        UnitAssessment.insert_many(new).execute()
    AssessmentRoundMember.delete().where(
        AssessmentRoundMember.assessment_round == assessment_round).execute()
    AssessmentRoundMember.insert_many([{"assessment_round": assessment_round.id,
                                        "user": user.id} for user in team]).execute()


def save_round(actor, assessment_round, name, year, criteria_set, survey_share, self_deadline,
               appraisal_from, appraisal_to, bands_text, kinds=(), units=(), team=()):
    """Create (assessment_round.id is None) or change a round still being prepared."""
    _require(actor, "rounds.manage", None, _l("Only inspectors and administrators prepare "
                                              "assessment rounds."))
    name = nfc(name).strip()
    if not name:
        raise WorkflowError(_l("Give the round a name."), field="name")
    _check_round(criteria_set, year, survey_share, self_deadline, appraisal_from,
                 appraisal_to)
    bands = scoring.parse_bands(bands_text)
    if bands is None:
        raise WorkflowError(settings.BANDS_MESSAGE, field="bands")
    team = list({user.id: user for user in team}.values())
    _check_team(team)
    with transaction():
        if assessment_round.id is not None:
            assessment_round = claim(AssessmentRound.status, assessment_round.id, ("draft",),
                                     _l("An opened round can no longer be changed."))
        else:
            assessment_round.created_by = actor
        covered = _coverage(criteria_set, kinds, units)
        before_units = sorted(sheet.unit_id for sheet in assessment_round.sheets) \
            if assessment_round.id else []
        before_team = sorted(m.user_id for m in assessment_round.members) \
            if assessment_round.id else []
        tracked = audit.Tracked(assessment_round, ROUND_FIELDS, units=before_units,
                                team=before_team)
        assessment_round.name, assessment_round.year = name, year
        assessment_round.criteria_set, assessment_round.survey_share = criteria_set, survey_share
        assessment_round.self_deadline = self_deadline
        assessment_round.appraisal_from, assessment_round.appraisal_to = \
            appraisal_from, appraisal_to
        assessment_round.bands = _bands_json(bands)
        tracked.save(actor, lambda: _store_round(assessment_round, set(covered), team),
                     units=sorted(covered), team=sorted(user.id for user in team))
    return assessment_round


def _bands_json(bands):
    """Bands as a round stores them."""
    return json.dumps([[label, str(lowest)] for label, lowest in bands], ensure_ascii=False)


def _carry_over(assessment_round):
    """Copy each unit's evidence and notes from its last sheet on the set's predecessor,
    node by node where the new version's nodes carry on from the old; how many pieces."""
    criteria_set = assessment_round.criteria_set
    mapping = {node.previous_id: node.id for node in criteria.nodes(criteria_set)
               if node.previous_id}
    if not mapping:
        return 0
    new_sheets = {sheet.unit_id: sheet.id for sheet in UnitAssessment.select().where(
        UnitAssessment.assessment_round == assessment_round)}
    latest = {}
    for sheet in (UnitAssessment
                  .select(UnitAssessment.id, UnitAssessment.unit)
                  .join(AssessmentRound)
                  .where(AssessmentRound.criteria_set == criteria_set.predecessor_id,
                         AssessmentRound.status != "draft",
                         UnitAssessment.unit.in_(list(new_sheets)))
                  .order_by(AssessmentRound.year, AssessmentRound.id)):
        latest[sheet.unit_id] = sheet.id
    earlier = {old: new_sheets[unit_id] for unit_id, old in latest.items()}
    if not earlier:
        return 0
    now, old_ids = clock.now(), list(earlier)
    pieces = [{"assessment": earlier[e.assessment_id], "node": mapping[e.node_id],
               "stage": "self", "attachment": e.attachment_id, "document_no": e.document_no,
               "document_date": e.document_date, "page": e.page, "carried_from": e.id,
               "added_by": e.added_by_id, "added_at": now}
              for e in AssessmentEvidence.select().where(
                  AssessmentEvidence.assessment.in_(old_ids),
                  AssessmentEvidence.node.in_(list(mapping)))]
    notes = [{"assessment": earlier[s.assessment_id], "node": mapping[s.node_id],
              "self_note": s.self_note}
             for s in NodeScore.select().where(NodeScore.assessment.in_(old_ids),
                                               NodeScore.node.in_(list(mapping)),
                                               NodeScore.self_note != "")]
    for rows, model in ((pieces, AssessmentEvidence), (notes, NodeScore)):
        for start in range(0, len(rows), 500):
            model.insert_many(rows[start:start + 500]).execute()
    return len(pieces)


def open_round(actor, assessment_round):
    """Open a prepared round: the units self-assess; their heads are told the deadline."""
    _require(actor, "rounds.manage", None, _l("Only inspectors and administrators open "
                                              "assessment rounds."))
    with transaction():
        assessment_round = claim(AssessmentRound.status, assessment_round.id, ("draft",),
                                 _l("The round has already been opened."))
        if assessment_round.criteria_set.status == "draft":
            raise WorkflowError(_l("Choose a published criteria set."))
        assessment_round.status, assessment_round.opened_at = "open", clock.now()
        assessment_round.save()
        carried = _carry_over(assessment_round)
        audit.record(actor, "open", assessment_round,
                     {"status": ["draft", "open"], "carried_evidence": carried})
        for sheet in queries.round_sheets(assessment_round):
            enqueue_for_users(f"assessment:{sheet.id}:opened", unit_heads(sheet.unit_id),
                              "assessment_opened", assessment_round=assessment_round,
                              sheet=sheet, url=sheet_link(sheet))
    return assessment_round


def _check_decision(decision_no, decision_date):
    """The publishing decision's number and date: required, not in the future."""
    decision_no = nfc(decision_no).strip()
    if not decision_no:
        raise WorkflowError(_l("Give the number of the decision announcing the results."),
                            field="decision_no")
    if decision_date is None:
        raise WorkflowError(_l("Give the date of the decision."), field="decision_date")
    if decision_date > clock.today():
        raise WorkflowError(_l("The decision cannot be dated in the future."),
                            field="decision_date")
    return decision_no


def publish_round(actor, assessment_round, decision_no, decision_date):
    """Publish the round's results: every sheet must have its final scores."""
    _require(actor, "rounds.publish", assessment_round,
             _l("Only leaders publish the results."))
    decision_no = _check_decision(decision_no, decision_date)
    with transaction():
        assessment_round = claim(AssessmentRound.status, assessment_round.id, ("open",),
                                 _l("Only the results of a round under way can be "
                                    "published."))
        waiting = (UnitAssessment
                   .select()
                   .where(UnitAssessment.assessment_round == assessment_round,
                          UnitAssessment.status != "final")
                   .count())
        if waiting:
            raise WorkflowError(_l("%(count)s units do not have their final scores yet.",
                                   count=waiting))
        assessment_round.status, assessment_round.published_at = "published", clock.now()
        assessment_round.published_by = actor
        assessment_round.decision_no, assessment_round.decision_date = decision_no, decision_date
        assessment_round.save()
        audit.record(actor, "publish", assessment_round,
                     {"status": ["open", "published"], "decision_no": decision_no,
                      "decision_date": decision_date.isoformat()})
        _announce(assessment_round)
    return assessment_round


def _announce(assessment_round):
    """E-mail the results: each unit's heads their own line, the leaders and the team the
    ranking; everyone gets the ranking PDF, which the app now shows them all."""
    pdf = [document_attachment("cchc_ranking", round_id=assessment_round.id)]
    url = app_link("assessments.ranking", assessment_round_id=assessment_round.id)
    for row in queries.computed_ranking(assessment_round)["rows"]:
        enqueue_for_users(f"assessment:{assessment_round.id}:published:{row['unit_id']}",
                          unit_heads(row["unit_id"]), "assessment_published",
                          assessment_round=assessment_round, result=row, url=url,
                          sheet_url=app_link("assessments.sheet", assessment_id=row["sheet_id"]),
                          attachments=pdf)
    staff = {user.id: user for user in _leaders() + queries.team(assessment_round)}
    enqueue_for_users(f"assessment:{assessment_round.id}:published", staff.values(),
                      "assessment_published", assessment_round=assessment_round, result=None,
                      url=url, sheet_url=None, attachments=pdf)


# --- scoring a sheet -------------------------------------------------------------------


def editing_stage(actor, sheet, today):
    """What actor may change on sheet today: "self", "explanation", "first", "second" or
    None. The team may appraise a sheet the unit has not submitted once its deadline
    has passed."""
    assessment_round = sheet.assessment_round
    if assessment_round.status != "open":
        return None
    if can(actor, "sheets.self_assess", sheet):
        return {"draft": "self", "explaining": "explanation"}.get(sheet.status)
    if not can(actor, "sheets.appraise", sheet):
        return None
    if sheet.status == "submitted" or (sheet.status == "draft"
                                       and today > assessment_round.self_deadline):
        return "first"
    return "second" if sheet.status in SECOND_ROUND_STATES else None


def _claim_for(actor, sheet, stage):
    """The sheet claimed in the states stage works in, after checking actor still may."""
    claimed = claim(UnitAssessment.status, sheet.id, STAGE_STATES[stage],
                    _l("The sheet has moved on: reload the page to see where it stands."))
    if editing_stage(actor, claimed, clock.today()) != stage:
        raise WorkflowError(_l("The sheet has moved on: reload the page to see where it "
                               "stands."))
    return claimed


def check_points(node, value, step):
    """Refuse points a node's rule does not allow."""
    if node.scoring == "levels":
        allowed = [points for _label, points in criteria.levels(node)]
        if value not in allowed:
            raise WorkflowError(_l("Choose one of the levels of %(code)s.", code=node.code),
                                field=f"points-{node.id}")
        return
    if not 0 <= value <= node.max_points or not scoring.on_step(value, step):
        raise WorkflowError(_l("%(code)s takes from 0 to %(max)s points in steps of %(step)s.",
                               code=node.code, max=format_points(node.max_points),
                               step=format_points(step)), field=f"points-{node.id}")


def _score_values(node, leaf, given, step):
    """(points, na, note) to store for a node from what the form gave."""
    if given.na and not node.na_allowed:
        raise WorkflowError(_l("%(code)s cannot be marked not applicable.", code=node.code),
                            field=f"points-{node.id}")
    note = _text(given.note)
    if given.na or not leaf or given.points is None:
        return None, bool(given.na), note
    check_points(node, given.points, step)
    return given.points, False, note


def _row_of(scores, sheet, node):
    """The sheet's NodeScore of node, new when it has none."""
    return scores.get(node.id) or NodeScore(assessment=sheet, node=node)


def _apply(stage, row, node, leaf, given, step):
    """Write what the form gave for node onto its row; whether anything changed."""
    if stage == "explanation":
        if not row.explanation_asked:
            return False
        before, row.explanation = row.explanation, _text(given.explanation)
        return before != row.explanation
    columns = STAGE_COLUMNS[stage]
    before = tuple(getattr(row, column) for column in columns) + (row.explanation_asked,)
    for column, value in zip(columns, _score_values(node, leaf, given, step)):
        setattr(row, column, value)
    if stage == "first":
        row.explanation_asked = bool(given.ask)
    return before != tuple(getattr(row, column) for column in columns) + (
        row.explanation_asked,)


def save_scores(actor, sheet, answers):
    """Save the scores (a draft) actor gives nodes of sheet: {node id: AnswerInput}."""
    stage = editing_stage(actor, sheet, clock.today())
    if stage is None:
        raise WorkflowError(_l("You cannot change this sheet now."))
    with transaction():
        sheet = _claim_for(actor, sheet, stage)
        criteria_set = sheet.assessment_round.criteria_set
        tree = {node.id: node for node in criteria.nodes(criteria_set)}
        leaves = criteria.is_leaf_map(tree.values())
        scores = {s.node_id: s for s in NodeScore.select().where(
            NodeScore.assessment == sheet, NodeScore.node.in_(list(answers)))}
        changed = []
        for node_id, given in answers.items():
            node = tree.get(node_id)
            if node is None:
                raise WorkflowError(_l("This node is not part of the sheet's criteria set."))
            row = _row_of(scores, sheet, node)
            if _apply(stage, row, node, leaves[node_id], given, criteria_set.step):
                row.save()
                changed.append(node.code)
        if changed:
            UnitAssessment.update(updated_at=clock.now()).where(
                UnitAssessment.id == sheet.id).execute()
            audit.record(actor, "score", sheet, {"stage": stage, "nodes": changed})
    return changed


def _refuse_missing(view, stage):
    """Refuse, naming them, while applicable criteria have no score at stage."""
    missing = queries.missing_codes(view, stage)
    if missing:
        raise WorkflowError(_l("Score every applicable criterion first: %(codes)s.",
                               codes=_codes(missing)))


def submit_self_assessment(actor, sheet):
    """The unit sends its self-assessment: every applicable node scored, every score
    without evidence explained by a note; late when after the deadline."""
    _require(actor, "sheets.self_assess", sheet,
             _l("Only the unit's head submits its self-assessment."))
    with transaction():
        sheet = _claim_for(actor, sheet, "self")
        view = queries.sheet_view(sheet, ("self",))
        _refuse_missing(view, "self")
        unexplained = queries.unexplained_codes(view)
        if unexplained:
            raise WorkflowError(_l("Add evidence, or a note explaining the score, to: "
                                   "%(codes)s.", codes=_codes(unexplained)))
        today = clock.today()
        sheet.status, sheet.submitted_at, sheet.submitted_on = "submitted", clock.now(), today
        sheet.submitted_late = today > sheet.assessment_round.self_deadline
        sheet.save()
        audit.record(actor, "submit", sheet, {"status": ["draft", "submitted"],
                                              "late": sheet.submitted_late,
                                              "index": str(view.index["self"])})
        enqueue_for_users(f"assessment:{sheet.id}:submitted",
                          queries.team(sheet.assessment_round), "assessment_submitted",
                          sheet=sheet, own_index=view.index["self"], url=sheet_link(sheet))
    return sheet


def finish_first_appraisal(actor, sheet, explanation_deadline=None):
    """End appraisal round 1: the nodes marked go to the unit for an explanation by the
    deadline; with none marked the sheet waits for round 2."""
    _require(actor, "sheets.appraise", sheet,
             _l("Only the round's appraisal team appraises this sheet."))
    with transaction():
        sheet = _claim_for(actor, sheet, "first")
        view = queries.sheet_view(sheet, ("first",))
        _refuse_missing(view, "first")
        asked = [row.node for row in view.rows if row.score and row.score.explanation_asked]
        old_status = sheet.status
        if asked:
            if explanation_deadline is None or explanation_deadline < clock.today():
                raise WorkflowError(_l("Give the date by which the unit must explain, today "
                                       "or later."), field="explanation_deadline")
            sheet.status, sheet.explanation_deadline = "explaining", explanation_deadline
        else:
            sheet.status = "appraised"
        sheet.first_appraised_at = clock.now()
        sheet.save()
        audit.record(actor, "finish_first_appraisal", sheet, {
            "status": [old_status, sheet.status], "nodes": [node.code for node in asked],
            "deadline": explanation_deadline.isoformat() if asked else None})
        if asked:
            enqueue_for_users(f"assessment:{sheet.id}:explain", unit_heads(sheet.unit_id),
                              "explanation_requested", sheet=sheet,
                              asked=[row for row in view.rows if row.node in asked],
                              url=sheet_link(sheet))
    return sheet


def submit_explanation(actor, sheet):
    """The unit sends its explanation of every node the team asked about."""
    _require(actor, "sheets.self_assess", sheet,
             _l("Only the unit's head explains its self-assessment."))
    with transaction():
        sheet = _claim_for(actor, sheet, "explanation")
        silent = [s.node.code for s in NodeScore.select().where(
            NodeScore.assessment == sheet, NodeScore.explanation_asked,
            NodeScore.explanation == "")]
        if silent:
            raise WorkflowError(_l("Explain every node the team asked about first: "
                                   "%(codes)s.", codes=_codes(sorted(silent))))
        sheet.status, sheet.explained_at = "explained", clock.now()
        sheet.save()
        audit.record(actor, "explain", sheet, {"status": ["explaining", "explained"]})
        enqueue_for_users(f"assessment:{sheet.id}:explained",
                          queries.team(sheet.assessment_round), "explanation_submitted",
                          sheet=sheet, url=sheet_link(sheet))
    return sheet


def finish_second_appraisal(actor, sheet):
    """Appraisal round 2 fixes the final scores (round 1's where round 2 changed none)."""
    _require(actor, "sheets.appraise", sheet,
             _l("Only the round's appraisal team appraises this sheet."))
    with transaction():
        sheet = _claim_for(actor, sheet, "second")
        view = queries.sheet_view(sheet, ("final",))
        old_status = sheet.status
        sheet.status, sheet.final_at = "final", clock.now()
        sheet.save()
        audit.record(actor, "finish_second_appraisal", sheet,
                     {"status": [old_status, "final"], "index": str(view.index["final"])})
    return sheet


# --- evidence --------------------------------------------------------------------------


def _evidence_stage(sheet):
    """The evidence stage a sheet's state takes: the self-assessment's or the explanation's."""
    return {"draft": "self", "explaining": "explanation"}.get(sheet.status)


def _check_document(document_no, document_date, page):
    """The document's number, date and page as stored, within bounds."""
    document_no, page = nfc(document_no).strip(), nfc(page).strip()
    if len(document_no) > 100:
        raise WorkflowError(_l("The document number may hold at most 100 characters."),
                            field="document_no")
    if len(page) > 32:
        raise WorkflowError(_l("The page may hold at most 32 characters."), field="page")
    if document_date is not None and document_date > clock.today():
        raise WorkflowError(_l("The document cannot be dated in the future."),
                            field="document_date")
    return document_no, page


def _cited_attachment(actor, sheet, attachment_id):
    """An earlier file of the unit the head cites, or a refusal."""
    attachment = Attachment.get_or_none(Attachment.id == attachment_id)
    offered = {a.id for a in queries.unit_attachments(sheet.unit)}
    if attachment is None or attachment.id not in offered \
            or not can(actor, "attachments.view", attachment):
        raise WorkflowError(_l("Choose one of the unit's files."), field="attachment")
    return attachment


def add_evidence(actor, sheet, node, file_storage=None, attachment_id=None, document_no="",
                 document_date=None, page=""):
    """Add evidence to a node: a new file, a file the unit already sent, or a document
    named by its number alone; with its number, date and page."""
    _require(actor, "sheets.self_assess", sheet, _l("Only the unit's head adds evidence."))
    document_no, page = _check_document(document_no, document_date, page)
    has_file = file_storage is not None and getattr(file_storage, "filename", "")
    if has_file and attachment_id:
        raise WorkflowError(_l("Upload a file or choose one already sent, not both."),
                            field="file")
    if has_file:
        files.validate_upload(file_storage)
    elif not attachment_id and not document_no:
        raise WorkflowError(_l("Upload a file, choose one already sent, or give the "
                               "document's number."), field="file")
    stage = _evidence_stage(sheet)
    if stage is None:
        raise WorkflowError(_l("Evidence can be added while the unit assesses itself or "
                               "explains."))
    with transaction():
        sheet = _claim_for(actor, sheet, "self" if stage == "self" else "explanation")
        if node.criteria_set_id != sheet.assessment_round.criteria_set_id:
            raise WorkflowError(_l("This node is not part of the sheet's criteria set."))
        cited = _cited_attachment(actor, sheet, attachment_id) if attachment_id else None
        stored = files.store(file_storage, actor) if has_file else cited
        evidence = AssessmentEvidence.create(
            assessment=sheet, node=node, stage=stage, attachment=stored,
            document_no=document_no, document_date=document_date, page=page, added_by=actor)
        audit.record(actor, "add_evidence", sheet, {
            "nodes": [node.code], "evidence": evidence.id,
            "file": stored.original_name if stored else "", "document_no": document_no})
    return evidence


def remove_evidence(actor, sheet, evidence):
    """Remove a piece of evidence added at the sheet's current stage; a file uploaded for it
    alone goes with it."""
    _require(actor, "sheets.self_assess", sheet, _l("Only the unit's head removes evidence."))
    stage = _evidence_stage(sheet)
    if evidence.assessment_id != sheet.id or evidence.stage != stage:
        raise WorkflowError(_l("This evidence can no longer be removed."))
    with transaction():
        sheet = _claim_for(actor, sheet, "self" if stage == "self" else "explanation")
        deleted = AssessmentEvidence.delete().where(AssessmentEvidence.id == evidence.id) \
            .execute()
        if not deleted:
            raise WorkflowError(_l("This evidence has already been removed."))
        attachment = evidence.attachment
        if attachment is not None and _unowned(attachment):
            attachment.delete_instance()
        audit.record(actor, "remove_evidence", sheet,
                     {"nodes": [evidence.node.code], "evidence": evidence.id})


def _unowned(attachment):
    """Whether nothing holds the attachment any more (its file is then swept away)."""
    return (attachment.inspection_id is None and attachment.finding_id is None
            and attachment.response_id is None
            and not AssessmentEvidence.select().where(
                AssessmentEvidence.attachment == attachment).exists())


# --- survey points ---------------------------------------------------------------------


def _check_survey(value, share, field):
    """Refuse survey points outside 0 to the round's share."""
    if value is not None and (not 0 <= value <= share or scoring.rounded(value) != value):
        raise WorkflowError(_l("Survey points are from 0 to %(share)s, with at most two "
                               "decimals.", share=format_points(share)), field=field)


def _store_survey(actor, assessment_round, values):
    """Write {sheet id: points or None} of the round's sheets; the units changed."""
    sheets = {sheet.id: sheet for sheet in queries.round_sheets(assessment_round)}
    changed = {}
    for sheet_id, value in values.items():
        sheet = sheets.get(sheet_id)
        if sheet is None:
            raise WorkflowError(_l("This unit is not covered by the round."))
        _check_survey(value, assessment_round.survey_share, f"survey-{sheet_id}")
        if sheet.survey_points != value:
            changed[sheet.unit.code] = [str(sheet.survey_points) if sheet.survey_points
                                        is not None else None,
                                        str(value) if value is not None else None]
            UnitAssessment.update(survey_points=value).where(
                UnitAssessment.id == sheet_id).execute()
    if changed:
        audit.record(actor, "survey", assessment_round, changed)
    return changed


def _claim_survey(actor, assessment_round):
    """The round claimed under way, for its survey points."""
    _require(actor, "rounds.manage", None,
             _l("Only inspectors and administrators record survey points."))
    return claim(AssessmentRound.status, assessment_round.id, ("open",),
                 _l("Survey points can be changed only while the round is under way."))


def record_survey_points(actor, assessment_round, values):
    """Record the survey points of the round's units: {sheet id: points or None}."""
    with transaction():
        assessment_round = _claim_survey(actor, assessment_round)
        return _store_survey(actor, assessment_round, values)


def import_survey_points(actor, assessment_round, rows):
    """Record survey points from a sheet's rows [(row, {"unit_code", "points"})]; a sheet
    with any mistake is refused whole, every problem listed by row."""
    with transaction():
        assessment_round = _claim_survey(actor, assessment_round)
        by_code = {sheet.unit.code.upper(): sheet
                   for sheet in queries.round_sheets(assessment_round)}
        values, problems, seen = {}, [], {}
        for row_number, cells in rows:
            code = cells.get("unit_code", "").strip().upper()
            value = scoring.parse_points(cells.get("points", ""))
            sheet = by_code.get(code)
            if sheet is None:
                problems.append(_l("Row %(row)s: no unit of the round has the code "
                                   "%(code)s.", row=row_number, code=code or "—"))
            elif code in seen:
                problems.append(_l("Row %(row)s: %(code)s is already in row %(first)s.",
                                   row=row_number, code=code, first=seen[code]))
            if value is None or not 0 <= value <= assessment_round.survey_share \
                    or scoring.rounded(value) != value:
                problems.append(_l("Row %(row)s: survey points are from 0 to %(share)s, with "
                                   "at most two decimals.", row=row_number,
                                   share=format_points(assessment_round.survey_share)))
            if sheet is not None:
                seen.setdefault(code, row_number)
                values[sheet.id] = value
        if not rows:
            problems.append(_l("The sheet holds no survey points."))
        if problems:
            raise WorkflowError(_l("The sheet has mistakes; nothing has been imported."),
                                field="file", details=problems)
        return _store_survey(actor, assessment_round, values)


# --- lost points become draft findings --------------------------------------------------


def _appraisal_inspection(actor, sheet):
    """A new inspection of the sheet's unit, in progress and led by actor, to hold the
    findings an appraisal gave."""
    assessment_round = sheet.assessment_round
    with force_locale("vi"):
        title = _("Follow-up of the CCHC index appraisal: %(round)s",
                  round=assessment_round.name)
        topics = _("Criteria where the appraisal took points off")
    today = clock.today()
    inspection, _overlaps = save_inspection(actor, Inspection(), unit=sheet.unit,
                                            title=title[:300], topics=topics,
                                            start_date=today, end_date=today, lead=actor)
    return start_inspection(actor, inspection)


def _finding_texts(sheet, row):
    """(title, description, recommendation) of the finding a node's lost points become,
    in Vietnamese: they are the office's record."""
    node, score = row.node, row.score
    with force_locale("vi"):
        title = f"{node.code}. {node.content}"
        description = _("%(round)s: the unit scored itself %(own)s of %(max)s points, the "
                        "appraisal gave %(final)s.", round=sheet.assessment_round.name,
                        own=format_points(row.results["self"].earned),
                        max=format_points(node.max_points),
                        final=format_points(row.results["final"].earned))
        note = score.second_note or score.first_note
        if note:
            description += "\n" + _("The appraisers' reason: %(note)s", note=note)
        recommendation = _("Meet criterion %(code)s in full: %(content)s", code=node.code,
                           content=node.content)
        if node.evidence:
            recommendation += "\n" + _("Evidence required: %(evidence)s", evidence=node.evidence)
    return title[:300], description, recommendation


def lost_points_findings(actor, sheet, node_ids, category, severity, inspection=None):
    """Turn the chosen nodes where the appraisal took points off into draft findings of an
    inspection of the unit in progress (a new one for the appraisal when none is given)."""
    _require(actor, "sheets.appraise", sheet,
             _l("Only the round's appraisal team turns lost points into findings."))
    if category is None:
        raise WorkflowError(_l("Choose the findings' category."), field="category")
    if severity not in SEVERITIES:
        raise WorkflowError(_l("Choose a severity."), field="severity")
    if inspection is not None and (inspection.unit_id != sheet.unit_id
                                   or inspection.status != "in_progress"):
        raise WorkflowError(_l("Choose an inspection of the unit that is in progress."),
                            field="inspection")
    with transaction():
        sheet = claim(UnitAssessment.status, sheet.id, ("final",),
                      _l("Lost points become findings once the final scores are fixed."))
        view = queries.sheet_view(sheet, ("self", "final"))
        rows = [row for row in view.rows if row.node.id in set(node_ids) and row.leaf
                and row.lost > 0 and row.score.finding_id is None]
        if not rows:
            raise WorkflowError(_l("Choose criteria where the appraisal took points off "
                                   "and that are not findings yet."), field="nodes")
        inspection = inspection or _appraisal_inspection(actor, sheet)
        created = []
        for row in rows:
            title, description, recommendation = _finding_texts(sheet, row)
            finding = record_finding(actor, inspection, category, severity, title,
                                     description, recommendation)
            NodeScore.update(finding=finding).where(NodeScore.id == row.score.id).execute()
            created.append(finding)
        audit.record(actor, "lost_points_findings", sheet, {
            "nodes": [row.node.code for row in rows], "inspection": inspection.id,
            "findings": [finding.id for finding in created]})
    return inspection, created
