"""Bursts on the CCHC index: each step of a round and of a criteria set, posted 8 times at
once, changes the state once, writes one audit event and queues one e-mail per recipient
(the firing is tests/test_bursts.py's)."""
import datetime as dt
from decimal import Decimal

import pytest

from inspect_app import clock
from inspect_app.assessments import services
from inspect_app.assessments.queries import get_sheet
from inspect_app.models import (
    AssessmentRound,
    Category,
    CriteriaNode,
    CriteriaSet,
    Finding,
    Inspection,
    UnitAssessment,
)
from tests.factories import make_criteria_set, make_round, make_unit, make_user
from tests.test_assessments import FULL
from tests.test_bursts import burst, events, queued, stored, succeeded

DAY = dt.timedelta(days=1)


@pytest.fixture
def world(app):
    """The small criteria set, a commune with its head, a round of it, its team, a leader."""
    admin = make_user("quantri", role="admin", email="quantri@example.vn")
    unit = make_unit("X-HOAAN", "Xã Hòa An")
    head = make_user("truongxa", role="unit_head", unit=unit, email="truongxa@example.vn")
    inspector = make_user("thamdinh", role="inspector", email="thamdinh@example.vn")
    leader = make_user("lanhdao", role="leader", email="lanhdao@example.vn")
    criteria_set = make_criteria_set(actor=admin)
    nodes = {n.code: n for n in CriteriaNode.select()}
    return {"admin": admin, "unit": unit, "head": head, "inspector": inspector,
            "leader": leader, "set": criteria_set, "nodes": nodes}


def opened(world, opened=True):
    """A round of the world's unit (opened unless asked not to) and the unit's sheet."""
    assessment_round = make_round(world["set"], [world["unit"]], team=[world["inspector"]],
                                  opened=opened)
    return assessment_round, assessment_round.sheets.get()


def scored(world, sheet, actor, points=FULL, asks=()):
    """Save points on the sheet through the service."""
    services.save_scores(actor, get_sheet(sheet.id), {
        world["nodes"][code].id: services.AnswerInput(points=Decimal(value), note="Đủ",
                                                      ask=code in asks)
        for code, value in points.items()})


def submitted(world):
    """A round whose sheet the unit has submitted."""
    assessment_round, sheet = opened(world)
    scored(world, sheet, world["head"])
    services.submit_self_assessment(world["head"], get_sheet(sheet.id))
    return assessment_round, sheet


def explaining(world):
    """A round whose sheet waits for the unit's explanation of 1.1."""
    assessment_round, sheet = submitted(world)
    scored(world, sheet, world["inspector"], {**FULL, "1.1": "2"}, asks=["1.1"])
    services.finish_first_appraisal(world["inspector"], get_sheet(sheet.id),
                                    clock.today() + 7 * DAY)
    services.save_scores(world["head"], get_sheet(sheet.id), {
        world["nodes"]["1.1"].id: services.AnswerInput(explanation="Đã ban hành đúng hạn")})
    return assessment_round, sheet


def final(world):
    """A round whose sheet has its final scores, 1.1 down by two points."""
    assessment_round, sheet = explaining(world)
    services.submit_explanation(world["head"], get_sheet(sheet.id))
    services.finish_second_appraisal(world["inspector"], get_sheet(sheet.id))
    return assessment_round, sheet


def test_open_burst_opens_the_round_once_with_one_email(app, world):
    assessment_round, _sheet = opened(world, opened=False)
    before = queued()
    responses = burst(app, world["inspector"], f"/assessments/{assessment_round.id}/open")
    assert succeeded(app, responses) == 1
    assert stored(assessment_round).status == "open"
    assert events("open", assessment_round) == 1
    assert queued() - before == 1


def test_submit_burst_submits_once_with_one_email(app, world):
    _round, sheet = opened(world)
    scored(world, sheet, world["head"])
    before = queued()
    responses = burst(app, world["head"], f"/assessments/sheets/{sheet.id}/submit")
    assert succeeded(app, responses) == 1
    assert stored(sheet).status == "submitted"
    assert events("submit", sheet) == 1
    assert queued() - before == 1


