"""Plans and inspections: creation, team, transitions, overlap warning, calendar, lists,
access, the conclusion and its e-mails, files."""
import datetime as dt
import io
import re

import pytest

from inspect_app import clock, workdays
from inspect_app.findings.services import cancel_finding
from inspect_app.inspections import services
from inspect_app.models import (
    Attachment,
    AuditEvent,
    Finding,
    Inspection,
    InspectionMember,
    OutboxMessage,
    Plan,
)
from tests.factories import (
    PDF_BYTES,
    make_inspection,
    make_plan,
    make_unit,
    make_user,
    record_draft,
)
from tests.helpers import field_errors, flashes, location, text, tr


@pytest.fixture
def people(app):
    """An admin, a lead inspector, another inspector, a leader and a unit with its head."""
    unit = make_unit("X-HOAAN", "Xã Hòa An", email="hoaan@example.vn")
    return {
        "admin": make_user("quantri", role="admin"),
        "lead": make_user("thanhtra", role="inspector", full_name="Nguyễn Văn Thanh",
                          email="thanhtra@example.vn"),
        "member": make_user("kiemtra2", role="inspector", full_name="Đỗ Thị Mai"),
        "leader": make_user("lanhdao", role="leader"),
        "head": make_user("hoaan", role="unit_head", unit=unit, email="an@example.vn",
                          full_name="Lê Văn An"),
        "unit": unit,
    }


def _in_progress(people, start=None, **overrides):
    """An inspection of the people's unit led by the lead, started."""
    start = start or clock.today() - dt.timedelta(days=10)
    inspection = make_inspection(people["unit"], start=start, lead=people["lead"],
                                 **overrides)
    return services.start_inspection(None, inspection)


def _reload(inspection):
    """The inspection as stored now."""
    return Inspection.get_by_id(inspection.id)


def _events(obj):
    """How many audit events obj has."""
    return (AuditEvent
            .select()
            .where(AuditEvent.entity == obj._meta.table_name, AuditEvent.entity_id == obj.id)
            .count())


def _inspection_form(unit, **changes):
    """The inspection form's fields as posted, with changes."""
    data = {"unit": unit.id, "title": "Kiểm tra công tác cải cách hành chính",
            "topics": "Giải quyết thủ tục hành chính", "kind": "scheduled", "plan": 0,
            "follow_up_of": 0, "start_date": "2030-04-06", "end_date": "2030-04-08",
            "lead": 0, "decision_no": "", "decision_date": ""}
    data.update(changes)
    return data


# Plans


def test_inspector_creates_a_plan_and_approves_it_once_its_decision_is_recorded(
        client, auth, people):
    auth.login("thanhtra")
    response = client.post("/plans/new", data={"year": 2026, "title": "Kế hoạch kiểm tra 2026",
                                               "decision_no": "", "decision_date": ""})
    plan = Plan.get(Plan.title == "Kế hoạch kiểm tra 2026")
    assert location(response) == f"/plans/{plan.id}"
    assert plan.status == "draft"

    page = text(client.post(f"/plans/{plan.id}/approve", follow_redirects=True))
    assert tr(client.application, "Enter the number and date of the decision approving the "
              "plan before approving it.") in flashes(page)
    assert Plan.get_by_id(plan.id).status == "draft"

    client.post(f"/plans/{plan.id}/edit", data={"year": 2026, "title": plan.title,
                                                "decision_no": "35/QĐ-UBND",
                                                "decision_date": "2026-01-10"})
    client.post(f"/plans/{plan.id}/approve")
    plan = Plan.get_by_id(plan.id)
    assert (plan.status, plan.decision_no, plan.decision_date) == (
        "approved", "35/QĐ-UBND", dt.date(2026, 1, 10))
    assert AuditEvent.select().where(AuditEvent.entity == "plan",
                                     AuditEvent.action == "approve").count() == 1
    listing = text(client.get("/plans"))
    assert "Kế hoạch kiểm tra 2026" in listing and "35/QĐ-UBND" in listing


