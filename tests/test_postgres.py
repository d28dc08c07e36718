"""`make test-pg` really runs on PostgreSQL, and what only PostgreSQL can show."""
import datetime as dt

import pytest
from peewee import PostgresqlDatabase

from inspect_app.db import db, is_sqlite
from inspect_app.models import Finding
from tests.conftest import ON_POSTGRESQL
from tests.factories import make_issued_finding, make_unit, make_user

pytestmark = pytest.mark.skipif(not ON_POSTGRESQL, reason="run by make test-pg")


def test_the_suite_runs_on_a_postgresql_server(app):
    assert isinstance(db.obj, PostgresqlDatabase) and not is_sqlite()
    version = db.execute_sql("SHOW server_version_num").fetchone()[0]
    assert int(version) >= 130000
    assert db.execute_sql("SHOW server_encoding").fetchone()[0] == "UTF8"


def test_each_test_has_a_database_of_its_own(app):
    name = db.execute_sql("SELECT current_database()").fetchone()[0]
    assert name.startswith("inspect_test_")
    assert Finding.select().count() == 0


def test_accent_folded_search_text_matches_words_typed_without_accents(app, client, auth):
    unit = make_unit(name="Xã Hòa Thịnh")
    make_issued_finding(unit, dt.date(2026, 10, 1), dt.date(2026, 12, 1),
                        title="Chưa niêm yết thủ tục hành chính đúng hạn")
    make_user("lanhdao", role="leader")
    auth.login("lanhdao")
    for query in ("niem yet", "NIÊM YẾT", "đúng hạn", "dung han"):
        page = client.get(f"/findings?q={query}").get_data(as_text=True)
        assert "Chưa niêm yết thủ tục hành chính đúng hạn" in page, query
    page = client.get("/findings?q=khong co").get_data(as_text=True)
    assert "Chưa niêm yết" not in page
