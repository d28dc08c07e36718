"""Deadlines given as a date, N calendar days or N working days, wherever the app keeps
one: a finding (recorded, then fixed at the conclusion), an extension request, a
disciplinary case and its extension; each explained on its page and in the e-mails."""
import datetime as dt

import pytest
import time_machine

from inspect_app import workdays
from inspect_app.discipline import services as discipline
from inspect_app.errors import WorkflowError
from inspect_app.findings import services
from inspect_app.models import Category, DisciplineCase, ExtensionRequest, Finding, OutboxMessage
from tests.factories import (
    PASSWORD,
    issue_findings,
    make_inspection_in_progress,
    make_unit,
    make_user,
    record_draft,
)
from tests.helpers import field_errors, flashes, text

# 10:00 in Hanoi on Tuesday 10 February 2026, before the Tết break (14 to 22 February).
T0 = dt.datetime(2026, 2, 10, 3, 0, tzinfo=dt.timezone.utc)
TODAY = dt.date(2026, 2, 10)
D = dt.date


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(app):
    """A commune and its head, the inspection lead, an inspection in progress."""
    unit = make_unit("HOA-AN", "Xã Hòa An")
    head = make_user("truongxa", role="unit_head", unit=unit, email="truongxa@example.vn")
    lead = make_user("truongdoan", role="inspector", email="truongdoan@example.vn")
    inspection = make_inspection_in_progress(unit=unit, lead=lead, start=D(2026, 2, 2))
    return {"unit": unit, "head": head, "lead": lead, "inspection": inspection}


def sign_in(client, user):
    client.post("/logout")
    assert client.post("/login", data={"username": user.username,
                                       "password": PASSWORD}).status_code == 302


def post_finding(client, world, **deadline):
    """Post the new-finding form with the given deadline fields."""
    data = {"category": Category.get(Category.code == "TTHC-TREHAN").id, "severity": "high",
            "title": "Hồ sơ giải quyết trễ hạn", "responsible_unit": world["unit"].id,
            "deadline": "", "deadline_days": "", "deadline_unit": "calendar_days", **deadline}
    return client.post(f"/inspections/{world['inspection'].id}/findings/new", data=data,
                       follow_redirects=True)


def deadline_cell(page):
    """The text of the finding page's deadline, explanation included."""
    cell = page.split('class="col-sm-8 finding-deadline"', 1)[1].split("</dd>", 1)[0]
    return " ".join(cell.replace("<", " <").split())


def test_working_days_after_the_conclusion_are_counted_when_it_is_issued(app, client, world):
    sign_in(client, world["lead"])
    page = text(post_finding(client, world, deadline_days="15", deadline_unit="working_days"))
    assert "15 ngày làm việc kể từ ngày kết luận" in page
    for url in (f"/inspections/{world['inspection'].id}",
                f"/inspections/{world['inspection'].id}/conclusion"):
        assert "15 ngày làm việc kể từ ngày kết luận" in text(client.get(url))
    draft = Finding.get()
    assert (draft.deadline, draft.deadline_days, draft.deadline_unit) == \
        (None, 15, "working_days")
    [issued] = issue_findings(world["inspection"], "1/KL-UBND", TODAY)
    stored = Finding.get_by_id(issued.id)
    assert (stored.deadline, stored.deadline_from, stored.original_deadline) == \
        (D(2026, 3, 10), TODAY, D(2026, 3, 10))
    cell = deadline_cell(text(client.get(f"/findings/{issued.id}")))
    assert "10/03/2026" in cell
    assert "15 ngày làm việc kể từ 10/02/2026: đến hết 10/03/2026 (không tính 14–22/02 " \
        "nghỉ Tết Nguyên Đán)" in cell


def test_calendar_days_ending_in_tet_end_after_it(app, client, world):
    record_draft(world["inspection"], deadline_days=4)
    [issued] = issue_findings(world["inspection"], "1/KL-UBND", TODAY)
    assert Finding.get_by_id(issued.id).deadline == D(2026, 2, 23)
    sign_in(client, world["lead"])
    assert "4 ngày kể từ 10/02/2026: 14/02/2026 là ngày nghỉ (Tết Nguyên Đán): đến hết " \
        "23/02/2026, ngày làm việc tiếp theo" in deadline_cell(
            text(client.get(f"/findings/{issued.id}")))