def test_plan_page_lists_its_inspections(client, auth, people):
    plan = make_plan(2030)
    make_inspection(people["unit"], plan=plan, title="Kiểm tra thuộc kế hoạch")
    make_inspection(people["unit"], title="Kiểm tra ngoài kế hoạch", start=dt.date(2030, 9, 1))
    auth.login("lanhdao")
    page = text(client.get(f"/plans/{plan.id}"))
    assert "Kiểm tra thuộc kế hoạch" in page
    assert "Kiểm tra ngoài kế hoạch" not in page


# Creating and editing inspections


def test_inspection_is_created_with_its_team(client, auth, people):
    auth.login("thanhtra")
    response = client.post("/inspections/new", data=_inspection_form(
        people["unit"], lead=people["lead"].id, members=[people["member"].id, people["lead"].id],
        decision_no="12/QĐ-ĐKT", decision_date="2030-04-01"))
    inspection = Inspection.get(Inspection.title == "Kiểm tra công tác cải cách hành chính")
    assert location(response) == f"/inspections/{inspection.id}"
    assert (inspection.status, inspection.lead_id, inspection.decision_no) == (
        "planned", people["lead"].id, "12/QĐ-ĐKT")
    # The lead is on the inspection itself, not repeated among the members.
    assert [m.user_id for m in InspectionMember.select()] == [people["member"].id]
    page = text(client.get(location(response)))
    assert "Nguyễn Văn Thanh" in page and "Đỗ Thị Mai" in page and "12/QĐ-ĐKT" in page


def test_new_inspection_form_chooses_no_unit_for_the_inspector(client, auth, people):
    auth.login("thanhtra")
    page = text(client.get("/inspections/new"))
    select = re.search(r'<select[^>]*name="unit"[^>]*>(.*?)</select>', page, re.S)
    assert 'required' in select.group(0).split(">")[0]
    options = re.findall(r'<option([^>]*)>([^<]*)</option>', select.group(1))
    assert options[0] == (' selected value=""', tr(client.application, "— Choose a unit —"))
    assert [label for attributes, label in options if "selected" in attributes] == [
        tr(client.application, "— Choose a unit —")]


def test_inspection_without_a_chosen_unit_is_refused_with_a_clear_message(client, auth,
                                                                          people):
    auth.login("thanhtra")
    data = {**_inspection_form(people["unit"]), "unit": ""}
    page = text(client.post("/inspections/new", data=data))
    assert Inspection.select().count() == 0
    assert field_errors(page, "unit") == [tr(client.application,
                                             "Choose one from the list.")]


def test_only_active_inspectors_can_be_on_the_team(client, auth, people):
    auth.login("thanhtra")
    page = text(client.post("/inspections/new", data=_inspection_form(
        people["unit"], members=[people["leader"].id])))
    assert Inspection.select().count() == 0
    assert tr(client.application, "Only active inspectors can be on the team.") in \
        field_errors(page, "members")


def test_end_date_before_start_date_is_refused(client, auth, people):
    auth.login("thanhtra")
    page = text(client.post("/inspections/new", data=_inspection_form(
        people["unit"], start_date="2030-04-08", end_date="2030-04-06")))
    assert tr(client.application, "The end date cannot be before the start date.") in \
        field_errors(page, "end_date")
    assert Inspection.select().count() == 0


def test_follow_up_must_follow_an_earlier_inspection_of_the_same_unit(client, auth, people):
    other_units = make_inspection(make_unit(), start=dt.date(2030, 1, 5))
    earlier = make_inspection(people["unit"], start=dt.date(2030, 1, 5))
    auth.login("thanhtra")
    message = tr(client.application, "A follow-up must follow an earlier inspection of the "
                 "same unit that was not cancelled.")
    page = text(client.post("/inspections/new", data=_inspection_form(
        people["unit"], kind="follow_up", follow_up_of=other_units.id)))
    assert message in field_errors(page, "follow_up_of")
    assert Inspection.select().count() == 2

    client.post("/inspections/new", data=_inspection_form(
        people["unit"], kind="follow_up", follow_up_of=earlier.id, title="Kiểm tra lại"))
    follow_up = Inspection.get(Inspection.title == "Kiểm tra lại")
    assert (follow_up.kind, follow_up.follow_up_of_id) == ("follow_up", earlier.id)


