"""Shared fixtures: app, client, runner, auth, and a migrated database per test.

The suite runs on SQLite (`make test`) or, with TEST_DATABASE=postgresql (`make test-pg`),
on PostgreSQL: a throwaway cluster, or the server in TEST_DATABASE_URL (see tests/pg.py).
"""
import datetime as dt
import itertools
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient

from inspect_app import clock, create_app, schema
from inspect_app.db import db
from inspect_app.feeds.services import create_feed
from inspect_app.files import services as attachments
from inspect_app.mail.outbox import enqueue
from inspect_app.models import (
    AssessmentEvidence,
    AuthorityVersion,
    Category,
    Checklist,
    ChecklistItem,
    ChecklistTemplate,
    ChecklistTemplateItem,
    CriteriaNode,
    DisciplineMeasure,
    ExtensionRequest,
    Inspection,
    Reorganisation,
    Response,
    Unit,
    UnitKind,
    UnitSuccession,
    User,
    WorkCalendarDay,
)
from inspect_app.reports.monthly import Month
from tests import pg
from tests.factories import (
    PASSWORD,
    PDF_BYTES,
    make_case,
    make_concluded_inspection,
    make_criteria_set,
    make_finding,
    make_plan,
    make_round,
    make_unit,
    make_user,
)
from tests.helpers import upload
from tests.smtp import MailServer

ROOT = Path(__file__).resolve().parent.parent
# Cheaper scrypt parameters for tests (the default n=2**15 costs ~0.1 s per hash or check).
TEST_SCRYPT = "scrypt:1024:8:1"
ON_POSTGRESQL = os.environ.get("TEST_DATABASE", "sqlite") == "postgresql"


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


class SqliteDatabases:
    """Test databases as files; a migrated one starts as a copy of the template file."""

    def __init__(self, template):
        self.template = template

    def create(self, directory, name, migrated):
        """The URL of a new database file directory/name."""
        path = Path(directory) / name
        if migrated:
            shutil.copy(self.template, path)
        return f"sqlite:///{path}"

    def drop(self, url):
        """Files go with the test's temporary folder."""


class PostgresDatabases:
    """Test databases on one server; a migrated one is CREATE DATABASE ... TEMPLATE.

    Copying the template takes a good part of a short test's time, so the next migrated
    database is made, and used ones dropped, by a helper thread while a test runs.
    """

    def __init__(self, cluster, template):
        self.cluster = cluster
        self.template = template
        self._numbers = itertools.count(1)
        self._helper = ThreadPoolExecutor(max_workers=1)
        self._next = self._helper.submit(self._make, True)

    def _make(self, migrated):
        """A new database's name, unique on the server (several runs may share it)."""
        database = f"inspect_test_{os.getpid()}_{next(self._numbers)}"
        self.cluster.create_database(database, self.template if migrated else None)
        return database

    def create(self, directory, name, migrated):
        """The URL of a new database (name is only the SQLite file's)."""
        if migrated:
            database, self._next = self._next.result(), self._helper.submit(self._make, True)
        else:
            database = self._make(False)
        return self.cluster.database_url(database)

    def drop(self, url):
        """Drop a database this object created, in the background."""
        self._helper.submit(self.cluster.drop_database, url.rsplit("/", 1)[1])

    def close(self):
        """Drop the database made in advance and wait for the helper to finish."""
        self.drop(self.cluster.database_url(self._next.result()))
        self._helper.shutdown(wait=True)


@pytest.fixture(scope="session")
def pg_cluster():
    """The PostgreSQL server of a PostgreSQL run, stopped at the end of the session."""
    cluster = pg.cluster_for_tests()
    yield cluster
    cluster.stop()


def _migrate(instance, url):
    """Apply every migration to the database at url."""
    app = create_app(_config(instance, url))
    with app.app_context():
        schema.upgrade()
        db.close()


@pytest.fixture(scope="session")
def test_databases(request, tmp_path_factory):
    """Where test databases come from: SQLite files or databases on PostgreSQL."""
    instance = tmp_path_factory.mktemp("instance")
    if not ON_POSTGRESQL:
        path = tmp_path_factory.mktemp("template") / "template.db"
        _migrate(instance, f"sqlite:///{path}")
        return SqliteDatabases(path)
    cluster = request.getfixturevalue("pg_cluster")
    template = f"inspect_template_{os.getpid()}"
    cluster.drop_database(template)
    cluster.create_database(template)
    request.addfinalizer(lambda: cluster.drop_database(template))
    _migrate(instance, cluster.database_url(template))
    databases = PostgresDatabases(cluster, template)
    request.addfinalizer(databases.close)
    return databases


@pytest.fixture(scope="session")
def migrated_template(test_databases):
    """The migrated template: a SQLite file, or a PostgreSQL database's name."""
    return test_databases.template


@pytest.fixture
def new_database(test_databases):
    """Create databases for one test (URL of each), dropped after it."""
    created = []

    def create(directory, name, migrated=False):
        url = test_databases.create(directory, name, migrated)
        created.append(url)
        return url

    yield create
    for url in created:
        test_databases.drop(url)