def test_a_date_on_a_day_off_moves_and_the_user_is_told(app, client, world):
    sign_in(client, world["lead"])
    page = text(post_finding(client, world, deadline="2026-02-17"))
    assert "17/02/2026 là ngày nghỉ (Tết Nguyên Đán): hạn kéo dài đến hết ngày làm việc " \
        "tiếp theo, 23/02/2026 (Điều 148 Bộ luật Dân sự)." in flashes(page)
    stored = Finding.get()
    assert (stored.deadline, stored.deadline_from, stored.deadline_unit) == \
        (D(2026, 2, 23), D(2026, 2, 17), "date")
    # The edit form shows the date as given.
    edit = text(client.get(f"/findings/{stored.id}/edit"))
    assert 'name="deadline" type="date" value="2026-02-17"' in edit


def test_a_working_date_is_kept_without_a_notice(app, client, world):
    sign_in(client, world["lead"])
    page = text(post_finding(client, world, deadline="2026-03-10"))
    assert not any("ngày nghỉ" in message for message in flashes(page))
    assert Finding.get().deadline == D(2026, 3, 10)


def test_a_number_of_days_needs_a_known_unit(app, client, world):
    sign_in(client, world["lead"])
    post_finding(client, world, deadline_days="15", deadline_unit="tuần")
    assert Finding.select().count() == 0


def issued(world, deadline=D(2026, 3, 10)):
    """A finding of the world's unit issued today with deadline."""
    record_draft(world["inspection"], deadline=deadline)
    [finding] = issue_findings(world["inspection"], "1/KL-UBND", TODAY)
    return Finding.get_by_id(finding.id)


def test_an_extension_in_working_days_after_the_current_deadline(app, client, world):
    finding = issued(world)
    sign_in(client, world["head"])
    client.post(f"/findings/{finding.id}/extension", data={
        "extension-requested_deadline": "", "extension-requested_days": "5",
        "extension-requested_unit": "working_days", "extension-reason": "Chờ kinh phí"})
    request = ExtensionRequest.get()
    assert (request.requested_deadline, request.requested_unit, request.requested_from,
            request.requested_days) == (D(2026, 3, 17), "working_days", D(2026, 3, 10), 5)
    sign_in(client, world["lead"])
    page = text(client.get(f"/findings/{finding.id}"))
    assert "5 ngày làm việc kể từ 10/03/2026: đến hết 17/03/2026" in page
    client.post(f"/extensions/{request.id}/approve", data={"decision-note": ""})
    moved = Finding.get_by_id(finding.id)
    assert (moved.deadline, moved.deadline_unit, moved.deadline_from, moved.deadline_days) == \
        (D(2026, 3, 17), "working_days", D(2026, 3, 10), 5)
    decided = OutboxMessage.get(OutboxMessage.dedupe_key.endswith(
        f"extension:{request.id}:decided:user:{world['head'].id}"))
    assert "5 ngày làm việc kể từ 10/03/2026: đến hết 17/03/2026" in decided.body_text


def test_an_extension_date_on_a_day_off_moves_and_says_so(app, client, world):
    finding = issued(world)
    sign_in(client, world["head"])
    page = text(client.post(f"/findings/{finding.id}/extension", data={
        "extension-requested_deadline": "2026-04-30", "extension-reason": "Chờ kinh phí"},
        follow_redirects=True))
    assert any(message.startswith("30/04/2026 là ngày nghỉ") and "04/05/2026" in message
               for message in flashes(page))
    assert ExtensionRequest.get().requested_deadline == D(2026, 5, 4)


