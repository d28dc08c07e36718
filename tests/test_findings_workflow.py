"""The findings workflow: recording, reports, review, extensions, cancel, reopen, home."""
import datetime as dt
import io

import pytest
import time_machine

from inspect_app.errors import WorkflowError
from inspect_app.findings import queries, services
from inspect_app.models import (
    Attachment,
    AuditEvent,
    Category,
    ExtensionRequest,
    Finding,
    OutboxMessage,
    Response,
)
from tests.factories import (
    PDF_BYTES,
    issue_findings,
    make_inspection_in_progress,
    make_unit,
    make_user,
    record_draft,
)
from tests.helpers import field_errors, flashes, location, sign_in, text, tr

# 10:00 in Hanoi on 10 January 2030; the inspection started on 5 January.
T0 = dt.datetime(2030, 1, 10, 3, 0, tzinfo=dt.timezone.utc)
CONCLUSION_DAY = dt.date(2030, 1, 10)


@pytest.fixture(autouse=True)
def frozen_time():
    """Every test runs at T0 unless it moves the clock itself."""
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(app):
    """A commune with its head, another commune's head, the team lead, a leader, an admin."""
    unit = make_unit("HOA-AN", "Xã Hòa An", email="hoaan@example.vn")
    head = make_user("truongxa", role="unit_head", unit=unit, email="truongxa@example.vn",
                     full_name="Trần Văn Xã")
    other_head = make_user("truongkhac", role="unit_head", email="khac@example.vn")
    lead = make_user("truongdoan", role="inspector", email="truongdoan@example.vn",
                     full_name="Lê Thị Đoàn")
    inspector = make_user("thanhvien", role="inspector", email="thanhvien@example.vn")
    leader = make_user("lanhdao", role="leader", email="lanhdao@example.vn",
                       full_name="Phạm Lãnh Đạo")
    inspection = make_inspection_in_progress(unit=unit, lead=lead)
    return {"unit": unit, "head": head, "other_head": other_head, "lead": lead,
            "inspector": inspector, "leader": leader, "inspection": inspection}


def reload(finding):
    """The finding as stored now."""
    return Finding.get_by_id(finding.id)


def open_finding(world, **draft):
    """A finding recorded on the world's inspection and issued with the conclusion."""
    finding = record_draft(world["inspection"], **draft)
    issue_findings(world["inspection"], "12/KL-UBND", CONCLUSION_DAY)
    return reload(finding)


def post_report(client, finding, body="Đã niêm yết đầy đủ thủ tục hành chính.",
                files=(("bao-cao.pdf", PDF_BYTES),)):
    """Post a remediation report with files, as the report form does."""
    data = {"report-body": body,
            "report-files": [(io.BytesIO(data), name) for name, data in files]}
    return client.post(f"/findings/{finding.id}/responses", data=data,
                       content_type="multipart/form-data")


def last_response(finding):
    """The finding's latest report."""
    return Response.select().where(Response.finding == finding).order_by(Response.id.desc())[0]


def messages_to(address):
    """The queued e-mails for address, oldest first."""
    return list(OutboxMessage
                .select()
                .where(OutboxMessage.recipients == address)
                .order_by(OutboxMessage.id))


def finding_state(finding):
    """The stored rows a refused action must leave unchanged."""
    return (list(Finding.select().where(Finding.id == finding.id).tuples()),
            list(Response.select().order_by(Response.id).tuples()),
            list(ExtensionRequest.select().order_by(ExtensionRequest.id).tuples()),
            list(AuditEvent.select().order_by(AuditEvent.id).tuples()),
            list(OutboxMessage.select().order_by(OutboxMessage.id).tuples()))


# --- recording --------------------------------------------------------------------------


def test_lead_records_a_draft_finding_through_the_form(app, client, world):
    sign_in(client, world["lead"])
    category = Category.get(Category.code == "TTHC-NIEMYET")
    response = client.post(f"/inspections/{world['inspection'].id}/findings/new", data={
        "category": category.id, "severity": "high", "title": "Chưa niêm yết TTHC",
        "description": "Bảng niêm yết cũ", "recommendation": "Cập nhật bảng niêm yết",
        "responsible_unit": world["unit"].id, "official_name": "Nguyễn Văn Công",
        "official_position": "Công chức văn phòng", "deadline": "", "deadline_days": ""})
    finding = Finding.get(Finding.title == "Chưa niêm yết TTHC")
    assert location(response) == f"/findings/{finding.id}"
    assert finding.status == "draft"
    assert finding.deadline_days == 15  # the default for a high severity
    assert finding.search_text == "chua niem yet tthc bang niem yet cu cap nhat bang niem " \
                                  "yet nguyen van cong"
    assert AuditEvent.get(AuditEvent.entity == "finding").action == "create"
    assert "Chưa niêm yết TTHC" in text(client.get(location(response)))


