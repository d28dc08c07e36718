"""The job commands: each runs once and says what it did."""
import datetime as dt

import pytest

from inspect_app.models import OutboxMessage
from tests.factories import make_concluded_inspection, make_finding, make_unit, make_user
from tests.helpers import pdf_text
from tests.smtp import smtp_config


def overdue_finding():
    """A finding of a unit with a head, due on 10/12/2026; a leader to escalate to."""
    unit = make_unit(email="ubnd@example.vn")
    make_user(role="unit_head", unit=unit, email="head@example.vn")
    make_user(role="leader", email="leader@example.vn")
    inspection = make_concluded_inspection(unit, lead=make_user(email="lead@example.vn"))
    return make_finding(inspection=inspection, deadline=dt.date(2026, 12, 10))


def test_reminders_for_a_given_day_print_their_counts(runner):
    overdue_finding()
    result = runner.invoke(args=["jobs", "reminders", "--today", "2026-12-03"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == ("Reminders: 1 item(s) at a new stage, 2 digest(s) "
                                     "queued, 0 item(s) without a recipient.")
    again = runner.invoke(args=["jobs", "reminders", "--today", "2026-12-03"])
    assert "0 item(s) at a new stage, 0 digest(s)" in again.output
    assert OutboxMessage.select().count() == 2


def test_escalation_for_a_given_day(runner):
    overdue_finding()
    early = runner.invoke(args=["jobs", "escalate", "--today", "2026-12-16"])
    assert "Escalation: 0 item(s)" in early.output
    result = runner.invoke(args=["jobs", "escalate", "--today", "2026-12-17"])
    assert result.exit_code == 0, result.output
    assert "Escalation: 1 item(s) at a new stage, 2 digest(s) queued" in result.output
    recipients = {m.recipients for m in OutboxMessage.select()}
    assert recipients == {"leader@example.vn", "lead@example.vn"}


def test_a_bad_date_is_refused_clearly(runner):
    result = runner.invoke(args=["jobs", "reminders", "--today", "03/12/2026"])
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output or "%Y-%m-%d" in result.output


def test_send_mail_delivers_and_counts(runner, app):
    overdue_finding()
    runner.invoke(args=["jobs", "reminders", "--today", "2026-12-03"])
    result = runner.invoke(args=["jobs", "send-mail"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == ("Mail: 2 sent, 0 failed (will retry), 0 given up, "
                                     "0 taken by another sender.")
    assert {m.status for m in OutboxMessage.select()} == {"sent"}


def test_monthly_summary_arrives_at_the_mail_server_with_its_pdf(make_app, smtp_server):
    app = make_app("monthly.db", migrated=True, **smtp_config(smtp_server))
    with app.app_context():
        make_user(role="leader", email="lanhdao@phuhoa.example.vn", full_name="Hồ Thị Lan")
        overdue_finding()
        runner = app.test_cli_runner()
        result = runner.invoke(args=["jobs", "monthly", "--month", "2026-10"])
        assert result.exit_code == 0, result.output
        assert "month(s) 2026-10" in result.output
        runner.invoke(args=["jobs", "send-mail"])
        [received] = smtp_server.to("lanhdao@phuhoa.example.vn")
        [(filename, data)] = received.attachments()
        assert filename.endswith(".pdf")
        text = pdf_text(data)
        assert "10/2026" in text
        assert "Hồ Thị Lan" in received.body("plain")
        again = runner.invoke(args=["jobs", "monthly", "--month", "2026-10"])
        assert "0 e-mail(s) queued" in again.output


@pytest.mark.parametrize("month", ["2026-13", "10/2026", "2999-01"])
def test_a_bad_or_unfinished_month_is_refused(runner, month):
    result = runner.invoke(args=["jobs", "monthly", "--month", month])
    assert result.exit_code == 2
    assert "--month" in result.output
    assert OutboxMessage.select().count() == 0
