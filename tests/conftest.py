"""Shared fixtures: app, client, runner, auth, and a migrated database per test."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient

from inspect_app import create_app, schema
from inspect_app.db import db
from tests.factories import PASSWORD
from tests.smtp import MailServer

ROOT = Path(__file__).resolve().parent.parent
# Cheaper scrypt parameters for tests (the default n=2**15 costs ~0.1 s per hash or check).
TEST_SCRYPT = "scrypt:1024:8:1"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "real_password_hashing: hash passwords with the production cost")


@pytest.fixture(autouse=True)
def fast_password_hashing(request, monkeypatch):
    """Hash with cheap scrypt parameters unless the test is marked real_password_hashing.

    The hash is still scrypt (verification reads its parameters from the hash itself);
    only the work factor is lowered so the suite stays fast.
    """
    if request.node.get_closest_marker("real_password_hashing"):
        return
    from inspect_app.models import org

    real = org.generate_password_hash

    def cheap(password, method="scrypt", salt_length=16):
        if method == "scrypt":
            method = TEST_SCRYPT
        return real(password, method=method, salt_length=salt_length)

    monkeypatch.setattr(org, "generate_password_hash", cheap)


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """Compile the catalogs so pages render in Vietnamese, as `make` does."""
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile", "-d",
                    str(ROOT / "inspect_app" / "translations")],
                   check=True, capture_output=True)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """A database file with every migration applied, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    app = create_app(_config(tmp_path_factory.mktemp("instance"), path))
    with app.app_context():
        schema.upgrade()
        db.close()
    return path


def _config(instance, database_path, **overrides):
    """The test configuration for an instance folder and a database file."""
    config = {
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": f"sqlite:///{database_path}",
        "WTF_CSRF_ENABLED": False,
        "BASE_URL": "http://testserver",
        "UPLOAD_DIR": str(Path(instance) / "uploads"),
    }
    config.update(overrides)
    return config


@pytest.fixture
def app_config():
    """Overrides a test module can replace to configure the app."""
    return {}


class IsolatedClient(FlaskClient):
    """A test client giving every request its own `g`, as in production.

    The `app` fixture keeps an app context pushed for the whole test, and Flask reuses an
    active app context for requests, so `g` (where Flask-Login caches the signed-in user,
    Flask-Babel the locale and Flask-WTF the CSRF token) would otherwise leak from one
    request, or one client, to the next. Each request here sees a fresh `g`; the test's
    own `g` is restored afterwards. Inside `with client:` blocks Flask's behaviour is kept.
    """

    def open(self, *args, **kwargs):
        ctx = _cv_app.get(None)
        if self.preserve_context or ctx is None or ctx.app is not self.application:
            return super().open(*args, **kwargs)
        saved = ctx.g
        ctx.g = self.application.app_ctx_globals_class()
        try:
            return super().open(*args, **kwargs)
        finally:
            ctx.g = saved


@pytest.fixture
def app(tmp_path, migrated_template, app_config):
    """A fresh app on its own migrated SQLite database."""
    database_path = tmp_path / "test.db"
    shutil.copy(migrated_template, database_path)
    app = create_app(_config(tmp_path / "instance", database_path, **app_config))
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.connect(reuse_if_open=True)
        yield app
        if not db.is_closed():
            db.close()


@pytest.fixture
def make_app(tmp_path, migrated_template):
    """Build an app of its own on a new database file (empty, or migrated if asked).

    Note: the database proxy is global, so a test should not mix this with `app`.
    """
    def build(name="other.db", migrated=False, **overrides):
        database_path = tmp_path / name
        if migrated:
            shutil.copy(migrated_template, database_path)
        other = create_app(_config(tmp_path / f"instance-{name}", database_path, **overrides))
        other.test_client_class = IsolatedClient
        return other
    return build


@pytest.fixture
def client(app):
    """A test client of app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner of app."""
    return app.test_cli_runner()


class AuthActions:
    """Sign a test client in and out."""

    def __init__(self, client):
        self._client = client

    def login(self, username, password=PASSWORD):
        """Post the login form; returns the response."""
        return self._client.post("/login", data={"username": username, "password": password})

    def logout(self):
        """Post the logout form."""
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    """Sign-in helper bound to client."""
    return AuthActions(client)


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 (point an app at it with tests.smtp.smtp_config)."""
    server = MailServer().start()
    yield server
    server.stop()