@pytest.mark.parametrize("severity, days", [("high", 15), ("medium", 30), ("low", 60)])
def test_deadline_days_default_per_severity(world, severity, days):
    assert record_draft(world["inspection"], severity=severity).deadline_days == days


def test_record_refuses_both_a_deadline_and_days(app, client, world):
    sign_in(client, world["lead"])
    response = client.post(f"/inspections/{world['inspection'].id}/findings/new", data={
        "category": Category.get(Category.code == "SOHOA").id, "severity": "low",
        "title": "Chưa số hóa", "responsible_unit": world["unit"].id,
        "deadline": "2030-02-01", "deadline_days": "10"})
    assert response.status_code == 200
    assert field_errors(text(response), "deadline_days") == [
        tr(app, "Give either a deadline or a number of days, not both.")]
    assert Finding.select().count() == 0


def test_record_refuses_a_deadline_before_the_inspection_start(world):
    with pytest.raises(WorkflowError) as refused:
        record_draft(world["inspection"], deadline=dt.date(2030, 1, 4))
    assert refused.value.field == "deadline"
    assert Finding.select().count() == 0


@pytest.mark.parametrize("days", [0, 366])
def test_record_refuses_days_out_of_range(world, days):
    with pytest.raises(WorkflowError):
        record_draft(world["inspection"], deadline_days=days)


def test_record_refused_once_the_inspection_is_concluded(world):
    open_finding(world)
    with pytest.raises(WorkflowError):
        record_draft(world["inspection"])
    assert Finding.select().count() == 1


def test_inspector_off_the_team_cannot_record(app, client, world):
    sign_in(client, world["inspector"])
    response = client.get(f"/inspections/{world['inspection'].id}/findings/new")
    assert response.status_code == 403


def test_lead_edits_a_draft_but_not_an_open_finding(app, client, world):
    draft = record_draft(world["inspection"], title="Tiêu đề cũ")
    sign_in(client, world["lead"])
    response = client.post(f"/findings/{draft.id}/edit", data={
        "category": draft.category_id, "severity": "low", "title": "Tiêu đề mới",
        "responsible_unit": world["unit"].id, "deadline": "2030-03-01", "deadline_days": ""})
    assert location(response) == f"/findings/{draft.id}"
    stored = reload(draft)
    assert (stored.title, stored.deadline, stored.deadline_days) == \
        ("Tiêu đề mới", dt.date(2030, 3, 1), None)
    assert AuditEvent.select().where(AuditEvent.action == "update").count() == 1
    issue_findings(world["inspection"], "12/KL-UBND", CONCLUSION_DAY)
    with pytest.raises(WorkflowError):
        services.update_finding(world["lead"], reload(draft), stored.category, "low", "Khác",
                                "", "", deadline=dt.date(2030, 3, 1))


def test_edit_page_of_an_issued_finding_sends_back_to_the_finding(app, client, world):
    finding = open_finding(world)
    sign_in(client, world["lead"])
    response = client.get(f"/findings/{finding.id}/edit")
    assert location(response) == f"/findings/{finding.id}"
    assert tr(app, "Only a draft finding can be edited.") in flashes(text(client.get(
        location(response))))


# --- visibility -------------------------------------------------------------------------


def test_unit_head_cannot_see_a_draft(app, client, world):
    draft = record_draft(world["inspection"])
    sign_in(client, world["head"])
    assert client.get(f"/findings/{draft.id}").status_code == 404


def test_unit_head_cannot_see_another_units_finding(app, client, world):
    finding = open_finding(world)
    sign_in(client, world["other_head"])
    assert client.get(f"/findings/{finding.id}").status_code == 404


def test_report_by_another_units_head_is_404_and_changes_nothing(app, client, world):
    finding = open_finding(world)
    before = finding_state(finding)
    sign_in(client, world["other_head"])
    assert post_report(client, finding).status_code == 404
    assert finding_state(finding) == before


