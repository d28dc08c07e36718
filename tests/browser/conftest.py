"""Browser journeys: the app served on 127.0.0.1 with a fresh database, a real SMTP
server, and Debian's chromium driven by pytest-playwright at desktop and phone width."""
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from inspect_app import create_app, schema
from inspect_app.auth import services as accounts
from inspect_app.db import close_pool, db
from inspect_app.mail.sender import send_pending
from tests.factories import PASSWORD
from tests.smtp import MailServer, free_port, smtp_config

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"
NO_BROWSER = (f"BROWSER JOURNEYS SKIPPED: {CHROMIUM} is missing "
              "(install Debian's chromium: apt-get install chromium)")
VIEWPORTS = {"desktop": {"width": 1280, "height": 900},
             "phone": {"width": 390, "height": 844}}


def pytest_collection_modifyitems(config, items):
    """Without chromium, skip the journeys only, and say so."""
    if CHROMIUM.exists():
        return
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.skip(reason=NO_BROWSER))


def pytest_terminal_summary(terminalreporter):
    """Repeat the missing browser at the end of the run, where nobody can miss it."""
    if not CHROMIUM.exists():
        terminalreporter.write_sep("!", NO_BROWSER, red=True, bold=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's report on the test item (for the screenshot on failure)."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


class LiveServer:
    """The app on a fresh migrated SQLite database, served by werkzeug in a thread."""

    def __init__(self, instance, mail_server):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.mail = mail_server
        self.app = create_app({
            "INSTANCE_PATH": str(instance), "SECRET_KEY": "browser-secret",
            "DATABASE_URL": f"sqlite:///{instance / 'browser.db'}", "BASE_URL": self.url,
            "UPLOAD_DIR": str(instance / "uploads"), **smtp_config(mail_server)})
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def run(self, function, *args, **kwargs):
        """Call function inside the app with a connection of this thread, closed after,
        so the test never holds the database while the browser acts."""
        with self.app.app_context(), db.connection_context():
            return function(*args, **kwargs)

    def deliver_mail(self):
        """Send the queued e-mails now, as the scheduler would; return the counts."""
        return self.run(send_pending)

    def start(self):
        """Migrate, create the first accounts, and serve."""
        self.run(schema.upgrade)
        self.run(accounts.create_user, None, "quantri", "Quản Trị Viên", "admin", PASSWORD,
                 email="quantri@phuhoa.example.vn")
        self.run(accounts.create_user, None, "thanhtra", "Nguyễn Văn Thanh", "inspector",
                 PASSWORD, email="thanhtra@phuhoa.example.vn")
        self.run(accounts.create_user, None, "lanhdao", "Trần Thị Lãnh", "leader",
                 PASSWORD, email="lanhdao@phuhoa.example.vn")
        self.thread.start()
        return self

    def go_down(self):
        """Stop answering on the port, as a server switched off (the database stays)."""
        server, thread = self.server, self.thread
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)

    def come_back(self):
        """Serve again on the same port, as the restarted server."""
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        """Stop serving."""
        self.server.shutdown()
        self.thread.join(timeout=10)
        close_pool(self.app)


@pytest.fixture
def live_server(tmp_path):
    """A running server with a real SMTP server behind it."""
    mail_server = MailServer().start()
    server = LiveServer(tmp_path / "instance", mail_server).start()
    yield server
    server.stop()
    mail_server.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium, quiet and sandbox-free (tests run as root in CI)."""
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM),
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run",
                     "--disable-quic"]}


@pytest.fixture(params=sorted(VIEWPORTS))
def viewport(request):
    """The journey's screen: desktop (1280x900) or phone (390x844)."""
    return request.param


@pytest.fixture
def browser_context_args(browser_context_args, viewport, live_server):
    """Every page opens the live server at the chosen width, downloads allowed."""
    return {**browser_context_args, "viewport": VIEWPORTS[viewport],
            "base_url": live_server.url, "accept_downloads": True, "locale": "vi-VN"}


@pytest.fixture
def open_page(request, new_context):
    """open_page(): a page in a browser of its own (one per person in the journey).

    When the test fails, each page's screenshot is saved under build/screenshots/.
    """
    pages = []

    def open_one():
        page = new_context().new_page()
        pages.append(page)
        return page

    yield open_one
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = request.node.name.replace("[", "-").rstrip("]")
        for number, page in enumerate(pages):
            if not page.is_closed():
                page.screenshot(path=str(SCREENSHOTS / f"{name}-{number}.png"),
                                full_page=True)
