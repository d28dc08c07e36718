"""The monthly e-mails: who gets what, once per month, and missed months caught up."""
import base64
import datetime as dt
import json
import os

import pytest
import time_machine

from inspect_app import settings
from inspect_app.admin.services import save_settings
from inspect_app.errors import WorkflowError
from inspect_app.jobs.monthly_mail import months_to_send, send_monthly_summaries
from inspect_app.mail import outbox
from inspect_app.models import OutboxMessage
from inspect_app.pdf import documents, parallel
from inspect_app.reports.monthly import monthly_summary
from tests.factories import make_issued_finding, make_unit, make_user, set_authority
from tests.helpers import pdf_text, tr

# 07:30 in Hanoi on 1 November 2026, when the monthly job runs.
NOW = dt.datetime(2026, 11, 1, 0, 30, tzinfo=dt.timezone.utc)
TODAY = dt.date(2026, 11, 1)
D = dt.date


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people(app):
    """Leaders in both languages, a leader without e-mail, an inactive one, unit heads."""
    set_authority()
    save_settings(None, {"monthly_recipients": "chutich@phuhoa.vn, VanPhong@phuhoa.vn\n"
                                               "lanhdao@phuhoa.vn"})
    hoa_an = make_unit("X-HOAAN", "Xã Hòa An")
    hoa_hoi = make_unit("X-HOAHOI", "Xã Hòa Hội")
    make_issued_finding(hoa_an, D(2026, 10, 2), D(2026, 10, 20), title="Chưa số hóa hồ sơ")
    make_issued_finding(hoa_hoi, D(2026, 10, 2), D(2026, 11, 20), title="Chưa niêm yết")
    inactive = make_user("cu", role="leader", email="cu@phuhoa.vn")
    inactive.active = False
    inactive.save()
    return {
        "leader_vi": make_user("lanhdao", role="leader", email="lanhdao@phuhoa.vn"),
        "leader_en": make_user("leader", role="leader", email="leader@phuhoa.vn",
                               locale="en"),
        "no_email": make_user("khongthu", role="leader"),
        "head_an": make_user("hoaan", role="unit_head", unit=hoa_an, email="an@phuhoa.vn"),
        "head_hoi": make_user("hoahoi", role="unit_head", unit=hoa_hoi,
                              email="hoi@phuhoa.vn", locale="en"),
        "inspector": make_user("thanhtra", role="inspector", email="tt@phuhoa.vn"),
        "hoa_an": hoa_an, "hoa_hoi": hoa_hoi,
    }


def queued(prefix=""):
    """{recipients: message} of the queued messages whose key starts with prefix."""
    return {m.recipients: m for m in OutboxMessage
            .select()
            .where(OutboxMessage.dedupe_key.startswith(prefix))}


def attached_pdf(message):
    """(file name, text) of the message's one PDF attachment."""
    [attachment] = json.loads(message.attachments)
    assert attachment["content_type"] == "application/pdf"
    return attachment["filename"], pdf_text(base64.b64decode(attachment["content_b64"]))


def test_leaders_and_listed_addresses_get_the_summary_pdf(app, people):
    result = send_monthly_summaries(TODAY)
    assert result["months"] == ["2026-10"]
    summaries = queued("monthly:2026-10:")
    # lanhdao@ is a leader and listed: one e-mail, as the leader.
    assert set(summaries) == {"lanhdao@phuhoa.vn", "leader@phuhoa.vn", "chutich@phuhoa.vn",
                              "VanPhong@phuhoa.vn"}
    assert summaries["lanhdao@phuhoa.vn"].dedupe_key == \
        f"monthly:2026-10:user:{people['leader_vi'].id}"
    assert summaries["VanPhong@phuhoa.vn"].dedupe_key == "monthly:2026-10:addr:vanphong@phuhoa.vn"
    expected_open = monthly_summary(2026, 10).totals.open_at_end
    for address, locale in [("lanhdao@phuhoa.vn", "vi"), ("leader@phuhoa.vn", "en"),
                            ("chutich@phuhoa.vn", "vi")]:
        message = summaries[address]
        assert message.locale == locale
        assert message.subject == tr(app, "Monthly summary %(month)s", locale,
                                     month="10/2026")
        name, text = attached_pdf(message)
        assert name == "bao-cao-thang-2026-10.pdf"
        assert tr(app, "MONTHLY SUMMARY %(month)s", locale, month="10/2026") in text
        assert f"{tr(app, 'Open at the end of the month', locale)} {expected_open}" in text
        assert "http://testserver/reports/monthly/2026-10" in message.body_text


def test_each_unit_head_gets_their_units_report(app, people):
    send_monthly_summaries(TODAY)
    reports = queued("unit-report:2026-10:")
    assert set(reports) == {"an@phuhoa.vn", "hoi@phuhoa.vn"}
    message = reports["hoi@phuhoa.vn"]
    assert message.dedupe_key == f"unit-report:2026-10:user:{people['head_hoi'].id}"
    assert message.subject == tr(app, "Remediation report of %(unit)s, %(month)s", "en",
                                 unit="Xã Hòa Hội", month="10/2026")
    name, text = attached_pdf(message)
    assert name == "bao-cao-khac-phuc-x-hoahoi-2026-11-01.pdf"
    assert "Chưa niêm yết" in text and "Chưa số hóa hồ sơ" not in text
    assert tr(app, "REMEDIATION REPORT", "en") in text
    assert "http://testserver/reports/units/X-HOAHOI" in message.body_text


