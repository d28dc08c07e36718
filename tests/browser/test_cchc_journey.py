"""The CCHC index round as its users meet it, at phone width: the unit head scores the
commune with a file, the team appraises and asks for an explanation, the unit explains,
round 2 fixes the scores, the leader publishes, and the ranking PDF is read back."""
import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from inspect_app import clock
from inspect_app.models import CriteriaNode, User
from tests.factories import PDF_BYTES, make_criteria_set, make_round, make_unit, make_user
from tests.helpers import tr

HEAD_EMAIL = "chutich.hoaan@phuhoa.example.vn"


@pytest.fixture
def viewport():
    """The unit head scores on a phone."""
    return "phone"


def sign_in(page, username, password="matkhau123"):
    """Sign in through the login page."""
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[action^='/login'] button[type=submit]")


def set_up(live):
    """The admin's published set; a commune, its head, a round open for it (team: the
    inspector). Returns {code: node id}, the sheet's id and the round's id."""
    admin = User.get(User.username == "quantri")
    criteria_set = make_criteria_set(actor=admin)
    unit = make_unit("X-HOAAN", "Xã Hòa An")
    make_user("hoaan", role="unit_head", unit=unit, email=HEAD_EMAIL)
    assessment_round = make_round(criteria_set, [unit],
                                  team=[User.get(User.username == "thanhtra")])
    nodes = {n.code: n.id for n in CriteriaNode.select()}
    return nodes, assessment_round.sheets.get().id, assessment_round.id


def score_field(page, sheet_id, nodes, field, values):
    """Open a field's page and fill {code: (points or None, note, extra)} then save."""
    page.goto(f"/assessments/sheets/{sheet_id}/fields/{nodes[field]}")
    for code, (points, note, extra) in values.items():
        node = nodes[code]
        if points is not None:
            selector = f"[name=points-{node}]"
            if page.locator(f"select{selector}").count():
                page.select_option(f"select{selector}", value=points)
            else:
                page.fill(f"input{selector}", points)
        if note is not None:
            page.fill(f"[name=note-{node}]", note)
        if extra == "ask":
            page.check(f"[name=ask-{node}]")
        elif extra:
            page.fill(f"[name=explanation-{node}]", extra)
    page.click("form.field-form button[type=submit]")
    assert "/fields/" not in page.url, page.inner_text("main")


def press(page, sheet_id, action):
    """Press a sheet's action button (submit, explain, second-round)."""
    page.goto(f"/assessments/sheets/{sheet_id}")
    page.click(f"form[action$='/{action}'] button[type=submit]")


def test_a_cchc_round_from_self_assessment_to_published_ranking(live_server, open_page):
    live = live_server
    nodes, sheet_id, round_id = live.run(set_up, live)
    head, inspector, leader = open_page(), open_page(), open_page()
    today = live.run(clock.today)

    sign_in(head, "hoaan")
    head.goto("/assessments")
    head.click(f"a[href='/assessments/sheets/{sheet_id}']")
    assert head.viewport_size["width"] == 390
    score_field(head, sheet_id, nodes, "1", {
        "1.1": ("4", "Kế hoạch số 12/KH-UBND", None),
        "1.2.1": ("3", "Báo cáo đủ bốn quý", None), "1.2.2": ("3", "Có báo cáo", None)})
    head.goto(f"/assessments/sheets/{sheet_id}/nodes/{nodes['1.1']}/evidence")
    head.set_input_files("input[name=file]", files=[{
        "name": "ke-hoach-cchc.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}])
    head.fill("input[name=document_no]", "12/KH-UBND")
    head.fill("input[name=page]", "2")
    head.click("main form[enctype='multipart/form-data'] button[type=submit]")
    assert tr(live.app, "The evidence has been added.") in head.inner_text("main")
    score_field(head, sheet_id, nodes, "2", {"2.1": ("5", "Niêm yết đủ", None)})
    press(head, sheet_id, "submit")
    assert tr(live.app, "The self-assessment has been sent to the appraisal team.") \
        in head.inner_text("main")

    sign_in(inspector, "thanhtra")
    score_field(inspector, sheet_id, nodes, "1", {
        "1.1": ("3", "Kế hoạch ban hành muộn", "ask"), "1.2.1": ("1,5", "Quý 3 chậm", None),
        "1.2.2": ("3", None, None)})
    score_field(inspector, sheet_id, nodes, "2", {"2.1": ("5", None, None)})
    inspector.goto(f"/assessments/sheets/{sheet_id}")
    inspector.fill("input[name=explanation_deadline]",
                   (today + dt.timedelta(days=5)).isoformat())
    inspector.click("form[action$='/first-round'] button[type=submit]")
    assert tr(live.app, "Appraisal round 1 is finished.") in inspector.inner_text("main")

    head.goto(f"/assessments/sheets/{sheet_id}/fields/{nodes['1']}")
    assert "Kế hoạch ban hành muộn" in head.inner_text("main")
    score_field(head, sheet_id, nodes, "1", {
        "1.1": (None, None, "Kế hoạch ban hành ngày 15/01, trước thời hạn")})
    press(head, sheet_id, "explain")

    score_field(inspector, sheet_id, nodes, "1", {
        "1.1": ("3,5", "Chấp nhận một phần giải trình", None)})
    press(inspector, sheet_id, "second-round")
    assert tr(live.app, "The final scores are fixed.") in inspector.inner_text("main")
    inspector.goto(f"/assessments/{round_id}")
    inspector.fill(f"input[name=survey-{sheet_id}]", "24,5")
    inspector.click("form[action$='/survey'] button[type=submit]")

    sign_in(leader, "lanhdao")
    leader.goto(f"/assessments/{round_id}")
    leader.fill("input[name=decision_no]", "125/QĐ-UBND")
    leader.fill("input[name=decision_date]", today.isoformat())
    leader.click("form[action$='/publish'] button[type=submit]")
    assert f"/assessments/{round_id}/ranking" in leader.url
    # 13 of 15 applicable points → 17,33 of 20 → 60,66 of 70, plus 24,5: 85,16 (Tốt).
    assert re.search(r"Xã Hòa An\s+Tốt\s+85,16", leader.inner_text("main"))
    with leader.expect_download() as download:
        leader.click(f"a[href='/assessments/{round_id}/ranking.pdf']")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(
        io.BytesIO(open(download.value.path(), "rb").read())).pages)
    assert "Xã Hòa An" in text and "85,16" in text and "125/QĐ-UBND" in text

    head.goto(f"/assessments/{round_id}/ranking")
    assert "85,16" in head.inner_text("main")