def test_inspector_cannot_send_a_report(app, client, world):
    finding = open_finding(world)
    sign_in(client, world["lead"])
    assert post_report(client, finding).status_code == 403
    assert reload(finding).status == "open"


# --- the full cycle ---------------------------------------------------------------------


def test_full_cycle_report_changes_second_report_accepted_on_time(app, client, world,
                                                                 frozen_time):
    lead, head = world["lead"], world["head"]
    finding = open_finding(world, title="Niêm yết TTHC chưa đầy đủ", severity="high")
    assert (finding.status, finding.deadline) == ("open", dt.date(2030, 1, 25))
    assert finding.code == "12/KL-UBND-1"

    sign_in(client, head)
    page = text(client.get(f"/findings/{finding.id}"))
    assert "12/KL-UBND-1" in page and "25/01/2030" in page
    response = post_report(client, finding, files=(("bao-cao.pdf", PDF_BYTES),
                                                   ("anh-chup.pdf", PDF_BYTES)))
    assert location(response) == f"/findings/{finding.id}"
    first = last_response(finding)
    assert reload(finding).status == "submitted"
    assert (first.review, first.submitted_on, first.author_id) == \
        ("pending", CONCLUSION_DAY, head.id)
    assert sorted(a.original_name for a in first.attachments) == ["anh-chup.pdf",
                                                                   "bao-cao.pdf"]
    [to_lead] = messages_to("truongdoan@example.vn")
    assert to_lead.dedupe_key == f"report:{first.id}:submitted:user:{lead.id}"
    assert to_lead.subject == tr(app, "Remediation report to review: %(code)s",
                                 code="12/KL-UBND-1")
    assert f"http://testserver/findings/{finding.id}" in to_lead.body_text

    sign_in(client, lead)
    page = text(client.get(f"/findings/{finding.id}"))
    assert "bao-cao.pdf" in page and "Đã niêm yết đầy đủ" in page
    response = client.post(f"/responses/{first.id}/request-changes",
                           data={"review-note": "Thiếu ảnh chụp bảng niêm yết."})
    assert location(response) == f"/findings/{finding.id}"
    assert reload(finding).status == "changes_requested"
    assert Response.get_by_id(first.id).review == "changes_requested"
    [changes_mail] = messages_to("truongxa@example.vn")[-1:]
    assert changes_mail.subject == tr(app, "Changes requested to your report: %(code)s",
                                      code="12/KL-UBND-1")
    assert "Thiếu ảnh chụp bảng niêm yết." in changes_mail.body_text

    frozen_time.move_to(dt.datetime(2030, 1, 20, 3, 0, tzinfo=dt.timezone.utc))
    sign_in(client, head)
    post_report(client, finding, body="Đã bổ sung ảnh chụp.")
    second = last_response(finding)
    assert reload(finding).status == "submitted"

    frozen_time.move_to(dt.datetime(2030, 1, 28, 3, 0, tzinfo=dt.timezone.utc))
    sign_in(client, lead)
    response = client.post(f"/responses/{second.id}/accept", data={"review-note": ""})
    assert location(response) == f"/findings/{finding.id}"
    resolved = reload(finding)
    assert (resolved.status, resolved.resolved_by_id, resolved.resolved_on_time) == \
        ("resolved", lead.id, True)
    assert resolved.resolved_at is not None
    accepted_mail = messages_to("truongxa@example.vn")[-1]
    assert accepted_mail.dedupe_key == f"report:{second.id}:reviewed:user:{head.id}"
    assert accepted_mail.subject == tr(app, "Report accepted, finding resolved: %(code)s",
                                       code="12/KL-UBND-1")
    assert len(messages_to("truongdoan@example.vn")) == 2


def test_report_sent_after_the_deadline_is_resolved_late(app, client, world, frozen_time):
    finding = open_finding(world, deadline=dt.date(2030, 1, 15))
    frozen_time.move_to(dt.datetime(2030, 1, 16, 3, 0, tzinfo=dt.timezone.utc))
    sign_in(client, world["head"])
    post_report(client, finding)
    sign_in(client, world["lead"])
    client.post(f"/responses/{last_response(finding).id}/accept")
    resolved = reload(finding)
    assert (resolved.status, resolved.resolved_on_time) == ("resolved", False)
    assert tr(app, "Late") in text(client.get(f"/findings/{finding.id}"))