def test_overlapping_inspection_is_saved_with_a_warning(client, auth, people):
    make_inspection(people["unit"], start=dt.date(2030, 1, 10), title="Kiểm tra đợt 1",
                    topics="Giải quyết thủ tục hành chính trễ hạn")
    auth.login("thanhtra")
    page = text(client.post("/inspections/new", follow_redirects=True, data=_inspection_form(
        people["unit"], start_date="2030-06-02", end_date="2030-06-03",
        topics="Niêm yết thủ tục hành chính")))
    assert Inspection.select().count() == 2
    warnings = [m for m in flashes(page) if "Kiểm tra đợt 1 (10/01/2030)" in m]
    assert len(warnings) == 1


def test_unrelated_inspection_of_the_same_unit_gives_no_warning(client, auth, people):
    make_inspection(people["unit"], start=dt.date(2030, 1, 10), title="Kiểm tra đợt 1",
                    topics="Chuyển đổi số")
    auth.login("thanhtra")
    page = text(client.post("/inspections/new", follow_redirects=True, data=_inspection_form(
        people["unit"], start_date="2030-06-02", end_date="2030-06-03",
        topics="Giờ giấc làm việc của công chức")))
    assert Inspection.select().count() == 2
    assert not [m for m in flashes(page) if "Kiểm tra đợt 1" in m]


def test_inspection_within_30_days_of_another_is_reported_as_overlapping(people):
    first = make_inspection(people["unit"], start=dt.date(2030, 12, 20), topics="Chuyển đổi số")
    second = make_inspection(people["unit"], start=dt.date(2031, 1, 12), topics="Kỷ luật")
    far = make_inspection(people["unit"], start=dt.date(2031, 3, 1), topics="Lưu trữ")
    assert services.find_overlaps(second) == [first]
    assert services.find_overlaps(far) == []


# Status transitions


def test_start_then_issue_then_close_an_inspection_without_findings(client, auth, people):
    inspection = make_inspection(people["unit"], start=clock.today(), lead=people["lead"])
    auth.login("thanhtra")
    client.post(f"/inspections/{inspection.id}/start")
    assert _reload(inspection).status == "in_progress"
    page = text(client.get(f"/inspections/{inspection.id}/conclusion"))
    assert tr(client.application, "There are no draft findings: the inspection will be "
              "concluded without findings and can then be closed.") in page
    client.post(f"/inspections/{inspection.id}/conclusion", data={
        "conclusion_no": "5/TB-ĐKT", "conclusion_date": clock.today().isoformat()})
    assert _reload(inspection).status == "concluded"
    client.post(f"/inspections/{inspection.id}/close")
    assert _reload(inspection).status == "closed"
    assert OutboxMessage.select().count() == 0


@pytest.mark.parametrize("status, action, message", [
    ("cancelled", "start", "Only a planned inspection can be started."),
    ("in_progress", "start", "Only a planned inspection can be started."),
    ("planned", "close", "Only a concluded inspection can be closed."),
    ("closed", "cancel",
     "A concluded, closed or already cancelled inspection cannot be cancelled."),
    ("cancelled", "cancel",
     "A concluded, closed or already cancelled inspection cannot be cancelled."),
])
def test_invalid_transition_is_refused_without_change(client, auth, people, status, action,
                                                      message):
    inspection = make_inspection(people["unit"], lead=people["lead"])
    Inspection.update(status=status).where(Inspection.id == inspection.id).execute()
    events = _events(inspection)
    auth.login("thanhtra")
    page = text(client.post(f"/inspections/{inspection.id}/{action}",
                            data={"reason": "Lý do"}, follow_redirects=True))
    assert tr(client.application, message) in flashes(page)
    stored = _reload(inspection)
    assert stored.status == status and stored.cancel_reason == ""
    assert _events(inspection) == events


