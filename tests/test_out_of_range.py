"""Numbers and months out of range: ids above 2^63, huge page numbers, months of year 0
or 9999 answer 404 or the nearest valid page, never 5xx.

Every rule of app.url_map is walked, so a new route is covered without being listed here.
"""
import pytest
from werkzeug.routing.converters import NumberConverter

from inspect_app import clock
from inspect_app.models import DisciplineCase, Inspection
from inspect_app.reports.monthly import Month
from tests.factories import (
    make_case,
    make_finding,
    make_inspection_in_progress,
    make_unit,
    make_user,
)
from tests.helpers import field_errors, sign_in, text, tr, url_rules

# Past a signed 64-bit integer (SQLite and PostgreSQL ids), and far past it.
HUGE = [2**63, 2**64, 10**30]
# The query-string numbers the pages read: page numbers, ids of filters and prefills.
QUERY_NUMBERS = ("page", "finding", "inspection", "plan_id", "unit", "category", "actor",
                 "year", "measure")
# Months no page can show: before 1900, after 2999, or not four digits.
BAD_MONTHS = ["0000-01", "0001-01", "1899-12", "3000-01", "9999-12", "10000-01"]


@pytest.fixture
def app_config():
    """Failures answer the 500 page, as in production, so a test can list them all."""
    return {"PROPAGATE_EXCEPTIONS": False}


@pytest.fixture
def admin(app, client):
    """The client, signed in as an administrator."""
    make_user("admin", role="admin")
    sign_in(client, "admin")
    return client


def _int_arguments(rule):
    """The names of rule's integer arguments."""
    return [name for name, converter in rule._converters.items()
            if isinstance(converter, NumberConverter)]


@pytest.mark.parametrize("role", ["admin", "head_a"])
def test_every_id_route_answers_404_for_ids_out_of_range(app, client, access_world, role):
    sign_in(client, role)
    wrong, checked = [], 0
    for rule, methods in url_rules(app):
        numbers = _int_arguments(rule)
        if not numbers:
            continue
        for huge in HUGE:
            url = rule.build({name: huge if name in numbers else access_world["A"][name]
                              for name in rule.arguments})[1]
            for method in methods:
                status = client.open(url, method=method).status_code
                checked += 1
                if status != 404:
                    wrong.append(f"{method} {url} ({rule.endpoint}): {status}")
    assert not wrong, "\n".join(wrong)
    assert checked > 100


def _walk_with_numbers(app, client, access_world, value):
    """GET every page with every query-string number set to value; the 5xx answers."""
    query = "&".join(f"{name}={value}" for name in QUERY_NUMBERS)
    wrong = []
    for rule, methods in url_rules(app):
        if "GET" not in methods or rule.endpoint == "health.healthz":
            continue
        path = rule.build({name: access_world["A"][name] for name in rule.arguments})[1]
        status = client.get(f"{path}?{query}").status_code
        if status >= 500:
            wrong.append(f"GET {path}?{query} ({rule.endpoint}): {status}")
    return wrong


@pytest.mark.parametrize("role", ["admin", "head_a"])
def test_no_page_answers_5xx_to_page_numbers_and_ids_out_of_range(app, client, access_world, role):
    sign_in(client, role)
    wrong = []
    for value in (2**63, 10**30):
        wrong += _walk_with_numbers(app, client, access_world, value)
    assert not wrong, "\n".join(wrong)


LISTS = ["/findings", "/findings/export.csv", "/findings/export.xlsx", "/discipline",
         "/discipline/export.xlsx", "/inspections", "/admin/audit", "/admin/outbox"]


@pytest.mark.parametrize("value", [2**63, 10**30])
@pytest.mark.parametrize("path", LISTS)
def test_lists_and_exports_answer_a_page_to_numbers_out_of_range(app, client, access_world, path,
                                                                 value):
    sign_in(client, "admin")
    response = client.get(f"{path}?page={value}&inspection={value}&unit={value}"
                          f"&category={value}&actor={value}&year={value}")
    assert response.status_code == 200


@pytest.fixture
def thirty_findings(app):
    """Thirty open findings of one unit: two pages of the findings list."""
    unit = make_unit("XA-TRANG", "Xã Tràng")
    return [make_finding(unit=unit, title=f"Phát hiện số {n:02d}") for n in range(30)]


def _titles_shown(response, findings):
    """How many of the findings' titles a list page shows."""
    page = text(response)
    return len([f for f in findings if f.title in page])


@pytest.mark.parametrize("page", [str(2**63), str(10**30)])
def test_a_page_number_past_the_end_shows_the_last_page(admin, thirty_findings, page):
    response = admin.get(f"/findings?page={page}")
    assert _titles_shown(response, thirty_findings) == 30 - 25


