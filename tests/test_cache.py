"""Kept figures: versions per table and unit, fresh numbers after every change, shorter home
tables."""
import datetime as dt
import random
import re

import pytest
from peewee import fn
from playhouse.test_utils import count_queries

from inspect_app import cache, clock
from inspect_app.db import db, is_sqlite, transaction
from inspect_app.findings import queries as findings
from inspect_app.mail.outbox import enqueue
from inspect_app.models import (
    TRACKED_TABLES,
    Category,
    Finding,
    Inspection,
    Response,
    TableVersion,
    Unit,
    UnitVersion,
)
from inspect_app.reports import monthly, queries
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


def test_every_tracked_table_and_no_other_has_its_version(app):
    assert {row.name for row in TableVersion.select()} == set(TRACKED_TABLES)


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


def test_a_value_is_computed_once_until_a_table_it_reads_changes(app):
    calls = []

    def compute():
        calls.append(1)
        return Unit.select().count()

    assert cache.cached(("units",), compute, ("unit",)) == 0
    assert cache.cached(("units",), compute, ("unit",)) == 0
    Category.update(name="Đổi tên").where(Category.code == "TTHC-TREHAN").execute()
    assert cache.cached(("units",), compute, ("unit",)) == 0
    assert len(calls) == 1
    make_unit()
    assert cache.cached(("units",), compute, ("unit",)) == 1
    assert len(calls) == 2


def kept_unit_names():
    """The units' names, kept until the unit table changes."""
    return cache.cached(("unit names",), lambda: ", ".join(
        unit.name for unit in Unit.select().order_by(Unit.id)), ("unit",))


def rename_units(name, in_transaction):
    """Give every unit name, committed in a transaction() block or on its own."""
    if in_transaction:
        with transaction():
            Unit.update(name=name).execute()
    else:
        Unit.update(name=name).execute()


def add_renaming_route(app, in_transaction):
    """A route showing the kept names, renaming the units and showing the names again.

    It answers GET when the units are renamed in a transaction() block, POST when not.
    """
    def renaming():
        before = kept_unit_names()
        rename_units("Mới", in_transaction)
        return f"{before} > {kept_unit_names()}"
    app.add_url_rule("/_test/renaming", view_func=renaming,
                     methods=["GET" if in_transaction else "POST"])


def versions_read(queries):
    """How many of the queries logged read the tables' versions."""
    return sum("table_version" in record.msg[0] or "EXECUTE tracked_versions" in record.msg[0]
               for record in queries.get_queries())


def test_a_get_request_reads_the_versions_once_for_all_its_kept_figures(app, client, auth):
    make_user("thanhtra")
    auth.login("thanhtra")
    make_finding(unit=make_unit(name="Xã Cũ"))
    assert client.get("/findings").status_code == 200  # the figures are kept from now on
    with count_queries() as queries:
        assert client.get("/findings?status=overdue").status_code == 200
    assert versions_read(queries) == 1
    rename_units("Xã Mới", in_transaction=False)
    with count_queries() as queries:
        page = text(client.get("/findings"))  # the next request reads them anew
    assert versions_read(queries) == 1 and "Xã Mới" in page and "Xã Cũ" not in page


@pytest.mark.parametrize("in_transaction", [True, False], ids=["transaction", "autocommit"])
def test_a_request_sees_the_change_it_committed(app, client, auth, in_transaction):
    add_renaming_route(app, in_transaction)
    make_user("thanhtra")
    auth.login("thanhtra")
    make_unit(name="Cũ")
    kept_unit_names()
    if in_transaction:  # a GET keeps its reading until it commits a transaction() block
        assert client.get("/_test/renaming").get_data(as_text=True) == "Cũ > Mới"
    else:  # any other request reads the versions at each kept figure
        assert client.post("/_test/renaming").get_data(as_text=True) == "Cũ > Mới"