def test_conclusion_of_a_planned_inspection_is_refused(client, auth, people):
    inspection = make_inspection(people["unit"], lead=people["lead"])
    auth.login("thanhtra")
    page = text(client.post(f"/inspections/{inspection.id}/conclusion", follow_redirects=True,
                            data={"conclusion_no": "1/KL", "conclusion_date": "2030-03-10"}))
    assert tr(client.application, "The conclusion can be issued only while the inspection is "
              "in progress.") in flashes(page)
    assert _reload(inspection).status == "planned"
    assert _reload(inspection).conclusion_no == ""


def test_close_is_refused_while_a_finding_is_open_and_names_how_many_remain(
        client, auth, people):
    inspection = _in_progress(people)
    first = record_draft(inspection, deadline_days=15)
    record_draft(inspection, deadline_days=15)
    services.issue_conclusion(people["lead"], inspection, "7/KL", clock.today())
    cancel_finding(people["lead"], Finding.get_by_id(first.id), "Trùng lặp")
    auth.login("thanhtra")
    page = text(client.post(f"/inspections/{inspection.id}/close", follow_redirects=True))
    with client.application.test_request_context():
        from flask_babel import force_locale, ngettext
        with force_locale("vi"):
            expected = ngettext("The inspection cannot be closed yet: %(num)d finding is "
                                "neither resolved nor cancelled.",
                                "The inspection cannot be closed yet: %(num)d findings are "
                                "neither resolved nor cancelled.", 1)
    assert expected in flashes(page)
    assert _reload(inspection).status == "concluded"


def test_cancelling_needs_a_reason_and_cancels_the_drafts(client, auth, people):
    inspection = _in_progress(people)
    draft = record_draft(inspection, deadline_days=15)
    auth.login("thanhtra")
    page = text(client.post(f"/inspections/{inspection.id}/cancel", data={"reason": "  "},
                            follow_redirects=True))
    assert tr(client.application, "Give the reason for cancelling.") in flashes(page)
    assert _reload(inspection).status == "in_progress"

    page = text(client.post(f"/inspections/{inspection.id}/cancel",
                            data={"reason": "Đơn vị sáp nhập"}, follow_redirects=True))
    assert _reload(inspection).status == "cancelled"
    assert "Đơn vị sáp nhập" in page
    assert Finding.get_by_id(draft.id).status == "cancelled"


# Lists and the calendar


def test_calendar_shows_the_inspections_of_the_month(client, auth, people):
    make_inspection(people["unit"], start=dt.date(2030, 3, 30), days=3,
                    title="Kiểm tra cuối tháng ba")
    make_inspection(people["unit"], start=dt.date(2030, 5, 12), title="Kiểm tra tháng năm")
    cancelled = make_inspection(people["unit"], start=dt.date(2030, 3, 5), title="Kiểm tra hủy")
    services.cancel_inspection(None, cancelled, "Không thực hiện")
    auth.login("lanhdao")
    page = text(client.get("/inspections/calendar?month=2030-03"))
    assert "Kiểm tra cuối tháng ba" in page
    assert "Kiểm tra tháng năm" not in page and "Kiểm tra hủy" not in page
    assert "month=2030-02" in page and "month=2030-04" in page
    # Spanning into April: the inspection shows there too.
    assert "Kiểm tra cuối tháng ba" in text(client.get("/inspections/calendar?month=2030-04"))


def test_calendar_opens_on_the_current_month(client, auth, people):
    make_inspection(people["unit"], start=clock.today(), days=0, title="Kiểm tra hôm nay")
    auth.login("thanhtra")
    page = text(client.get("/inspections/calendar"))
    assert "Kiểm tra hôm nay" in page
    assert f"{clock.today().month:02d}/{clock.today().year}" in page


