"""The pages fit a 390 px phone: nothing scrolls sideways, lists are cards with their
title first, the finding page opens on the unit head's report form; the calendar has
even columns at desktop width and a colour legend."""
import datetime as dt

import pytest

from inspect_app import clock
from inspect_app.findings import services as findings
from inspect_app.models import Unit, User
from tests.browser.test_journeys import sign_in
from tests.factories import (
    make_case,
    make_inspection,
    make_issued_finding,
    make_user,
)
from tests.helpers import tr

LONG_CODE = "KL-12/KL-UBND-1"
LONG_TITLE = ("Hồ sơ đất đai, hộ tịch giải quyết trễ hạn nhưng chưa có văn bản xin lỗi "
              "người dân theo quy định của Quyết định số 9/2025/QĐ-UBND")

# Each role's main pages (the finding page is added once the data exist).
PAGES = {
    "unit_head": ["/", "/findings", "/discipline", "/assessments"],
    "inspector": ["/", "/findings", "/review", "/inspections", "/inspections/calendar",
                  "/plans", "/reports/units"],
    "leader": ["/", "/review", "/discipline", "/appraisals", "/inspections"],
    "admin": ["/", "/admin/users", "/admin/units", "/admin/outbox", "/admin/categories",
              "/admin/calendar", "/admin/discipline-measures", "/admin/authority"],
}

# Per list row: does it show as a card, and is its title above every badge?
CARDS_SCRIPT = """() => [...document.querySelectorAll('.list-cards tbody tr')]
  .filter(row => row.querySelector('.cell-title'))
  .map(row => {
    const title = row.querySelector('.cell-title').getBoundingClientRect();
    const badges = [...row.querySelectorAll('.cell-code, .cell-badge')]
      .map(cell => cell.getBoundingClientRect());
    return {card: getComputedStyle(row).display === 'flex',
            titleFirst: badges.every(badge => title.bottom <= badge.top + 1),
            codeWhole: [...row.querySelectorAll('.cell-code')]
              .every(cell => cell.getBoundingClientRect().height < 40)};
  })"""


@pytest.fixture
def demo(live_server):
    """A commune with its head, findings with long titles and codes, an overdue one, a
    report waiting for review, an inspection this month and a disciplinary case."""
    def build():
        today = clock.today()
        head = make_user("truongxa", role="unit_head", full_name="Lê Văn An",
                         email="truongxa.hoaan@phuhoa.example.vn")
        unit = Unit.get_by_id(head.unit_id)
        overdue = make_issued_finding(unit, today - dt.timedelta(days=40),
                                      today - dt.timedelta(days=9), code=LONG_CODE,
                                      title=LONG_TITLE)
        make_issued_finding(unit, today - dt.timedelta(days=10),
                            today + dt.timedelta(days=3), code="KL-12/KL-UBND-2")
        waiting = make_issued_finding(unit, today - dt.timedelta(days=10),
                                      today + dt.timedelta(days=20), code="KL-12/KL-UBND-3")
        findings.submit_report(head, waiting, "Đã khắc phục xong.", [])
        make_inspection(unit=unit, start=today, days=3, title=LONG_TITLE,
                        lead=User.get(User.username == "thanhtra"))
        make_case(unit=unit, official_name="Nguyễn Văn Bình",
                  official_position="Công chức địa chính - xây dựng")
        return overdue.id
    return {"overdue": live_server.run(build)}


def overflow_and_cards(page, path):
    """Open path; return how far the document scrolls sideways and its list rows."""
    page.goto(path)
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    return width, page.evaluate(CARDS_SCRIPT)


@pytest.mark.parametrize("viewport", ["phone"])
@pytest.mark.parametrize("role, username", [("unit_head", "truongxa"),
                                            ("inspector", "thanhtra"),
                                            ("leader", "lanhdao"), ("admin", "quantri")])
def test_main_pages_fit_a_phone_and_lists_are_cards(open_page, demo, role, username):
    page = open_page()
    sign_in(page, username)
    paths = PAGES[role] + [f"/findings/{demo['overdue']}"]
    rows_seen = 0
    for path in paths:
        width, rows = overflow_and_cards(page, path)
        assert width <= 390, (path, width)
        for row in rows:
            assert row == {"card": True, "titleFirst": True, "codeWhole": True}, path
        rows_seen += len(rows)
    assert rows_seen > 0


@pytest.mark.parametrize("viewport", ["phone"])
def test_finding_page_opens_on_the_unit_heads_report_form(open_page, live_server, demo):
    page = open_page()
    sign_in(page, "truongxa")
    page.goto(f"/findings/{demo['overdue']}")
    form = page.locator("textarea[name=report-body]").bounding_box()
    details = page.locator("main dl").first.bounding_box()
    history = page.get_by_role("heading", name=tr(live_server.app, "History"),
                               exact=True).bounding_box()
    assert form["y"] + form["height"] < details["y"] < history["y"]
    assert form["height"] >= 6 * 20  # six lines of text at least
    assert form["y"] < 844  # on the first screen, without scrolling


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_calendar_has_even_columns_and_a_legend(open_page, live_server, demo, viewport):
    page = open_page()
    sign_in(page, "thanhtra")
    page.goto("/inspections/calendar")
    boxes = [header.bounding_box() for header in page.locator("table.calendar th").all()]
    assert len(boxes) == 7
    widths = [box["width"] for box in boxes]
    assert max(widths) - min(widths) <= 1, widths
    assert boxes[-1]["x"] + boxes[-1]["width"] <= (1280 if viewport == "desktop" else 390)
    legend = page.locator(".calendar-legend .badge").all_inner_texts()
    assert legend == [tr(live_server.app, status)
                      for status in ("Planned", "In progress", "Concluded", "Closed")]
    assert page.locator("table.calendar .calendar-entry").count() >= 1
