"""Reminders and escalation over a calendar, delivered to a real SMTP server."""
import datetime as dt
import re
from collections import defaultdict

import pytest
import time_machine
from flask_babel import force_locale, ngettext

from inspect_app import clock
from inspect_app.findings.services import (
    decide_extension,
    request_changes,
    request_extension,
    submit_report,
)
from inspect_app.jobs import reminders
from inspect_app.jobs.reminders import StagePolicy, run_escalation, run_reminders
from inspect_app.mail import sender
from inspect_app.models import Finding, OutboxMessage, ReminderLog, Setting
from tests.factories import (
    make_concluded_inspection,
    make_finding,
    make_unit,
    make_user,
    work_every_day,
)
from tests.smtp import smtp_config

DAY0 = dt.date(2027, 3, 1)
CODE = re.compile(r"RM-F\d")


@pytest.fixture
def app_config(smtp_server):
    return {**smtp_config(smtp_server), "BASE_URL": "https://kiemtra.phuhoa.example.vn"}


def day(n):
    return DAY0 + dt.timedelta(days=n)


@pytest.fixture(autouse=True)
def every_day_worked(app):
    """The walks count every calendar day: no weekends or holidays in this calendar
    (tests/test_reminder_days_off.py has the real one)."""
    work_every_day(day(-30), day(90))


# --- the stage rule -------------------------------------------------------------------------


def test_reminder_stages_before_on_and_after_the_deadline():
    policy = StagePolicy((-7, -3, -1, 0), 7)
    stages = {offset: policy.stage_on(offset) for offset in range(-10, 23)}
    assert [stages[o] for o in (-10, -8)] == [None, None]
    assert [stages[o] for o in (-7, -6, -4)] == [-7, -7, -7]
    assert [stages[o] for o in (-3, -2, -1, 0, 1, 6)] == [-3, -3, -1, 0, 0, 0]
    assert [stages[o] for o in (7, 13, 14, 21, 22)] == [7, 7, 14, 21, 21]


def test_escalation_stages_and_a_policy_without_repeats():
    assert [StagePolicy((7,), 14).stage_on(o) for o in (6, 7, 20, 21, 35)] == \
        [None, 7, 7, 21, 35]
    assert [StagePolicy((-3, 0), 0).stage_on(o) for o in (-3, 0, 40)] == [-3, 0, 0]


# --- the calendar walk --------------------------------------------------------------------


@pytest.fixture
def people():
    """Two units with heads (one reading English), a leader and an inspection lead."""
    hoa_an = make_unit("X-HOAAN", "Xã Hòa An", email="ubnd@hoaan.example.vn")
    noi_vu = make_unit("P-NOIVU", "Phòng Nội vụ", kind_code="phong_ban")
    return {
        "unit_a": hoa_an, "unit_b": noi_vu,
        "head_a": make_user("chutich", role="unit_head", unit=hoa_an,
                            email="chutich@hoaan.example.vn"),
        "head_b": make_user("truongphong", role="unit_head", unit=noi_vu,
                            email="truongphong@noivu.example.vn", locale="en"),
        "leader": make_user("lanhdao", role="leader", email="lanhdao@phuhoa.example.vn"),
        "lead": make_user("truongdoan", role="inspector", email="truongdoan@phuhoa.example.vn"),
        # Without an address: never a recipient.
        "silent_leader": make_user("lanhdao2", role="leader"),
    }


def findings_for(people):
    """F1, F2 (unit A), F3, F4 (unit B) open; F5 resolved and F6 draft never remind."""
    inspection_a = make_concluded_inspection(people["unit_a"], lead=people["lead"])
    inspection_b = make_concluded_inspection(people["unit_b"], lead=people["lead"])
    spec = {"RM-F1": (inspection_a, 10, "open"), "RM-F2": (inspection_a, 12, "open"),
            "RM-F3": (inspection_b, 20, "open"), "RM-F4": (inspection_b, 30, "open"),
            "RM-F5": (inspection_a, 5, "resolved"), "RM-F6": (inspection_a, 5, "draft")}
    return {code: make_finding(inspection=inspection, status=status, deadline=day(offset),
                               code=code, title=f"Tồn tại thứ {code[-1]}")
            for code, (inspection, offset, status) in spec.items()}


# When each finding is reminded and escalated, written out from the policy by hand:
# reminders 7, 3, 1 days before, on the day, then every 7 days; escalation at 7 days
# overdue, then every 14 days. F3: report sent on day 15, changes requested on day 25
# (one catch-up reminder that day). F4: deadline moved from day 30 to day 45 on day 28.
REMINDER_DAYS = {
    "RM-F1": [3, 7, 9, 10, 17, 24, 31, 38, 45, 52, 59],
    "RM-F2": [5, 9, 11, 12, 19, 26, 33, 40, 47, 54],
    "RM-F3": [13, 25, 27, 34, 41, 48, 55],
    "RM-F4": [23, 27, 38, 42, 44, 45, 52, 59],
}
ESCALATION_DAYS = {
    "RM-F1": [17, 31, 45, 59],
    "RM-F2": [19, 33, 47],
    "RM-F3": [27, 41, 55],
    "RM-F4": [52],
}