def test_an_extension_cannot_be_both_a_date_and_days(app, client, world):
    finding = issued(world)
    sign_in(client, world["head"])
    page = text(client.post(f"/findings/{finding.id}/extension", data={
        "extension-requested_deadline": "2026-04-01", "extension-requested_days": "5",
        "extension-requested_unit": "calendar_days", "extension-reason": "Chờ kinh phí"}))
    assert field_errors(page, "extension-requested_days") == [
        "Chỉ nhập hạn mới hoặc số ngày, không nhập cả hai."]
    assert ExtensionRequest.select().count() == 0


# --- disciplinary cases ----------------------------------------------------------------------


def open_case(client, world, opened_on):
    """Open a case through the form; return the page it leads to."""
    return text(client.post("/discipline/new", data={
        "official_name": "Nguyễn Văn Tám", "person_type": "cong_chuc",
        "unit": world["unit"].id, "violation": "Đi muộn nhiều lần", "opened_on": opened_on,
        "findings": ""}, follow_redirects=True))


def test_a_cases_90_days_ending_on_a_holiday_run_to_the_next_working_day(app, client, world):
    sign_in(client, world["lead"])
    page = open_case(client, world, "2026-01-31")
    case = DisciplineCase.get()
    assert (case.deadline, case.original_deadline) == (D(2026, 5, 4), D(2026, 5, 4))
    assert (case.deadline_unit, case.deadline_from, case.deadline_days) == \
        ("calendar_days", D(2026, 1, 31), 90)
    assert any("01/05/2026 là ngày nghỉ" in message for message in flashes(page))
    assert "90 ngày kể từ 31/01/2026: 01/05/2026 là ngày nghỉ (Ngày Chiến thắng, Quốc tế Lao " \
        "động): đến hết 04/05/2026, ngày làm việc tiếp theo" in page


def test_a_case_is_extended_to_a_number_of_days_from_its_opening(app, client, world):
    sign_in(client, world["lead"])
    open_case(client, world, "2026-01-31")
    case = DisciplineCase.get()
    page = text(client.post(f"/discipline/{case.id}/extend", data={
        "extend-new_deadline": "", "extend-new_days": "120",
        "extend-reason": "Vụ việc phức tạp"}, follow_redirects=True))
    # 120 days end on Sunday 31/05/2026: the next working day is Monday 01/06.
    stored = DisciplineCase.get_by_id(case.id)
    assert (stored.deadline, stored.deadline_unit, stored.deadline_days) == \
        (D(2026, 6, 1), "calendar_days", 120)
    assert "120 ngày kể từ 31/01/2026: 31/05/2026 là ngày nghỉ (Chủ nhật): đến hết " \
        "01/06/2026, ngày làm việc tiếp theo" in page


def test_more_than_150_days_is_refused(app, world):
    case = discipline.open_case(world["lead"], "Nguyễn Văn Tám", "", "cong_chuc", world["unit"],
                                "Đi muộn", D(2026, 1, 31))
    with pytest.raises(WorkflowError) as refused:
        discipline.extend_deadline(world["lead"], case, None, "Phức tạp", new_days=151)
    assert refused.value.field == "new_days"
    assert DisciplineCase.get_by_id(case.id).deadline == D(2026, 5, 4)


def test_a_resumed_case_leaves_the_days_deferred_out_and_explains_it(app, world, frozen_time):
    case = discipline.open_case(world["lead"], "Nguyễn Văn Tám", "", "cong_chuc", world["unit"],
                                "Đi muộn", D(2026, 1, 31))
    discipline.defer_case(world["lead"], case, "illness")
    frozen_time.shift(dt.timedelta(days=10))
    resumed = discipline.resume_case(world["lead"], DisciplineCase.get_by_id(case.id))
    # 90 days and 10 deferred end on Monday 11/05/2026.
    assert resumed.deadline == D(2026, 5, 11)
    with app.test_request_context():
        assert workdays.explain(resumed.deadline_basis, resumed.deadline) == (
            "90 ngày kể từ 31/01/2026, không tính 10 ngày tạm hoãn: đến hết 11/05/2026")


def test_services_refuse_days_without_a_known_unit(app, world):
    finding = issued(world)
    with pytest.raises(WorkflowError) as refused:
        services.request_extension(world["head"], finding, None, "Chờ", 5, "tuần")
    assert refused.value.field == "requested_unit"
