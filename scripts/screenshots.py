"""`make screenshots`: the main pages of each role, from the demo data, at desktop and
phone width, written to docs/screenshots/ as role-page-width.png.

The demo is loaded into a throwaway database, served on 127.0.0.1 by werkzeug in a
thread, and photographed by Debian's chromium (Playwright). The PNGs are reduced to 256
colours so the committed set stays small.
"""
import argparse
import sys
import tempfile
import threading
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inspect_app import create_app, demo, schema  # noqa: E402
from inspect_app.db import db  # noqa: E402
from inspect_app.models import RUNNING_STATES, Finding, User  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
WIDTHS = {1280: 900, 390: 844}


def demo_account(role):
    """The username of the demo's first account with role."""
    return next(username for username, _name, account_role, _unit in demo.ACCOUNTS
                if account_role == role)


def unit_heads_finding():
    """The demo unit head's running finding with the earliest deadline (its page)."""
    head = User.get(User.username == demo_account("unit_head"))
    finding = (Finding
               .select()
               .where(Finding.responsible_unit == head.unit_id,
                      Finding.status.in_(RUNNING_STATES))
               .order_by(Finding.deadline, Finding.id)
               .first())
    return f"/findings/{finding.id}"


def pages_by_role():
    """Each role with its main pages (name -> path)."""
    return [
        ("unit_head", {"home": "/", "finding": unit_heads_finding(), "findings": "/findings"}),
        ("inspector", {"home": "/", "findings": "/findings", "inspections": "/inspections",
                       "calendar": "/inspections/calendar", "review": "/review"}),
        ("leader", {"home": "/", "review": "/review", "discipline": "/discipline"}),
        ("admin", {"home": "/", "users": "/admin/users", "outbox": "/admin/outbox"}),
    ]


def small_png(path):
    """Rewrite the screenshot at path with a 256-colour palette."""
    with Image.open(path) as image:
        reduced = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    reduced.save(path, optimize=True)


def photograph(base_url, out, roles):
    """Sign in as each role at each width and save its pages."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--no-sandbox", "--disable-gpu"])
        for role, pages in roles:
            for width, height in WIDTHS.items():
                context = browser.new_context(viewport={"width": width, "height": height},
                                              base_url=base_url, locale="vi-VN")
                page = context.new_page()
                page.goto("/login")
                page.fill("input[name=username]", demo_account(role))
                page.fill("input[name=password]", demo.DEMO_PASSWORD)
                page.click("form[action^='/login'] button[type=submit]")
                page.wait_for_load_state("load")
                if "/login" in page.url:
                    sys.exit(f"could not sign in as the demo's {role}")
                for name, path in pages.items():
                    page.goto(path)
                    target = out / f"{role}-{name}-{width}.png"
                    page.screenshot(path=str(target))
                    small_png(target)
                    print(target.relative_to(ROOT))
                context.close()
        browser.close()


def main():
    """Load the demo into a throwaway database, serve it and photograph it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="screenshots-") as instance:
        app = create_app({"INSTANCE_PATH": instance, "SECRET_KEY": "screenshots",
                          "DATABASE_URL": f"sqlite:///{instance}/demo.db",
                          "UPLOAD_DIR": f"{instance}/uploads"})
        with app.app_context(), db.connection_context():
            schema.upgrade()
            demo.load()
            roles = pages_by_role()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            photograph(f"http://127.0.0.1:{server.server_port}", args.out, roles)
        finally:
            server.shutdown()
            thread.join(timeout=10)


if __name__ == "__main__":
    main()
