"""Processing deadlines of discipline cases: reminders and escalation at a real server."""
import datetime as dt

import pytest

from inspect_app.jobs.reminders import run_escalation, run_reminders
from inspect_app.mail import sender
from tests.factories import make_case, make_finding, make_unit, make_user, work_every_day
from tests.smtp import smtp_config

OPENED = dt.date(2027, 1, 4)
DEADLINE = OPENED + dt.timedelta(days=90)


@pytest.fixture
def app_config(smtp_server):
    return {**smtp_config(smtp_server), "BASE_URL": "https://kiemtra.phuhoa.example.vn"}


@pytest.fixture(autouse=True)
def every_day_worked(app):
    """The stages are counted day by day: no weekends or holidays in this calendar."""
    work_every_day(OPENED, DEADLINE + dt.timedelta(days=30))


@pytest.fixture
def units():
    """Two communes with heads and shared mailboxes, and a leader."""
    hoa_an = make_unit("X-HOAAN", "Xã Hòa An", email="ubnd@hoaan.example.vn")
    hoa_hoi = make_unit("X-HOAHOI", "Xã Hòa Hội", email="ubnd@hoahoi.example.vn")
    make_user("chutich", role="unit_head", unit=hoa_an, email="chutich@hoaan.example.vn")
    make_user("chutich2", role="unit_head", unit=hoa_hoi, email="chutich@hoahoi.example.vn")
    make_user("lanhdao", role="leader", email="lanhdao@phuhoa.example.vn")
    return hoa_an, hoa_hoi


def run_day(day):
    """The day's reminder and escalation runs, delivered."""
    run_reminders(day)
    run_escalation(day)
    sender.send_pending()


def test_a_case_reminds_only_its_own_units_head(app, smtp_server, units):
    hoa_an, _ = units
    case = make_case(unit=hoa_an, official_name="Nguyễn Văn Tám",
                     official_position="Công chức Văn phòng - Thống kê", opened_on=OPENED)
    run_day(DEADLINE - dt.timedelta(days=7))
    [message] = smtp_server.received()
    assert message.rcpt_tos == ["chutich@hoaan.example.vn"]
    body = message.body("plain")
    assert "Nguyễn Văn Tám" in body and f"#{case.id}" in body
    assert f"https://kiemtra.phuhoa.example.vn/discipline/{case.id}" in body
    # Nobody of another unit, nor the unit's shared mailbox, hears of the official.
    assert smtp_server.to("ubnd@hoaan.example.vn") == []
    assert smtp_server.to("chutich@hoahoi.example.vn") == []


def test_case_stages_follow_the_finding_policy_and_stop_once_decided(
        app, smtp_server, units):
    hoa_an, _ = units
    case = make_case(unit=hoa_an, opened_on=OPENED)
    sent_days = []
    for offset in range(-10, 16):
        before = len(smtp_server.received())
        if offset == 9:
            case.status = "decided"
            case.save()
        run_day(DEADLINE + dt.timedelta(days=offset))
        if len(smtp_server.received()) > before:
            sent_days.append(offset)
    assert sent_days == [-7, -3, -1, 0, 7]
    escalations = [m for m in smtp_server.received()
                   if m.rcpt_tos == ["lanhdao@phuhoa.example.vn"]]
    assert len(escalations) == 1 and f"#{case.id}" in escalations[0].body("plain")


def test_cases_and_findings_share_one_digest(app, smtp_server, units):
    hoa_an, _ = units
    make_finding(unit=hoa_an, deadline=DEADLINE, code="KL-9/2027-1")
    case = make_case(unit=hoa_an, opened_on=OPENED)
    run_day(DEADLINE)
    to_head = smtp_server.to("chutich@hoaan.example.vn")
    assert len(to_head) == 1
    assert "KL-9/2027-1" in to_head[0].body("plain")
    assert f"#{case.id}" in to_head[0].body("plain")
    # The shared mailbox hears of the finding only.
    [shared] = smtp_server.to("ubnd@hoaan.example.vn")
    assert "KL-9/2027-1" in shared.body("plain") and f"#{case.id}" not in shared.body("plain")
