"""The audit log in chromium: on a phone each event is a card, nothing off the screen."""
from inspect_app import audit
from inspect_app.models import User
from tests.factories import make_finding, make_unit
from tests.helpers import sign_in_page


def record_a_report(live):
    """A unit head's report on a finding, as the audit log keeps it."""
    commune = make_unit("X-HOAAN", "Xã Hòa An")
    finding = make_finding(commune, title="Chưa niêm yết đầy đủ thủ tục hành chính tại bộ "
                                          "phận một cửa của xã theo quy định")
    admin = User.get(User.username == "quantri")
    audit.record(admin, "submit_report", finding, {"status": ["open", "submitted"]})


def test_every_event_fits_the_screen(live_server, open_page, viewport):
    live_server.run(record_a_report, live_server)
    page = open_page()
    sign_in_page(page, "quantri")
    page.goto("/admin/audit")
    page.wait_for_load_state("load")
    width = page.viewport_size["width"]
    for part in (".audit-log", ".audit-log .audit-changes >> nth=0",
                 ".audit-log .audit-object >> nth=0"):
        box = page.locator(part).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, part
    assert page.locator(".audit-log thead").is_visible() == (viewport == "desktop")