def test_list_filters_by_year_unit_status_and_kind(client, auth, people):
    other = make_unit(name="Phòng Nội vụ", kind_code="phong_ban")
    make_inspection(people["unit"], start=dt.date(2030, 2, 1), title="Hòa An 2030")
    make_inspection(people["unit"], start=dt.date(2031, 2, 1), title="Hòa An 2031")
    started = make_inspection(other, start=dt.date(2030, 6, 1), title="Nội vụ 2030",
                              kind="surprise")
    services.start_inspection(None, started)
    auth.login("lanhdao")

    def titles(query):
        page = text(client.get("/inspections?" + query))
        return {t for t in ("Hòa An 2030", "Hòa An 2031", "Nội vụ 2030") if t in page}

    assert titles("") == {"Hòa An 2030", "Hòa An 2031", "Nội vụ 2030"}
    assert titles("year=2030") == {"Hòa An 2030", "Nội vụ 2030"}
    assert titles(f"unit={people['unit'].id}") == {"Hòa An 2030", "Hòa An 2031"}
    assert titles("status=in_progress") == {"Nội vụ 2030"}
    assert titles("kind=surprise") == {"Nội vụ 2030"}
    assert titles(f"year=2030&unit={people['unit'].id}&kind=scheduled") == {"Hòa An 2030"}


def test_list_is_paginated(client, auth, people):
    for day in range(1, 28):
        make_inspection(people["unit"], start=dt.date(2030, 1, day), days=0,
                        title=f"Kiểm tra số {day:02d}")
    auth.login("thanhtra")
    first = text(client.get("/inspections"))
    second = text(client.get("/inspections?page=2"))
    assert "Kiểm tra số 27" in first and "Kiểm tra số 01" not in first
    assert "Kiểm tra số 01" in second and "Kiểm tra số 27" not in second


# Access


def test_unit_head_sees_only_their_units_inspections(client, auth, people):
    own = make_inspection(people["unit"], title="Kiểm tra Hòa An")
    other = make_inspection(make_unit(), title="Kiểm tra đơn vị khác")
    auth.login("hoaan")
    listing = text(client.get("/inspections"))
    assert "Kiểm tra Hòa An" in listing and "Kiểm tra đơn vị khác" not in listing
    assert client.get(f"/inspections/{own.id}").status_code == 200
    assert client.get(f"/inspections/{other.id}").status_code == 404
    assert client.post(f"/inspections/{other.id}/close").status_code == 404
    assert "Kiểm tra đơn vị khác" not in text(client.get("/inspections/calendar?month=2030-03"))


def test_unit_head_does_not_see_draft_findings(client, auth, people):
    inspection = _in_progress(people)
    record_draft(inspection, title="Tồn tại còn nháp", deadline_days=15)
    auth.login("hoaan")
    assert "Tồn tại còn nháp" not in text(client.get(f"/inspections/{inspection.id}"))
    auth.logout()
    auth.login("thanhtra")
    assert "Tồn tại còn nháp" in text(client.get(f"/inspections/{inspection.id}"))


@pytest.mark.parametrize("path, data", [
    ("/inspections/{id}/start", {}),
    ("/inspections/{id}/cancel", {"reason": "Không cần"}),
    ("/inspections/{id}/close", {}),
    ("/inspections/{id}/conclusion", {"conclusion_no": "1/KL", "conclusion_date": "2030-03-11"}),
    ("/inspections/{id}/edit", {"title": "Đổi tên"}),
    ("/inspections/{id}/attachments", {}),
    ("/inspections/new", {"title": "Mới"}),
    ("/plans/new", {"year": 2030, "title": "Kế hoạch"}),
])
def test_leader_is_refused_every_change(client, auth, people, path, data):
    inspection = make_inspection(people["unit"], lead=people["lead"])
    auth.login("lanhdao")
    response = client.post(path.format(id=inspection.id), data=data)
    assert response.status_code == 403
    stored = _reload(inspection)
    assert (stored.status, stored.title, stored.conclusion_no) == (
        "planned", inspection.title, "")
    assert Inspection.select().count() == 1 and Plan.select().count() == 0


def test_leader_sees_no_action_buttons(client, auth, people):
    inspection = make_inspection(people["unit"], lead=people["lead"])
    auth.login("lanhdao")
    page = text(client.get(f"/inspections/{inspection.id}"))
    assert f"/inspections/{inspection.id}/start" not in page
    assert f"/inspections/{inspection.id}/cancel" not in page
    assert f"/inspections/{inspection.id}/attachments" not in page