def test_a_table_nothing_tracks_cannot_keep_a_figure(app):
    with pytest.raises(ValueError):
        cache.cached(("sessions",), lambda: 0, ("user_session",))
    with pytest.raises(ValueError):
        cache.cached_by_unit(("findings",), lambda units: {}, ("finding",))


def table_version(name):
    """The version stamped on a tracked table."""
    return TableVersion.get_by_id(name).version


def unit_version(unit):
    """The version stamped on a unit's findings, None when they never changed."""
    row = UnitVersion.get_or_none(UnitVersion.unit_id == unit.id)
    return row.version if row else None


def test_a_change_stamps_its_table_and_the_findings_unit(app):
    first, second = make_unit(), make_unit()
    finding = make_finding(unit=first)
    assert unit_version(first) == table_version("finding") == cache.data_version()
    assert unit_version(second) is None
    stamped = unit_version(first)
    Response.create(finding=finding, author=make_user(role="unit_head", unit=first),
                    body="Đã khắc phục", submitted_on=TODAY)
    assert unit_version(first) == table_version("response") > stamped
    Finding.update(responsible_unit=second).where(Finding.id == finding.id).execute()
    assert unit_version(first) == unit_version(second) == cache.data_version()
    moved = unit_version(second)
    Category.update(name="Đổi tên").where(Category.code == "TTHC-TREHAN").execute()
    assert table_version("category") == cache.data_version() > moved
    assert unit_version(first) == unit_version(second) == moved
    Response.delete().where(Response.finding == finding.id).execute()
    assert unit_version(second) == table_version("response") == cache.data_version() > moved
    removed = cache.data_version()
    Finding.delete().where(Finding.id == finding.id).execute()
    assert unit_version(second) == cache.data_version() > removed
    assert table_version("finding") > removed
    assert unit_version(first) == moved


def test_a_changed_inspection_stamps_the_units_of_its_findings(app):
    first, second, third = make_unit(), make_unit(), make_unit()
    finding = make_finding(unit=first)
    make_finding(unit=second, inspection=finding.inspection)
    make_finding(unit=third)
    before = unit_version(third)
    Inspection.update(conclusion_date=TODAY - 3 * DAY).where(
        Inspection.id == finding.inspection_id).execute()
    assert unit_version(first) == unit_version(second) == cache.data_version()
    assert table_version("inspection") == cache.data_version()
    assert unit_version(third) == before


def test_figures_kept_per_unit_recompute_only_the_units_changed(app):
    first, second = make_unit(), make_unit()
    make_finding(unit=first)
    make_finding(unit=second)
    asked = []

    def compute(units):
        asked.append(units)
        query = Finding.select(Finding.responsible_unit, fn.COUNT(Finding.id))
        if units is not None:
            query = query.where(Finding.responsible_unit.in_(units))
        return dict(query.group_by(Finding.responsible_unit).tuples())

    def counts():
        return cache.cached_by_unit(("counts",), compute, ("unit",))

    assert counts() == {first.id: 1, second.id: 1}
    assert counts() == {first.id: 1, second.id: 1}
    make_finding(unit=second)
    Category.update(name="Đổi tên").where(Category.code == "TTHC-TREHAN").execute()
    assert counts() == {first.id: 1, second.id: 2}
    Finding.delete().where(Finding.responsible_unit == first.id).execute()
    assert counts() == {second.id: 2}
    Unit.update(name="Xã Đổi Tên").where(Unit.id == first.id).execute()
    assert counts() == {second.id: 2}
    assert asked == [None, [second.id], [first.id], None]


def test_a_derived_value_is_kept_while_its_inputs_are_equal(app):
    calls = []

    def draw():
        calls.append(1)
        return len(calls)

    assert cache.derived(("chart",), [{"open": 1}], draw) == 1
    assert cache.derived(("chart",), [{"open": 1}], draw) == 1
    assert cache.derived(("chart",), [{"open": 2}], draw) == 2


class Compared:
    """Figures that count how often they are compared item by item."""

    comparisons = 0
    __hash__ = None

    def __init__(self, value):
        self.value = value

    def __eq__(self, other):
        Compared.comparisons += 1
        return self.value == other.value


