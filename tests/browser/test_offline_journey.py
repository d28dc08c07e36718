"""An inspection day without a network, in chromium: the checklist prepared for offline
work opens with the server gone (also in a browser opened again on the same profile), the
answers, photos and draft findings wait in IndexedDB as "not synced" (the printable
record shows them), and arrive exactly once when the network is back; a conflict is
shown field by field and the choice stored; a server that dies in the middle of a batch
loses and doubles nothing."""
import json
import socket
import threading

import pytest
from PIL import Image
from playwright.sync_api import expect

from inspect_app.files import services as files
from inspect_app.models import (
    AuditEvent,
    ChecklistItem,
    ChecklistPhoto,
    Finding,
    SyncChange,
    User,
)
from tests.browser.conftest import VIEWPORTS
from tests.factories import (
    PASSWORD,
    make_checklist,
    make_inspection_in_progress,
    make_template,
    make_unit,
    make_user,
)
from tests.helpers import tr

ITEMS = 32


def checklist_rows(items):
    """A template's rows: one section and `items` answerable items under it."""
    return [("1", "Bộ phận một cửa", None)] + [
        (f"1.{n}", f"Niêm yết công khai TTHC số {n}", None) for n in range(1, items + 1)]


def set_up(items=ITEMS):
    """An inspection in progress of a commune (team: thanhtra, the lead, and thanhvien)
    with a checklist of one section and `items` answerable items; returns the
    inspection's id and the items' ids in order."""
    member = make_user("thanhvien", role="inspector", email="thanhvien@phuhoa.example.vn")
    inspection = make_inspection_in_progress(make_unit("X-HOAAN", "Xã Hòa An"),
                                             lead=User.get(User.username == "thanhtra"),
                                             members=[member])
    checklist = make_checklist(inspection, make_template(checklist_rows(items)))
    answerable = (ChecklistItem
                  .select(ChecklistItem.id)
                  .where(ChecklistItem.checklist == checklist, ~ChecklistItem.is_section)
                  .order_by(ChecklistItem.position))
    return inspection.id, [item.id for item in answerable]


def photo(tmp_path, name, size=(2400, 1200)):
    """A real JPEG photo larger than the browser keeps (it reduces it to 1600 px)."""
    path = tmp_path / name
    Image.new("RGB", size, (30, 120, 200)).save(path, "JPEG")
    return path


def sign_in(page, username):
    """Sign in through the login page."""
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action^='/login'] button[type=submit]")


def item_form(page, item_id):
    """The form of one checklist item."""
    return page.locator(f"form.checklist-item[data-item-id='{item_id}']")


def answer(page, item_id, value, note, photos=(), kept=True):
    """Answer an item and send its form; kept: wait until the page shows it "not synced"
    (offline, it stays so; online, it may be synced before it can be seen)."""
    form = item_form(page, item_id)
    form.locator(f"input[name=answer][value={value}]").check()
    form.locator("[name=note]").fill(note)
    if photos:
        form.locator("input[name=photos]").set_input_files([str(p) for p in photos])
    form.evaluate("form => form.requestSubmit()")
    if kept:
        expect(form.locator(".sync-badge")).to_be_visible()


def expect_synced(page, app):
    """Wait until the page says that nothing waits for the server."""
    expect(page.locator("#sync-status")).to_have_text(tr(app, "Everything is synced."),
                                                      timeout=30000)
    expect(page.locator(".sync-badge")).to_have_count(0)


def open_checklist(page, inspection_id):
    """Open the checklist page and wait until its script is running."""
    page.goto(f"/inspections/{inspection_id}/checklist")
    expect(page.locator("#sync-now")).to_be_visible()


def launch_laptop(playwright, launch_args, profile, live):
    """A browser on a profile directory of its own, kept when it closes (the laptop)."""
    return playwright.chromium.launch_persistent_context(
        str(profile), **launch_args, base_url=live.url, viewport=VIEWPORTS["desktop"],
        locale="vi-VN", service_workers="allow")


def go_offline(live, context):
    """The network is gone: the server cannot be reached and the browser knows it.

    Chromium's offline emulation does not cover the service worker's own requests
    (microsoft/playwright#2311), so the server itself stops answering too.
    """
    live.go_down()
    context.set_offline(True)


def come_online(live, context):
    """The network is back: the server answers and the browser says `online`."""
    live.come_back()
    context.set_offline(False)


