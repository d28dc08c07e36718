"""The reports pages: who may open what, the previews, the charts and the downloads."""
import datetime as dt

import pytest
import time_machine
from flask_babel import force_locale
from playhouse.test_utils import count_queries

from inspect_app.deadlines import overdue_text
from inspect_app.reports.monthly import monthly_summary
from inspect_app.reports.unit_report import unit_report
from tests.factories import make_issued_finding, make_unit, make_user
from tests.helpers import field_errors, figures, location, parse, pdf_text, sign_in, text, tr

# 10:00 in Hanoi on 15 November 2026.
NOW = dt.datetime(2026, 11, 15, 3, 0, tzinfo=dt.timezone.utc)
D = dt.date
STAFF = ["admin", "inspector", "leader"]


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(app):
    """Two communes with findings, each with its head, and one user of each staff role."""
    hoa_an = make_unit("X-HOAAN", "Xã Hòa An")
    hoa_hoi = make_unit("X-HOAHOI", "Xã Hòa Hội")
    make_issued_finding(hoa_an, D(2026, 9, 20), D(2026, 10, 10), title="Chưa số hóa hồ sơ")
    make_issued_finding(hoa_an, D(2026, 10, 5), D(2026, 12, 1), title="Chưa niêm yết TTHC")
    make_issued_finding(hoa_hoi, D(2026, 10, 5), D(2026, 10, 20), status="resolved",
                        resolved_at=dt.datetime(2026, 10, 19, 2), resolved_on_time=True,
                        title="Trễ hạn hồ sơ đất đai")
    for role in STAFF:
        make_user(role, role=role)
    make_user("hoaan", role="unit_head", unit=hoa_an)
    make_user("hoahoi", role="unit_head", unit=hoa_hoi)
    return {"hoa_an": hoa_an, "hoa_hoi": hoa_hoi}


# --- access -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF)
def test_staff_open_every_report(client, world, role):
    sign_in(client, role)
    for url in ("/reports", "/reports/monthly/2026-10", "/reports/monthly/2026-11",
                "/reports/units/X-HOAAN", "/reports/units/X-HOAHOI"):
        assert client.get(url).status_code == 200, url
    for url in ("/reports/monthly/2026-10.pdf", "/reports/units/X-HOAHOI.pdf"):
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "application/pdf", url


