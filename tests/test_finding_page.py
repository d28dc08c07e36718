"""The finding page puts first what its viewer has to do, and says why when there is
nothing: the unit head's report form above the details, the leader's reason, the next
steps after recording a finding."""
import datetime as dt
import re

import pytest
import time_machine

from inspect_app import audit, cache
from inspect_app.auth import services as auth_services
from inspect_app.findings import services
from inspect_app.models import Category, Finding, User
from tests.factories import (
    PASSWORD,
    issue_findings,
    make_inspection_in_progress,
    make_unit,
    make_user,
    record_draft,
)
from tests.helpers import location, parse, sign_in, text, tr

T0 = dt.datetime(2030, 1, 10, 3, 0, tzinfo=dt.timezone.utc)

LEADER_REASON = ("Leaders follow findings: the inspection team reviews the unit's reports, "
                 "and a request for more time comes to you when the unit sends one.")


@pytest.fixture(autouse=True)
def frozen_time():
    """Every test runs on 10 January 2030, during the inspection."""
    with time_machine.travel(T0, tick=False):
        yield


@pytest.fixture
def world(app):
    """An inspection in progress of a commune, its head, the team lead and a leader."""
    unit = make_unit("HOA-AN", "Xã Hòa An")
    head = make_user("truongxa", role="unit_head", unit=unit)
    lead = make_user("truongdoan", role="inspector")
    leader = make_user("lanhdao", role="leader")
    inspection = make_inspection_in_progress(unit=unit, lead=lead)
    return {"unit": unit, "head": head, "lead": lead, "leader": leader,
            "inspection": inspection}


@pytest.fixture
def open_finding(world):
    """An issued finding of the commune, open."""
    record_draft(world["inspection"], title="Chưa niêm yết thủ tục hành chính")
    return issue_findings(world["inspection"])[0]


def finding_page(client, finding):
    """The finding's page as text."""
    response = client.get(f"/findings/{finding.id}")
    assert response.status_code == 200
    return text(response)


def test_unit_heads_report_form_comes_before_the_details_and_history(app, client, world,
                                                                      open_finding):
    sign_in(client, world["head"])
    page = finding_page(client, open_finding)
    form = page.index(f'action="/findings/{open_finding.id}/responses"')
    assert form < page.index(tr(app, "Responsible unit"))
    assert form < page.index(tr(app, "History"))
    tags, _scripts = parse(page)
    textarea = next(attrs for tag, attrs in tags
                    if tag == "textarea" and attrs.get("name") == "report-body")
    assert int(textarea["rows"]) >= 6


def test_leader_is_told_why_there_is_no_action(app, client, world, open_finding):
    sign_in(client, world["leader"])
    page = finding_page(client, open_finding)
    assert tr(app, "Nothing for you to do here") in page
    assert tr(app, LEADER_REASON) in page
    assert 'method="post"' not in page.split("<main", 1)[1].split("</main>")[0]


def test_leader_deciding_a_request_gets_the_decision_not_the_reason(app, client, world,
                                                                   open_finding):
    services.request_extension(world["head"], open_finding, dt.date(2030, 3, 1),
                               "Chờ kinh phí")
    sign_in(client, world["leader"])
    page = finding_page(client, open_finding)
    assert tr(app, "Request for more time") in page
    assert tr(app, "Nothing for you to do here") not in page


def test_unit_head_waiting_for_review_and_a_decision_is_told_so(app, client, world,
                                                                 open_finding):
    services.submit_report(world["head"], open_finding, "Đã niêm yết đầy đủ", [])
    services.request_extension(world["head"], Finding.get_by_id(open_finding.id),
                               dt.date(2030, 3, 1), "Chờ kinh phí")
    sign_in(client, world["head"])
    page = finding_page(client, open_finding)
    assert tr(app, "The report has been sent: the inspection team reviews it next.") in page
    assert 'action="/findings/' not in page


def test_closed_finding_says_nothing_is_left(app, client, world, open_finding):
    Finding.update(status="resolved").where(Finding.id == open_finding.id).execute()
    sign_in(client, world["head"])
    page = finding_page(client, open_finding)
    assert tr(app, "This finding is closed: nothing is left to do on it.") in page


def test_after_recording_a_finding_the_page_offers_another_and_the_inspection(app, client,
                                                                              world):
    inspection = world["inspection"]
    sign_in(client, world["lead"])
    response = client.post(f"/inspections/{inspection.id}/findings/new", data={
        "category": Category.get(Category.code == "TTHC-NIEMYET").id, "severity": "high",
        "title": "Chưa niêm yết TTHC", "responsible_unit": world["unit"].id,
        "deadline": "", "deadline_days": ""})
    page = text(client.get(location(response)))
    steps = page.split('class="d-flex flex-wrap gap-2 finding-next-steps"', 1)[1]
    links = {label: href for href, label in
             re.findall(r'<a class="[^"]*" href="([^"]*)">([^<]*)</a>', steps.split("</p>")[0])}
    assert links[tr(app, "Record another finding")] == \
        f"/inspections/{inspection.id}/findings/new"
    assert links[tr(app, "Back to the inspection")] == f"/inspections/{inspection.id}"


def test_the_kept_details_show_cases_only_to_those_who_handle_discipline(app, client, world,
                                                                        open_finding):
    """The details are kept once for every viewer, the disciplinary cases apart."""
    for _round in range(2):
        sign_in(client, world["lead"])
        page = finding_page(client, open_finding)
        assert tr(app, "Disciplinary cases") in page and tr(app, "History") in page
        sign_in(client, world["head"])
        page = finding_page(client, open_finding)
        assert tr(app, "Disciplinary cases") not in page and tr(app, "History") in page


def test_the_kept_details_follow_reports_names_and_history(app, client, world, open_finding):
    """A report, a renamed author and an event about the finding alone show at once."""
    sign_in(client, world["lead"])
    assert "Đã niêm yết đầy đủ" not in finding_page(client, open_finding)
    services.submit_report(world["head"], open_finding, "Đã niêm yết đầy đủ", [])
    page = finding_page(client, open_finding)
    old_name = world["head"].full_name
    assert "Đã niêm yết đầy đủ" in page and old_name in page
    auth_services.update_user(None, world["head"], "Nguyễn Văn Đổi Tên", "unit_head",
                              world["unit"], "", "vi")
    page = finding_page(client, open_finding)
    assert "Nguyễn Văn Đổi Tên" in page and old_name not in page
    audit.record(world["lead"], "reopen", open_finding, {"reason": "Ghi chú chỉ ở lịch sử"})
    assert "Ghi chú chỉ ở lịch sử" in finding_page(client, open_finding)


def test_signing_in_or_switching_language_keeps_what_is_kept(app, client, world,
                                                             open_finding):
    """Neither changes what any page shows, so neither raises the data version."""
    before = cache.data_version()
    sign_in(client, world["head"])
    client.post("/language", data={"lang": "en", "next": "/"})
    auth_services.change_password(User.get_by_id(world["head"].id), PASSWORD,
                                  "một mật khẩu mới rất dài 2030")
    assert cache.data_version() == before
    auth_services.update_user(None, User.get_by_id(world["head"].id), "Tên Mới",
                              "unit_head", world["unit"], "", "en")
    assert cache.data_version() > before
