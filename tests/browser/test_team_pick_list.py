"""Choosing an inspection's team in chromium: a searchable list of checkboxes, at both widths."""
import datetime as dt
import re

from inspect_app import clock
from inspect_app.auth import services as accounts
from inspect_app.models import InspectionMember
from tests.factories import PASSWORD, make_unit
from tests.helpers import sign_in_page

TEAM = ["Trần Văn Đông", "Lê Thị Ân", "Phạm Thị Dung"]


def test_the_team_is_found_by_typing_and_ticked(live_server, open_page):
    live_server.run(make_unit, "X-HOAAN", "Xã Hòa An")
    for index, name in enumerate(TEAM):
        live_server.run(accounts.create_user, None, f"doan{index}", name, "inspector", PASSWORD)
    page = open_page()
    sign_in_page(page, "thanhtra")
    page.goto("/inspections/new")
    page.select_option("select[name=unit]", label="Xã Hòa An")
    page.fill("input[name=title]", "Kiểm tra công tác CCHC tại Xã Hòa An")
    today = clock.today()
    page.fill("input[name=start_date]", today.isoformat())
    page.fill("input[name=end_date]", (today + dt.timedelta(days=2)).isoformat())

    # Typed without accents, the search keeps only the names that match.
    page.fill("input[type=search]", "dong")
    visible = page.locator("[data-pick-list-item]:visible").all_inner_texts()
    assert [name.strip() for name in visible] == ["Trần Văn Đông"]
    page.check("label:has-text('Trần Văn Đông')")
    page.fill("input[type=search]", "")
    assert page.locator("[data-pick-list-item]:visible").count() == len(TEAM) + 1
    page.check("label:has-text('Lê Thị Ân')")
    # Every box fits the screen: nothing to scroll sideways for.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.click("main form[method=post] button[type=submit] >> nth=-1")

    inspection_id = int(re.search(r"/inspections/(\d+)$", page.url).group(1))
    members = live_server.run(lambda: sorted(
        m.user.full_name for m in InspectionMember.select().where(
            InspectionMember.inspection == inspection_id)))
    assert members == ["Lê Thị Ân", "Trần Văn Đông"]
