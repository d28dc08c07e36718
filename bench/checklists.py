"""The offline checklist benchmark: `.venv/bin/python bench/checklists.py [--rounds N]`.

It serves the app on 127.0.0.1 (werkzeug, threaded, a fresh SQLite database under
build/bench-checklists/) and drives Debian's chromium with Playwright, as an inspector:

- opening: a 150-item checklist prepared for offline work ("Chuẩn bị làm việc ngoại
  tuyến"); each round navigates to the checklist page and waits until its script has
  shown the page's controls, once online and once with the server switched off and the
  browser offline (the service worker answers from its cache, the script reads
  IndexedDB), side by side;
- sync: per round a fresh inspection with a 150-item checklist; 150 answers and 10
  photos (1600 x 1200 JPEG, as the page keeps them after reduction) are queued in the
  page's IndexedDB, then "Đồng bộ ngay" is pressed and the time until the page says that
  everything is synced is measured (the server has then stored all of them: checked),
  with the time the server spent on the sync requests.

It prints the medians and the machine, and saves them to build/bench-checklists.json.
"""
import argparse
import base64
import io
import json
import os
import platform
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

from PIL import Image
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inspect_app import create_app, schema  # noqa: E402
from inspect_app.auth import services as accounts  # noqa: E402
from inspect_app.checklists import services as checklists  # noqa: E402
from inspect_app.db import db  # noqa: E402
from inspect_app.models import (  # noqa: E402
    ChecklistItem,
    ChecklistPhoto,
    ChecklistTemplate,
    Inspection,
    Unit,
    UnitKind,
    User,
)
from tests.factories import make_template  # noqa: E402

WORK = ROOT / "build" / "bench-checklists"
OUTPUT = ROOT / "build" / "bench-checklists.json"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "matkhau-bench-123"
ITEMS, PHOTOS = 150, 10
LIMITS = {"offline_open_ms": 1000, "sync_ms": 5000}


class Server:
    """The app on 127.0.0.1, which can be switched off and on again on its port."""

    def __init__(self):
        shutil.rmtree(WORK, ignore_errors=True)
        WORK.mkdir(parents=True)
        self.app = create_app({"INSTANCE_PATH": str(WORK), "SECRET_KEY": "bench",
                               "DATABASE_URL": f"sqlite:///{WORK / 'bench.db'}",
                               "UPLOAD_DIR": str(WORK / "uploads")})
        self.sync_seconds = 0.0
        self.app.wsgi_app = self.timing(self.app.wsgi_app)
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = None

    def timing(self, wsgi_app):
        """Add the time the server spends on sync requests to sync_seconds."""
        def timed(environ, start_response):
            if not environ["PATH_INFO"].endswith("/checklist/sync"):
                return wsgi_app(environ, start_response)
            start = time.perf_counter()
            body = list(wsgi_app(environ, start_response))
            self.sync_seconds += time.perf_counter() - start
            return body
        return timed

    def run(self, function, *args):
        """Call function inside the app with a connection of its own."""
        with self.app.app_context(), db.connection_context():
            return function(*args)

    def on(self):
        """Serve (again) on the port."""
        if self.thread is not None:
            self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def off(self):
        """Stop answering, as a server out of reach."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def set_up():
    """Migrate; the inspector, a commune and the 150-item template."""
    schema.upgrade()
    accounts.create_user(None, "thanhtra", "Nguyễn Văn Thanh", "inspector", PASSWORD)
    unit = Unit.create(code="X-BENCH", name="Xã Hòa An",
                       kind=UnitKind.get(UnitKind.code == "xa"))
    rows = [("1", "Bộ phận một cửa", None)] + [
        (f"1.{n}", f"Niêm yết công khai TTHC số {n}", None) for n in range(1, ITEMS + 1)]
    return unit.id, make_template(rows).id


def new_checklist(unit_id, template_id, n):
    """An inspection in progress led by the inspector, with the 150-item checklist."""
    import datetime as dt

    lead = User.get(User.username == "thanhtra")
    inspection = Inspection.create(unit=unit_id, title=f"Kiểm tra công vụ {n}",
                                   start_date=dt.date(2030, 1, 5),
                                   end_date=dt.date(2030, 1, 7),
                                   status="in_progress", lead=lead)
    checklists.create_checklist(lead, inspection,
                                template=ChecklistTemplate.get_by_id(template_id))
    return inspection.id


def stored(inspection_id):
    """(items answered, photos) of an inspection's checklist."""
    items = (ChecklistItem
             .select(ChecklistItem.id)
             .join_from(ChecklistItem, ChecklistItem.checklist.rel_model)
             .where(ChecklistItem.checklist.rel_model.inspection == inspection_id))
    answered = items.where(ChecklistItem.answer != "").count()
    photos = ChecklistPhoto.select().where(ChecklistPhoto.item.in_(items)).count()
    return answered, photos


def photo_base64():
    """A 1600 x 1200 JPEG with the grain of a real photo (noise compresses as poorly)."""
    noise = Image.effect_noise((1600, 1200), 40).convert("RGB")
    buffer = io.BytesIO()
    Image.blend(noise, Image.new("RGB", noise.size, (90, 140, 60)), 0.5).save(
        buffer, "JPEG", quality=85)
    return base64.b64encode(buffer.getvalue()).decode()


