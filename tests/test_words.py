"""Words of the interface: the outbox's recipients, the inspection page to an outsider,
the discipline deadline in the escalation digest, links to the port served."""
import datetime as dt
import re

import pytest

from inspect_app import clock
from inspect_app.config import from_environment
from inspect_app.jobs.reminders import run_escalation
from inspect_app.mail import sender
from inspect_app.mail.outbox import enqueue
from tests.factories import (
    issue_findings,
    make_case,
    make_criteria_set,
    make_inspection_in_progress,
    make_unit,
    make_user,
    record_draft,
    work_every_day,
)
from tests.helpers import sign_in, text
from tests.smtp import smtp_config


@pytest.fixture
def app_config(smtp_server):
    return smtp_config(smtp_server)


def test_outbox_names_the_recipients_not_a_date(app, client):
    enqueue("test:1", ["vanthu@hoaan.example.vn"], "Nhắc hạn", "Nội dung", "<p>Nội dung</p>")
    make_user("quantri", role="admin")
    sign_in(client, "quantri")
    page = text(client.get("/admin/outbox"))
    assert "Người nhận" in page and "Đến ngày" not in page


def test_an_inspector_off_the_team_is_told_why_there_is_nothing_to_do(app, client):
    inspection = make_inspection_in_progress(unit=make_unit("X-HOAAN", "Xã Hòa An"))
    make_user("ngoaidoan", role="inspector")
    sign_in(client, "ngoaidoan")
    page = text(client.get(f"/inspections/{inspection.id}"))
    assert "Bạn không thuộc đoàn kiểm tra này" in page
    assert "Ghi nhận tồn tại, hạn chế" not in page


def test_the_team_lead_gets_the_buttons_and_no_explanation(app, client):
    inspection = make_inspection_in_progress(unit=make_unit("X-HOAAN", "Xã Hòa An"))
    sign_in(client, inspection.lead)
    page = text(client.get(f"/inspections/{inspection.id}"))
    assert "Ghi nhận tồn tại, hạn chế" in page
    assert "Bạn không thuộc đoàn kiểm tra này" not in page


def test_the_escalation_digest_calls_a_cases_deadline_the_processing_deadline(
        app, smtp_server):
    opened = dt.date(2027, 1, 4)
    deadline = opened + dt.timedelta(days=90)
    work_every_day(opened, deadline + dt.timedelta(days=30))
    make_user("lanhdao", role="leader", email="lanhdao@phuhoa.example.vn")
    make_case(unit=make_unit("X-HOAAN", "Xã Hòa An"), opened_on=opened)
    run_escalation(deadline + dt.timedelta(days=7))
    sender.send_pending()
    [message] = smtp_server.to("lanhdao@phuhoa.example.vn")
    assert "Thời hạn xử lý:" in message.body("plain")
    assert "Thời hạn khắc phục" not in message.body("plain")
    assert "Thời hạn xử lý:" in message.body("html")


def test_links_in_emails_lead_to_the_port_served_by_default(
        make_app, monkeypatch, tmp_path, smtp_server):
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.delenv("BASE_URL", raising=False)
    base_url = from_environment(str(tmp_path))["BASE_URL"]
    assert base_url == "http://127.0.0.1:8123"
    other = make_app("port.db", migrated=True, BASE_URL=base_url, **smtp_config(smtp_server))
    with other.app_context():
        commune = make_unit("X-HOAAN", "Xã Hòa An", email="ubnd@hoaan.example.vn")
        inspection = make_inspection_in_progress(
            unit=commune, start=clock.today() - dt.timedelta(days=5))
        record_draft(inspection, title="Hồ sơ trễ hạn", responsible_unit=commune)
        [finding] = issue_findings(inspection, conclusion_no="12/KL-UBND")
        sender.send_pending()
    [message] = smtp_server.to("ubnd@hoaan.example.vn")
    assert f"http://127.0.0.1:8123/findings/{finding.id}" in message.body("plain")


def test_team_members_are_chosen_from_a_list_of_checkboxes(app, client):
    make_unit("X-HOAAN", "Xã Hòa An")
    make_user("quanly", role="admin")
    names = ["Trần Văn Đông", "Lê Thị Ân", "Nguyễn Văn Anh"]
    inspectors = [make_user(f"tt{index}", role="inspector", full_name=name)
                  for index, name in enumerate(names)]
    sign_in(client, "quanly")
    page = text(client.get("/inspections/new"))
    boxes = re.findall(r'<input[^>]*type="checkbox"[^>]*>\s*<label[^>]*>([^<]*)</label>', page)
    assert [name for name in boxes if name in names] == \
        ["Lê Thị Ân", "Nguyễn Văn Anh", "Trần Văn Đông"]
    for inspector in inspectors:
        assert re.search(rf'<input[^>]*name="members"[^>]*value="{inspector.id}"', page) or \
            re.search(rf'<input[^>]*value="{inspector.id}"[^>]*name="members"', page)
    assert "Ctrl" not in page and '<select multiple' not in page
    # The search box is the static script's; no script runs inline (CSP).
    assert 'src="/static/js/pick-list.js"' in page
    assert "<script>" not in page


def test_every_choice_of_several_is_a_list_of_checkboxes(app, client):
    make_unit("X-HOAAN", "Xã Hòa An")
    make_user("quanly", role="admin")
    make_user("tt1", role="inspector", full_name="Lê Thị Ân")
    draft = make_criteria_set(publish=False)
    sign_in(client, "quanly")
    for url, names in [
            ("/assessments/new", ["kinds", "units", "team"]),
            ("/admin/units/reorganise", ["predecessors", "successors"]),
            ("/criteria/new", ["kinds"]),
            (f"/criteria/{draft.id}/nodes/new", ["applies_to"])]:
        page = text(client.get(url))
        assert "Ctrl" not in page and "<select multiple" not in page, url
        for name in names:
            assert re.search(rf'<fieldset data-pick-list>.*?<input[^>]*type="checkbox"'
                             rf'[^>]*name="{name}"', page, re.S) or \
                re.search(rf'<fieldset data-pick-list>.*?<input[^>]*name="{name}"'
                          rf'[^>]*type="checkbox"', page, re.S), (url, name)
