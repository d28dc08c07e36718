"""Concurrent writers on either database, the pragmas of every SQLite connection, and the
callbacks run once a transaction commits or rolls back."""
import threading
import time

import peewee
import pytest
from playhouse.db_url import connect
from playhouse.test_utils import count_queries

from inspect_app import audit
from inspect_app.db import db, execute_prepared, on_commit, transaction
from inspect_app.models import AuditEvent, Unit, UnitKind
from inspect_app.units.services import save_unit
from tests.conftest import ON_POSTGRESQL
from tests.factories import make_unit, make_user

THREADS = 8
WRITES = 20


def run_writers(work):
    """Run work(thread_no, write_no) THREADS x WRITES times; return the errors raised."""
    errors = []
    start = threading.Barrier(THREADS)

    def writer(n):
        try:
            db.connect(reuse_if_open=True)  # peewee connections are per thread
            start.wait()
            for i in range(WRITES):
                with transaction():
                    work(n, i)
        except Exception as error:  # noqa: BLE001 - collected and reported below
            errors.append(f"thread {n}: {error!r}")
        finally:
            if not db.is_closed():
                db.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    return errors


def test_concurrent_unit_writes_are_all_stored(app):
    kind = UnitKind.get(UnitKind.code == "xa")
    db.close()  # the main thread holds no connection while the writers run

    def work(n, i):
        save_unit(None, Unit(), f"T{n}-{i}", f"Đơn vị {n}-{i}", kind)

    errors = run_writers(work)
    db.connect(reuse_if_open=True)
    assert errors == []
    assert Unit.select().where(Unit.code.startswith("T")).count() == THREADS * WRITES
    assert AuditEvent.select().where(AuditEvent.entity == "unit").count() == THREADS * WRITES


def test_concurrent_audit_records_are_all_stored(app):
    unit = make_unit("X-HOAAN", "Xã Hòa An")
    before = AuditEvent.select().count()

    def work(n, i):
        # Read then write in one transaction: the pattern that fails with
        # "database is locked" when transactions start deferred.
        AuditEvent.select().count()
        audit.record(None, "update", unit, {"thread": n, "write": i})

    errors = run_writers(work)
    assert errors == []
    assert AuditEvent.select().count() == before + THREADS * WRITES
    stored = {(e.changed_fields["thread"], e.changed_fields["write"])
              for e in AuditEvent.select().where(AuditEvent.action == "update")}
    assert stored == {(n, i) for n in range(THREADS) for i in range(WRITES)}


@pytest.mark.skipif(ON_POSTGRESQL, reason="PRAGMAs are SQLite's; PostgreSQL has none")
def test_request_connections_use_the_sqlite_pragmas(app, client):
    seen = {}

    @app.after_request
    def capture(response):
        for pragma in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous"):
            seen[pragma] = db.execute_sql(f"PRAGMA {pragma}").fetchone()[0]
        return response

    db.close()  # the request opens its own connection
    assert client.get("/login").status_code == 200
    assert seen == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 5000,
                    "synchronous": 1}


# --- the connection pool ------------------------------------------------------------------


def test_requests_of_a_thread_reuse_one_pooled_connection(app, client):
    used = []

    @app.after_request
    def capture(response):
        used.append(db.connection())
        return response

    db.close()  # the requests take their connection from the pool
    for _n in range(3):
        assert client.get("/login").status_code == 200
    assert len(used) == 3 and used[0] is used[1] is used[2]


def test_a_connection_given_back_mid_transaction_is_rolled_back(app, client, auth, caplog):
    used = []

    @app.route("/_test/left-open")
    def left_open():
        transaction().__enter__()  # a block never closed: a bug the pool must not keep
        make_unit(code="NUA-CHUNG", name="Nửa chừng")
        used.append(db.connection())
        return "left open"

    make_user("thanhtra")
    auth.login("thanhtra")
    db.close()
    assert client.get("/_test/left-open").status_code == 200
    assert "a transaction was left open: rolled back" in caplog.text
    db.connect(reuse_if_open=True)
    assert db.connection() is used[0] and not db.in_transaction()
    assert not Unit.select().where(Unit.code == "NUA-CHUNG").exists()
    assert client.get("/").status_code == 200


