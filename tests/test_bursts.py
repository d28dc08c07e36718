"""Bursts: the same state change posted 8 times at once changes the state once.

A double click, a retried request or an impatient user sends the same post several times
at once. Each burst here fires one post from each of 8 threads, released together by a
barrier. Every thread has its own test client carrying the same session cookie, as the
browser's repeated posts do. The test client runs the app in the calling thread, and the
app opens its database connection per request in that thread (peewee keeps connections
per thread), so the 8 requests race on 8 connections exactly as under a threaded server:
the socket and HTTP parsing of a real server would add nothing to the race. The suite
runs these on SQLite (`make test`) and on PostgreSQL (`make test-pg`).

After each burst: the state changed once, the action has exactly one audit event (and
one report or request row), one e-mail per recipient is queued, and every answer is a
normal page or redirect, never a server error.
"""
import datetime as dt
import io
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest

from inspect_app import authority, clock
from inspect_app.admin.services import save_settings
from inspect_app.assessments import services as assessments
from inspect_app.assessments.queries import get_sheet
from inspect_app.discipline import services as discipline
from inspect_app.discipline.queries import measures_offered
from inspect_app.findings import services as findings
from inspect_app.inspections import services as inspections
from inspect_app.models import (
    AssessmentRound,
    Attachment,
    AuditEvent,
    AuthorityVersion,
    Category,
    CriteriaNode,
    CriteriaSet,
    ExtensionRequest,
    Finding,
    Inspection,
    OutboxMessage,
    Reorganisation,
    Response,
    UnitAssessment,
)
from tests.factories import (
    FULL_SCORES,
    PDF_BYTES,
    issue_findings,
    make_criteria_set,
    make_inspection,
    make_inspection_in_progress,
    make_plan,
    make_round,
    make_unit,
    make_user,
    record_draft,
)
from tests.helpers import flashes, sign_in, text, tr

BURST = 8
DAY = dt.timedelta(days=1)


# --- firing ----------------------------------------------------------------------------


def session_cookie(app, user):
    """The session cookie of user, signed in once."""
    client = app.test_client()
    sign_in(client, user)
    return client.get_cookie("session").value


def fire(app, user, posts):
    """Send posts [(path, form)] all at once, one thread each, as user; their responses.

    form is a dict, or a function making one (a file to upload is read once per post).
    """
    cookie = session_cookie(app, user)
    start = threading.Barrier(len(posts))

    def post(path_and_form):
        path, form = path_and_form
        client = app.test_client()
        client.set_cookie("session", cookie)
        data = form() if callable(form) else form
        start.wait()
        return client.post(path, data=data)

    with ThreadPoolExecutor(max_workers=len(posts)) as pool:
        responses = list(pool.map(post, posts))
    statuses = [response.status_code for response in responses]
    assert set(statuses) <= {200, 302}, statuses
    return responses


def flashed(app, response):
    """The (category, message) pairs a response flashed: what its next page shows."""
    cookie = next((c for c in response.headers.getlist("Set-Cookie")
                   if c.startswith("session=")), None)
    if cookie is None:
        return []
    value = cookie.split(";", 1)[0].removeprefix("session=")
    session = app.session_interface.get_signing_serializer(app).loads(value)
    return session.get("_flashes", [])


def succeeded(app, responses):
    """How many of responses report a success (a redirect flashing "success")."""
    return sum(any(category == "success" for category, _message in flashed(app, response))
               for response in responses)


def burst(app, user, path, form=None):
    """The same post sent BURST times at once; the responses."""
    return fire(app, user, [(path, form or {})] * BURST)


def events(action, obj):
    """How many audit events of action obj has."""
    return (AuditEvent
            .select()
            .where(AuditEvent.action == action,
                   AuditEvent.entity == obj._meta.table_name,
                   AuditEvent.entity_id == obj.id)
            .count())


def queued():
    """How many e-mails the outbox holds."""
    return OutboxMessage.select().count()


def uploaded_files(app):
    """The files in the upload folder."""
    return [path for path in Path(app.config["UPLOAD_DIR"]).rglob("*") if path.is_file()]


def stored(obj):
    """obj as stored now."""
    return type(obj).get_by_id(obj.id)


# --- the world -------------------------------------------------------------------------