def test_an_inspection_filter_out_of_range_is_ignored(admin, thirty_findings):
    response = admin.get(f"/findings?inspection={2**63}")
    assert _titles_shown(response, thirty_findings) == 25


@pytest.mark.parametrize("finding", [str(2**63), str(10**30)])
def test_opening_a_case_from_a_finding_out_of_range_shows_an_empty_form(admin, finding):
    response = admin.get(f"/discipline/new?finding={finding}")
    assert response.status_code == 200
    assert 'name="official_name"' in text(response)


def test_a_decision_naming_a_measure_out_of_range_is_refused_beside_the_field(admin):
    case = make_case(unit=make_unit("XA-DONG", "Xã Đông"))
    response = admin.post(f"/discipline/{case.id}/decide",
                          data={"decide-measure": str(2**63), "decide-decision_no": "12/QĐ",
                                "decide-decision_date": clock.today().isoformat(),
                                "decide-issuing_authority": "UBND huyện"})
    assert response.status_code == 200
    assert field_errors(response.get_data(as_text=True), "decide-measure")
    assert DisciplineCase.get_by_id(case.id).status == "open"


def test_a_team_member_out_of_range_is_refused_beside_the_field(app, client):
    inspector = make_user("inspector", role="inspector")
    inspection = make_inspection_in_progress(unit=make_unit("XA-TAY", "Xã Tây"),
                                             lead=inspector)
    sign_in(client, "inspector")
    before = inspection.title
    response = client.post(f"/inspections/{inspection.id}/edit",
                           data={"unit": str(inspection.unit_id), "title": "Tên mới",
                                 "kind": "scheduled", "start_date": "2030-01-01",
                                 "end_date": "2030-01-05", "members": str(2**63)})
    assert response.status_code == 200
    assert field_errors(response.get_data(as_text=True), "members") == [
        tr(app, "Invalid choice(s): one or more data inputs could not be coerced.")]
    assert Inspection.get_by_id(inspection.id).title == before


# --- months ------------------------------------------------------------------------------


@pytest.mark.parametrize("text_", ["1900-01", "2999-12", "2026-10"])
def test_months_from_1900_to_2999_are_read(text_):
    assert str(Month.parse(text_)) == text_


@pytest.mark.parametrize("text_", BAD_MONTHS + ["2026-00", "2026-13", "", "2026-1"])
def test_months_outside_1900_to_2999_are_refused(text_):
    with pytest.raises(ValueError):
        Month.parse(text_)


@pytest.mark.parametrize("month", BAD_MONTHS)
def test_reports_of_a_month_out_of_range_answer_404(admin, month):
    assert admin.get(f"/reports/monthly/{month}").status_code == 404
    assert admin.get(f"/reports/monthly/{month}.pdf").status_code == 404


@pytest.mark.parametrize("month", BAD_MONTHS)
def test_the_month_picker_refuses_a_month_out_of_range_beside_the_field(admin, month):
    response = admin.get(f"/reports?month={month}")
    assert response.status_code == 200
    assert field_errors(response.get_data(as_text=True), "month")


def _calendar_month(page):
    """The month (mm/yyyy) a calendar page shows in its heading."""
    return page.split('<span class="calendar-month">', 1)[1].split("</span>", 1)[0]


def _link_label(page, css_class):
    """The month (mm/yyyy) a calendar navigation link names, or None when there is none."""
    marker = f'class="btn btn-outline-secondary btn-sm {css_class}"'
    if marker not in page:
        return None
    anchor = page.split(marker, 1)[1].split("</a>", 1)[0]
    return anchor.split(">", 1)[1].replace("←", "").replace("→", "").strip()


@pytest.mark.parametrize("month", BAD_MONTHS)
def test_the_calendar_shows_this_month_for_a_month_out_of_range(admin, month):
    response = admin.get(f"/inspections/calendar?month={month}")
    assert response.status_code == 200
    assert _calendar_month(text(response)) == Month.of(clock.today()).label()


@pytest.mark.parametrize("month, previous, following", [("1900-01", None, "02/1900"),
                                                        ("2999-12", "11/2999", None),
                                                        ("2026-10", "09/2026", "11/2026")])
def test_the_calendar_links_only_to_months_it_can_show(admin, month, previous, following):
    page = text(admin.get(f"/inspections/calendar?month={month}"))
    assert _calendar_month(page) == Month.parse(month).label()
    assert _link_label(page, "calendar-previous") == previous
    assert _link_label(page, "calendar-next") == following


def test_the_first_monthly_summary_links_to_no_month_before_it(admin):
    page = text(admin.get("/reports/monthly/1900-01"))
    assert "/reports/monthly/1900-02" in page
    assert "/reports/monthly/1899-12" not in page