def test_first_round_burst_asks_for_an_explanation_once(app, world):
    _round, sheet = submitted(world)
    scored(world, sheet, world["inspector"], {**FULL, "1.1": "2"}, asks=["1.1"])
    before = queued()
    responses = burst(app, world["inspector"], f"/assessments/sheets/{sheet.id}/first-round",
                      {"explanation_deadline": (clock.today() + 7 * DAY).isoformat()})
    assert succeeded(app, responses) == 1
    assert stored(sheet).status == "explaining"
    assert events("finish_first_appraisal", sheet) == 1
    assert queued() - before == 1


def test_explanation_burst_explains_once_with_one_email(app, world):
    _round, sheet = explaining(world)
    before = queued()
    responses = burst(app, world["head"], f"/assessments/sheets/{sheet.id}/explain")
    assert succeeded(app, responses) == 1
    assert stored(sheet).status == "explained"
    assert events("explain", sheet) == 1
    assert queued() - before == 1


def test_second_round_burst_fixes_the_final_scores_once(app, world):
    _round, sheet = explaining(world)
    services.submit_explanation(world["head"], get_sheet(sheet.id))
    responses = burst(app, world["inspector"], f"/assessments/sheets/{sheet.id}/second-round")
    assert succeeded(app, responses) == 1
    assert stored(sheet).status == "final"
    assert events("finish_second_appraisal", sheet) == 1


def test_publish_burst_publishes_once_with_one_email_per_recipient(app, world):
    assessment_round, _sheet = final(world)
    before = queued()
    responses = burst(app, world["leader"], f"/assessments/{assessment_round.id}/publish",
                      {"decision_no": "12/QĐ-UBND", "decision_date": clock.today().isoformat()})
    assert succeeded(app, responses) == 1
    assert stored(assessment_round).status == "published"
    assert events("publish", assessment_round) == 1
    # The unit's head (their own line), the leader and the team's inspector.
    assert queued() - before == 3


def test_lost_points_burst_makes_one_finding_per_node(app, world):
    _round, sheet = final(world)
    category = Category.select().first()
    responses = burst(app, world["inspector"], f"/assessments/sheets/{sheet.id}/findings",
                      {"nodes": [world["nodes"]["1.1"].id], "category": category.id,
                       "severity": "medium", "inspection": "0"})
    assert succeeded(app, responses) == 1
    assert Finding.select().count() == 1 and Inspection.select().count() == 1
    assert events("lost_points_findings", UnitAssessment.get_by_id(sheet.id)) == 1


def test_survey_burst_records_the_points_once(app, world):
    assessment_round, sheet = opened(world)
    burst(app, world["inspector"], f"/assessments/{assessment_round.id}/survey",
          {f"survey-{sheet.id}": "25,5"})
    assert stored(sheet).survey_points == Decimal("25.5")
    assert events("survey", AssessmentRound.get_by_id(assessment_round.id)) == 1


def test_criteria_publish_burst_publishes_once(app, world):
    draft = make_criteria_set(actor=world["admin"], publish=False, name="Bộ mới")
    responses = burst(app, world["admin"], f"/criteria/{draft.id}/publish")
    assert succeeded(app, responses) == 1
    assert events("publish", draft) == 1


def test_new_version_burst_makes_one_draft(app, world):
    responses = burst(app, world["admin"], f"/criteria/{world['set'].id}/new-version")
    assert succeeded(app, responses) == 1
    assert CriteriaSet.select().where(CriteriaSet.predecessor == world["set"]).count() == 1


def test_retire_burst_retires_once(app, world):
    responses = burst(app, world["admin"], f"/criteria/{world['set'].id}/retire")
    assert succeeded(app, responses) == 1
    assert events("retire", world["set"]) == 1