def expected_mail(people):
    """{(day, kind, address): [codes in deadline order]} from the schedules above."""
    unit_a = [people["head_a"].email, people["unit_a"].email]
    unit_b = [people["head_b"].email]
    reminder_to = {"RM-F1": unit_a, "RM-F2": unit_a, "RM-F3": unit_b, "RM-F4": unit_b}
    escalation_to = [people["leader"].email, people["lead"].email]
    expected = defaultdict(list)
    for code, days in REMINDER_DAYS.items():
        for n in days:
            for address in reminder_to[code]:
                expected[(n, "reminder", address)].append(code)
    for code, days in ESCALATION_DAYS.items():
        for n in days:
            for address in escalation_to:
                expected[(n, "escalation", address)].append(code)
    return expected


def deadline_order(findings, codes, n):
    """codes sorted by the deadline in force on day n (F4 moved on day 28)."""
    def deadline(code):
        if code == "RM-F4" and n >= 28:
            return day(45)
        return findings[code].deadline
    return sorted(codes, key=lambda code: (deadline(code), code))


def events(findings, people):
    """What the people do on given days of the walk."""
    def report_f3():
        submit_report(people["head_b"], Finding.get_by_id(findings["RM-F3"].id),
                      "Đã khắc phục, gửi kèm minh chứng.")

    def changes_f3():
        finding = Finding.get_by_id(findings["RM-F3"].id)
        request_changes(people["lead"], finding.responses.get(), "Chưa đủ minh chứng.")

    def extend_f4():
        finding = Finding.get_by_id(findings["RM-F4"].id)
        extension = request_extension(people["head_b"], finding, day(45), "Chờ kinh phí.")
        decide_extension(people["lead"], extension, True)

    return {15: report_f3, 25: changes_f3, 28: extend_f4}


def kind_of(received):
    """reminder or escalation, from the outbox row the received message came from."""
    row = OutboxMessage.get(OutboxMessage.message_id == received.message_id)
    return row.dedupe_key.split(":", 1)[0]


def at_seven(n):
    """Travel to 07:00 local time on day n of the walk."""
    moment = dt.datetime.combine(day(n), dt.time(7, 0), tzinfo=clock.zone())
    return time_machine.travel(moment, tick=False)


def walk(days, findings, people, smtp_server, on_day=None):
    """Run the daily jobs on the given days; return {(day, kind, address): [codes]}.

    The people's actions (on_day, by default events()) happen on their own day, before
    that day's jobs, also when the walk skips the day itself.
    """
    actions = dict(events(findings, people) if on_day is None else on_day)
    seen, got = 0, {}
    for n in days:
        for m in sorted(m for m in actions if m <= n):
            with at_seven(m):
                actions.pop(m)()
        with at_seven(n):
            run_reminders(clock.today())
            run_escalation(clock.today())
            sender.send_pending()
        received = smtp_server.received()
        for message in received[seen:]:
            kind = kind_of(message)
            if kind not in ("reminder", "escalation"):
                continue
            [address] = message.rcpt_tos
            key = (n, kind, address)
            assert key not in got, f"two {kind} e-mails to {address} on day {n}"
            got[key] = CODE.findall(message.body("plain"))
        seen = len(received)
    return got


def test_sixty_days_send_exactly_the_expected_digests(app, smtp_server, people):
    findings = findings_for(people)
    got = walk(range(60), findings, people, smtp_server)
    expected = {key: deadline_order(findings, codes, key[0])
                for key, codes in expected_mail(people).items()}
    assert got == expected


def test_digests_are_in_the_recipients_language_with_links(app, smtp_server, people):
    findings = findings_for(people)
    walk([9], findings, people, smtp_server)
    [vietnamese] = smtp_server.to(people["head_a"].email)
    with force_locale("vi"):
        assert vietnamese.subject == ngettext(
            "Reminder: %(num)d item awaits your remediation report",
            "Reminder: %(num)d items await your remediation report", 2)
    assert "RM-F1. Tồn tại thứ 1" in vietnamese.body("plain")
    link = f"https://kiemtra.phuhoa.example.vn/findings/{findings['RM-F1'].id}"
    assert link in vietnamese.body("plain") and f'href="{link}"' in vietnamese.body("html")
    assert vietnamese.email["Content-Language"] == "vi"
    assert people["head_a"].full_name in vietnamese.body("plain")
    # The unit's shared mailbox gets the same digest, in Vietnamese, unaddressed.
    [shared] = smtp_server.to(people["unit_a"].email)
    assert shared.email["Content-Language"] == "vi"
    assert CODE.findall(shared.body("plain")) == ["RM-F1", "RM-F2"]


def test_the_same_day_twice_sends_nothing_new(app, smtp_server, people):
    findings_for(people)
    walk([9], {}, people, smtp_server, on_day={})
    first = len(smtp_server.received())
    assert first > 0
    with at_seven(9):
        assert run_reminders(clock.today()) == {"items": 0, "emails": 0, "unaddressed": 0}
        assert run_escalation(clock.today())["emails"] == 0
        sender.send_pending()
    assert len(smtp_server.received()) == first


