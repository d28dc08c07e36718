"""The cases list: filters, search, pagination, Excel export, query count; the home page block."""
import datetime as dt
import io
import re

import pytest
import time_machine
from openpyxl import load_workbook
from playhouse.test_utils import count_queries

from inspect_app.discipline import queries
from tests.factories import make_case, make_finding, make_unit, make_user
from tests.helpers import text, tr

# 10:00 in Hanoi on 1 December 2026.
T0 = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.timezone.utc)
TODAY = dt.date(2026, 12, 1)
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def frozen_time():
    """Every test runs at T0."""
    with time_machine.travel(T0, tick=False):
        yield


def listed(response):
    """The officials' names in the results table, in order."""
    assert response.status_code == 200
    table = text(response).split('class="table table-sm discipline-table"', 1)[1]
    return re.findall(r'<td class="cell-title"><a href="/discipline/\d+">(.*?)</a>', table)


@pytest.fixture
def data(app):
    """Cases of two communes in every state, two person types, two years."""
    hoa_an = make_unit(name="Xã Hòa An")
    hoa_hoi = make_unit(name="Xã Hòa Hội")
    finding = make_finding(unit=hoa_an, code="KL-7/KL-UBND-2")
    make_case(unit=hoa_an, official_name="An Open", opened_on=TODAY - 20 * DAY,
              violation="Đi muộn về sớm", findings=[finding])
    make_case(unit=hoa_an, official_name="An Late", opened_on=TODAY - 100 * DAY)
    make_case(unit=hoa_hoi, official_name="Hoi Decided", person_type="can_bo",
              status="decided", opened_on=TODAY - 60 * DAY, decision_date=TODAY - 5 * DAY,
              measure_code="canh_cao")
    make_case(unit=hoa_hoi, official_name="Hoi Dismissed", status="dismissed",
              opened_on=TODAY - 30 * DAY, outcome_on=TODAY - 2 * DAY)
    make_case(unit=hoa_hoi, official_name="Hoi Deferred", person_type="vien_chuc",
              status="deferred", opened_on=TODAY - 10 * DAY, outcome_on=TODAY - DAY)
    make_case(unit=hoa_an, official_name="An Old", status="decided",
              opened_on=dt.date(2024, 3, 1), decision_date=dt.date(2024, 5, 10),
              measure_code="ha_bac_luong")
    return {"hoa_an": hoa_an, "hoa_hoi": hoa_hoi, "finding": finding}


@pytest.fixture
def staff(client, auth, app):
    """A signed-in leader's client."""
    make_user("lanhdao", role="leader")
    auth.login("lanhdao")
    return client


def test_staff_see_every_case_newest_first(staff, data):
    assert listed(staff.get("/discipline")) == [
        "Hoi Deferred", "An Open", "Hoi Dismissed", "Hoi Decided", "An Late", "An Old"]


@pytest.mark.parametrize("args, expected", [
    ({"status": "open"}, ["An Open", "An Late"]),
    ({"status": "overdue"}, ["An Late"]),
    ({"status": "deferred"}, ["Hoi Deferred"]),
    ({"person_type": "can_bo"}, ["Hoi Decided"]),
    ({"measure": "ha_bac_luong"}, ["An Old"]),
    ({"measure": "canh_cao"}, ["Hoi Decided"]),
    ({"year": "2024"}, ["An Old"]),
    ({"q": "di muon"}, ["An Open"]),
    ({"q": "hoi DEFERRED"}, ["Hoi Deferred"]),
])
def test_filters(staff, data, args, expected):
    assert listed(staff.get("/discipline", query_string=args)) == expected


def test_unit_filter(staff, data):
    assert listed(staff.get("/discipline", query_string={"unit": data["hoa_an"].id})) == [
        "An Open", "An Late", "An Old"]


def test_an_invalid_filter_is_shown_and_ignored(app, staff, data):
    response = staff.get("/discipline", query_string={"year": "abc", "status": "open"})
    assert listed(response) == ["An Open", "An Late"]
    assert tr(app, "Invalid Choice: could not coerce.") in text(response)


