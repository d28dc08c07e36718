"""The findings list: filters, search, scope, pagination, exports and query count."""
import csv
import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook
from playhouse.test_utils import count_queries

from inspect_app import cache, clock
from inspect_app.findings import queries
from inspect_app.models import Category, Inspection
from tests.factories import make_concluded_inspection, make_finding, make_unit, make_user
from tests.helpers import text

TODAY = clock.today()
DAY = dt.timedelta(days=1)


# The CSV is streamed; buffered=True reads it inside the request, as a server does, rather
# than after the test client has put its own app context back.


def listed_codes(response):
    """The finding codes in the results table, in order."""
    assert response.status_code == 200
    page = text(response)
    table = page.split('class="table table-sm findings-table"', 1)[1]
    return re.findall(r'<td class="cell-code"><a href="[^"]*">(.*?)</a></td>', table)


@pytest.fixture
def data(app):
    """Two communes with findings in various states, severities and categories."""
    hoa_an = make_unit(name="Xã Hòa An")
    hoa_hoi = make_unit(name="Xã Hòa Hội")
    first = make_concluded_inspection(hoa_an, title="Kiểm tra CCHC Hòa An")
    second = make_concluded_inspection(hoa_hoi, title="Kiểm tra CCHC Hòa Hội")
    rows = {
        "A-LATE": make_finding(code="A-LATE", title="Hồ sơ trễ hạn", inspection=first,
                               deadline=TODAY - DAY, severity="high"),
        "A-CAPS": make_finding(code="A-CAPS", title="TRỄ HẠN trả kết quả", inspection=first,
                               deadline=TODAY + 10 * DAY, status="submitted"),
        "A-DRAFT": make_finding(code="A-DRAFT", title="Chưa công bố", inspection=first,
                                deadline=TODAY - 5 * DAY, status="draft"),
        "B-POST": make_finding(code="B-POST", title="Niêm yết TTHC chưa đầy đủ",
                               inspection=second, deadline=TODAY + 30 * DAY,
                               category_code="TTHC-NIEMYET", severity="low"),
        "B-DONE": make_finding(code="B-DONE", title="Một cửa chưa đúng quy định",
                               inspection=second, deadline=TODAY - 20 * DAY,
                               status="resolved", category_code="TTHC-MOTCUA"),
        "B-CHANGES": make_finding(code="B-CHANGES", title="Số hóa hồ sơ", inspection=second,
                                  deadline=TODAY - 2 * DAY, status="changes_requested",
                                  category_code="SOHOA"),
    }
    return {"hoa_an": hoa_an, "hoa_hoi": hoa_hoi, "first": first, "second": second,
            "rows": rows}


@pytest.fixture
def staff(client, auth, app):
    """A signed-in inspector's client."""
    make_user("thanhtra")
    auth.login("thanhtra")
    return client


def test_staff_sees_every_finding_deadline_first(staff, data):
    assert listed_codes(staff.get("/findings")) == [
        "B-DONE", "A-DRAFT", "B-CHANGES", "A-LATE", "A-CAPS", "B-POST"]


@pytest.mark.parametrize("args, expected", [
    ({"status": "submitted"}, ["A-CAPS"]),
    ({"status": "draft"}, ["A-DRAFT"]),
    ({"status": "overdue"}, ["B-CHANGES", "A-LATE"]),
    ({"severity": "high"}, ["A-LATE"]),
    ({"severity": "low"}, ["B-POST"]),
    ({"q": "tre han"}, ["A-LATE", "A-CAPS"]),
    ({"q": "TRỄ hạn trả"}, ["A-CAPS"]),
    ({"q": "nothing like this"}, []),
    ({"deadline_from": (TODAY - 2 * DAY).isoformat(),
      "deadline_to": (TODAY + 10 * DAY).isoformat()}, ["B-CHANGES", "A-LATE", "A-CAPS"]),
], ids=["submitted", "draft", "overdue", "high", "low", "search-folded", "search-accents",
        "search-none", "deadline-range"])
def test_each_filter_narrows_the_list(staff, data, args, expected):
    assert listed_codes(staff.get("/findings", query_string=args)) == expected


def test_unit_category_and_inspection_filters(staff, data):
    hoa_hoi = data["hoa_hoi"].id
    niemyet = Category.get(Category.code == "TTHC-NIEMYET").id
    assert listed_codes(staff.get(f"/findings?unit={hoa_hoi}")) == [
        "B-DONE", "B-CHANGES", "B-POST"]
    assert listed_codes(staff.get(f"/findings?category={niemyet}")) == ["B-POST"]
    assert listed_codes(staff.get(f"/findings?inspection={data['first'].id}")) == [
        "A-DRAFT", "A-LATE", "A-CAPS"]
    assert listed_codes(staff.get(f"/findings?unit={hoa_hoi}&status=overdue")) == [
        "B-CHANGES"]