def test_report_sent_on_time_but_accepted_after_the_deadline_counts_on_time(
        app, client, world, frozen_time):
    finding = open_finding(world, deadline=dt.date(2030, 1, 15))
    sign_in(client, world["head"])
    post_report(client, finding)
    frozen_time.move_to(dt.datetime(2030, 2, 1, 3, 0, tzinfo=dt.timezone.utc))
    sign_in(client, world["lead"])
    client.post(f"/responses/{last_response(finding).id}/accept")
    assert reload(finding).resolved_on_time is True


def test_report_needs_a_body(app, client, world):
    finding = open_finding(world)
    sign_in(client, world["head"])
    response = post_report(client, finding, body="  ", files=())
    assert response.status_code == 200
    assert field_errors(text(response), "report-body") == [tr(app, "This field is required.")]
    assert Response.select().count() == 0


def test_a_file_that_is_not_what_it_claims_refuses_the_whole_report(app, client, world):
    finding = open_finding(world)
    before = finding_state(finding)
    sign_in(client, world["head"])
    response = post_report(client, finding, files=(("bao-cao.pdf", PDF_BYTES),
                                                   ("gia.pdf", b"MZ not a pdf")))
    assert response.status_code == 200
    assert field_errors(text(response), "report-files")
    assert finding_state(finding) == before
    assert Attachment.select().count() == 0


def test_no_second_report_while_one_waits_for_review(app, client, world):
    finding = open_finding(world)
    sign_in(client, world["head"])
    post_report(client, finding)
    before = finding_state(finding)
    response = post_report(client, finding)
    assert response.status_code == 200
    assert tr(app, "A report can be sent only for an open finding or one whose report needs "
                   "changes.") in flashes(text(response))
    assert finding_state(finding) == before


# --- refusals ---------------------------------------------------------------------------


def test_accepting_a_report_that_is_not_waiting_is_refused_with_no_change(app, client,
                                                                          world):
    finding = open_finding(world)
    sign_in(client, world["head"])
    post_report(client, finding)
    report = last_response(finding)
    sign_in(client, world["lead"])
    client.post(f"/responses/{report.id}/request-changes", data={"review-note": "Bổ sung"})
    before = finding_state(finding)
    response = client.post(f"/responses/{report.id}/accept")
    assert response.status_code == 200
    assert tr(app, "This report is not waiting for a review.") in flashes(text(response))
    assert finding_state(finding) == before


def test_leader_cannot_accept_a_report(app, client, world):
    finding = open_finding(world)
    sign_in(client, world["head"])
    post_report(client, finding)
    before = finding_state(finding)
    sign_in(client, world["leader"])
    assert client.post(f"/responses/{last_response(finding).id}/accept").status_code == 403
    assert finding_state(finding) == before


def test_asking_for_changes_needs_a_note(app, client, world):
    finding = open_finding(world)
    sign_in(client, world["head"])
    post_report(client, finding)
    before = finding_state(finding)
    sign_in(client, world["lead"])
    response = client.post(f"/responses/{last_response(finding).id}/request-changes",
                           data={"review-note": ""})
    assert field_errors(text(response), "review-note") == [
        tr(app, "Say what the unit still has to do.")]
    assert finding_state(finding) == before


def test_cancel_needs_a_reason_then_cancels(app, client, world):
    finding = open_finding(world)
    before = finding_state(finding)
    sign_in(client, world["lead"])
    response = client.post(f"/findings/{finding.id}/cancel", data={"cancel-reason": ""})
    assert field_errors(text(response), "cancel-reason") == [
        tr(app, "This field is required.")]
    assert finding_state(finding) == before
    client.post(f"/findings/{finding.id}/cancel", data={"cancel-reason": "Trùng lặp"})
    cancelled = reload(finding)
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "Trùng lặp")
    with pytest.raises(WorkflowError):
        services.cancel_finding(world["lead"], cancelled, "Lần nữa")


def test_unit_head_cannot_cancel(app, client, world):
    finding = open_finding(world)
    sign_in(client, world["head"])
    response = client.post(f"/findings/{finding.id}/cancel", data={"cancel-reason": "Không"})
    assert response.status_code == 403
    assert reload(finding).status == "open"