@pytest.mark.skipif(not ON_POSTGRESQL, reason="a server backend to end is PostgreSQL's")
def test_a_pooled_connection_whose_backend_ended_is_replaced(app, client, auth):
    make_user("thanhtra")
    auth.login("thanhtra")
    db.connect(reuse_if_open=True)
    ended = db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    db.close()  # back into the pool
    killer = connect(app.config["DATABASE_URL"])
    assert killer.execute_sql("SELECT pg_terminate_backend(%s)", (ended,)).fetchone()[0]
    for _wait in range(100):  # the signal is sent; the backend ends a moment later
        if not killer.execute_sql("SELECT 1 FROM pg_stat_activity WHERE pid = %s",
                                  (ended,)).fetchone():
            break
        time.sleep(0.05)
    killer.close()
    assert client.get("/").status_code == 200
    db.connect(reuse_if_open=True)
    assert db.execute_sql("SELECT pg_backend_pid()").fetchone()[0] != ended


def test_a_prepared_query_answers_with_each_run_s_own_values(app):
    make_unit(code="TRE-1", name="Phường Tre")
    make_unit(code="BIN-2", name="Xã Bình")
    sql = f"SELECT name FROM unit WHERE code = {db.param}"
    assert execute_prepared("unit_name", sql, ("TRE-1",)).fetchone() == ("Phường Tre",)
    assert execute_prepared("unit_name", sql, ("BIN-2",)).fetchone() == ("Xã Bình",)
    assert execute_prepared("unit_name", sql, ("KHONG",)).fetchone() is None


def prepared_on_server(name):
    """The statement this connection's server session has prepared under name, or None."""
    row = db.execute_sql("SELECT statement FROM pg_prepared_statements WHERE name = %s",
                         (name,)).fetchone()
    return row[0] if row else None


@pytest.mark.skipif(not ON_POSTGRESQL, reason="SQLite's driver prepares statements itself")
def test_postgresql_prepares_a_query_once_per_connection(app):
    make_unit(code="TRE-1", name="Phường 50% Tre")
    sql = "SELECT code FROM unit WHERE name LIKE '%%' || %s AND code <> %s"
    db.connect(reuse_if_open=True)
    with count_queries() as sent:
        for _run in range(3):
            assert execute_prepared("unit_code", sql, ("% Tre", "")).fetchone() == ("TRE-1",)
    assert [record.msg[0] for record in sent.get_queries()] == [
        "EXECUTE unit_code (%s, %s)"] * 3
    expected = "PREPARE unit_code AS SELECT code FROM unit WHERE name LIKE '%' || $1 AND code <> $2"
    assert prepared_on_server("unit_code") == expected
    db.manual_close()  # a new connection (a new server session) prepares it again
    db.connect()
    assert prepared_on_server("unit_code") is None
    assert execute_prepared("unit_code", sql, ("% Tre", "")).fetchone() == ("TRE-1",)
    assert prepared_on_server("unit_code") == expected


def test_foreign_keys_are_enforced(app):
    with pytest.raises(peewee.IntegrityError):
        with transaction():
            Unit.create(code="MO-COI", name="Mồ côi", kind=99999)


# --- on_commit ---------------------------------------------------------------------------------


def test_on_commit_waits_for_the_outermost_block_and_sees_the_change(app):
    seen = []

    def count_units():
        seen.append(Unit.select().where(Unit.code == "X-MOI").count())

    with transaction():
        with transaction():
            make_unit("X-MOI", "Xã Mới")
            on_commit(count_units)
        assert seen == []
    assert seen == [1]


def test_a_rolled_back_transaction_calls_on_rollback_instead(app):
    calls = []
    with pytest.raises(RuntimeError):
        with transaction():
            on_commit(lambda: calls.append("commit"), on_rollback=lambda: calls.append("undo"))
            raise RuntimeError("failed")
    assert calls == ["undo"]


def test_a_rolled_back_savepoint_drops_only_its_own_callbacks(app):
    calls = []
    with transaction():
        on_commit(lambda: calls.append("outer"))
        with pytest.raises(RuntimeError):
            with transaction():
                on_commit(lambda: calls.append("inner"), on_rollback=lambda: calls.append("undo"))
                raise RuntimeError("failed")
        assert calls == ["undo"]
    assert calls == ["undo", "outer"]


def test_outside_a_transaction_the_callback_runs_at_once(app):
    calls = []
    on_commit(lambda: calls.append("now"))
    assert calls == ["now"]


def test_a_failing_callback_is_logged_and_the_others_still_run(app, caplog):
    calls = []

    def fail():
        raise OSError("no space left on device")

    with transaction():
        on_commit(fail)
        on_commit(lambda: calls.append("second"))
    assert calls == ["second"]
    assert "no space left on device" in caplog.text


def test_inside_a_transaction_opened_with_atomic_the_callback_waits_for_its_commit(app):
    calls = []
    with db.atomic():
        with transaction():
            on_commit(lambda: calls.append("inner block"))
        on_commit(lambda: calls.append("outside any block"))
        assert calls == []
    assert calls == ["inner block", "outside any block"]