def test_rows_show_unit_category_deadline_and_overdue_badge(staff, data):
    page = text(staff.get("/findings?q=ho+so+tre+han"))
    row = page.split("A-LATE", 1)[1].split("</tr>", 1)[0]
    assert "Hồ sơ trễ hạn" in row and "Xã Hòa An" in row
    assert Category.get(Category.code == "TTHC-TREHAN").name in row
    assert (TODAY - DAY).strftime("%d/%m/%Y") in row
    assert 'class="badge text-bg-danger"' in row
    assert f'href="/findings/{data["rows"]["A-LATE"].id}"' in row


def test_invalid_filter_values_are_ignored_not_fatal(staff, data):
    response = staff.get("/findings?status=bogus&unit=abc&deadline_from=31-31-2026")
    assert len(listed_codes(response)) == 6


def test_unit_head_sees_only_own_unit_and_no_drafts(client, auth, data):
    make_user("truongxa", role="unit_head", unit=data["hoa_an"])
    auth.login("truongxa")
    assert listed_codes(client.get("/findings")) == ["A-LATE", "A-CAPS"]
    assert listed_codes(client.get(f"/findings?unit={data['hoa_hoi'].id}")) == [
        "A-LATE", "A-CAPS"]
    assert listed_codes(client.get("/findings?status=draft")) == ["A-LATE", "A-CAPS"]
    page = text(client.get("/findings"))
    assert "Xã Hòa Hội" not in page and "Kiểm tra CCHC Hòa Hội" not in page


def test_unit_head_export_holds_only_own_issued_findings(client, auth, data):
    make_user("truongxa", role="unit_head", unit=data["hoa_an"])
    auth.login("truongxa")
    body = client.get("/findings/export.csv", buffered=True).data.decode("utf-8-sig")
    codes = [row[0] for row in csv.reader(io.StringIO(body))][1:]
    assert codes == ["A-LATE", "A-CAPS"]