def test_an_offline_day_opens_after_a_restart_and_arrives_exactly_once(
        live_server, playwright, browser_type_launch_args, tmp_path):
    inspection_id, items = live_server.run(set_up)
    profile = tmp_path / "laptop"
    laptop = launch_laptop(playwright, browser_type_launch_args, profile, live_server)
    page = laptop.new_page()
    sign_in(page, "thanhtra")
    open_checklist(page, inspection_id)
    page.click("#prepare-offline")
    expect(page.locator("#sync-status")).to_contain_text(
        tr(live_server.app, "Ready for offline work: %(count)s pages and files are kept in "
           "this browser.").split(":")[0])
    # The page says plainly when the browser refused lasting storage, and only then.
    refused = page.locator("#persist-refused")
    if page.evaluate("navigator.storage.persisted()"):
        expect(refused).to_be_hidden()
    else:
        expect(refused).to_be_visible()

    go_offline(live_server, laptop)
    page.reload()
    expect(page.locator("form.checklist-item")).to_have_count(ITEMS)
    photos = [photo(tmp_path, f"anh-{n}.jpg") for n in range(3)]
    for n, item_id in enumerate(items[:30]):
        value = "not_met" if n < 2 else "met"
        answer(page, item_id, value, f"Ghi chú tại chỗ {n}",
               photos=[photos[n - 2]] if 2 <= n < 5 else ())
    for item_id in items[:2]:
        page.click(f"[data-offline-finding='{item_id}']")
        expect(page.locator(f"[data-offline-finding='{item_id}']")).to_have_count(0)
    expect(page.locator("#offline-unsynced-warning")).to_be_visible()
    page.goto(f"/inspections/{inspection_id}/checklist/record")
    first_row = page.locator(f"tr[data-item-id='{items[0]}']")
    expect(first_row.locator(".record-answer")).to_have_text(tr(live_server.app, "Not met"))
    expect(first_row.locator(".record-note")).to_have_text("Ghi chú tại chỗ 0")
    expect(page.locator(".record-not-met li")).to_have_count(2)
    laptop.close()

    laptop = launch_laptop(playwright, browser_type_launch_args, profile, live_server)
    laptop.set_offline(True)
    page = laptop.new_page()
    open_checklist(page, inspection_id)
    expect(page.locator(".sync-badge")).to_have_count(30)
    come_online(live_server, laptop)
    expect_synced(page, live_server.app)
    laptop.close()

    stored = live_server.run(lambda: {
        "answers": sorted((i.answer, i.note, i.version) for i in ChecklistItem
                          .select().where(ChecklistItem.id.in_(items[:30]))),
        "unanswered": ChecklistItem.select().where(ChecklistItem.id.in_(items[30:]),
                                                   ChecklistItem.answer != "").count(),
        "photos": [(p.item_id, p.attachment.original_name) for p in ChecklistPhoto.select()],
        "findings": [(f.title, f.status, f.description) for f in Finding.select()],
        "linked": ChecklistItem.select().where(ChecklistItem.finding.is_null(False)).count(),
        "ledger": sorted((c.kind, c.outcome) for c in SyncChange.select())})
    assert stored["answers"] == sorted(
        [("not_met", f"Ghi chú tại chỗ {n}", 2) for n in range(2)]
        + [("met", f"Ghi chú tại chỗ {n}", 2) for n in range(2, 30)])
    assert stored["unanswered"] == 0
    assert sorted(stored["photos"]) == sorted(
        (items[n], f"anh-{n - 2}.jpg") for n in range(2, 5))
    assert sorted(stored["findings"]) == [
        ("Niêm yết công khai TTHC số 1", "draft", "Ghi chú tại chỗ 0"),
        ("Niêm yết công khai TTHC số 2", "draft", "Ghi chú tại chỗ 1")]
    assert stored["linked"] == 2
    assert stored["ledger"] == sorted([("answer", "applied")] * 30 + [("photo", "applied")] * 3
                                      + [("finding", "applied")] * 2)


def test_a_photo_is_kept_at_most_1600_pixels_wide(live_server, playwright,
                                                  browser_type_launch_args, tmp_path):
    inspection_id, items = live_server.run(set_up, items=1)
    laptop = launch_laptop(playwright, browser_type_launch_args, tmp_path / "laptop",
                           live_server)
    page = laptop.new_page()
    sign_in(page, "thanhtra")
    open_checklist(page, inspection_id)

    answer(page, items[0], "met", "Ảnh bảng niêm yết", kept=False,
           photos=[photo(tmp_path, "bang.jpg", size=(4000, 3000))])
    expect(item_form(page, items[0])).to_have_attribute("data-version", "2")
    expect_synced(page, live_server.app)
    laptop.close()

    path = live_server.run(lambda: files.file_path(ChecklistPhoto.get().attachment))
    with Image.open(path) as stored:
        assert (stored.format, stored.size) == ("JPEG", (1600, 1200))