def test_unit_head_cannot_see_the_monthly_summary(app, client, world):
    sign_in(client, "hoaan")
    for url in ("/reports/monthly/2026-10", "/reports/monthly/2026-10.pdf"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert tr(app, "Not allowed") in text(response)


def test_unit_head_sees_only_their_own_units_report(app, client, world):
    sign_in(client, "hoaan")
    assert client.get("/reports/units/X-HOAAN").status_code == 200
    assert client.get("/reports/units/X-HOAAN.pdf").status_code == 200
    for url in ("/reports/units/X-HOAHOI", "/reports/units/X-HOAHOI.pdf"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Xã Hòa Hội" not in text(response)


@pytest.mark.parametrize("url", ["/reports/monthly/2026-13", "/reports/monthly/oct",
                                 "/reports/monthly/2026-12", "/reports/monthly/2031-01.pdf",
                                 "/reports/monthly/2026-1", "/reports/units/KHONG-CO",
                                 "/reports/units/KHONG-CO.pdf"])
def test_bad_months_and_unknown_units_are_not_found(client, world, url):
    sign_in(client, "leader")
    assert client.get(url).status_code == 404


def test_reports_menu_entry_for_everyone_signed_in(app, client, world):
    for username in ("leader", "hoaan"):
        sign_in(client, username)
        page = text(client.get("/"))
        assert f'href="/reports">{tr(app, "Reports")}</a>' in page


# --- the reports page -------------------------------------------------------------------


def test_unit_head_page_links_only_their_unit(app, client, world):
    sign_in(client, "hoaan")
    page = text(client.get("/reports"))
    links = {attrs.get("href") for tag, attrs in parse(page)[0] if tag == "a"}
    assert {"/reports/units/X-HOAAN", "/reports/units/X-HOAAN.pdf"} <= links
    assert not any(link and ("X-HOAHOI" in link or "/monthly/" in link) for link in links)
    assert 'name="month"' not in page and 'name="unit"' not in page


def test_staff_page_offers_the_previous_month_and_every_unit(client, world):
    sign_in(client, "leader")
    page = text(client.get("/reports"))
    assert 'value="2026-10"' in page
    assert '<option value="X-HOAAN">Xã Hòa An</option>' in page
    assert 'href="/reports/monthly/2026-10"' in page


def test_picking_a_month_or_a_unit_opens_it(client, world):
    sign_in(client, "leader")
    assert location(client.get("/reports?month=2026-09")) == "/reports/monthly/2026-09"
    assert location(client.get("/reports?unit=X-HOAHOI")) == "/reports/units/X-HOAHOI"


@pytest.mark.parametrize("month, message", [
    ("2026/09", "Write the month as YYYY-MM, e.g. 2026-10."),
    ("2027-01", "Choose a month that has already begun."),
])
def test_a_bad_month_is_explained_beside_the_field(app, client, world, month, message):
    sign_in(client, "leader")
    response = client.get(f"/reports?month={month}")
    assert response.status_code == 200
    assert field_errors(text(response), "month") == [tr(app, message)]


# --- the previews -----------------------------------------------------------------------


def test_monthly_preview_shows_the_summary_figures(app, client, world):
    summary = monthly_summary(2026, 10)
    sign_in(client, "leader")
    page = text(client.get("/reports/monthly/2026-10"))
    shown = figures(page)
    totals = summary.totals
    for name in ("findings_new", "findings_resolved", "open_at_end", "overdue_at_end",
                 "inspections_planned", "inspections_done"):
        assert shown[name] == str(getattr(totals, name)), name
    assert shown["on_time_rate"] == "100,0 %"
    assert "Chưa số hóa hồ sơ" in page  # overdue at the end of October
    assert 'href="/reports/monthly/2026-10.pdf"' in page
    assert tr(app, "Figures as at the end of %(date)s", date="31/10/2026") in page


def test_monthly_preview_lists_the_longest_overdue_and_links_to_all(app, client, world,
                                                                    monkeypatch):
    monkeypatch.setattr("inspect_app.reports.monthly.OVERDUE_LISTED", 2)
    make_issued_finding(world["hoa_an"], D(2026, 9, 1), D(2026, 9, 30), title="Quá hạn lâu")
    make_issued_finding(world["hoa_hoi"], D(2026, 10, 1), D(2026, 10, 30),
                        title="Quá hạn ngắn")
    sign_in(client, "leader")
    page = text(client.get("/reports/monthly/2026-10"))
    overdue = page.split('class="table table-sm monthly-overdue"', 1)[1].split("</table>")[0]
    assert "Quá hạn lâu" in overdue and "Chưa số hóa hồ sơ" in overdue
    assert "Quá hạn ngắn" not in overdue
    assert figures(page)["overdue_at_end"] == "3"
    assert tr(app, "The %(listed)s longest overdue findings of %(total)s in all.",
              listed="2", total="3") in page
    assert 'href="/findings?status=overdue"' in page


def test_monthly_preview_lists_every_overdue_finding_when_few(app, client, world):
    sign_in(client, "leader")
    page = text(client.get("/reports/monthly/2026-10"))
    assert "Chưa số hóa hồ sơ" in page
    assert 'href="/findings?status=overdue"' not in page


def test_monthly_preview_and_pdf_agree(app, client, world):
    sign_in(client, "leader")
    shown = figures(text(client.get("/reports/monthly/2026-10")))
    pdf = pdf_text(client.get("/reports/monthly/2026-10.pdf").data)
    assert f"{tr(app, 'Open at the end of the month')} {shown['open_at_end']}" in pdf
    assert f"{tr(app, 'Overdue at the end of the month')} {shown['overdue_at_end']}" in pdf


def test_documents_follow_the_users_language(app, client, world):
    make_user("leader_en", role="leader", locale="en")
    sign_in(client, "leader_en")
    pdf = pdf_text(client.get("/reports/monthly/2026-10.pdf").data)
    assert tr(app, "MONTHLY SUMMARY %(month)s", "en", month="10/2026") in pdf
    response = client.get("/reports/units/X-HOAAN.pdf")
    assert "bao-cao-khac-phuc-x-hoaan-2026-11-15.pdf" in response.headers["Content-Disposition"]
    assert tr(app, "REMEDIATION REPORT", "en") in pdf_text(response.data)


def test_monthly_preview_draws_the_chart_inline_without_styles(client, world):
    sign_in(client, "leader")
    page = client.get("/reports/monthly/2026-10").get_data(as_text=True)
    svg = page.split('<svg', 1)[1].split("</svg>", 1)[0]
    assert 'id="monthly-chart"' in svg and "Xã Hòa An" in svg
    assert "style=" not in svg


def test_unit_preview_shows_the_report(app, client, world):
    report = unit_report(world["hoa_an"], D(2026, 11, 15))
    sign_in(client, "hoaan")
    page = text(client.get("/reports/units/X-HOAAN"))
    shown = figures(page)
    assert shown["open"] == str(report.counts["open"]) == "2"
    assert shown["overdue"] == str(report.counts["overdue"]) == "1"
    # From Saturday 10/10 to Sunday 15/11: 36 days, of which 25 worked.
    with app.test_request_context(), force_locale("vi"):
        assert overdue_text(36, 25) in page
    assert "Chưa niêm yết TTHC" in page


def _queries_for(client, url):
    """The queries of a page computed afresh (nothing kept from an earlier request)."""
    client.application.extensions.pop("figure_cache", None)
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


def test_pages_query_the_same_whatever_the_number_of_units(client, world):
    sign_in(client, "leader")
    urls = ("/reports/monthly/2026-10", "/reports/units/X-HOAAN", "/")
    before = [_queries_for(client, url) for url in urls]
    for n in range(8):
        unit = make_unit(name=f"Phường Mới {n}")
        make_issued_finding(unit, D(2026, 10, 2), D(2026, 10, 9))
        make_issued_finding(unit, D(2026, 10, 3), D(2026, 11, 9), status="resolved",
                            resolved_at=dt.datetime(2026, 10, 20, 2), resolved_on_time=True)
    assert [_queries_for(client, url) for url in urls] == before


# --- the staff home page chart ----------------------------------------------------------


def test_staff_home_page_shows_the_unit_chart(client, world):
    sign_in(client, "inspector")
    response = client.get("/")
    page = response.get_data(as_text=True)
    svg = page.split('<svg', 1)[1].split("</svg>", 1)[0]
    assert 'id="home-unit-chart"' in svg and "Xã Hòa An" in svg
    assert "style=" not in svg
    assert "style-src 'self'" in response.headers["Content-Security-Policy"]


def test_unit_head_home_page_has_no_chart(client, world):
    sign_in(client, "hoaan")
    assert "<svg" not in client.get("/").get_data(as_text=True)
