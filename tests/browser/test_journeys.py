"""The app as its users meet it: one inspection's story from the admin's set-up to the
resolved finding, in chromium at desktop and at phone width, with real e-mail."""
import datetime as dt
import io
import re

from PIL import Image
from pypdf import PdfReader

from inspect_app import clock
from inspect_app.models import Finding, Inspection, UnitKind
from tests.factories import PASSWORD, PDF_BYTES, make_finding, make_unit
from tests.helpers import tr

NEW_PASSWORD = "matkhaumoi2026"
HEAD_EMAIL = "truongxa.hoaan@phuhoa.example.vn"
INSPECTOR_EMAIL = "thanhtra@phuhoa.example.vn"
CONCLUSION_NO = "12/KL-UBND"
LINK = re.compile(r"http://127\.0\.0\.1:\d+(/findings/\d+)")


def png_bytes():
    """A small real PNG photo."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def sign_in(page, username, password=PASSWORD):
    """Fill the login form the page shows (or open it) and sign in."""
    if "/login" not in page.url:
        page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[action^='/login'] button[type=submit]")


def save(page):
    """Press the main form's submit button."""
    page.click("main form[method=post] button[type=submit] >> nth=-1")


def alert_text(page):
    """The flashed messages on the page, once the page after a post has shown one (a
    click does not wait for the page it leads to)."""
    page.locator("[role=alert]").first.wait_for()
    return " ".join(page.locator("[role=alert]").all_inner_texts())


def open_menu_item(page, href):
    """Follow a main-menu link, opening the collapsed menu first on a phone and the
    link's dropdown if it is in one."""
    # Only once the stylesheet applies is the toggler's visibility the screen's answer.
    page.wait_for_load_state("load")
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    link = page.locator(f"#mainNav a[href='{href}']")
    group = page.locator("#mainNav .dropdown").filter(has=page.locator(f"a[href='{href}']"))
    if group.count():
        group.locator(".dropdown-toggle").click()
    link.click()


def mail_to(live, address, count):
    """Deliver the outbox and wait until address has received count e-mails."""
    live.deliver_mail()
    messages = live.mail.to(address)
    assert len(messages) == count, [m.subject for m in messages]
    return messages


# --- the steps --------------------------------------------------------------------------


def admin_sets_up(live, page):
    """The admin creates the unit and its head's account, and changes a setting."""
    sign_in(page, "quantri")
    open_menu_item(page, "/admin/units")
    page.goto("/admin/units/new")
    page.fill("input[name=code]", "HOA-AN")
    page.fill("input[name=name]", "Xã Hòa An")
    page.select_option("select[name=kind]",
                       str(live.run(lambda: UnitKind.get(UnitKind.code == "xa").id)))
    page.fill("input[name=email]", "hoaan@phuhoa.example.vn")
    save(page)
    assert page.url.endswith("/admin/units")
    assert "Xã Hòa An" in page.inner_text("main")

    page.goto("/admin/users/new")
    page.fill("input[name=username]", "hoaan")
    page.fill("input[name=full_name]", "Lê Văn An")
    page.select_option("select[name=role]", "unit_head")
    page.select_option("select[name=unit]", label="Xã Hòa An")
    page.fill("input[name=email]", HEAD_EMAIL)
    save(page)
    one_time = page.inner_text(".one-time-password").strip()
    assert len(one_time) >= 8

    page.goto("/admin/settings")
    page.fill("input[name=escalation_every_days]", "7")
    save(page)
    assert tr(live.app, "The settings have been saved.") in alert_text(page)
    assert page.input_value("input[name=escalation_every_days]") == "7"
    return one_time


