"""The staff dashboard and the report functions it reads."""
import datetime as dt
import re

import pytest
from peewee import fn
from playhouse.test_utils import count_queries

from inspect_app import clock
from inspect_app.models import FINDING_STATES, Finding
from inspect_app.reports import queries
from tests.factories import (
    PASSWORD,
    make_concluded_inspection,
    make_finding,
    make_unit,
    make_user,
)
from tests.helpers import location, text

TODAY = clock.today()
DAY = dt.timedelta(days=1)


def section(page, name):
    """The HTML of the dashboard section with class dashboard-<name>."""
    return page.split(f'class="col-lg-6 dashboard-{name}"', 1)[1].split("</section>", 1)[0]


def cells(html):
    """The text of the cells of each body row in html: [[cell, ...], ...]."""
    body = html.split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [[re.sub(r"<[^>]+>", "", cell).strip()
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]


def _resolved(unit, on_time, late):
    """on_time + late findings of unit resolved today."""
    for flag in [True] * on_time + [False] * late:
        make_finding(unit=unit, status="resolved", deadline=TODAY - DAY,
                     resolved_at=clock.now(), resolved_on_time=flag)


@pytest.fixture
def known(app):
    """Three communes with a known mix of overdue and resolved findings."""
    hoa_an = make_unit(name="Xã Hòa An")
    hoa_hoi = make_unit(name="Xã Hòa Hội")
    hoa_tri = make_unit(name="Xã Hòa Trị")
    for _ in range(3):
        make_finding(unit=hoa_an, deadline=TODAY - 3 * DAY)
    make_finding(unit=hoa_hoi, status="changes_requested", deadline=TODAY - DAY)
    make_finding(unit=hoa_hoi, status="submitted", deadline=TODAY - DAY)
    make_finding(unit=hoa_tri, status="draft", deadline=TODAY - DAY)
    make_finding(unit=hoa_tri, code="SAP-HAN", title="Số hóa kết quả TTHC",
                 deadline=TODAY + 5 * DAY)
    make_finding(unit=hoa_tri, code="XA-HAN", deadline=TODAY + 20 * DAY)
    _resolved(hoa_an, on_time=1, late=1)
    _resolved(hoa_hoi, on_time=3, late=0)
    _resolved(hoa_tri, on_time=1, late=3)
    make_finding(unit=hoa_hoi, status="resolved", resolved_at=clock.now() - dt.timedelta(400),
                 resolved_on_time=False)
    make_concluded_inspection(hoa_tri, title="Kiểm tra kỷ luật hành chính Hòa Trị",
                              start=TODAY, end=TODAY, status="planned")
    return {"hoa_an": hoa_an, "hoa_hoi": hoa_hoi, "hoa_tri": hoa_tri}


@pytest.fixture
def inspector_page(client, auth):
    """The home page as an inspector sees it (after the data exists)."""
    def get():
        make_user("thanhtra")
        auth.login("thanhtra")
        response = client.get("/")
        assert response.status_code == 200
        return text(response)
    return get


def test_overdue_by_unit_counts_running_findings_past_deadline(known):
    assert [(r["unit_name"], r["count"]) for r in queries.overdue_by_unit(TODAY)] == [
        ("Xã Hòa An", 3), ("Xã Hòa Hội", 1)]


def test_remediation_ranking_orders_units_by_on_time_rate(known):
    year_start = dt.date(TODAY.year, 1, 1)
    ranking = queries.remediation_rate_by_unit(year_start, TODAY)
    assert [(r["rank"], r["unit_name"], r["on_time"], r["late"], r["rate"])
            for r in ranking] == [(1, "Xã Hòa Hội", 3, 0, 100.0),
                                  (2, "Xã Hòa An", 1, 1, 50.0),
                                  (3, "Xã Hòa Trị", 1, 3, 25.0)]
    all_time = {r["unit_name"]: r for r in queries.remediation_rate_by_unit()}
    assert (all_time["Xã Hòa Hội"]["late"], all_time["Xã Hòa Hội"]["rate"]) == (1, 75.0)


def test_equal_rates_share_a_rank(app):
    for name in ("Xã A", "Xã B", "Xã C"):
        _resolved(make_unit(name=name), on_time=1, late=0 if name != "Xã C" else 1)
    assert [(r["rank"], r["unit_name"]) for r in queries.remediation_rate_by_unit()] == [
        (1, "Xã A"), (1, "Xã B"), (3, "Xã C")]


def test_unit_summary_counts(known):
    summary = queries.unit_summary(known["hoa_hoi"].id, TODAY)
    assert summary == {"open": 1, "due_soon": 0, "overdue": 1, "waiting_for_review": 1,
                       "resolved": 4}
    assert queries.unit_summary(known["hoa_tri"].id, TODAY)["due_soon"] == 1


def test_upcoming_deadlines_and_inspections_of_the_month(known):
    assert [r["code"] for r in queries.upcoming_deadlines(TODAY, days=14)] == ["SAP-HAN"]
    assert [r["title"] for r in queries.inspections_in_month(TODAY.year, TODAY.month)] == [
        "Kiểm tra kỷ luật hành chính Hòa Trị"]


def test_dashboard_numbers_equal_the_report_functions(known, inspector_page):
    page = inspector_page()
    counts = dict.fromkeys(FINDING_STATES, 0)
    counts.update(Finding.select(Finding.status, fn.COUNT(Finding.id))
                  .group_by(Finding.status).tuples())
    for status, count in counts.items():
        assert f'data-status="{status}">{count}</div>' in page
    assert cells(section(page, "overdue")) == [
        [r["unit_name"], str(r["count"])] for r in queries.overdue_by_unit(TODAY)]
    assert cells(section(page, "ranking")) == [
        ["1", "Xã Hòa Hội", "3", "0", "100,0 %"],
        ["2", "Xã Hòa An", "1", "1", "50,0 %"],
        ["3", "Xã Hòa Trị", "1", "3", "25,0 %"]]
    upcoming = cells(section(page, "upcoming"))
    assert upcoming == [[(TODAY + 5 * DAY).strftime("%d/%m/%Y"),
                         "SAP-HAN", "Số hóa kết quả TTHC", "Xã Hòa Trị"]]
    assert "Kiểm tra kỷ luật hành chính Hòa Trị" in section(page, "inspections")


def test_leader_sees_the_dashboard(client, auth, known):
    make_user("lanhdao", role="leader")
    auth.login("lanhdao")
    assert 'class="col-lg-6 dashboard-ranking"' in text(client.get("/"))


def test_unit_head_does_not_see_the_dashboard(client, auth, known):
    make_user("truongxa", role="unit_head", unit=known["hoa_an"])
    auth.login("truongxa")
    page = text(client.get("/"))
    assert "dashboard-ranking" not in page and "Xã Hòa Hội" not in page


def test_the_kept_figures_are_shown_in_each_reader_s_language_and_mount(app, known):
    """The figures' markup is kept once rendered: per language and per script root."""
    readers = {}
    for username, locale in (("thanhtra", "vi"), ("inspector", "en")):
        make_user(username, locale=locale)
        readers[username] = app.test_client()
        readers[username].post("/login", data={"username": username, "password": PASSWORD})
    for username in ("thanhtra", "inspector", "thanhtra"):
        for mount in ("/", "/thanhtra/", "/"):
            check_home(readers[username], username, mount)


def check_home(reader, username, mount):
    """The home page as reader sees it at mount: in the user's language, links under mount."""
    page = text(reader.get("/", base_url=f"http://localhost{mount}"))
    ranking = section(page, "ranking")
    if username == "thanhtra":
        assert "Tỷ lệ" in ranking and "Rate" not in ranking
    else:
        assert "Rate" in ranking and "Tỷ lệ" not in ranking
    links = re.findall(r'href="([^"]+)"', section(page, "overdue"))
    assert links and all(link.startswith(f"{mount.rstrip('/')}/findings?") for link in links)


def test_anonymous_is_sent_to_login(client, known):
    response = client.get("/")
    assert response.status_code == 302
    assert location(response).startswith("/login")


def _bulk(count):
    """count findings over five units: overdue, due soon, resolved on time or late."""
    units = [make_unit() for _ in range(5)]
    inspections = [make_concluded_inspection(unit, start=TODAY) for unit in units]
    for n in range(count):
        inspection = inspections[n % 5]
        if n % 3 == 0:
            make_finding(inspection=inspection, status="resolved", deadline=TODAY,
                         resolved_at=clock.now(), resolved_on_time=n % 2 == 0)
        else:
            make_finding(inspection=inspection, deadline=TODAY + (n % 20 - 10) * DAY)


def test_dashboard_makes_the_same_number_of_queries_for_10_and_500_findings(client, auth):
    make_user("thanhtra")
    auth.login("thanhtra")
    _bulk(10)
    with count_queries() as few:
        assert client.get("/").status_code == 200
    _bulk(490)
    with count_queries() as many:
        page = text(client.get("/"))
    assert many.count == few.count
    ranking = queries.remediation_rate_by_unit(dt.date(TODAY.year, 1, 1), TODAY)
    assert len(cells(section(page, "ranking"))) == len(ranking) == 9