@pytest.fixture
def world(app):
    """A commune with its head, an inspection lead, a leader; all with e-mail addresses."""
    unit = make_unit("X-HOAAN", "Xã Hòa An", email="hoaan@example.vn")
    return {"unit": unit,
            "head": make_user("truongxa", role="unit_head", unit=unit,
                              email="truongxa@example.vn"),
            "lead": make_user("truongdoan", role="inspector", email="truongdoan@example.vn"),
            "leader": make_user("lanhdao", role="leader", email="lanhdao@example.vn")}


def in_progress(world):
    """An inspection of the world's unit in progress since ten days ago, led by the lead."""
    return make_inspection_in_progress(unit=world["unit"], lead=world["lead"],
                                       start=clock.today() - 10 * DAY)


def open_finding(world):
    """A finding of the world's unit issued today."""
    inspection = in_progress(world)
    draft = record_draft(inspection)
    issue_findings(inspection, conclusion_date=clock.today())
    return stored(draft)


def submitted(world):
    """(finding, its report waiting for a review)."""
    finding = open_finding(world)
    report = findings.submit_report(world["head"], finding, "Đã khắc phục xong.")
    return stored(finding), report


def pending_request(world):
    """(finding, its request for thirty more days)."""
    finding = open_finding(world)
    request = findings.request_extension(world["head"], finding, finding.deadline + 30 * DAY,
                                         "Chờ kinh phí.")
    return stored(finding), request


# --- findings --------------------------------------------------------------------------


def test_report_burst_stores_one_report_with_its_file_and_one_email(app, world):
    finding = open_finding(world)
    before = queued()

    def report_form():
        return {"report-body": "Đã niêm yết đầy đủ thủ tục hành chính.",
                "report-files": [(io.BytesIO(PDF_BYTES), "bao-cao.pdf")]}

    responses = burst(app, world["head"], f"/findings/{finding.id}/responses", report_form)
    refused = [flashes(text(r)) for r in responses if r.status_code == 200]
    assert refused == [[tr(app, "A report can be sent only for an open finding or one whose "
                                "report needs changes.")]] * (BURST - 1)
    assert stored(finding).status == "submitted"
    assert Response.select().where(Response.finding == finding).count() == 1
    assert Attachment.select().count() == 1
    assert len(uploaded_files(app)) == 1
    assert events("submit_report", finding) == 1
    assert queued() - before == 1


def test_extension_request_burst_leaves_one_pending_request_and_one_email(app, world):
    finding = open_finding(world)
    before = queued()
    burst(app, world["head"], f"/findings/{finding.id}/extension",
          {"extension-requested_deadline": (finding.deadline + 30 * DAY).isoformat(),
           "extension-reason": "Chờ kinh phí."})
    assert ExtensionRequest.select().where(ExtensionRequest.finding == finding).count() == 1
    assert events("request_extension", finding) == 1
    assert queued() - before == 1


@pytest.mark.parametrize("decision, form, action", [
    ("approve", {"decision-note": ""}, "approve_extension"),
    ("reject", {"decision-note": "Không có căn cứ."}, "reject_extension"),
])
def test_extension_decision_burst_decides_once(app, world, decision, form, action):
    finding, request = pending_request(world)
    before = queued()
    burst(app, world["leader"], f"/extensions/{request.id}/{decision}", form)
    decided = stored(request)
    assert decided.status == ("approved" if decision == "approve" else "rejected")
    expected = request.requested_deadline if decision == "approve" else finding.deadline
    assert stored(finding).deadline == expected
    assert events(action, finding) == 1
    assert queued() - before == 1


@pytest.mark.parametrize("path, form, action, status", [
    ("accept", {"review-note": ""}, "accept_report", "resolved"),
    ("request-changes", {"review-note": "Bổ sung ảnh chụp."}, "request_changes",
     "changes_requested"),
])
def test_review_burst_reviews_once(app, world, path, form, action, status):
    finding, report = submitted(world)
    before = queued()
    burst(app, world["lead"], f"/responses/{report.id}/{path}", form)
    assert stored(finding).status == status
    assert events(action, finding) == 1
    assert queued() - before == 1


def test_cancel_burst_cancels_once(app, world):
    finding = open_finding(world)
    burst(app, world["lead"], f"/findings/{finding.id}/cancel", {"cancel-reason": "Trùng."})
    assert stored(finding).status == "cancelled"
    assert events("cancel", finding) == 1


def test_reopen_burst_reopens_once(app, world):
    finding, report = submitted(world)
    findings.accept_report(world["lead"], report)
    burst(app, world["lead"], f"/findings/{finding.id}/reopen", {"reopen-reason": "Tái phạm."})
    assert stored(finding).status == "open"
    assert events("reopen", finding) == 1