def test_reopen_a_resolved_finding_clears_the_resolution(app, client, world):
    finding = open_finding(world)
    sign_in(client, world["head"])
    post_report(client, finding)
    sign_in(client, world["lead"])
    client.post(f"/responses/{last_response(finding).id}/accept")
    client.post(f"/findings/{finding.id}/reopen", data={"reopen-reason": "Tái phạm"})
    reopened = reload(finding)
    assert (reopened.status, reopened.resolved_at, reopened.resolved_by_id,
            reopened.resolved_on_time) == ("open", None, None, None)
    with pytest.raises(WorkflowError):
        services.reopen_finding(world["lead"], reopened, "Lần nữa")


# --- extensions -------------------------------------------------------------------------


def ask_for_time(client, finding, new_deadline="2030-02-12", reason="Chờ kinh phí"):
    """Post the extension form (12/02/2030 is a working day: a day off would move it)."""
    return client.post(f"/findings/{finding.id}/extension",
                       data={"extension-requested_deadline": new_deadline,
                             "extension-reason": reason})


def test_extension_approved_moves_the_deadline_and_keeps_the_original(app, client, world):
    finding = open_finding(world, deadline=dt.date(2030, 1, 25))
    sign_in(client, world["head"])
    assert location(ask_for_time(client, finding)) == f"/findings/{finding.id}"
    extension = ExtensionRequest.get()
    assert (extension.status, extension.previous_deadline) == ("pending", dt.date(2030, 1, 25))
    asked = messages_to("truongdoan@example.vn")[-1]
    assert asked.subject == tr(app, "Request for more time: %(code)s", code=finding.code)

    sign_in(client, world["lead"])
    client.post(f"/extensions/{extension.id}/approve", data={"decision-note": ""})
    moved = reload(finding)
    assert (moved.deadline, moved.original_deadline) == (dt.date(2030, 2, 12),
                                                        dt.date(2030, 1, 25))
    assert ExtensionRequest.get_by_id(extension.id).status == "approved"
    decided = messages_to("truongxa@example.vn")[-1]
    assert decided.dedupe_key == f"extension:{extension.id}:decided:user:{world['head'].id}"
    assert decided.subject == tr(app, "More time approved: %(code)s", code=finding.code)
    page = text(client.get(f"/findings/{finding.id}"))
    assert "12/02/2030" in page and "25/01/2030" in page


def test_leader_rejects_an_extension_and_the_deadline_stays(app, client, world):
    finding = open_finding(world, deadline=dt.date(2030, 1, 25))
    sign_in(client, world["head"])
    ask_for_time(client, finding)
    extension = ExtensionRequest.get()
    sign_in(client, world["leader"])
    response = client.post(f"/extensions/{extension.id}/reject", data={"decision-note": ""})
    assert field_errors(text(response), "decision-note") == [
        tr(app, "Give the reason for the rejection.")]
    client.post(f"/extensions/{extension.id}/reject",
                data={"decision-note": "Thời hạn đủ dài"})
    kept = reload(finding)
    assert (kept.deadline, kept.original_deadline) == (dt.date(2030, 1, 25),
                                                      dt.date(2030, 1, 25))
    assert ExtensionRequest.get_by_id(extension.id).status == "rejected"
    assert messages_to("truongxa@example.vn")[-1].subject == tr(
        app, "More time not approved: %(code)s", code=finding.code)


def test_inspector_who_is_not_the_lead_cannot_decide_an_extension(app, client, world):
    finding = open_finding(world)
    sign_in(client, world["head"])
    ask_for_time(client, finding)
    sign_in(client, world["inspector"])
    extension = ExtensionRequest.get()
    assert client.post(f"/extensions/{extension.id}/approve").status_code == 403
    assert ExtensionRequest.get_by_id(extension.id).status == "pending"


def test_extension_must_be_later_than_the_deadline(app, client, world):
    finding = open_finding(world, deadline=dt.date(2030, 1, 25))
    sign_in(client, world["head"])
    response = ask_for_time(client, finding, new_deadline="2030-01-25")
    assert field_errors(text(response), "extension-requested_deadline") == [
        tr(app, "The new deadline must be after the current one.")]
    assert ExtensionRequest.select().count() == 0