def test_inspector_outside_the_team_cannot_issue_the_conclusion(client, auth, people):
    inspection = _in_progress(people)
    auth.login("kiemtra2")
    assert client.get(f"/inspections/{inspection.id}/conclusion").status_code == 403
    assert _reload(inspection).status == "in_progress"


# The conclusion


def _dates_art_148_leaves_alone():
    """(a conclusion date before today, a date 40 or more days on) such that the deadlines
    15 and 30 days after the first, and the second, are working days: a deadline falling on
    a day off moves to the next working day (tests/test_workdays.py), not tested here."""
    calendar, today = workdays.load(), clock.today()
    day = next(today - dt.timedelta(days=back) for back in range(1, 60)
               if all(calendar.is_working_day(today - dt.timedelta(days=back - after))
                      for after in (15, 30)))
    explicit = next(today + dt.timedelta(days=ahead) for ahead in range(40, 60)
                    if calendar.is_working_day(today + dt.timedelta(days=ahead)))
    return day, explicit


def test_issuing_the_conclusion_opens_findings_with_codes_deadlines_and_emails(
        client, auth, people):
    other = make_unit("P-NOIVU", "Phòng Nội vụ", kind_code="phong_ban", email="")
    make_user("noivu", role="unit_head", unit=other, email="noivu@example.vn", locale="en")
    make_user("hoaan2", role="unit_head", unit=people["unit"], email="")
    inspection = _in_progress(people)
    day, explicit = _dates_art_148_leaves_alone()
    first = record_draft(inspection, title="Hồ sơ trễ hạn", deadline_days=15,
                         recommendation="Gửi thư xin lỗi")
    second = record_draft(inspection, title="Niêm yết thiếu", deadline=explicit)
    third = record_draft(inspection, title="Chưa số hóa", deadline_days=30,
                         responsible_unit=other)
    auth.login("thanhtra")
    page = text(client.get(f"/inspections/{inspection.id}/conclusion"))
    assert "Hồ sơ trễ hạn" in page and "Chưa số hóa" in page

    response = client.post(f"/inspections/{inspection.id}/conclusion", data={
        "conclusion_no": "12/2026", "conclusion_date": day.isoformat(),
        "summary": "Đơn vị cần khắc phục"})
    assert location(response) == f"/inspections/{inspection.id}"
    stored = _reload(inspection)
    assert (stored.status, stored.conclusion_no, stored.conclusion_date) == (
        "concluded", "12/2026", day)

    findings = {f.id: f for f in Finding.select()}
    expected = {first.id: ("KL-12/2026-1", 1, day + dt.timedelta(days=15)),
                second.id: ("KL-12/2026-2", 2, explicit),
                third.id: ("KL-12/2026-3", 3, day + dt.timedelta(days=30))}
    for finding_id, (code, ordinal, deadline) in expected.items():
        finding = findings[finding_id]
        assert (finding.status, finding.code, finding.ordinal) == ("open", code, ordinal)
        assert finding.deadline == finding.original_deadline == deadline
    assert "kl-12/2026-1 ho so tre han" in findings[first.id].search_text

    messages = {m.recipients: m for m in OutboxMessage.select()}
    assert set(messages) == {"an@example.vn", "hoaan@example.vn", "noivu@example.vn"}
    vi_subject = tr(client.application, "Inspection conclusion %(number)s: findings for "
                    "%(unit)s to remedy", number="12/2026", unit="Xã Hòa An")
    assert messages["an@example.vn"].subject == vi_subject
    assert messages["hoaan@example.vn"].subject == vi_subject
    assert messages["noivu@example.vn"].subject == tr(
        client.application, "Inspection conclusion %(number)s: findings for %(unit)s to "
        "remedy", locale="en", number="12/2026", unit="Phòng Nội vụ")
    body = messages["an@example.vn"].body_text
    assert "KL-12/2026-1" in body and "KL-12/2026-2" in body and "KL-12/2026-3" not in body
    assert "Gửi thư xin lỗi" in body
    assert (day + dt.timedelta(days=15)).strftime("%d/%m/%Y") in body
    assert f"http://testserver/findings/{first.id}" in body
    assert f"http://testserver/findings/{third.id}" in messages["noivu@example.vn"].body_html
    assert messages["an@example.vn"].dedupe_key.startswith(
        f"conclusion:{inspection.id}:unit:{people['unit'].id}:")

    assert AuditEvent.select().where(AuditEvent.action == "conclude").count() == 1
    assert AuditEvent.select().where(AuditEvent.action == "issue").count() == 3


