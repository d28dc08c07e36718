"""The working calendar's admin pages: a year's days off, adding, changing and removing the
days the notices add, each audited; and what a change does to deadlines."""
import datetime as dt

import pytest
import time_machine

from inspect_app import workdays
from inspect_app.models import AuditEvent, Finding, WorkCalendarDay
from tests.factories import (
    PASSWORD,
    issue_findings,
    make_inspection_in_progress,
    make_user,
    record_draft,
)
from tests.helpers import field_errors, location, text, tr

D = dt.date


@pytest.fixture
def admin(app, client):
    """The client, signed in as an administrator."""
    make_user("quantri", role="admin")
    client.post("/login", data={"username": "quantri", "password": PASSWORD})
    return client


def test_the_year_page_lists_the_notices_days_and_every_day_off(app, admin):
    page = text(admin.get("/admin/calendar?year=2026"))
    rows = page.split('class="table table-sm workcalendar-rows"', 1)[1].split("</table>", 1)[0]
    assert "02/01/2026" in rows and "10/01/2026" in rows
    assert "Công văn 12729/VPCP-KGVX ngày 25/12/2025" in rows
    year = page.split('class="table table-sm workcalendar-year"', 1)[1].split("</table>", 1)[0]
    for day in ("16/02/2026", "20/02/2026", "27/04/2026", "31/08/2026", "22/08/2026"):
        assert day in year
    assert tr(app, "Lunar New Year") in year and tr(app, "Make-up working day") in year
    assert admin.get("/admin/calendar?year=3000").status_code == 404


def test_an_admin_adds_a_day_off_and_deadlines_counted_afterwards_skip_it(app, admin):
    response = admin.post("/admin/calendar/new", data={
        "day": "2026-11-23", "kind": "day_off", "reason": "Hoán đổi ngày làm việc",
        "notice": "Thông báo số 1/TB-BNV"})
    assert location(response) == "/admin/calendar?year=2026"
    row = WorkCalendarDay.get(WorkCalendarDay.day == D(2026, 11, 23))
    assert (row.kind, row.reason, row.notice) == ("day_off", "Hoán đổi ngày làm việc",
                                                  "Thông báo số 1/TB-BNV")
    event = AuditEvent.get(AuditEvent.entity == "work_calendar_day", AuditEvent.action == "create")
    assert event.changed_fields["day"] == [None, "2026-11-23"]
    assert not workdays.load().is_working_day(D(2026, 11, 23))


def test_a_saved_day_can_be_changed_and_removed_with_the_audit_trail(app, admin):
    row = WorkCalendarDay.get(WorkCalendarDay.day == D(2026, 1, 2))
    admin.post(f"/admin/calendar/{row.id}", data={
        "day": "2026-01-02", "kind": "day_off", "reason": "Lý do mới", "notice": row.notice})
    assert WorkCalendarDay.get_by_id(row.id).reason == "Lý do mới"
    assert location(admin.post(f"/admin/calendar/{row.id}/delete")) == \
        "/admin/calendar?year=2026"
    assert WorkCalendarDay.get_or_none(WorkCalendarDay.id == row.id) is None
    assert [e.action for e in AuditEvent.select().where(
        AuditEvent.entity == "work_calendar_day").order_by(AuditEvent.id)] == ["update", "delete"]
    assert workdays.load().is_working_day(D(2026, 1, 2))


@pytest.mark.parametrize("values, field, message", [
    ({"day": "2026-02-17", "kind": "day_off"}, "day",
     "This date is already a day off (%(reason)s)."),
    ({"day": "2026-03-10", "kind": "working_day"}, "day", "This date is already a working day."),
    ({"day": "2026-01-10", "kind": "working_day"}, "day",
     "This date is already in the calendar: change that row instead."),
    ({"day": "2026-03-10", "kind": "day_off", "reason": ""}, "reason",
     "This field is required."),
])
def test_a_day_that_changes_nothing_or_is_taken_is_refused(app, admin, values, field, message):
    before = list(WorkCalendarDay.select().tuples())
    data = {"reason": "Thử", "notice": "", **values}
    page = text(admin.post("/admin/calendar/new", data=data))
    reason = tr(app, "Lunar New Year")
    assert field_errors(page, field) == [tr(app, message, reason=reason)]
    assert list(WorkCalendarDay.select().tuples()) == before


def test_only_admins_reach_the_calendar(app, client):
    make_user("thanhtra", role="inspector")
    client.post("/login", data={"username": "thanhtra", "password": PASSWORD})
    assert client.get("/admin/calendar").status_code == 403
    assert client.post("/admin/calendar/new", data={"day": "2026-11-23", "kind": "day_off",
                                                    "reason": "Giả"}).status_code == 403
    assert not WorkCalendarDay.select().where(WorkCalendarDay.day == D(2026, 11, 23)).exists()


def test_deadlines_already_fixed_stay_and_say_the_calendar_changed(app, client):
    with time_machine.travel(dt.datetime(2026, 2, 10, 3, tzinfo=dt.timezone.utc), tick=False):
        make_user("quantri", role="admin")
        client.post("/login", data={"username": "quantri", "password": PASSWORD})
        admin = client
        inspection = make_inspection_in_progress(start=D(2026, 2, 2))
        record_draft(inspection, deadline_days=15, deadline_unit="working_days")
        [issued] = issue_findings(inspection, conclusion_date=D(2026, 2, 10))
        assert Finding.get_by_id(issued.id).deadline == D(2026, 3, 10)
        admin.post("/admin/calendar/new", data={"day": "2026-03-02", "kind": "day_off",
                                                "reason": "Nghỉ đột xuất"})
        stored = Finding.get_by_id(issued.id)
        assert stored.deadline == D(2026, 3, 10)
        page = text(admin.get(f"/findings/{issued.id}"))
        assert "15 ngày làm việc kể từ 10/02/2026: đến hết 10/03/2026" in page
        assert "nếu tính lại hôm nay thì đến hết 11/03/2026" in page


def _overdue_text(app, days, working_days):
    """How a page says a finding is overdue, in Vietnamese."""
    from flask_babel import force_locale

    from inspect_app.deadlines import overdue_text

    with app.test_request_context(), force_locale("vi"):
        return overdue_text(days, working_days)


def test_days_overdue_on_the_pages_follow_a_day_off_added_after_they_were_shown(app, client):
    """The calendar the pages count on is kept, until the admin's table changes."""
    from tests.factories import make_finding

    finding = make_finding(deadline=D(2026, 11, 16))
    make_user("quantri", role="admin")
    with time_machine.travel(dt.datetime(2026, 11, 26, 3, 0, tzinfo=dt.timezone.utc)):
        client.post("/login", data={"username": "quantri", "password": PASSWORD})
        # 24/11 is already off (Vietnam's Culture Day).
        assert _overdue_text(app, 10, 7) in text(client.get(f"/findings/{finding.id}"))
        client.post("/admin/calendar/new", data={
            "day": "2026-11-23", "kind": "day_off", "reason": "Hoán đổi ngày làm việc",
            "notice": "Thông báo số 1/TB-BNV"})
        assert _overdue_text(app, 10, 6) in text(client.get(f"/findings/{finding.id}"))