def test_anonymous_is_sent_to_login(client):
    for path in ("/findings", "/findings/export.csv", "/findings/export.xlsx"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.fixture
def thirty(app):
    """Thirty open findings of one unit, due on consecutive days."""
    inspection = make_concluded_inspection(make_unit(name="Phường Phú Hòa"))
    return [make_finding(code=f"P-{n:02d}", title=f"Tồn tại thứ {n}", inspection=inspection,
                         deadline=TODAY + n * DAY) for n in range(1, 31)]


def test_pagination_keeps_the_filters(staff, thirty):
    first = staff.get("/findings?status=open")
    assert listed_codes(first) == [f"P-{n:02d}" for n in range(1, 26)]
    page = text(first)
    assert "/findings?status=open&amp;page=2" in first.get_data(as_text=True)
    assert "30" in page.split('class="text-muted findings-total">', 1)[1][:40]
    second = staff.get("/findings?status=open&page=2")
    assert listed_codes(second) == [f"P-{n:02d}" for n in range(26, 31)]


def test_xlsx_export_holds_the_whole_filtered_list(staff, thirty):
    make_finding(code="OTHER", status="resolved", deadline=TODAY)
    response = staff.get("/findings/export.xlsx?status=open")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"{TODAY.isoformat()}.xlsx" in disposition
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 31
    assert sheet["A1"].font.bold
    assert rows[1][0] == "P-01" and rows[1][1] == "Tồn tại thứ 1"
    assert rows[1][2] == "Phường Phú Hòa"
    assert rows[1][5].date() == TODAY + DAY
    assert "OTHER" not in [row[0] for row in rows]


def test_xlsx_keeps_formula_like_text_as_text(staff, app):
    make_finding(code="F-1", title="=HYPERLINK(\"http://x\")")
    sheet = load_workbook(io.BytesIO(staff.get("/findings/export.xlsx").data)).active
    cell = sheet["B2"]
    assert cell.value == "=HYPERLINK(\"http://x\")" and cell.data_type == "s"


def test_csv_export_has_bom_and_vietnamese_text(staff, thirty):
    response = staff.get("/findings/export.csv?q=ton+tai", buffered=True)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert f"{TODAY.isoformat()}.csv" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 31
    assert rows[1][:3] == ["P-01", "Tồn tại thứ 1", "Phường Phú Hòa"]
    assert rows[1][5] == (TODAY + DAY).isoformat()


def test_csv_neutralises_formulas(staff, app):
    make_finding(code="F-1", title="=1+2")
    rows = list(csv.reader(io.StringIO(
        staff.get("/findings/export.csv", buffered=True).data.decode("utf-8-sig"))))
    assert rows[1][1] == "'=1+2"


def test_a_page_and_the_count_of_the_overdue_findings(app, data):
    inspector = make_user()
    assert queries.count_findings(inspector, {"status": "overdue"}, today=TODAY) == 2
    rows = queries.findings_page(inspector, {"status": "overdue"}, page=2, per_page=1,
                                 today=TODAY)
    assert [row["code"] for row in rows] == ["A-LATE"]
    assert rows[0]["overdue"] and rows[0]["unit_name"] == "Xã Hòa An"


def test_pages_follow_the_order_of_the_whole_list(app, data):
    inspector = make_user()
    whole = [row["code"] for row in queries.findings_query(inspector, {}, TODAY)]
    paged = [row["code"] for page in (1, 2, 3)
             for row in queries.findings_page(inspector, {}, page, per_page=2, today=TODAY)]
    assert paged == whole == ["B-DONE", "A-DRAFT", "B-CHANGES", "A-LATE", "A-CAPS", "B-POST"]


def test_a_page_past_the_last_shows_the_last(staff, data, monkeypatch):
    monkeypatch.setattr("inspect_app.findings.listing.PER_PAGE", 4)
    assert listed_codes(staff.get("/findings?page=9")) == ["A-CAPS", "B-POST"]


def test_a_common_search_is_counted_up_to_the_limit(staff, data, monkeypatch):
    monkeypatch.setattr("inspect_app.findings.listing.SEARCH_COUNT_LIMIT", 1)
    page = text(staff.get("/findings?q=tre+han"))
    assert "Có hơn 1 tồn tại, hạn chế khớp" in page
    assert "2 tồn tại, hạn chế" not in page
    monkeypatch.setattr("inspect_app.findings.listing.SEARCH_COUNT_LIMIT", 2)
    # The kept page follows the data, not a limit changed while the app runs.
    staff.application.extensions.pop(cache.MARKUP)
    page = text(staff.get("/findings?q=tre+han"))
    assert "2 tồn tại, hạn chế" in page and "Có hơn" not in page


def test_the_total_follows_a_change_at_once(staff, data):
    first = text(staff.get("/findings?status=overdue"))
    assert "2 tồn tại, hạn chế" in first
    make_finding(code="B-NEW", inspection=data["second"], deadline=TODAY - 3 * DAY)
    second = staff.get("/findings?status=overdue")
    assert "3 tồn tại, hạn chế" in text(second)
    assert "B-NEW" in listed_codes(second)


def _bulk_findings(count):
    """count open findings, some overdue, spread over a few units and one inspection each."""
    inspections = [make_concluded_inspection(make_unit()) for _ in range(3)]
    for n in range(count):
        make_finding(inspection=inspections[n % 3], deadline=TODAY + (n % 20 - 10) * DAY)


def _queries_for(client, path):
    """The number of SQL queries a GET of path makes."""
    with count_queries() as counter:
        assert client.get(path).status_code == 200
    return counter.count


def test_list_makes_the_same_number_of_queries_for_10_and_500_findings(staff):
    _queries_for(staff, "/findings")  # the working calendar is loaded, and kept from now on
    _bulk_findings(10)
    few = _queries_for(staff, "/findings?q=ton+tai")
    _bulk_findings(490)
    assert Inspection.select().count() == 6
    assert _queries_for(staff, "/findings?q=ton+tai") == few


def test_a_kept_page_is_shown_only_to_its_scope_and_language(client, auth, data):
    """The list's markup is kept per scope and language: readers in turn see their own."""
    make_user("thanhtra")
    make_user("truongxa", role="unit_head", unit=data["hoa_an"])
    make_user("inspector", locale="en")
    for _round in range(2):
        auth.login("thanhtra")
        page = text(client.get("/findings"))
        assert "Xã Hòa Hội" in page and 'name="unit"' in page and "Tồn tại, hạn chế" in page
        auth.logout()
        auth.login("truongxa")
        page = text(client.get("/findings"))
        assert listed_codes(client.get("/findings")) == ["A-LATE", "A-CAPS"]
        assert "Xã Hòa Hội" not in page and 'name="unit"' not in page
        auth.logout()
        auth.login("inspector")
        page = text(client.get("/findings"))
        assert "Export Excel" in page and "Xuất Excel" not in page
        auth.logout()


def test_a_kept_page_follows_the_day(staff, data):
    """Days overdue change at midnight without any write: the day is part of the key."""
    assert listed_codes(staff.get("/findings?status=overdue")) == ["B-CHANGES", "A-LATE"]
    with clock.held_at(clock.now() - 3 * DAY):
        assert listed_codes(staff.get("/findings?status=overdue")) == []
    assert listed_codes(staff.get("/findings?status=overdue")) == ["B-CHANGES", "A-LATE"]


def test_a_kept_page_follows_a_change_to_what_it_shows(staff, data):
    """A unit renamed, a finding's title changed: the next view shows it."""
    assert "Xã Hòa An" in text(staff.get("/findings"))
    data["hoa_an"].name = "Xã Hòa An Mới"
    data["hoa_an"].save()
    row = data["rows"]["A-LATE"]
    row.title = "Hồ sơ trễ hạn đã sửa"
    row.save()
    page = text(staff.get("/findings"))
    assert "Xã Hòa An Mới" in page and "Hồ sơ trễ hạn đã sửa" in page