def test_a_ten_day_gap_catches_up_with_one_reminder_per_finding(app, smtp_server, people):
    findings = findings_for(people)
    got = walk([0, 1, 2, 3, 14, 15], findings, people, smtp_server, on_day={})
    # Day 3: F1 at 7 days before. Day 14 (after the gap): one reminder per finding at the
    # latest stage reached (F1 due day, F2 due day, F3 7 days before), none repeated.
    assert got[(3, "reminder", people["head_a"].email)] == ["RM-F1"]
    assert got[(14, "reminder", people["head_a"].email)] == ["RM-F1", "RM-F2"]
    assert got[(14, "reminder", people["head_b"].email)] == ["RM-F3"]
    assert (15, "reminder", people["head_a"].email) not in got
    stages = {(log.entity_id, log.stage) for log in ReminderLog.select()
              .where(ReminderLog.kind == "reminder")}
    assert stages == {(findings["RM-F1"].id, -7), (findings["RM-F1"].id, 0),
                      (findings["RM-F2"].id, 0), (findings["RM-F3"].id, -7)}


def test_an_extension_restarts_the_stages(app, smtp_server, people):
    findings = findings_for(people)
    f4 = findings["RM-F4"]

    def extend():
        finding = Finding.get_by_id(f4.id)
        extension = request_extension(people["head_b"], finding, day(31), "Chờ kinh phí.")
        decide_extension(people["leader"], extension, True)

    got = walk([23, 24, 27, 28, 29, 30], {"RM-F4": f4}, people, smtp_server,
               on_day={24: extend})
    reminded = sorted(n for (n, kind, address), codes in got.items()
                      if kind == "reminder" and "RM-F4" in codes)
    # Old deadline day 30: 7 days before on day 23. New deadline day 31 from day 24:
    # 7 days before (day 24), 3 days before (day 28), 1 day before (day 30).
    assert reminded == [23, 24, 28, 30]


def test_settings_change_the_policy(app, smtp_server, people):
    Setting.create(key="reminder_days_before", value="2")
    Setting.create(key="reminder_overdue_every_days", value="0")
    findings = findings_for(people)
    got = walk(range(0, 30), {"RM-F1": findings["RM-F1"]}, people, smtp_server, on_day={})
    to_head = {n: codes for (n, kind, address), codes in got.items()
               if kind == "reminder" and address == people["head_a"].email}
    # 2 days before and on the day; no repeats while overdue.
    assert to_head == {8: ["RM-F1"], 10: ["RM-F1", "RM-F2"], 12: ["RM-F2"]}


def test_escalation_names_no_one_without_an_address_and_reaches_the_lead(
        app, smtp_server, people):
    findings = findings_for(people)
    walk([17], {"RM-F1": findings["RM-F1"]}, people, smtp_server, on_day={})
    escalated = [m for m in smtp_server.received() if kind_of(m) == "escalation"]
    assert sorted(m.rcpt_tos[0] for m in escalated) == sorted(
        [people["leader"].email, people["lead"].email])
    assert "Xã Hòa An" in escalated[0].body("plain")


# --- a long escalation becomes a summary -----------------------------------------------------


def escalated_on_day_45(people, smtp_server):
    """The four findings escalated on day 45 (F1 to F4 all overdue), to the leader."""
    findings_for(people)
    walk([45], {}, people, smtp_server, on_day={})
    [message] = [m for m in smtp_server.to(people["leader"].email)
                 if kind_of(m) == "escalation"]
    return message


def test_an_escalation_above_the_threshold_is_a_summary(app, smtp_server, people, monkeypatch):
    monkeypatch.setattr(reminders, "ESCALATION_SUMMARY_ABOVE", 3)
    monkeypatch.setattr(reminders, "SUMMARY_LONGEST", 2)
    message = escalated_on_day_45(people, smtp_server)
    text, page = message.body("plain"), message.body("html")
    # Counts per unit, most first, then the two longest overdue and the filtered list.
    assert "4 mục đã quá hạn" in text
    assert re.search(r"- Phòng Nội vụ: 2\n+- Xã Hòa An: 2", text)
    assert CODE.findall(text) == ["RM-F1", "RM-F2"]
    assert CODE.findall(page) == ["RM-F1", "RM-F2"]
    link = "https://kiemtra.phuhoa.example.vn/findings?status=overdue"
    assert link in text and f'href="{link}"' in page
    assert "<li>Phòng Nội vụ: 2</li>" in page
    # Every item is logged all the same: the next run does not send them again.
    assert ReminderLog.select().where(ReminderLog.kind == "escalation").count() == 4


def test_an_escalation_at_the_threshold_lists_every_item(app, smtp_server, people, monkeypatch):
    monkeypatch.setattr(reminders, "ESCALATION_SUMMARY_ABOVE", 4)
    monkeypatch.setattr(reminders, "SUMMARY_LONGEST", 2)
    message = escalated_on_day_45(people, smtp_server)
    assert CODE.findall(message.body("plain")) == ["RM-F1", "RM-F2", "RM-F3", "RM-F4"]
    assert "status=overdue" not in message.body("plain") + message.body("html")