def inspector_concludes(live, page):
    """The inspector plans and runs the inspection, records three findings with a file,
    issues the conclusion and downloads its PDF; returns the findings' ids."""
    sign_in(page, "thanhtra")
    page.goto("/plans/new")
    page.fill("input[name=title]", "Kế hoạch kiểm tra CCHC năm nay")
    save(page)
    plan_id = re.search(r"/plans/(\d+)$", page.url).group(1)

    today = clock.today()
    page.goto(f"/inspections/new?plan_id={plan_id}")
    page.select_option("select[name=unit]", label="Xã Hòa An")
    page.fill("input[name=title]", "Kiểm tra công tác CCHC tại Xã Hòa An")
    page.fill("input[name=start_date]", today.isoformat())
    page.fill("input[name=end_date]", (today + dt.timedelta(days=2)).isoformat())
    page.select_option("select[name=lead]", label="Nguyễn Văn Thanh")
    save(page)
    inspection_id = int(re.search(r"/inspections/(\d+)$", page.url).group(1))
    page.click(f"form[action='/inspections/{inspection_id}/start'] button")
    assert tr(live.app, "The inspection is now in progress.") in alert_text(page)

    page.set_input_files("input[name=file]", files=[{
        "name": "Biên bản kiểm tra.pdf", "mimeType": "application/pdf",
        "buffer": PDF_BYTES}])
    page.click(f"form[action='/inspections/{inspection_id}/attachments'] button")
    assert "Biên bản kiểm tra.pdf" in page.inner_text("main")

    for number in range(1, 4):
        page.goto(f"/inspections/{inspection_id}/findings/new")
        page.select_option("select[name=category]", index=number)
        page.fill("input[name=title]", f"Tồn tại số {number}: hồ sơ TTHC trễ hạn")
        page.fill("textarea[name=recommendation]", "Khắc phục và báo cáo kết quả")
        save(page)
        assert tr(live.app, "The finding has been recorded as a draft.") in alert_text(page)

    page.goto(f"/inspections/{inspection_id}/conclusion")
    page.fill("input[name=conclusion_no]", CONCLUSION_NO)
    save(page)
    assert page.url.endswith(f"/inspections/{inspection_id}")

    with page.expect_download() as download:
        page.click(f"a[href='/inspections/{inspection_id}/conclusion.pdf']")
    pdf = PdfReader(download.value.path())
    assert CONCLUSION_NO in "".join(p.extract_text() for p in pdf.pages)
    return live.run(lambda: [f.id for f in Finding.select()
                             .where(Finding.inspection == inspection_id)
                             .order_by(Finding.id)])


def head_signs_in_first_time(live, page, one_time):
    """The unit head signs in with the one-time password and must choose their own."""
    sign_in(page, "hoaan", one_time)
    assert "/account/password" in page.url
    page.fill("input[name=current_password]", one_time)
    page.fill("input[name=new_password]", NEW_PASSWORD)
    page.fill("input[name=confirm_password]", NEW_PASSWORD)
    save(page)
    assert tr(live.app, "Your password has been changed.") in alert_text(page)


def head_sees_only_their_unit(live, page, other_finding_id):
    """Lists and pages show the head's unit only; another unit's finding is 404."""
    page.goto("/findings")
    listing = page.inner_text("main")
    assert "Tồn tại số 1" in listing and "Xã Khác" not in listing
    assert page.goto(f"/findings/{other_finding_id}").status == 404


def head_reports(live, page, finding_id, body):
    """The unit head sends a remediation report with a photo and a PDF."""
    page.goto(f"/findings/{finding_id}")
    page.fill("textarea[name='report-body']", body)
    page.set_input_files("input[name='report-files']", files=[
        {"name": "ảnh niêm yết.png", "mimeType": "image/png", "buffer": png_bytes()},
        {"name": "báo cáo khắc phục.pdf", "mimeType": "application/pdf",
         "buffer": PDF_BYTES}])
    page.click(f"form[action='/findings/{finding_id}/responses'] button[type=submit]")
    assert tr(live.app, "Your report has been sent to the inspectors.") in alert_text(page)
    assert "ảnh niêm yết.png" in page.inner_text("main")