def test_pagination(app, staff):
    unit = make_unit()
    for n in range(30):
        make_case(unit=unit, official_name=f"Người {n:02d}", opened_on=TODAY - n * DAY)
    first = listed(staff.get("/discipline"))
    second = listed(staff.get("/discipline", query_string={"page": 2}))
    assert first == [f"Người {n:02d}" for n in range(25)]
    assert second == [f"Người {n:02d}" for n in range(25, 30)]
    assert tr(app, "Page %(page)s of %(pages)s", page=2, pages=2) in text(
        staff.get("/discipline", query_string={"page": 2}))


def test_excel_export_holds_the_filtered_cases_with_their_findings(app, staff, data):
    response = staff.get("/discipline/export.xlsx", query_string={"unit": data["hoa_an"].id})
    assert response.headers["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[0] == tr(app, "Name of the official")
    by_name = {row[0]: dict(zip(header, row)) for row in rows[1:]}
    assert list(by_name) == ["An Open", "An Late", "An Old"]
    assert by_name["An Open"][tr(app, "Related findings")] == "KL-7/KL-UBND-2"
    assert by_name["An Late"][tr(app, "Overdue")] == tr(app, "Yes")
    old = by_name["An Old"]
    assert (old[tr(app, "Disciplinary measure")], old[tr(app, "Decision date")].date()) == \
        ("Hạ bậc lương", dt.date(2024, 5, 10))
    assert "112/2020" in old[tr(app, "Legal basis")]


def test_export_keeps_a_formula_like_name_as_text(staff, app):
    make_case(official_name="=HYPERLINK(\"x\")")
    sheet = load_workbook(io.BytesIO(staff.get("/discipline/export.xlsx").data)).active
    cell = sheet.cell(row=2, column=1)
    assert (cell.value, cell.data_type) == ("=HYPERLINK(\"x\")", "s")


def _bulk(count):
    """count cases over five units, some decided and some linked to findings."""
    units = [make_unit() for _ in range(5)]
    for n in range(count):
        unit = units[n % 5]
        findings = [make_finding(unit=unit)] if n % 4 == 0 else []
        if n % 3 == 0:
            make_case(unit=unit, status="decided", decision_date=TODAY - DAY,
                      findings=findings)
        else:
            make_case(unit=unit, opened_on=TODAY - (n % 120) * DAY, findings=findings)


def test_list_and_home_page_make_the_same_number_of_queries_for_5_and_50_cases(staff):
    _bulk(5)
    with count_queries() as few:
        assert staff.get("/discipline").status_code == 200
        assert staff.get("/").status_code == 200
    _bulk(45)
    with count_queries() as many:
        assert staff.get("/discipline").status_code == 200
        assert staff.get("/").status_code == 200
    assert many.count == few.count


def section(page, name):
    """The HTML of the home page section with class dashboard-<name>."""
    return page.split(f'class="col-lg-6 dashboard-{name}"', 1)[1].split("</section>", 1)[0]


def cells(html):
    """The text of the cells of each body row in html: [[cell, ...], ...]."""
    body = html.split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [[re.sub(r"<[^>]+>", "", cell).strip()
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]


def test_home_page_counts_cases_by_unit_and_decisions_by_measure(staff, data):
    page = text(staff.get("/"))
    assert cells(section(page, "discipline-units")) == [
        [row["unit_name"], str(row["open"]), str(row["overdue"]), str(row["deferred"])]
        for row in queries.open_cases_by_unit(TODAY)]
    assert cells(section(page, "discipline-units")) == [
        ["Xã Hòa An", "2", "1", "0"], ["Xã Hòa Hội", "0", "0", "1"]]
    # This year's decisions only: the 2024 one is not counted.
    assert cells(section(page, "discipline-measures")) == [["Cảnh cáo", "1"]]


def test_unit_head_home_page_has_no_discipline_counts(client, auth, data):
    make_user("truongxa", role="unit_head", unit=data["hoa_an"])
    auth.login("truongxa")
    assert "dashboard-discipline" not in text(client.get("/"))
