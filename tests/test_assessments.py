"""CCHC index rounds: the unit's self-assessment with evidence, the two-round appraisal
with an explanation between, survey points, publication, the ranking, its PDF and the
round's workbook, lost points to draft findings, and who sees what."""
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
import time_machine
from openpyxl import Workbook, load_workbook

from inspect_app.assessments import queries, services
from inspect_app.assessments.services import AnswerInput
from inspect_app.errors import WorkflowError
from inspect_app.models import (
    AssessmentEvidence,
    Category,
    CriteriaNode,
    Finding,
    Inspection,
    NodeScore,
    OutboxMessage,
    UnitAssessment,
)
from tests.factories import (
    FULL_SCORES,
    PDF_BYTES,
    make_criteria_set,
    make_round,
    make_unit,
    make_user,
)
from tests.helpers import db_state, figures, flashes, pdf_text, sign_in, text, upload

# 10:00 in Hanoi on 1 December 2026.
T0 = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.timezone.utc)
TODAY = dt.date(2026, 12, 1)
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def frozen_time():
    """Every test runs at T0 unless it moves the clock itself."""
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(app):
    """The small criteria set, two communes with their heads, a round of both, its team
    of one inspector, and a leader."""
    admin = make_user("quantri", role="admin")
    criteria_set = make_criteria_set(actor=admin)
    unit_a, unit_b = make_unit("X-AN", "Xã Hòa An"), make_unit("X-BINH", "Xã Hòa Bình")
    head_a = make_user("head_a", role="unit_head", unit=unit_a, email="an@xa.example.vn")
    head_b = make_user("head_b", role="unit_head", unit=unit_b, email="binh@xa.example.vn")
    inspector = make_user("thanhtra", role="inspector", email="thanhtra@example.vn")
    leader = make_user("lanhdao", role="leader", email="lanhdao@example.vn")
    assessment_round = make_round(criteria_set, [unit_a, unit_b], team=[inspector],
                                  self_deadline=TODAY + 10 * DAY)
    sheets = {s.unit_id: s for s in assessment_round.sheets}
    nodes = {n.code: n for n in CriteriaNode.select().where(
        CriteriaNode.criteria_set == criteria_set)}
    return {"set": criteria_set, "round": assessment_round, "nodes": nodes,
            "a": sheets[unit_a.id], "b": sheets[unit_b.id], "head_a": head_a,
            "head_b": head_b, "inspector": inspector, "leader": leader, "admin": admin}


def sheet_of(sheet):
    """The sheet as stored now."""
    return queries.get_sheet(sheet.id)


def score(world, actor, sheet, points, notes=None, asks=()):
    """Save points {code: "3" or "na"} on a sheet through the service."""
    notes = notes or {}
    answers = {world["nodes"][code].id: AnswerInput(
        points=None if value == "na" else Decimal(value), na=value == "na",
        note=notes.get(code, "Có đủ hồ sơ"), ask=code in asks)
        for code, value in points.items()}
    services.save_scores(actor, sheet_of(sheet), answers)


def finish(world, sheet, points=FULL_SCORES, survey=None):
    """Take a sheet to its final scores through the services: the unit claims points,
    the team gives round 1 (without explanations) and fixes the final scores."""
    score(world, world["head_" + ("a" if sheet.id == world["a"].id else "b")], sheet, FULL_SCORES)
    services.submit_self_assessment(
        world["head_" + ("a" if sheet.id == world["a"].id else "b")], sheet_of(sheet))
    score(world, world["inspector"], sheet, points)
    services.finish_first_appraisal(world["inspector"], sheet_of(sheet))
    services.finish_second_appraisal(world["inspector"], sheet_of(sheet))
    if survey is not None:
        services.record_survey_points(world["inspector"], world["round"],
                                      {sheet.id: Decimal(survey)})


def field_url(world, sheet, code):
    """The scoring page of a field."""
    return (f"/assessments/sheets/{sheet.id}/fields/{world['nodes'][code].id}")


def scores_url(world, sheet, code):
    """Where a field's scores are posted."""
    return field_url(world, sheet, code) + "/scores"


