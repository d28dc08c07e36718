"""Cached figures: the data version, fresh numbers after every change, shorter home tables."""
import datetime as dt
import re

from playhouse.test_utils import count_queries

from inspect_app import cache, clock
from inspect_app.db import db, is_sqlite
from inspect_app.mail.outbox import enqueue
from inspect_app.models import TRACKED_TABLES, Finding, Unit
from tests.factories import make_finding, make_unit, make_user
from tests.helpers import text

TODAY = clock.today()
DAY = dt.timedelta(days=1)


def tables_with_triggers():
    """The tables on which a trigger raises the data version."""
    if is_sqlite():
        sql = ("SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' "
               "AND sql LIKE ?")
    else:
        sql = ("SELECT DISTINCT event_object_table FROM information_schema.triggers "
               "WHERE action_statement LIKE %s")
    like = "%raise_data_version%" if not is_sqlite() else "%data_version%"
    return {row[0] for row in db.execute_sql(sql, (like,)).fetchall()}


def dashboard_cell(page, status):
    """The number shown on the home page for a finding status."""
    return re.search(rf'data-status="{status}">([\d.]+)</div>', page).group(1)


def test_every_tracked_table_and_no_other_has_the_trigger(app):
    assert tables_with_triggers() == set(TRACKED_TABLES)


def test_inserts_updates_and_deletes_raise_the_version(app):
    start = cache.data_version()
    finding = make_finding()
    after_insert = cache.data_version()
    assert after_insert > start
    Finding.update(title="Đổi tiêu đề").where(Finding.id == finding.id).execute()
    after_update = cache.data_version()
    assert after_update > after_insert
    Finding.delete().where(Finding.id == finding.id).execute()
    assert cache.data_version() > after_update


def test_logins_and_mail_leave_the_version_alone(app, client, auth):
    make_user("thanhtra")
    before = cache.data_version()
    auth.login("thanhtra")
    enqueue("test:1", ["a@example.vn"], "Nhắc hạn", "Nội dung")
    assert cache.data_version() == before


def test_a_value_is_computed_once_until_the_data_changes(app):
    calls = []

    def compute():
        calls.append(1)
        return Unit.select().count()

    assert cache.cached(("units",), compute) == 0
    assert cache.cached(("units",), compute) == 0
    assert len(calls) == 1
    make_unit()
    assert cache.cached(("units",), compute) == 1
    assert len(calls) == 2


def test_the_home_page_shows_a_change_at_once_and_reads_little_otherwise(app, client, auth):
    make_user("thanhtra")
    auth.login("thanhtra")
    unit = make_unit(name="Xã Hòa An")
    make_finding(unit=unit, deadline=TODAY - DAY)
    with count_queries() as first:
        page = text(client.get("/"))
    assert dashboard_cell(page, "open") == "1"
    with count_queries() as again:
        assert dashboard_cell(text(client.get("/")), "open") == "1"
    assert again.count < first.count

    make_finding(unit=unit, deadline=TODAY - DAY)
    page = text(client.get("/"))
    assert dashboard_cell(page, "open") == "2"
    assert "Quá hạn: 2" in page


def _units_with_overdue(count):
    """count units with n + 1 overdue findings each (unit n)."""
    units = [make_unit(name=f"Xã Số {n:02d}") for n in range(count)]
    for n, unit in enumerate(units):
        for _ in range(n + 1):
            make_finding(unit=unit, deadline=TODAY - DAY)
    return units


def test_the_home_tables_show_the_first_units_and_link_to_all(app, client, auth, monkeypatch):
    monkeypatch.setattr("inspect_app.main.routes.HOME_UNITS", 2)
    _units_with_overdue(3)
    make_user("thanhtra")
    auth.login("thanhtra")
    page = text(client.get("/"))
    overdue = page.split('dashboard-overdue"', 1)[1].split("</section>", 1)[0]
    assert "Xã Số 02" in overdue and "Xã Số 01" in overdue and "Xã Số 00" not in overdue
    assert 'href="/reports/units?order=overdue"' in overdue
    assert "Tất cả 3 đơn vị có tồn tại, hạn chế quá hạn" in overdue


def test_the_units_page_lists_every_unit_in_the_order_asked(app, client, auth):
    units = _units_with_overdue(3)
    make_finding(unit=units[0], status="resolved", resolved_at=clock.now(),
                 resolved_on_time=True, deadline=TODAY)
    make_user("lanhdao", role="leader")
    auth.login("lanhdao")
    assert 'href="/reports/units"' in text(client.get("/reports"))
    page = text(client.get("/reports/units"))
    listed = r'<tr><td class="cell-title">(Xã Số \d\d)</td>'
    assert re.findall(listed, page) == ["Xã Số 02", "Xã Số 01", "Xã Số 00"]
    by_rate = text(client.get("/reports/units?order=rate"))
    assert re.findall(listed, by_rate)[0] == "Xã Số 00"
    assert "100,0 %" in by_rate


def test_the_unit_head_sees_the_latest_resolved_and_a_link_to_all(app, client, auth,
                                                                   monkeypatch):
    monkeypatch.setattr("inspect_app.findings.queries.HOME_RESOLVED", 2)
    unit = make_unit()
    for day in (1, 2, 3):
        make_finding(unit=unit, status="resolved", title=f"Đã xong ngày {day}",
                     resolved_at=clock.now() - dt.timedelta(days=10 - day),
                     resolved_on_time=True, deadline=TODAY)
    make_user("truongxa", role="unit_head", unit=unit)
    auth.login("truongxa")
    page = text(client.get("/"))
    resolved = page.split('id="group-resolved"', 1)[1]
    assert "Đã xong ngày 3" in resolved and "Đã xong ngày 2" in resolved
    assert "Đã xong ngày 1" not in resolved
    assert resolved.index("Đã xong ngày 3") < resolved.index("Đã xong ngày 2")
    assert '<span class="badge text-bg-secondary">3</span>' in resolved
    assert 'href="/findings?status=resolved"' in resolved