@pytest.mark.parametrize("viewport", ["phone"])
def test_the_second_laptop_sees_the_conflict_and_its_choice_is_stored(live_server, open_page):
    inspection_id, items = live_server.run(set_up, items=3)
    lead, member = open_page(), open_page()
    sign_in(lead, "thanhtra")
    open_checklist(lead, inspection_id)
    sign_in(member, "thanhvien")
    open_checklist(member, inspection_id)

    answer(lead, items[0], "met", "Đã niêm yết đủ 45 thủ tục", kept=False)
    expect(item_form(lead, items[0])).to_have_attribute("data-version", "2")
    answer(member, items[0], "not_met", "Thiếu 3 thủ tục mới", kept=False)

    card = member.locator(".conflict")
    expect(card).to_be_visible()
    rows = card.locator("tbody tr")
    expect(rows).to_have_count(2)
    answer_row = rows.filter(has_text=tr(live_server.app, "Not met"))
    expect(answer_row.locator(".conflict-mine")).to_have_text(tr(live_server.app, "Not met"))
    expect(answer_row.locator(".conflict-theirs")).to_have_text(tr(live_server.app, "Met"))
    expect(answer_row.locator(".conflict-who")).to_contain_text("Nguyễn Văn Thanh")
    note_row = rows.filter(has_text="Thiếu 3 thủ tục mới")
    expect(note_row.locator(".conflict-theirs")).to_have_text("Đã niêm yết đủ 45 thủ tục")
    card.locator("[data-choice=mine]").click()
    expect(item_form(member, items[0])).to_have_attribute("data-version", "3")
    expect_synced(member, live_server.app)
    expect(member.locator(".conflict")).to_have_count(0)

    stored = live_server.run(lambda: {
        "item": ChecklistItem.select(ChecklistItem.answer, ChecklistItem.note,
                                     ChecklistItem.version, User.username)
                .join(User, on=ChecklistItem.updated_by == User.id)
                .where(ChecklistItem.id == items[0]).tuples().get(),
        "ledger": sorted((c.user.username, c.kind, c.outcome) for c in SyncChange.select()),
        "conflicted": SyncChange.get(SyncChange.outcome == "conflict").client_id,
        "choice": [json.loads(e.changes) for e in AuditEvent.select()
                   .where(AuditEvent.action == "resolve_conflict")]})
    assert stored["item"] == ("not_met", "Thiếu 3 thủ tục mới", 3, "thanhvien")
    assert stored["ledger"] == [("thanhtra", "answer", "applied"),
                                ("thanhvien", "answer", "conflict"),
                                ("thanhvien", "resolve", "applied")]
    assert stored["choice"] == [{"conflict": stored["conflicted"], "choice": "mine"}]


class DiesMidBatch:
    """The app as served, except that the first sync request kills the server: before
    the batch is applied, or after it was applied and before the laptop hears back."""

    def __init__(self, live, moment):
        self.live = live
        self.moment = moment
        self.wsgi_app = live.app.wsgi_app
        self.dead = threading.Event()
        self.down = threading.Event()

    def __call__(self, environ, start_response):
        if self.dead.is_set() or not environ["PATH_INFO"].endswith("/checklist/sync"):
            return self.wsgi_app(environ, start_response)
        self.dead.set()
        if self.moment == "after the commit":
            answered = self.wsgi_app(environ, lambda status, headers, exc_info=None: None)
            b"".join(answered)
        else:
            environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        threading.Thread(target=self.kill).start()
        # The connection ends without an answer, as when the process is killed.
        environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
        raise ConnectionResetError("the server was killed in the middle of the batch")

    def kill(self):
        """Stop the server (from another thread: it waits for the serving loop)."""
        self.live.go_down()
        self.down.set()


@pytest.mark.parametrize("viewport", ["desktop"])
@pytest.mark.parametrize("moment", ["before the commit", "after the commit"])
def test_a_server_killed_in_the_middle_of_a_batch_loses_and_doubles_nothing(
        live_server, open_page, tmp_path, moment):
    inspection_id, items = live_server.run(set_up, items=12)
    page = open_page()
    sign_in(page, "thanhtra")
    open_checklist(page, inspection_id)
    page.context.set_offline(True)
    for n, item_id in enumerate(items):
        answer(page, item_id, "met", f"Ghi chú {n}",
               photos=[photo(tmp_path, "so-theo-doi.jpg")] if n == 0 else ())
    dies = DiesMidBatch(live_server, moment)
    live_server.app.wsgi_app = dies

    page.context.set_offline(False)
    assert dies.down.wait(timeout=30)
    live_server.come_back()
    expect_synced(page, live_server.app)

    stored = live_server.run(lambda: {
        "answers": [(i.answer, i.note, i.version) for i in ChecklistItem.select()
                    .where(ChecklistItem.id.in_(items)).order_by(ChecklistItem.position)],
        "photos": ChecklistPhoto.select().count(),
        "ledger": SyncChange.select().count(),
        "audit": sorted(e.action for e in AuditEvent.select()
                        .where(AuditEvent.action.in_(["answer", "add_photo"])))})
    assert stored["answers"] == [("met", f"Ghi chú {n}", 2) for n in range(12)]
    assert stored["photos"] == 1
    assert stored["ledger"] == 13
    assert stored["audit"] == ["add_photo"] + ["answer"] * 12