def head_asks_for_time(live, page, finding_id):
    """The unit head asks for a later deadline."""
    page.goto(f"/findings/{finding_id}")
    page.fill("input[name='extension-requested_deadline']",
              (clock.today() + dt.timedelta(days=200)).isoformat())
    page.fill("textarea[name='extension-reason']", "Chờ kinh phí số hóa hồ sơ")
    page.click(f"form[action='/findings/{finding_id}/extension'] button[type=submit]")
    assert tr(live.app, "Your request for more time has been sent.") in alert_text(page)


def follow_link_and_sign_in(page, url, username, password=PASSWORD):
    """Open an e-mail's link signed out, sign in, and land on the linked page."""
    page.goto(url)
    assert "/login" in page.url
    sign_in(page, username, password)
    assert page.url == url


def review(page, finding_id, button_text, note=""):
    """Press one of the review or decision buttons of the finding page."""
    page.goto(f"/findings/{finding_id}")
    if note:
        page.fill("textarea[name='review-note']", note)
    page.click(f"main button:has-text('{button_text}')")


# --- the journey ------------------------------------------------------------------------


def test_inspection_story_from_set_up_to_resolved_finding(live_server, open_page):
    live = live_server
    admin, inspector, head = open_page(), open_page(), open_page()

    one_time = admin_sets_up(live, admin)
    first, second, _third = inspector_concludes(live, inspector)
    other = live.run(lambda: make_finding(unit=make_unit("XA-KHAC", "Xã Khác")).id)

    [conclusion_mail] = mail_to(live, HEAD_EMAIL, 1)
    assert CONCLUSION_NO in conclusion_mail.body()
    assert [name for name, _data in conclusion_mail.attachments()][0].endswith(".pdf")
    finding_path = f"/findings/{first}"
    assert finding_path in LINK.findall(conclusion_mail.body())

    head_signs_in_first_time(live, head, one_time)
    follow_link_and_sign_in(open_page(),
                            live.url + finding_path, "hoaan", NEW_PASSWORD)
    head_sees_only_their_unit(live, head, other)
    head_reports(live, head, first, "Đã niêm yết đầy đủ thủ tục hành chính")
    head_asks_for_time(live, head, second)
    to_inspector = mail_to(live, INSPECTOR_EMAIL, 2)
    assert any(finding_path in LINK.findall(m.body()) for m in to_inspector)

    follow_link_and_sign_in(open_page(),
                            live.url + finding_path, "thanhtra")
    review(inspector, second, tr(live.app, "Approve"))
    assert tr(live.app, "The new deadline has been approved.") in alert_text(inspector)
    review(inspector, first, tr(live.app, "Ask for changes"), "Bổ sung ảnh bộ phận một cửa")
    assert tr(live.app, "The unit has been asked to complete its report.") \
        in alert_text(inspector)
    mail_to(live, HEAD_EMAIL, 3)

    head_reports(live, head, first, "Đã bổ sung ảnh bộ phận một cửa")
    mail_to(live, INSPECTOR_EMAIL, 3)
    review(inspector, first, tr(live.app, "Accept"))
    assert tr(live.app, "The report has been accepted and the finding is resolved.") \
        in alert_text(inspector)
    assert tr(live.app, "Resolved") in inspector.inner_text(".finding-badges")
    assert inspector.locator(".finding-timeline li").count() >= 5
    mail_to(live, HEAD_EMAIL, 4)

    head.goto(f"/findings/{first}")
    assert tr(live.app, "Resolved") in head.inner_text(".finding-badges")
    head.click("button[name=lang][value=en]")
    assert head.get_attribute("html", "lang") == "en"
    assert "Resolved" in head.inner_text(".finding-badges")
    head.click("button[name=lang][value=vi]")
    assert head.get_attribute("html", "lang") == "vi"
    assert live.run(lambda: Inspection.get().status) == "concluded"