def test_a_derived_value_keeps_the_latest_equal_inputs(app):
    """Figures recomputed equal are new objects: the value is kept with them, so the next
    requests, which pass those same objects, need not compare them item by item."""
    cache.derived(("table",), (Compared(1),), lambda: "drawn")
    recomputed = (Compared(1),)
    assert cache.derived(("table",), recomputed, lambda: "drawn again") == "drawn"
    Compared.comparisons = 0
    for _request in range(3):
        assert cache.derived(("table",), (recomputed[0],), lambda: "drawn again") == "drawn"
    assert Compared.comparisons == 0


def _write_something(rng, units, author):
    """One random change to the findings of a random unit (or to a unit itself)."""
    unit = rng.choice(units)
    findings = list(Finding.select().where(Finding.responsible_unit == unit))
    action = rng.choice(("create", "create", "resolve", "move", "delete", "report",
                         "deadline", "conclude", "rename") if findings else ("create",))
    if action == "create":
        status = rng.choice(("open", "open", "submitted", "changes_requested", "resolved"))
        resolved = status == "resolved"
        make_finding(unit=unit, status=status, deadline=TODAY + rng.randint(-40, 20) * DAY,
                     resolved_at=clock.now() - rng.randint(0, 60) * DAY if resolved else None,
                     resolved_on_time=rng.choice((True, False)) if resolved else None)
        return
    finding = rng.choice(findings)
    if action == "resolve":
        Finding.update(status="resolved", resolved_at=clock.now(),
                       resolved_on_time=rng.choice((True, False))).where(
            Finding.id == finding.id).execute()
    elif action == "move":
        Finding.update(responsible_unit=rng.choice(units)).where(
            Finding.id == finding.id).execute()
    elif action == "delete":
        Response.delete().where(Response.finding == finding.id).execute()
        Finding.delete().where(Finding.id == finding.id).execute()
    elif action == "report":
        submitted = clock.now() - rng.randint(0, 40) * DAY
        Response.create(finding=finding, author=author, body="Báo cáo khắc phục",
                        submitted_at=submitted, submitted_on=submitted.date())
        Finding.update(status="submitted").where(Finding.id == finding.id).execute()
    elif action == "conclude":
        Inspection.update(conclusion_date=TODAY - rng.randint(0, 70) * DAY).where(
            Inspection.id == finding.inspection_id).execute()
    elif action == "deadline":
        Finding.update(deadline=TODAY + rng.randint(-30, 30) * DAY).where(
            Finding.id == finding.id).execute()
    else:
        Unit.update(name=f"Xã Đổi Tên {rng.randint(1, 999)}").where(Unit.id == unit.id).execute()


def test_kept_figures_after_any_changes_equal_figures_computed_afresh(app):
    rng = random.Random(20261202)
    units = [make_unit() for _ in range(4)]
    author = make_user(role="unit_head", unit=units[0])
    inspector = make_user(role="inspector")
    month = monthly.Month.of(TODAY).previous()
    for _step in range(40):
        _write_something(rng, units, author)
        with app.test_request_context():
            kept_home = queries.cached_staff_home(TODAY)
            fresh = queries.unit_figures(TODAY)
            assert kept_home == {**queries.staff_dashboard(TODAY, fresh),
                                 **queries.other_home_figures(TODAY)}
            assert queries.cached_unit_standing(TODAY) == queries.unit_standing(fresh)
            for viewer, filters in ((inspector, {}), (inspector, {"status": "overdue"}),
                                    (author, {})):
                assert findings.cached_count(viewer, filters) == findings.count_findings(
                    viewer, filters, TODAY)
            for shown in (month, monthly.Month.of(TODAY)):
                assert monthly.cached_summary(shown, TODAY) == monthly.monthly_summary(
                    shown.year, shown.month, TODAY)


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
    monkeypatch.setattr("inspect_app.main.overview.HOME_UNITS", 2)
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
