"""Reminders on the real working calendar: nothing on a day off, one catch-up digest the
next working day at the latest stage, "days before" in working days (the default setting),
and days overdue in working days with each deadline's explanation in the digest."""
import datetime as dt

import pytest

from inspect_app.jobs.reminders import run_escalation, run_reminders
from inspect_app.mail import sender
from inspect_app.models import Finding, OutboxMessage, ReminderLog, Setting
from tests.factories import make_concluded_inspection, make_finding, make_unit, make_user
from tests.smtp import smtp_config

D = dt.date


@pytest.fixture
def app_config(smtp_server):
    return {**smtp_config(smtp_server), "BASE_URL": "https://kiemtra.phuhoa.example.vn"}


@pytest.fixture
def unit(app):
    """A commune with a head who reads e-mail."""
    hoa_an = make_unit("X-HOAAN", "Xã Hòa An")
    make_user("chutich", role="unit_head", unit=hoa_an, email="chutich@hoaan.example.vn")
    return hoa_an


def finding(unit, deadline, code):
    """An open finding of unit due on deadline."""
    return make_finding(unit=unit, inspection=make_concluded_inspection(unit),
                        deadline=deadline, code=code, title=f"Tồn tại {code}")


def walk(first, last):
    """Run the reminders every day from first to last: {day: [codes in its digest]}."""
    sent, day = {}, first
    while day <= last:
        before = OutboxMessage.select().count()
        run_reminders(day)
        for message in OutboxMessage.select().order_by(OutboxMessage.id).offset(before):
            assert day not in sent, f"two digests on {day}"
            sent[day] = [code for code in ("KL-A", "KL-B") if code in message.body_text]
        day += dt.timedelta(days=1)
    return sent


def test_days_before_count_working_days_and_skip_weekends_and_tet(app, unit):
    # Due Monday 23/02/2026, the first working day after the Tết break (14 to 22/02).
    finding(unit, D(2026, 2, 23), "KL-A")
    sent = walk(D(2026, 2, 2), D(2026, 2, 25))
    # 7 working days before: Thu 05/02 (6, 9, 10, 11, 12, 13/02 and 23/02 follow it); 3
    # before: Wed 11/02; 1 before: Fri 13/02, the last working day before Tết; on the day:
    # Mon 23/02.
    assert sent == {D(2026, 2, 5): ["KL-A"], D(2026, 2, 11): ["KL-A"],
                    D(2026, 2, 13): ["KL-A"], D(2026, 2, 23): ["KL-A"]}


def test_a_stage_that_spans_tet_is_not_sent_twice(app, unit):
    # Due Monday 02/03/2026. 7 working days before it: Thu 12/02 (13/02 and 23 to 27/02
    # follow it, and 02/03); the stage still holds after Tết, on 23 and 24/02, eleven and
    # twelve days after it was sent. 3 before: Wed 25/02; 1 before: Fri 27/02.
    finding(unit, D(2026, 3, 2), "KL-A")
    sent = walk(D(2026, 2, 9), D(2026, 3, 3))
    assert sent == {D(2026, 2, 12): ["KL-A"], D(2026, 2, 25): ["KL-A"],
                    D(2026, 2, 27): ["KL-A"], D(2026, 3, 2): ["KL-A"]}


def test_in_calendar_days_what_falls_in_tet_goes_out_once_after_it(app, unit):
    Setting.create(key="reminder_working_days", value="0")
    # Due Tuesday 17/02, in the break (a deadline fixed before the calendar knew it), and
    # Thursday 26/02: their stages of 14 to 22/02 are caught up on Monday 23/02, in one
    # digest, each at the latest stage it reached.
    a, b = finding(unit, D(2026, 2, 17), "KL-A"), finding(unit, D(2026, 2, 26), "KL-B")
    sent = walk(D(2026, 2, 9), D(2026, 2, 26))
    assert sent == {D(2026, 2, 10): ["KL-A"],          # 7 days before
                    D(2026, 2, 23): ["KL-A", "KL-B"],  # A on the day, B 3 days before
                    D(2026, 2, 24): ["KL-A"],          # A 7 days overdue
                    D(2026, 2, 25): ["KL-B"],          # B 1 day before
                    D(2026, 2, 26): ["KL-B"]}          # B on the day
    stages = sorted((log.entity_id, log.stage, log.sent_on) for log in ReminderLog.select())
    assert stages == [(a.id, -7, D(2026, 2, 10)), (a.id, 0, D(2026, 2, 23)),
                      (a.id, 7, D(2026, 2, 24)), (b.id, -3, D(2026, 2, 23)),
                      (b.id, -1, D(2026, 2, 25)), (b.id, 0, D(2026, 2, 26))]


def test_a_run_on_a_day_off_sends_nothing_and_says_so(app, unit):
    finding(unit, D(2026, 2, 9), "KL-A")
    for day in (D(2026, 2, 14), D(2026, 2, 17), D(2026, 8, 31), D(2026, 1, 2)):
        assert run_reminders(day) == {"items": 0, "emails": 0, "unaddressed": 0,
                                      "day_off": True}
        assert run_escalation(day)["day_off"] is True
    assert OutboxMessage.select().count() == 0 and ReminderLog.select().count() == 0
    # Saturday 10/01/2026 is a make-up working day: the jobs run.
    assert "day_off" not in run_reminders(D(2026, 1, 10))


def test_the_command_line_says_a_day_off_sends_nothing(app, unit, runner):
    result = runner.invoke(args=["jobs", "reminders", "--today", "2026-02-16"])
    assert result.output.strip() == ("Reminders: 2026-02-16 is a day off, nothing sent; the "
                                     "next working day catches up.")


def test_a_digest_shows_days_overdue_in_working_days_and_how_each_deadline_was_counted(
        app, unit, smtp_server):
    late = finding(unit, D(2026, 2, 13), "KL-A")
    Finding.update(deadline_unit="working_days", deadline_from=D(2026, 1, 23),
                   deadline_days=15).where(Finding.id == late.id).execute()
    # Tuesday 24/02: 11 days after Friday 13/02, of which Monday 23 and Tuesday 24 worked.
    run_reminders(D(2026, 2, 24))
    sender.send_pending()
    [message] = smtp_server.to("chutich@hoaan.example.vn")
    body = message.body("plain")
    assert "(quá hạn 11 ngày (2 ngày làm việc))" in body
    assert "15 ngày làm việc kể từ 23/01/2026: đến hết 13/02/2026" in body
    assert "quá hạn 11 ngày (2 ngày làm việc)" in message.body("html")