def test_only_one_pending_extension_at_a_time(app, client, world):
    finding = open_finding(world)
    sign_in(client, world["head"])
    ask_for_time(client, finding)
    before = finding_state(finding)
    response = ask_for_time(client, finding, new_deadline="2030-03-01")
    assert tr(app, "An earlier request for more time is still waiting for a decision.") \
        in flashes(text(response))
    assert finding_state(finding) == before


# --- timeline, e-mails, queue, home -----------------------------------------------------


def test_timeline_shows_each_step_with_who_did_it(app, client, world):
    finding = open_finding(world)
    sign_in(client, world["head"])
    post_report(client, finding, body="Báo cáo lần một")
    ask_for_time(client, finding)
    sign_in(client, world["lead"])
    client.post(f"/responses/{last_response(finding).id}/request-changes",
                data={"review-note": "Cần bổ sung"})
    steps = queries.timeline(reload(finding))
    assert [(s["kind"], s["actor"]) for s in steps] == [
        ("create", "Lê Thị Đoàn"), ("issue", "Lê Thị Đoàn"),
        ("submit_report", "Trần Văn Xã"), ("request_extension", "Trần Văn Xã"),
        ("request_changes", "Lê Thị Đoàn")]
    assert steps[2]["note"] == "Báo cáo lần một"
    assert steps[3]["deadline"] == dt.date(2030, 2, 12)
    assert steps[4]["note"] == "Cần bổ sung"
    page = text(client.get(f"/findings/{finding.id}"))
    for step in steps:
        assert str(step["text"]) in page
    assert "Trần Văn Xã" in page and "Cần bổ sung" in page


def test_emails_are_queued_once_per_step(app, client, world):
    finding = open_finding(world)
    sign_in(client, world["head"])
    post_report(client, finding)
    report = last_response(finding)
    sign_in(client, world["lead"])
    client.post(f"/responses/{report.id}/accept")
    client.post(f"/responses/{report.id}/accept")  # a double click
    keys = [m.dedupe_key for m in OutboxMessage.select().where(
        OutboxMessage.dedupe_key.startswith("report:"))]
    assert sorted(keys) == sorted([
        f"report:{report.id}:submitted:user:{world['lead'].id}",
        f"report:{report.id}:reviewed:user:{world['head'].id}"])


def test_emails_follow_the_recipients_language(app, client, world):
    world["lead"].locale = "en"
    world["lead"].save()
    finding = open_finding(world)
    sign_in(client, world["head"])
    post_report(client, finding)
    [mail] = messages_to("truongdoan@example.vn")
    assert mail.locale == "en"
    assert mail.subject == f"Remediation report to review: {finding.code}"


def test_review_queue_lists_pending_reports_oldest_first_and_extensions(app, client, world,
                                                                        frozen_time):
    first = record_draft(world["inspection"], title="Tồn tại thứ nhất")
    second = record_draft(world["inspection"], title="Tồn tại thứ hai")
    third = record_draft(world["inspection"], title="Tồn tại thứ ba")
    issue_findings(world["inspection"], "12/KL-UBND", CONCLUSION_DAY)
    sign_in(client, world["head"])
    post_report(client, reload(second))
    frozen_time.shift(dt.timedelta(hours=1))
    post_report(client, reload(first))
    ask_for_time(client, reload(third))
    sign_in(client, world["inspector"])
    page = text(client.get("/review"))
    assert page.index("Tồn tại thứ hai") < page.index("Tồn tại thứ nhất") \
        < page.index("Tồn tại thứ ba")
    assert "12/02/2030" in page
    sign_in(client, world["leader"])
    page = text(client.get("/review"))
    assert 'href="/review"' in page and "Tồn tại thứ ba" in page
    sign_in(client, world["head"])
    assert client.get("/review").status_code == 403