def attached_bytes(message):
    """The bytes of the message's one attachment."""
    [attachment] = json.loads(message.attachments)
    return base64.b64decode(attachment["content_b64"])


def test_unit_reports_drawn_by_worker_processes_are_those_drawn_one_by_one(
        app, people, monkeypatch):
    # Two workers even on a machine with one core.
    monkeypatch.setattr(parallel, "processes_for", lambda count: 2)
    drawn_here = []
    real_draw = parallel.draw_report
    monkeypatch.setattr(parallel, "draw_report",
                        lambda *job: drawn_here.append(os.getpid()) or real_draw(*job))
    send_monthly_summaries(TODAY)
    reports = queued("unit-report:2026-10:")
    for address, unit, locale in [("an@phuhoa.vn", people["hoa_an"], "vi"),
                                  ("hoi@phuhoa.vn", people["hoa_hoi"], "en")]:
        one_by_one = documents.unit_report_pdf(unit, TODAY, locale)
        assert attached_bytes(reports[address]) == one_by_one
        assert pdf_text(attached_bytes(reports[address])) == pdf_text(one_by_one)
    # The workers drew them: this process drew none itself.
    assert drawn_here == []


def test_nobody_else_is_written_to(app, people):
    result = send_monthly_summaries(TODAY)
    recipients = set(queued())
    assert result["queued"] == len(recipients) == 6
    assert not recipients & {"cu@phuhoa.vn", "tt@phuhoa.vn"}


def test_running_twice_queues_nothing_new(app, people):
    first = send_monthly_summaries(TODAY)
    count = OutboxMessage.select().count()
    second = send_monthly_summaries(TODAY)
    assert (first["queued"], second["queued"]) == (6, 0)
    assert second["months"] == ["2026-10"]
    assert OutboxMessage.select().count() == count


def test_a_new_leader_gets_the_month_on_the_next_run(app, people):
    send_monthly_summaries(TODAY)
    make_user("moi", role="leader", email="moi@phuhoa.vn")
    assert send_monthly_summaries(TODAY)["queued"] == 1
    assert "moi@phuhoa.vn" in queued("monthly:2026-10:")


def mark_sent(month):
    """An outbox row as left by the monthly run of month."""
    outbox.enqueue(f"monthly:{month}:addr:cu@phuhoa.vn", ["cu@phuhoa.vn"], "Cũ", "Cũ")


def test_months_missed_while_the_scheduler_was_down_are_caught_up(app, people):
    mark_sent("2026-07")
    result = send_monthly_summaries(TODAY)
    assert result["months"] == ["2026-08", "2026-09", "2026-10"]
    for month in result["months"]:
        assert "leader@phuhoa.vn" in queued(f"monthly:{month}:")
    # Unit reports show today's state: sent once, with the previous month.
    assert {m.dedupe_key.split(":")[1] for m in queued("unit-report:").values()} == {"2026-10"}


def test_catching_up_goes_back_twelve_months_at_most(app):
    mark_sent("2024-01")
    months = months_to_send(TODAY)
    assert months[0].year == 2025 and str(months[0]) == "2025-11"
    assert len(months) == 12 and str(months[-1]) == "2026-10"


def test_the_first_run_sends_the_previous_month_only(app):
    assert [str(m) for m in months_to_send(TODAY)] == ["2026-10"]


def test_a_run_later_in_the_month_sends_nothing_more(app, people):
    send_monthly_summaries(TODAY)
    assert [str(m) for m in months_to_send(D(2026, 11, 20))] == ["2026-10"]
    assert send_monthly_summaries(D(2026, 11, 20))["queued"] == 0


def test_a_given_month_is_sent_alone_without_unit_reports(app, people):
    result = send_monthly_summaries(TODAY, "2026-08")
    assert result["months"] == ["2026-08"]
    assert queued("monthly:2026-08:") and not queued("unit-report:")


@pytest.mark.parametrize("month", ["2026-11", "2026-12", "2026-13", "xx"])
def test_a_month_not_over_or_malformed_is_refused(app, month):
    with pytest.raises(ValueError):
        send_monthly_summaries(TODAY, month)


def test_the_admin_lists_recipients_one_per_line_or_comma_separated(app):
    save_settings(None, {"monthly_recipients": "a@phuhoa.vn,\nb@phuhoa.vn\nc@phuhoa.vn"})
    assert settings.get_email_list("monthly_recipients") == ["a@phuhoa.vn", "b@phuhoa.vn",
                                                             "c@phuhoa.vn"]
    with pytest.raises(WorkflowError) as refused:
        save_settings(None, {"monthly_recipients": "a@phuhoa.vn, khong-phai-thu"})
    assert refused.value.field == "monthly_recipients"