def _config(instance, database_url, **overrides):
    """The test configuration for an instance folder and a database URL."""
    config = {
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
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
def app(tmp_path, new_database, app_config):
    """A fresh app on its own migrated database."""
    url = new_database(tmp_path, "test.db", migrated=True)
    app = create_app(_config(tmp_path / "instance", url, **app_config))
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.connect(reuse_if_open=True)
        yield app
        if not db.is_closed():
            db.close()


@pytest.fixture
def make_app(tmp_path, new_database):
    """Build an app of its own on a new database (empty, or migrated if asked).

    Note: the database proxy is global, so a test should not mix this with `app`.
    """
    def build(name="other.db", migrated=False, **overrides):
        url = new_database(tmp_path, name, migrated)
        other = create_app(_config(tmp_path / f"instance-{name}", url, **overrides))
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


def _unit_objects(head_name, unit, lead):
    """A concluded inspection of unit with a submitted finding, a pending report and
    extension request, an evidence file and a disciplinary case."""
    head = make_user(head_name, role="unit_head", unit=unit)
    inspection = make_concluded_inspection(unit=unit, lead=lead,
                                           start=clock.today() - dt.timedelta(days=20))
    inspection.conclusion_date = clock.today() - dt.timedelta(days=10)
    inspection.save()
    finding = make_finding(unit=unit, inspection=inspection, status="submitted",
                           deadline=clock.today() + dt.timedelta(days=30))
    response = Response.create(finding=finding, author=head, body="Đã khắc phục",
                               submitted_on=clock.today())
    extension = ExtensionRequest.create(
        finding=finding, requested_by=head, reason="Cần thêm thời gian",
        requested_deadline=clock.today() + dt.timedelta(days=60),
        previous_deadline=finding.deadline)
    attachment = attachments.store(upload("minh chứng.pdf", PDF_BYTES), head, finding=finding)
    case = make_case(unit=unit)
    return {"inspection_id": inspection.id, "finding_id": finding.id,
            "response_id": response.id, "extension_id": extension.id,
            "attachment_id": attachment.id, "case_id": case.id, "unit_id": unit.id,
            "code": unit.code}


@pytest.fixture
def access_world(app):
    """{"A": ids, "B": ids, "P": ids}: every URL argument, addressing unit A's, unit B's or
    unit P's objects.

    Unit A's inspection is led by "inspector", unit B's and P's by another inspector; each
    unit has a head, a concluded inspection with a submitted finding, a pending report and
    extension request, an evidence file and a disciplinary case (the access matrix's world).
    "leader" appraised unit A's draft conclusion. Unit P was merged into unit A: it is out
    of use, its records stayed where they were.
    """
    make_user("admin", role="admin")
    leader = make_user("leader", role="leader")
    inspector = make_user("inspector", role="inspector")
    other_inspector = make_user("inspector_b", role="inspector")
    shared = {"plan_id": make_plan().id, "user_id": make_user("target").id,
              "kind_id": UnitKind.select().first().id,
              "category_id": Category.select().first().id,
              "authority_version_id": AuthorityVersion.select().first().id,
              "discipline_measure_id": DisciplineMeasure.select().first().id,
              "message_id": enqueue("matrix", ["a@example.vn"], "Thư", "Nội dung",
                                    "<p>Nội dung</p>").id,
              "month": str(Month.of(clock.today()).previous()),
              "work_calendar_day_id": WorkCalendarDay.select().first().id,
              "token": create_feed(make_user("leader_feed", role="leader"))}
    unit_a, unit_b = make_unit("DV-A", "Xã A"), make_unit("DV-B", "Xã B")
    unit_p = make_unit("DV-P", "Xã P")
    world = {"A": {**shared, **_unit_objects("head_a", unit_a, inspector)},
             "B": {**shared, **_unit_objects("head_b", unit_b, other_inspector)},
             "P": {**shared, **_unit_objects("head_p", unit_p, other_inspector)}}
    # The leader appraised unit A's draft conclusion before it was issued.
    (Inspection
     .update(appraiser=leader, appraisal_status="appraised", appraisal_round=1)
     .where(Inspection.id == world["A"]["inspection_id"])
     .execute())
    criteria_set = make_criteria_set(actor=User.get(User.username == "admin"))
    for unit, team in (("A", inspector), ("B", other_inspector), ("P", other_inspector)):
        world[unit].update(_assessment_objects(criteria_set, world[unit], team))
    for unit in ("A", "B", "P"):
        world[unit].update(_checklist_objects(world[unit]))
    merged = Reorganisation.create(kind="merge", on_date=clock.today())
    UnitSuccession.create(reorganisation=merged, predecessor=unit_p, successor=unit_a)
    unit_p.active = False
    unit_p.save()
    return world


def _checklist_objects(ids):
    """A checklist on the unit's inspection (written directly: it is concluded) with one
    item answered not met, and a checklist template with one item."""
    checklist = Checklist.create(inspection=ids["inspection_id"], title="Kiểm tra công vụ")
    item = ChecklistItem.create(checklist=checklist, position=1, code="1",
                                content="Niêm yết công khai TTHC", answer="not_met")
    template = ChecklistTemplate.create(name="Kiểm tra công vụ")
    template_item = ChecklistTemplateItem.create(template=template, position=1, code="1",
                                                 content="Đeo thẻ công chức")
    return {"item_id": item.id, "template_id": template.id,
            "template_item_id": template_item.id}


def _assessment_objects(criteria_set, ids, team_member):
    """A CCHC index round of the unit's own, open, with team_member its appraisal team,
    and a piece of evidence on the unit's sheet (the unit's earlier file)."""
    field = CriteriaNode.get(CriteriaNode.criteria_set == criteria_set, CriteriaNode.code == "1")
    assessment_round = make_round(criteria_set, [Unit.get_by_id(ids["unit_id"])],
                                  team=[team_member])
    sheet = assessment_round.sheets.get()
    evidence = AssessmentEvidence.create(assessment=sheet, node=field,
                                         attachment=ids["attachment_id"], document_no="12/KH")
    return {"criteria_set_id": criteria_set.id, "criteria_node_id": field.id,
            "assessment_round_id": assessment_round.id, "assessment_id": sheet.id,
            "assessment_evidence_id": evidence.id}