def test_issuing_the_conclusion_twice_is_refused(client, auth, people):
    inspection = _in_progress(people)
    record_draft(inspection, deadline_days=15)
    auth.login("thanhtra")
    data = {"conclusion_no": "12/2026", "conclusion_date": clock.today().isoformat()}
    client.post(f"/inspections/{inspection.id}/conclusion", data=data)
    sent = OutboxMessage.select().count()
    events = AuditEvent.select().count()
    page = text(client.post(f"/inspections/{inspection.id}/conclusion", data=data,
                            follow_redirects=True))
    assert tr(client.application, "The conclusion can be issued only while the inspection is "
              "in progress.") in flashes(page)
    assert OutboxMessage.select().count() == sent == 2
    assert AuditEvent.select().count() == events


@pytest.mark.parametrize("number, day, message", [
    ("", 0, "This field is required."),
    ("9/KL", 1, "The conclusion cannot be dated in the future."),
    ("9/KL", -30, "The conclusion cannot be dated before the inspection started."),
    ("TAKEN", 0, "Another inspection already has this conclusion number."),
])
def test_conclusion_number_and_date_are_checked(client, auth, people, number, day, message):
    Inspection.create(unit=people["unit"], title="Cũ", start_date=dt.date(2029, 1, 1),
                      end_date=dt.date(2029, 1, 2), status="closed", conclusion_no="TAKEN")
    inspection = _in_progress(people)
    draft = record_draft(inspection, deadline_days=15)
    auth.login("thanhtra")
    page = text(client.post(f"/inspections/{inspection.id}/conclusion", data={
        "conclusion_no": number,
        "conclusion_date": (clock.today() + dt.timedelta(days=day)).isoformat()}))
    field = "conclusion_date" if "dated" in message else "conclusion_no"
    assert tr(client.application, message) in field_errors(page, field)
    assert _reload(inspection).status == "in_progress"
    assert Finding.get_by_id(draft.id).status == "draft"
    assert OutboxMessage.select().count() == 0


# Files


def test_file_attached_to_an_inspection_is_listed_on_its_page(client, auth, people):
    inspection = make_inspection(people["unit"], lead=people["lead"])
    auth.login("thanhtra")
    response = client.post(f"/inspections/{inspection.id}/attachments",
                           data={"file": (io.BytesIO(PDF_BYTES), "Biên bản kiểm tra.pdf")},
                           content_type="multipart/form-data")
    assert location(response).startswith(f"/inspections/{inspection.id}")
    attachment = Attachment.get(Attachment.inspection == inspection)
    assert attachment.original_name == "Biên bản kiểm tra.pdf"
    page = text(client.get(f"/inspections/{inspection.id}"))
    assert "Biên bản kiểm tra.pdf" in page
    assert f"/attachments/{attachment.id}" in page
    download = client.get(f"/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF_BYTES


def test_file_with_the_wrong_content_is_refused(client, auth, people):
    inspection = make_inspection(people["unit"], lead=people["lead"])
    auth.login("thanhtra")
    page = text(client.post(f"/inspections/{inspection.id}/attachments",
                            data={"file": (io.BytesIO(b"not a pdf"), "bien-ban.pdf")},
                            content_type="multipart/form-data", follow_redirects=True))
    assert [m for m in flashes(page) if "pdf" in m]
    assert Attachment.select().count() == 0