def test_unit_head_home_groups_their_findings(app, client, world, frozen_time):
    inspection = world["inspection"]
    overdue = record_draft(inspection, title="Việc số một", deadline=dt.date(2030, 1, 11))
    due_soon = record_draft(inspection, title="Việc số hai", deadline=dt.date(2030, 1, 20))
    still_open = record_draft(inspection, title="Việc số ba", deadline=dt.date(2030, 3, 1))
    waiting = record_draft(inspection, title="Việc số bốn", deadline=dt.date(2030, 3, 1))
    done = record_draft(inspection, title="Việc số năm", deadline=dt.date(2030, 3, 1))
    hidden = record_draft(inspection, title="Việc số sáu", deadline=dt.date(2030, 3, 1))
    issue_findings(inspection, "12/KL-UBND", CONCLUSION_DAY)
    services.submit_report(world["head"], reload(waiting), "Đã xong")
    services.submit_report(world["head"], reload(done), "Đã xong")
    services.accept_report(world["lead"], last_response(done))
    services.cancel_finding(world["lead"], reload(hidden), "Trùng")
    other = make_inspection_in_progress(unit=world["other_head"].unit)
    record_draft(other, title="Việc số bảy", deadline=dt.date(2030, 1, 12))
    issue_findings(other, "13/KL-UBND", CONCLUSION_DAY)

    frozen_time.move_to(dt.datetime(2030, 1, 14, 3, 0, tzinfo=dt.timezone.utc))
    groups = queries.unit_home(world["unit"], dt.date(2030, 1, 14))
    assert {name: [f.title for f in rows] for name, rows in groups.items()} == {
        "overdue": ["Việc số một"], "due_soon": ["Việc số hai"], "open": ["Việc số ba"],
        "submitted": ["Việc số bốn"], "resolved": ["Việc số năm"]}

    sign_in(client, world["head"])
    page = text(client.get("/"))
    for title in ("Việc số một", "Việc số hai", "Việc số ba", "Việc số bốn", "Việc số năm"):
        assert title in page
    assert "Việc số sáu" not in page and "Việc số bảy" not in page
    assert page.index(tr(app, "Overdue")) < page.index("Việc số một") \
        < page.index(tr(app, "Due within 7 days")) < page.index("Việc số hai")
    assert f'href="/findings/{overdue.id}"' in page
    assert f'href="/findings/{due_soon.id}"' in page and f'href="/findings/{still_open.id}"' in page


def test_the_kept_unit_home_is_each_units_own_and_follows_changes(app, client, world,
                                                                 frozen_time):
    """Kept per unit and day: heads in turn see their unit's page under their own name."""
    mine = open_finding(world, title="Việc của xã", deadline=dt.date(2030, 1, 15))
    other = make_inspection_in_progress(unit=world["other_head"].unit)
    record_draft(other, title="Việc của xã khác", deadline=dt.date(2030, 1, 12))
    issue_findings(other, "13/KL-UBND", CONCLUSION_DAY)
    deputy = make_user("phoxa", role="unit_head", unit=world["unit"], full_name="Ngô Phó Xã")
    for _round in range(2):
        sign_in(client, world["head"])
        page = text(client.get("/"))
        assert "Trần Văn Xã" in page and "Việc của xã" in page and "Việc của xã khác" not in page
        sign_in(client, deputy)
        page = text(client.get("/"))
        assert "Ngô Phó Xã" in page and "Trần Văn Xã" not in page and "Việc của xã" in page
        sign_in(client, world["other_head"])
        page = text(client.get("/"))
        assert "Việc của xã khác" in page and "Việc của xã</a>" not in page
    sign_in(client, world["head"])
    assert "Việc của xã" in section(text(client.get("/")), "group-due_soon")
    frozen_time.move_to(dt.datetime(2030, 1, 22, 3, 0, tzinfo=dt.timezone.utc))
    sign_in(client, world["head"])
    assert "Việc của xã" in section(text(client.get("/")), "group-overdue")
    services.submit_report(world["head"], reload(mine), "Đã xong")
    assert "Việc của xã" in section(text(client.get("/")), "group-submitted")


def section(page, group_id):
    """The unit home's group with this id, as markup."""
    return page.split(f'id="{group_id}"', 1)[1].split("</section>", 1)[0]


def test_finding_page_shows_overdue_and_only_the_allowed_actions(app, client, world,
                                                                 frozen_time):
    finding = open_finding(world, deadline=dt.date(2030, 1, 11))
    frozen_time.move_to(dt.datetime(2030, 1, 14, 3, 0, tzinfo=dt.timezone.utc))
    sign_in(client, world["head"])
    page = text(client.get(f"/findings/{finding.id}"))
    assert tr(app, "Overdue") in page
    assert f'action="/findings/{finding.id}/responses"' in page
    assert f'action="/findings/{finding.id}/cancel"' not in page
    sign_in(client, world["leader"])
    page = text(client.get(f"/findings/{finding.id}"))
    assert "/responses" not in page and "/cancel" not in page
