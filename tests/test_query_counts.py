"""Pages make the same number of queries whatever the amount of data (see bench/run.py)."""
import re
from decimal import Decimal

from playhouse.test_utils import count_queries

from inspect_app.findings import queries as findings_queries
from inspect_app.models import CriteriaNode
from tests.conftest import ON_POSTGRESQL
from tests.factories import (
    PASSWORD,
    make_concluded_inspection,
    make_criteria_set,
    make_finding,
    make_round,
    make_unit,
    make_user,
)


def queries_of(client, url):
    """The number of SQL queries one GET of url makes."""
    with count_queries() as counted:
        assert client.get(url).status_code == 200
    return counted.count


def add_findings(count):
    """count findings, each in an inspection of its own unit."""
    for _n in range(count):
        make_finding(inspection=make_concluded_inspection(make_unit()))


def test_staff_pages_make_as_many_queries_with_more_data(client, auth):
    make_user("thanhtra")
    auth.login("thanhtra")
    add_findings(1)
    urls = ["/", "/findings", "/findings?status=overdue", "/findings?q=tre+han",
            "/findings?page=2"]
    for url in urls:  # what the findings do not change is kept from now on (the calendar)
        queries_of(client, url)
    add_findings(1)
    before = {url: queries_of(client, url) for url in urls}
    add_findings(12)
    assert {url: queries_of(client, url) for url in urls} == before


def test_inspection_filter_keeps_an_older_inspection_asked_for(client, auth, monkeypatch):
    monkeypatch.setattr(findings_queries, "INSPECTION_CHOICES", 1)
    make_user("thanhtra")
    auth.login("thanhtra")
    older = make_concluded_inspection(make_unit(), title="Kiểm tra cũ")
    make_finding(inspection=older, code="OLD-1")
    make_finding(inspection=make_concluded_inspection(make_unit(), title="Kiểm tra mới"))
    page = client.get(f"/findings?inspection={older.id}").get_data(as_text=True)
    assert "OLD-1" in page
    option = re.search(rf'<option[^>]*value="{older.id}"[^>]*>Kiểm tra cũ', page)
    assert option and "selected" in option.group(0)


def big_set_rows(fields):
    """Criteria rows of fields fields, each of 5 criteria of 4 sub-criteria worth 0.5."""
    rows = []
    for f in range(1, fields + 1):
        rows.append({"code": str(f), "content": f"Lĩnh vực {f}", "max_points": "10"})
        for c in range(1, 6):
            rows.append({"code": f"{f}.{c}", "content": f"Tiêu chí {f}.{c}",
                         "max_points": "2"})
            rows += [{"code": f"{f}.{c}.{s}", "content": f"Tiêu chí con {f}.{c}.{s}",
                      "max_points": "0,5"} for s in range(1, 5)]
    return rows


def test_a_units_sheet_makes_as_many_queries_whatever_the_number_of_nodes(client):
    from inspect_app.assessments import services
    from inspect_app.assessments.queries import get_sheet

    admin, inspector = make_user(role="admin"), make_user(role="inspector")
    sheets = []
    for fields in (1, 8):
        unit = make_unit()
        head = make_user(role="unit_head", unit=unit)
        criteria_set = make_criteria_set(big_set_rows(fields), actor=admin,
                                         name=f"Bộ {fields}")
        sheet = make_round(criteria_set, [unit], team=[inspector]).sheets.get()
        nodes = CriteriaNode.select().where(CriteriaNode.criteria_set == criteria_set)
        services.save_scores(head, get_sheet(sheet.id), {
            node.id: services.AnswerInput(points=Decimal("0.5"), note="Đủ")
            for node in nodes if node.code.count(".") == 2})
        sheets.append(sheet)
    counts = []
    client.post("/login", data={"username": inspector.username, "password": PASSWORD})
    for sheet in sheets:
        field = CriteriaNode.get(CriteriaNode.criteria_set == sheet.assessment_round
                                 .criteria_set, CriteriaNode.code == "1")
        counts.append([queries_of(client, url) for url in (
            f"/assessments/sheets/{sheet.id}",
            f"/assessments/sheets/{sheet.id}/fields/{field.id}",
            f"/assessments/{sheet.assessment_round_id}/ranking")])
    assert counts[0] == counts[1]



def test_staff_pages_make_the_pinned_number_of_queries(client, auth):
    """One query resolves the session and its user, one reads the versions every kept figure
    is checked against; a search on SQLite asks its index how common the words are first
    (findings.queries._rare). A list's page and the home page seen again are kept: those two
    queries alone. A new query is a decision."""
    make_user("thanhtra")
    auth.login("thanhtra")
    add_findings(3)
    probe = 0 if ON_POSTGRESQL else 1
    # The list is the first page to count days overdue: it loads the working calendar,
    # kept from then on.
    urls = {"/account": (2, 2), "/": (14, 2), "/findings": (8, 2),
            "/findings?status=overdue": (4, 2), "/findings?page=2": (3, 2),
            "/findings?q=tre+han": (4 + 2 * probe, 2)}
    first = {url: queries_of(client, url) for url in urls}
    kept = {url: queries_of(client, url) for url in urls}
    assert {url: (first[url], kept[url]) for url in urls} == urls