def inputs(world, points, notes=None, asks=(), explanations=None):
    """A scoring page's post: points-<id>, na-<id>, note-<id>, ask-<id>, explanation-<id>."""
    data = {}
    for code, value in points.items():
        node_id = world["nodes"][code].id
        if value == "na":
            data[f"na-{node_id}"] = "y"
        else:
            data[f"points-{node_id}"] = value
        data[f"note-{node_id}"] = (notes or {}).get(code, "")
    for code in asks:
        data[f"ask-{world['nodes'][code].id}"] = "y"
    for code, words in (explanations or {}).items():
        data[f"explanation-{world['nodes'][code].id}"] = words
    return data


def mail_to(address):
    """The subjects of the e-mails queued for address."""
    return [m.subject for m in OutboxMessage.select().where(
        OutboxMessage.recipients.contains(address)).order_by(OutboxMessage.id)]


def test_the_whole_round_through_the_pages(app, client, world):
    a, nodes = world["a"], world["nodes"]
    # The unit head scores both fields on their phone, with a file for 1.1.
    sign_in(client, world["head_a"])
    client.post(scores_url(world, a, "1"), data=inputs(
        world, {"1.1": "4", "1.2.1": "3", "1.2.2": "3"},
        notes={"1.2.1": "Báo cáo đủ 4 quý", "1.2.2": "Có báo cáo chuyên đề"}))
    client.post(scores_url(world, a, "2"), data=inputs(world, {"2.1": "5"},
                                                      notes={"2.1": "Công khai đủ"}))
    response = client.post(f"/assessments/sheets/{a.id}/nodes/{nodes['1.1'].id}/evidence",
                           data={"file": (io.BytesIO(PDF_BYTES), "ke-hoach-cchc.pdf"),
                                 "document_no": "12/KH-UBND", "document_date": "2026-01-15",
                                 "page": "3", "attachment": "0"},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    evidence = AssessmentEvidence.get()
    assert (evidence.document_no, evidence.page, evidence.attachment.original_name) == \
        ("12/KH-UBND", "3", "ke-hoach-cchc.pdf")
    page = text(client.get(f"/assessments/sheets/{a.id}"))
    # The unit claims every point: 70 of the 70 the survey leaves (it gives no survey).
    assert figures(page)["self_index"] == "70,00"
    client.post(f"/assessments/sheets/{a.id}/submit")
    stored = sheet_of(a)
    assert stored.status == "submitted" and stored.submitted_late is False
    assert len(mail_to("thanhtra@example.vn")) == 1

    # Appraisal round 1: 1.1 down to 3 with an explanation asked, 1.2.1 down to 1,5.
    sign_in(client, world["inspector"])
    client.post(scores_url(world, a, "1"), data=inputs(
        world, {"1.1": "3", "1.2.1": "1,5", "1.2.2": "3"},
        notes={"1.1": "Kế hoạch ban hành muộn", "1.2.1": "Báo cáo quý 3 chậm"},
        asks=["1.1"]))
    client.post(scores_url(world, a, "2"), data=inputs(world, {"2.1": "5"}))
    client.post(f"/assessments/sheets/{a.id}/first-round",
                data={"explanation_deadline": "2026-12-08"})
    assert sheet_of(a).status == "explaining"
    assert len(mail_to("an@xa.example.vn")) == 2  # the round opened; the explanation asked

    # The unit explains 1.1; round 2 gives back half a point.
    sign_in(client, world["head_a"])
    page = text(client.get(f"/assessments/sheets/{a.id}"))
    assert "Kế hoạch ban hành muộn" in page  # round 1 shows once the team has finished it
    client.post(scores_url(world, a, "1"), data=inputs(
        world, {}, explanations={"1.1": "Kế hoạch ban hành ngày 15/01, kèm văn bản"}))
    client.post(f"/assessments/sheets/{a.id}/explain")
    assert sheet_of(a).status == "explained"
    assert NodeScore.get(NodeScore.node == nodes["1.1"]).explanation.startswith("Kế hoạch")
    sign_in(client, world["inspector"])
    client.post(scores_url(world, a, "1"), data=inputs(
        world, {"1.1": "3,5", "1.2.1": "1,5", "1.2.2": "3"},
        notes={"1.1": "Đã giải trình một phần", "1.2.1": "Báo cáo quý 3 chậm"}))
    client.post(f"/assessments/sheets/{a.id}/second-round")
    assert sheet_of(a).status == "final"

    # Survey points, the other unit, publication by the leader.
    finish(world, world["b"])
    client.post(f"/assessments/{world['round'].id}/survey",
                data={f"survey-{a.id}": "24,5", f"survey-{world['b'].id}": "20"})
    sign_in(client, world["leader"])
    response = client.post(f"/assessments/{world['round'].id}/publish",
                           data={"decision_no": "125/QĐ-UBND", "decision_date": "2026-11-30"})
    assert response.headers["Location"] == f"/assessments/{world['round'].id}/ranking"

    # A: 13 of 15 points → 17,33 of 20 → 60,66 of 70, plus 24,5 = 85,16 (Tốt).
    # B: everything → 70 + 20 = 90 (Xuất sắc).
    ranking = text(client.get(f"/assessments/{world['round'].id}/ranking"))
    assert re.search(r"Xã Hòa Bình.*?Xuất sắc.*?90,00.*?Xã Hòa An.*?Tốt.*?85,16", ranking, re.S)
    sheet_page = text(client.get(f"/assessments/sheets/{a.id}"))
    assert figures(sheet_page)["final_index"] == "85,16"
    assert figures(sheet_page)["appraised"] == "17,33"
    pdf = pdf_text(client.get(f"/assessments/{world['round'].id}/ranking.pdf").data)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in pdf
    assert re.search(r"1 Xã Hòa Bình .*90,00.*2 Xã Hòa An .*85,16", pdf)
    # The results went to each unit's head, and the leader and the team.
    assert len(mail_to("an@xa.example.vn")) == 3
    assert mail_to("lanhdao@example.vn") and len(mail_to("thanhtra@example.vn")) == 4


def test_the_scoring_sheet_pdf_has_self_appraisal_and_final_columns(app, client, world):
    finish(world, world["a"], points={**FULL_SCORES, "1.1": "2"})
    sign_in(client, world["head_a"])
    pdf = pdf_text(client.get(f"/assessments/sheets/{world['a'].id}.pdf").data)
    assert "Xã Hòa An" in pdf
    # 1.1: the unit claimed 4, the appraisal gave 2.
    assert re.search(r"1\.1\. Kế hoạch CCHC năm 4 4 2 2", pdf), pdf


def test_the_round_workbook_lists_units_and_criteria(app, client, world):
    finish(world, world["a"], survey="25")
    sign_in(client, world["inspector"])
    book = load_workbook(io.BytesIO(client.get(
        f"/assessments/{world['round'].id}/export.xlsx").data))
    units, criteria = book.worksheets
    rows = list(units.iter_rows(values_only=True))
    by_code = {row[1]: row for row in rows[1:]}
    assert by_code["X-AN"][0] == 1 and by_code["X-AN"][10] == 95.0
    assert by_code["X-BINH"][0] is None
    assert sum(1 for row in criteria.iter_rows(values_only=True) if row[0] == "X-AN") == 13


def test_a_submission_after_the_deadline_is_recorded_as_late(app, world, frozen_time):
    score(world, world["head_a"], world["a"], FULL_SCORES)
    frozen_time.move_to(T0 + 11 * DAY)
    services.submit_self_assessment(world["head_a"], sheet_of(world["a"]))
    assert sheet_of(world["a"]).submitted_late is True


def test_submitting_needs_every_score_and_a_note_or_evidence_for_each(app, world):
    score(world, world["head_a"], world["a"], {"1.1": "4", "1.2.1": "3"})
    with pytest.raises(WorkflowError) as refused:
        services.submit_self_assessment(world["head_a"], sheet_of(world["a"]))
    assert "1.2.2" in str(refused.value) and "2.1" in str(refused.value)
    score(world, world["head_a"], world["a"], {"1.2.2": "na", "2.1": "5"},
          notes={"2.1": ""})
    with pytest.raises(WorkflowError) as refused:
        services.submit_self_assessment(world["head_a"], sheet_of(world["a"]))
    assert "2.1" in str(refused.value)
    assert sheet_of(world["a"]).status == "draft"


@pytest.mark.parametrize("code, value", [("1.2.1", "2"), ("1.1", "3.1"), ("1.1", "5"),
                                         ("1.1", "-1"), ("1.1", "na")])
def test_points_outside_the_nodes_rule_are_refused(app, world, code, value):
    before = db_state()
    with pytest.raises(WorkflowError):
        score(world, world["head_a"], world["a"], {code: value})
    assert db_state() == before


def test_the_unit_head_sees_only_their_own_sheet_and_not_the_teams_work_in_progress(
        app, client, world):
    score(world, world["head_a"], world["a"], FULL_SCORES)
    services.submit_self_assessment(world["head_a"], sheet_of(world["a"]))
    score(world, world["inspector"], world["a"], {**FULL_SCORES, "1.1": "1"},
          notes={"1.1": "Thiếu kế hoạch"})
    sign_in(client, world["head_a"])
    page = text(client.get(f"/assessments/sheets/{world['a'].id}"))
    assert "Thiếu kế hoạch" not in page and "final_index" not in page
    assert client.get(f"/assessments/sheets/{world['b'].id}").status_code == 404
    assert client.get(f"/assessments/sheets/{world['b'].id}.pdf").status_code == 404
    assert client.get(f"/assessments/{world['round'].id}/ranking").status_code == 404
    listing = text(client.get("/assessments"))
    assert f"/assessments/sheets/{world['a'].id}" in listing
    assert f"/assessments/sheets/{world['b'].id}" not in listing


def test_an_appraiser_not_on_the_team_cannot_score(app, world):
    score(world, world["head_a"], world["a"], FULL_SCORES)
    services.submit_self_assessment(world["head_a"], sheet_of(world["a"]))
    outsider = make_user(role="inspector")
    with pytest.raises(WorkflowError):
        score(world, outsider, world["a"], FULL_SCORES)
    with pytest.raises(WorkflowError):
        services.finish_first_appraisal(outsider, sheet_of(world["a"]))


def test_the_unit_cannot_change_its_scores_once_submitted(app, world):
    score(world, world["head_a"], world["a"], FULL_SCORES)
    services.submit_self_assessment(world["head_a"], sheet_of(world["a"]))
    with pytest.raises(WorkflowError):
        score(world, world["head_a"], world["a"], {"1.1": "1"})
    assert NodeScore.get(NodeScore.node == world["nodes"]["1.1"]).self_points == 4


def survey_book(rows):
    """A survey workbook: unit codes and points."""
    book = Workbook()
    book.active.append(["Mã đơn vị", "Tên đơn vị", "Điểm khảo sát"])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_survey_points_are_imported_and_a_wrong_sheet_is_refused_whole(app, client, world):
    sign_in(client, world["inspector"])
    url = f"/assessments/{world['round'].id}/survey/import"
    before = db_state()
    response = client.post(url, data={"file": (io.BytesIO(survey_book(
        [["X-AN", "Xã Hòa An", 25.5], ["X-LA", "Xã Lạ", 20], ["X-BINH", "", 31]])),
        "khao-sat.xlsx")}, content_type="multipart/form-data")
    page = text(response)
    assert re.search(r"(Row|Dòng) 3: .*X-LA", page) and re.search(r"(Row|Dòng) 4: ", page)
    assert db_state() == before
    client.post(url, data={"file": (io.BytesIO(survey_book(
        [["X-AN", "Xã Hòa An", "25,5"], ["x-binh", "", 28]])), "khao-sat.xlsx")},
        content_type="multipart/form-data")
    points = {s.unit.code: s.survey_points for s in queries.round_sheets(world["round"])}
    assert points == {"X-AN": Decimal("25.5"), "X-BINH": Decimal(28)}


def test_lost_points_become_draft_findings_in_a_new_inspection(app, client, world):
    finish(world, world["a"], points={**FULL_SCORES, "1.1": "2", "2.1": "4"})
    category = Category.select().first()
    sign_in(client, world["inspector"])
    response = client.post(f"/assessments/sheets/{world['a'].id}/findings", data={
        "nodes": [world["nodes"]["1.1"].id, world["nodes"]["2.1"].id],
        "category": category.id, "severity": "medium", "inspection": "0"})
    inspection = Inspection.get()
    assert response.headers["Location"] == f"/inspections/{inspection.id}"
    assert inspection.status == "in_progress" and inspection.unit_id == world["a"].unit_id
    findings = list(Finding.select().order_by(Finding.id))
    assert [f.status for f in findings] == ["draft", "draft"]
    assert findings[0].title.startswith("1.1. Kế hoạch CCHC năm")
    assert "Kế hoạch CCHC" in findings[0].recommendation
    assert NodeScore.get(NodeScore.node == world["nodes"]["1.1"]).finding_id == findings[0].id
    # Done once: the same nodes are not turned into findings again.
    with pytest.raises(WorkflowError):
        services.lost_points_findings(world["inspector"], sheet_of(world["a"]),
                                      [world["nodes"]["1.1"].id], category, "medium")


def test_publishing_waits_for_every_final_sheet_and_only_leaders_publish(app, world):
    finish(world, world["a"])
    with pytest.raises(WorkflowError):
        services.publish_round(world["leader"], world["round"], "1/QĐ", TODAY)
    finish(world, world["b"])
    with pytest.raises(WorkflowError):
        services.publish_round(world["inspector"], world["round"], "1/QĐ", TODAY)
    services.publish_round(world["leader"], world["round"], "1/QĐ", TODAY)
    assert queries.get_round(world["round"].id).status == "published"


def test_after_publication_a_unit_head_sees_the_ranking(app, client, world):
    finish(world, world["a"], survey="20")
    finish(world, world["b"], survey="10")
    services.publish_round(world["leader"], world["round"], "1/QĐ", TODAY)
    sign_in(client, world["head_b"])
    page = text(client.get(f"/assessments/{world['round'].id}/ranking"))
    assert "Xã Hòa An" in page and "Xã Hòa Bình" in page


def test_evidence_and_notes_carry_over_to_the_next_version(app, world):
    from inspect_app.criteria import services as criteria

    head = world["head_a"]
    score(world, head, world["a"], FULL_SCORES, notes={"1.1": "Kế hoạch số 12"})
    services.add_evidence(head, sheet_of(world["a"]), world["nodes"]["1.1"],
                          file_storage=upload("ke-hoach.pdf", PDF_BYTES), document_no="12/KH")
    newer = criteria.new_version(world["admin"], world["set"])
    newer = criteria.publish_set(world["admin"], newer)
    next_round = make_round(newer, [UnitAssessment.get_by_id(world["a"].id).unit],
                            team=[world["inspector"]], name="Đánh giá 2027")
    sheet = next_round.sheets.get()
    carried = AssessmentEvidence.get(AssessmentEvidence.assessment == sheet)
    assert carried.document_no == "12/KH" and carried.attachment.original_name == "ke-hoach.pdf"
    assert carried.node.code == "1.1" and carried.node.criteria_set_id == newer.id
    assert NodeScore.get(NodeScore.assessment == sheet).self_note == "Kế hoạch số 12"


def test_a_unit_head_flash_names_the_missing_scores(app, client, world):
    sign_in(client, world["head_a"])
    response = client.post(f"/assessments/sheets/{world['a'].id}/submit",
                           follow_redirects=True)
    assert any("1.1" in f for f in flashes(text(response)))


def test_staff_read_a_field_the_unit_is_still_scoring(app, client, world):
    score(world, world["head_a"], world["a"], {"1.1": "4"}, notes={"1.1": "Kế hoạch số 12"})
    sign_in(client, world["leader"])
    response = client.get(field_url(world, world["a"], "1"))
    assert response.status_code == 200
    assert "Kế hoạch số 12" in text(response)
    sign_in(client, world["head_a"])
    # Points are written as points (1,5), not as a change in percentage points.
    assert '<option value="1,5">' in text(client.get(field_url(world, world["a"], "1")))


def test_the_staff_home_and_the_monthly_summary_show_progress_and_ranking(
        app, client, world, frozen_time):
    finish(world, world["a"], survey="20")
    sign_in(client, world["leader"])
    home = text(client.get("/"))
    assert world["round"].name in home
    assert "1/2" in home  # one sheet of two has its final scores
    finish(world, world["b"], survey="10")
    services.publish_round(world["leader"], world["round"], "7/QĐ-UBND", TODAY)
    home = text(client.get("/"))
    assert re.search(r"Xã Hòa An.*?90,00", home, re.S)
    frozen_time.move_to(T0 + 40 * DAY)
    sign_in(client, world["leader"])
    page = text(client.get("/reports/monthly/2026-12"))
    assert world["round"].name in page and "Xã Hòa Bình" in page
    pdf = pdf_text(client.get("/reports/monthly/2026-12.pdf").data)
    assert "Xã Hòa An" in pdf and "90,00" in pdf