def test_edit_burst_of_a_draft_records_one_change(app, world):
    draft = record_draft(in_progress(world), title="Tiêu đề cũ")
    burst(app, world["lead"], f"/findings/{draft.id}/edit", {
        "category": draft.category_id, "severity": "low", "title": "Tiêu đề mới",
        "responsible_unit": world["unit"].id, "deadline": "", "deadline_days": "30"})
    assert stored(draft).title == "Tiêu đề mới"
    assert events("update", draft) == 1


def test_findings_recorded_while_the_conclusion_is_issued_are_issued_or_refused(app, world):
    inspection = in_progress(world)
    record = (f"/inspections/{inspection.id}/findings/new", {
        "category": record_draft(inspection).category_id, "severity": "medium",
        "title": "Ghi nhận cùng lúc", "responsible_unit": world["unit"].id,
        "deadline": "", "deadline_days": "30"})
    conclude = (f"/inspections/{inspection.id}/conclusion", {
        "conclusion_no": "21/KL-UBND", "conclusion_date": clock.today().isoformat()})
    fire(app, world["lead"], [record, conclude] * (BURST // 2))
    assert stored(inspection).status == "concluded"
    assert events("conclude", inspection) == 1
    recorded = list(Finding.select().where(Finding.inspection == inspection))
    # Every draft recorded before the conclusion was issued with it; none was left behind.
    assert [f.status for f in recorded] == ["open"] * len(recorded)
    assert all(events("issue", f) == 1 for f in recorded)


# --- plans and inspections -------------------------------------------------------------


def test_start_burst_starts_once(app, world):
    inspection = make_inspection(world["unit"], start=clock.today() + 5 * DAY,
                                 lead=world["lead"])
    burst(app, world["lead"], f"/inspections/{inspection.id}/start")
    assert stored(inspection).status == "in_progress"
    assert events("start", inspection) == 1


def test_cancel_inspection_burst_cancels_it_and_its_drafts_once(app, world):
    inspection = in_progress(world)
    draft = record_draft(inspection)
    burst(app, world["lead"], f"/inspections/{inspection.id}/cancel",
          {"reason": "Trùng lịch với đoàn của tỉnh."})
    assert (stored(inspection).status, stored(draft).status) == ("cancelled", "cancelled")
    assert events("cancel", inspection) == 1
    assert events("cancel", draft) == 1


def test_close_burst_closes_once(app, world):
    inspection = in_progress(world)
    issue_findings(inspection, conclusion_date=clock.today())
    burst(app, world["lead"], f"/inspections/{inspection.id}/close")
    assert stored(inspection).status == "closed"
    assert events("close", inspection) == 1


def test_conclusion_burst_issues_once_with_one_email_per_recipient(app, world):
    inspection = in_progress(world)
    draft = record_draft(inspection)
    before = queued()
    responses = burst(app, world["lead"], f"/inspections/{inspection.id}/conclusion", {
        "conclusion_no": "21/KL-UBND", "conclusion_date": clock.today().isoformat()})
    # The others are refused: in the service, or by the page once the first has committed.
    assert succeeded(app, responses) == 1
    assert stored(inspection).status == "concluded"
    assert stored(draft).code == "21/KL-UBND-1"
    assert events("conclude", inspection) == 1
    assert events("issue", draft) == 1
    assert queued() - before == 2  # the unit's head and the unit's shared address


def test_plan_approval_burst_approves_once(app, world):
    plan = make_plan(clock.today().year, decision_no="01/KH-UBND",
                     decision_date=clock.today())
    burst(app, world["lead"], f"/plans/{plan.id}/approve")
    assert stored(plan).status == "approved"
    assert events("approve", plan) == 1


def test_plan_edit_burst_records_one_change(app, world):
    plan = make_plan(clock.today().year)
    burst(app, world["lead"], f"/plans/{plan.id}/edit", {
        "year": plan.year, "title": "Kế hoạch đã sửa", "decision_no": "", "decision_date": ""})
    assert stored(plan).title == "Kế hoạch đã sửa"
    assert events("update", plan) == 1


def test_inspection_edit_burst_records_one_change(app, world):
    start = clock.today() + 5 * DAY
    inspection = make_inspection(world["unit"], start=start, lead=world["lead"])
    burst(app, world["lead"], f"/inspections/{inspection.id}/edit", {
        "unit": world["unit"].id, "title": "Tên đã sửa", "topics": "", "kind": "scheduled",
        "plan": 0, "follow_up_of": 0, "start_date": start.isoformat(),
        "end_date": (start + 2 * DAY).isoformat(), "lead": world["lead"].id,
        "decision_no": "", "decision_date": ""})
    assert stored(inspection).title == "Tên đã sửa"
    assert events("update", inspection) == 1


# --- disciplinary cases ----------------------------------------------------------------


@pytest.fixture
def case(world):
    """An open case of the world's unit, opened ten days ago by the lead."""
    return discipline.open_case(world["lead"], "Nguyễn Văn Bình", "Công chức Văn phòng",
                                "cong_chuc", world["unit"], "Đi muộn nhiều lần.",
                                clock.today() - 10 * DAY)


def test_case_edit_burst_records_one_change(app, world, case):
    burst(app, world["lead"], f"/discipline/{case.id}/edit", {
        "official_name": case.official_name, "official_position": case.official_position,
        "person_type": "cong_chuc", "unit": world["unit"].id,
        "violation": "Đi muộn, về sớm nhiều lần.", "opened_on": case.opened_on.isoformat(),
        "findings": ""})
    assert stored(case).violation == "Đi muộn, về sớm nhiều lần."
    assert events("update", case) == 1


def test_extension_burst_extends_the_processing_time_once(app, world, case):
    burst(app, world["lead"], f"/discipline/{case.id}/extend", {
        "extend-new_deadline": (case.deadline + 30 * DAY).isoformat(),
        "extend-reason": "Vụ việc phức tạp."})
    assert stored(case).deadline == case.deadline + 30 * DAY
    assert events("extend", case) == 1


def test_decision_burst_decides_once(app, world, case):
    measure = next(m for m in measures_offered("cong_chuc", clock.today())
                   if m.code == "khien_trach")
    burst(app, world["lead"], f"/discipline/{case.id}/decide", {
        "decide-measure": measure.id, "decide-decision_no": "45/QĐ-UBND",
        "decide-decision_date": clock.today().isoformat(),
        "decide-issuing_authority": "UBND xã Hòa An"})
    assert stored(case).status == "decided"
    assert events("decide", case) == 1


def test_dismissal_burst_dismisses_once(app, world, case):
    burst(app, world["lead"], f"/discipline/{case.id}/dismiss",
          {"dismiss-reason": "Đã khắc phục kịp thời."})
    assert stored(case).status == "dismissed"
    assert events("dismiss", case) == 1


def test_deferral_burst_defers_once(app, world, case):
    burst(app, world["lead"], f"/discipline/{case.id}/defer",
          {"defer-ground": "illness", "defer-note": "Đang điều trị."})
    assert stored(case).status == "deferred"
    assert events("defer", case) == 1


def test_resume_burst_resumes_once(app, world, case):
    discipline.defer_case(world["lead"], case, "illness")
    burst(app, world["lead"], f"/discipline/{case.id}/resume", {"resume-note": "Đã đi làm."})
    assert stored(case).status == "open"
    assert events("resume", case) == 1


# --- the appraisal of draft conclusions ----------------------------------------------


def with_the_appraiser(world):
    """An inspection in progress with a draft, submitted by its lead to the leader."""
    save_settings(None, {"conclusion_appraisal": "1"})
    inspection = in_progress(world)
    record_draft(inspection)
    return inspections.submit_for_appraisal(world["lead"], inspection, world["leader"])


def test_submission_burst_submits_once_with_one_email(app, world):
    save_settings(None, {"conclusion_appraisal": "1"})
    inspection = in_progress(world)
    record_draft(inspection)
    responses = burst(app, world["lead"], f"/inspections/{inspection.id}/appraisal/submit",
                      {"appraiser": world["leader"].id, "summary": "Đơn vị còn chậm."})
    assert succeeded(app, responses) == 1
    assert (stored(inspection).appraisal_status, stored(inspection).appraisal_round) == (
        "submitted", 1)
    assert events("submit_for_appraisal", inspection) == 1
    assert queued() == 1


@pytest.mark.parametrize("outcome, action", [("appraised", "appraise"),
                                             ("returned", "return_draft")])
def test_appraisal_burst_decides_once_with_one_email(app, world, outcome, action):
    inspection = with_the_appraiser(world)
    before = queued()
    responses = burst(app, world["leader"], f"/inspections/{inspection.id}/appraisal",
                      {"outcome": outcome, "note": "Bổ sung căn cứ pháp lý."})
    assert succeeded(app, responses) == 1
    assert stored(inspection).appraisal_status == outcome
    assert events(action, inspection) == 1
    assert queued() - before == 1  # the lead, who submitted it


# --- units -----------------------------------------------------------------------------


def test_reorganisation_burst_ends_the_unit_once_with_one_email(app, world):
    finding = open_finding(world)
    successor = make_unit("X-PHUHOA1", "Xã Phú Hòa 1")
    make_user("chutich", role="unit_head", unit=successor, email="chutich@phuhoa1.example.vn")
    before = queued()
    burst(app, make_user("quantri", role="admin"), "/admin/units/reorganise", {
        "kind": "merge", "on_date": clock.today().isoformat(),
        "predecessors": [world["unit"].id], "successors": [successor.id], "note": ""})
    assert Reorganisation.select().count() == 1
    assert not stored(world["unit"]).active
    assert stored(finding).responsible_unit_id == successor.id
    assert events("end", world["unit"]) == 1
    assert events("transfer", finding) == 1
    assert queued() - before == 1


# --- the authority over time -----------------------------------------------------------

DEPARTMENT = {"parent_authority": "UBND tỉnh Đắk Lắk", "authority_name": "Sở Nội vụ tỉnh Đắk Lắk",
              "place_name": "Đắk Lắk", "signer": "authority",
              "signature_title": "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", "signer_name": "Lê Thị Hương"}


def test_authority_version_burst_adds_one_version(app, world):
    responses = burst(app, make_user("quantri", role="admin"), "/admin/authority/new",
                      {"valid_from": "2025-07-01", **DEPARTMENT})
    assert succeeded(app, responses) == 1
    [version] = AuthorityVersion.select().where(AuthorityVersion.valid_from.is_null(False))
    assert version.authority_name == "Sở Nội vụ tỉnh Đắk Lắk"
    assert events("create", version) == 1


def test_authority_edit_burst_records_one_change(app, world):
    base = authority.base()
    burst(app, make_user("quantri", role="admin"), f"/admin/authority/{base.id}", DEPARTMENT)
    assert stored(base).authority_name == "Sở Nội vụ tỉnh Đắk Lắk"
    assert events("update", base) == 1
# --- the CCHC index --------------------------------------------------------------------


@pytest.fixture
def cchc(app):
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


def sheet_opened(world, opened=True):
    """A round of the world's unit (opened unless asked not to) and the unit's sheet."""
    assessment_round = make_round(world["set"], [world["unit"]], team=[world["inspector"]],
                                  opened=opened)
    return assessment_round, assessment_round.sheets.get()


def sheet_scored(world, sheet, actor, points=FULL_SCORES, asks=()):
    """Save points on the sheet through the service."""
    assessments.save_scores(actor, get_sheet(sheet.id), {
        world["nodes"][code].id: assessments.AnswerInput(points=Decimal(value), note="Đủ",
                                                      ask=code in asks)
        for code, value in points.items()})


def sheet_submitted(world):
    """A round whose sheet the unit has submitted."""
    assessment_round, sheet = sheet_opened(world)
    sheet_scored(world, sheet, world["head"])
    assessments.submit_self_assessment(world["head"], get_sheet(sheet.id))
    return assessment_round, sheet


def sheet_explaining(world):
    """A round whose sheet waits for the unit's explanation of 1.1."""
    assessment_round, sheet = sheet_submitted(world)
    sheet_scored(world, sheet, world["inspector"], {**FULL_SCORES, "1.1": "2"}, asks=["1.1"])
    assessments.finish_first_appraisal(world["inspector"], get_sheet(sheet.id),
                                    clock.today() + 7 * DAY)
    assessments.save_scores(world["head"], get_sheet(sheet.id), {
        world["nodes"]["1.1"].id: assessments.AnswerInput(explanation="Đã ban hành đúng hạn")})
    return assessment_round, sheet


def sheet_final(world):
    """A round whose sheet has its final scores, 1.1 down by two points."""
    assessment_round, sheet = sheet_explaining(world)
    assessments.submit_explanation(world["head"], get_sheet(sheet.id))
    assessments.finish_second_appraisal(world["inspector"], get_sheet(sheet.id))
    return assessment_round, sheet


def test_open_burst_opens_the_round_once_with_one_email(app, cchc):
    assessment_round, _sheet = sheet_opened(cchc, opened=False)
    before = queued()
    responses = burst(app, cchc["inspector"], f"/assessments/{assessment_round.id}/open")
    assert succeeded(app, responses) == 1
    assert stored(assessment_round).status == "open"
    assert events("open", assessment_round) == 1
    assert queued() - before == 1


def test_submit_burst_submits_once_with_one_email(app, cchc):
    _round, sheet = sheet_opened(cchc)
    sheet_scored(cchc, sheet, cchc["head"])
    before = queued()
    responses = burst(app, cchc["head"], f"/assessments/sheets/{sheet.id}/submit")
    assert succeeded(app, responses) == 1
    assert stored(sheet).status == "submitted"
    assert events("submit", sheet) == 1
    assert queued() - before == 1


def test_first_round_burst_asks_for_an_explanation_once(app, cchc):
    _round, sheet = sheet_submitted(cchc)
    sheet_scored(cchc, sheet, cchc["inspector"], {**FULL_SCORES, "1.1": "2"}, asks=["1.1"])
    before = queued()
    responses = burst(app, cchc["inspector"], f"/assessments/sheets/{sheet.id}/first-round",
                      {"explanation_deadline": (clock.today() + 7 * DAY).isoformat()})
    assert succeeded(app, responses) == 1
    assert stored(sheet).status == "explaining"
    assert events("finish_first_appraisal", sheet) == 1
    assert queued() - before == 1


def test_explanation_burst_explains_once_with_one_email(app, cchc):
    _round, sheet = sheet_explaining(cchc)
    before = queued()
    responses = burst(app, cchc["head"], f"/assessments/sheets/{sheet.id}/explain")
    assert succeeded(app, responses) == 1
    assert stored(sheet).status == "explained"
    assert events("explain", sheet) == 1
    assert queued() - before == 1


def test_second_round_burst_fixes_the_final_scores_once(app, cchc):
    _round, sheet = sheet_explaining(cchc)
    assessments.submit_explanation(cchc["head"], get_sheet(sheet.id))
    responses = burst(app, cchc["inspector"], f"/assessments/sheets/{sheet.id}/second-round")
    assert succeeded(app, responses) == 1
    assert stored(sheet).status == "final"
    assert events("finish_second_appraisal", sheet) == 1


def test_publish_burst_publishes_once_with_one_email_per_recipient(app, cchc):
    assessment_round, _sheet = sheet_final(cchc)
    before = queued()
    responses = burst(app, cchc["leader"], f"/assessments/{assessment_round.id}/publish",
                      {"decision_no": "12/QĐ-UBND", "decision_date": clock.today().isoformat()})
    assert succeeded(app, responses) == 1
    assert stored(assessment_round).status == "published"
    assert events("publish", assessment_round) == 1
    # The unit's head (their own line), the leader and the team's inspector.
    assert queued() - before == 3


def test_lost_points_burst_makes_one_finding_per_node(app, cchc):
    _round, sheet = sheet_final(cchc)
    category = Category.select().first()
    responses = burst(app, cchc["inspector"], f"/assessments/sheets/{sheet.id}/findings",
                      {"nodes": [cchc["nodes"]["1.1"].id], "category": category.id,
                       "severity": "medium", "inspection": "0"})
    assert succeeded(app, responses) == 1
    assert Finding.select().count() == 1 and Inspection.select().count() == 1
    assert events("lost_points_findings", UnitAssessment.get_by_id(sheet.id)) == 1


def test_survey_burst_records_the_points_once(app, cchc):
    assessment_round, sheet = sheet_opened(cchc)
    burst(app, cchc["inspector"], f"/assessments/{assessment_round.id}/survey",
          {f"survey-{sheet.id}": "25,5"})
    assert stored(sheet).survey_points == Decimal("25.5")
    assert events("survey", AssessmentRound.get_by_id(assessment_round.id)) == 1


def test_criteria_publish_burst_publishes_once(app, cchc):
    draft = make_criteria_set(actor=cchc["admin"], publish=False, name="Bộ mới")
    responses = burst(app, cchc["admin"], f"/criteria/{draft.id}/publish")
    assert succeeded(app, responses) == 1
    assert events("publish", draft) == 1


def test_new_version_burst_makes_one_draft(app, cchc):
    responses = burst(app, cchc["admin"], f"/criteria/{cchc['set'].id}/new-version")
    assert succeeded(app, responses) == 1
    assert CriteriaSet.select().where(CriteriaSet.predecessor == cchc["set"]).count() == 1


def test_retire_burst_retires_once(app, cchc):
    responses = burst(app, cchc["admin"], f"/criteria/{cchc['set'].id}/retire")
    assert succeeded(app, responses) == 1
    assert events("retire", cchc["set"]) == 1