QUEUE_CHANGES = """async ([photo, photos]) => {
  const store = await import("/static/js/offline-store.js");
  const inspection = Number(document.getElementById("offline-page").dataset.inspectionId);
  const bytes = Uint8Array.from(atob(photo), (c) => c.charCodeAt(0));
  const forms = Array.from(document.querySelectorAll("form.checklist-item"));
  for (const [n, form] of forms.entries()) {
    await store.addChange({ id: store.newId(), inspection, type: "answer",
      item_id: Number(form.dataset.itemId), base_version: Number(form.dataset.version),
      fields: { answer: n % 7 ? "met" : "not_met", note: `Ghi chú tại chỗ số ${n}` } });
  }
  for (const form of forms.slice(0, photos)) {
    await store.addChange({ id: store.newId(), inspection, type: "photo",
      item_id: Number(form.dataset.itemId), name: "anh.jpg", content_type: "image/jpeg",
      photo: new Blob([bytes], { type: "image/jpeg" }) });
  }
  document.getElementById("sync-status").textContent = "";
}"""


def sign_in(page):
    """Sign in through the login page."""
    page.goto("/login")
    page.fill("input[name=username]", "thanhtra")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action^='/login'] button[type=submit]")


def time_open(page, url):
    """Milliseconds from navigating to the checklist until its script shows its controls."""
    start = time.perf_counter()
    page.goto(url)
    expect(page.locator("#sync-now")).to_be_visible()
    elapsed = (time.perf_counter() - start) * 1000
    assert page.locator("form.checklist-item").count() == ITEMS
    return elapsed


def time_opening(server, context, page, inspection_id, rounds, texts):
    """Per round, milliseconds to open the prepared checklist online, then offline (the
    server switched off and the browser offline), side by side."""
    url = f"/inspections/{inspection_id}/checklist"
    page.goto(url)
    page.click("#prepare-offline")
    expect(page.locator("#sync-status")).to_contain_text(texts["prepared"], timeout=30000)
    online, offline = [], []
    for _ in range(rounds):
        online.append(time_open(page, url))
        server.off()
        context.set_offline(True)
        offline.append(time_open(page, url))
        server.on()
        context.set_offline(False)
    return online, offline


def time_sync(server, page, unit_id, template_id, rounds, texts):
    """Milliseconds to sync 150 answers and 10 photos, per round (each a new checklist)."""
    photo = photo_base64()
    times, server_times = [], []
    for n in range(rounds):
        inspection_id = server.run(new_checklist, unit_id, template_id, n + 1)
        page.goto(f"/inspections/{inspection_id}/checklist")
        expect(page.locator("#sync-status")).to_have_text(texts["synced"])
        page.evaluate(QUEUE_CHANGES, [photo, PHOTOS])
        server.sync_seconds = 0.0
        start = time.perf_counter()
        page.click("#sync-now")
        expect(page.locator("#sync-status")).to_have_text(texts["synced"], timeout=60000)
        times.append((time.perf_counter() - start) * 1000)
        server_times.append(server.sync_seconds * 1000)
        assert server.run(stored, inspection_id) == (ITEMS, PHOTOS)
    return times, server_times


def page_texts(app):
    """The page's Vietnamese status messages the benchmark waits for."""
    from flask_babel import force_locale

    from inspect_app.i18n import gettext

    with app.test_request_context(), force_locale("vi"):
        return {"synced": gettext("Everything is synced."),
                "prepared": gettext("Ready for offline work: %(count)s pages and files are "
                                    "kept in this browser.", count="").split(":")[0]}


def machine():
    """What the figures were measured on."""
    return {"python": platform.python_version(), "system": platform.platform(),
            "cpus": os.cpu_count(), "load_average": os.getloadavg()}


def main():
    """Run both measures and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    server = Server()
    unit_id, template_id = server.run(set_up)
    first = server.run(new_checklist, unit_id, template_id, 0)
    server.on()
    texts = page_texts(server.app)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(base_url=server.url, locale="vi-VN")
        page = context.new_page()
        sign_in(page)
        online, offline = time_opening(server, context, page, first, args.rounds, texts)
        sync, sync_server = time_sync(server, page, unit_id, template_id, args.rounds, texts)
        browser.close()
    server.off()
    figures = {"online_open_ms": online, "offline_open_ms": offline, "sync_ms": sync,
               "sync_server_ms": sync_server}
    results = {"machine": machine(), "rounds": args.rounds, "limits": LIMITS,
               **{name: {"median": statistics.median(times), "all": times}
                  for name, times in figures.items()}}
    OUTPUT.write_text(json.dumps(results, indent=2))
    print(f"machine: {results['machine']}")
    for name in figures:
        each = ", ".join(f"{t:.0f}" for t in results[name]["all"])
        print(f"{name}: median {results[name]['median']:.0f} (limit {LIMITS.get(name, '-')});"
              f" rounds: {each}")


if __name__ == "__main__":
    main()
