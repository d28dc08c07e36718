"""A draft conclusion's appraisal as its users meet it, in chromium at desktop and at
phone width: the team submits it, the leader returns it with notes from their home page,
the team submits it again, the leader appraises it, the team issues it."""
import datetime as dt

from inspect_app import clock
from inspect_app.admin.services import save_settings
from inspect_app.models import Inspection, User
from tests.factories import PASSWORD, make_inspection_in_progress, make_unit, record_draft
from tests.helpers import tr

LEADER_EMAIL = "lanhdao@phuhoa.example.vn"
INSPECTOR_EMAIL = "thanhtra@phuhoa.example.vn"


def sign_in(page, username):
    """Open the login page and sign in."""
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action^='/login'] button[type=submit]")


def fits_the_screen(page):
    """Whether the page needs no sideways scrolling."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def an_inspection_with_a_draft():
    """The appraisal switched on; an inspection led by thanhtra with one draft finding."""
    save_settings(None, {"conclusion_appraisal": "1"})
    lead = User.get(User.username == "thanhtra")
    inspection = make_inspection_in_progress(make_unit("HOA-AN", "Xã Hòa An"), lead=lead,
                                             start=clock.today() - dt.timedelta(days=5))
    record_draft(inspection, title="Hồ sơ giải quyết trễ hạn", deadline_days=15)
    return inspection.id


def submit(page, inspection_id, appraiser_id):
    """The team submits the draft from the inspection page to the appraiser."""
    page.goto(f"/inspections/{inspection_id}")
    page.click(f"a[href='/inspections/{inspection_id}/appraisal/submit']")
    assert fits_the_screen(page)
    page.select_option("select[name=appraiser]", str(appraiser_id))
    page.fill("textarea[name=summary]", "Đơn vị còn chậm số hóa hồ sơ.")
    page.click("main form[method=post] button[type=submit]")


def decide(page, outcome, note):
    """The appraiser opens the draft from their home page and decides with notes."""
    page.goto("/")
    page.click(".dashboard-appraisals a")
    page.click(".appraisal-queue a")
    assert "Hồ sơ giải quyết trễ hạn" in page.inner_text("main")
    assert fits_the_screen(page)
    page.fill("textarea[name=note]", note)
    page.click(f"button[name=outcome][value={outcome}]")


def test_a_draft_conclusion_is_returned_appraised_then_issued(live_server, open_page):
    live = live_server
    inspection_id = live.run(an_inspection_with_a_draft)
    leader_id = live.run(lambda: User.get(User.username == "lanhdao").id)
    team, leader = open_page(), open_page()
    sign_in(team, "thanhtra")
    sign_in(leader, "lanhdao")

    submit(team, inspection_id, leader_id)
    assert tr(live.app, "The draft conclusion has been submitted for appraisal; the "
                        "appraiser has been notified.") in team.inner_text("[role=alert]")
    decide(leader, "returned", "Bổ sung căn cứ pháp lý.")
    assert tr(live.app, "Your appraisal has been recorded; the team has been notified.") \
        in leader.inner_text("[role=alert]")

    team.goto(f"/inspections/{inspection_id}")
    assert "Bổ sung căn cứ pháp lý." in team.inner_text(".appraisal-history")
    submit(team, inspection_id, leader_id)
    decide(leader, "appraised", "Đủ điều kiện ban hành.")

    team.goto(f"/inspections/{inspection_id}")
    assert tr(live.app, "Appraised") in team.inner_text(".inspection-appraisal")
    assert fits_the_screen(team)
    team.click(f"a[href='/inspections/{inspection_id}/conclusion']")
    team.fill("input[name=conclusion_no]", "15/KL-UBND")
    team.click("main form[method=post] button[type=submit]")
    assert live.run(lambda: Inspection.get_by_id(inspection_id).status) == "concluded"

    live.deliver_mail()
    assert len(live.mail.to(LEADER_EMAIL)) == 2
    to_team = live.mail.to(INSPECTOR_EMAIL)
    assert len(to_team) == 2
    assert any("Bổ sung căn cứ pháp lý." in message.body() for message in to_team)
