"""GET /healthz: what the load balancer learns, without signing in, and nothing more."""
import datetime as dt

from inspect_app import clock
from inspect_app.jobs.scheduler import Lease
from tests.factories import make_user
from tests.pg import free_port

HEALTH_KEYS = {"status", "database", "migrations", "scheduler_heartbeat_age_seconds"}


def test_healthy_without_a_scheduler_ever_run(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok",
                                   "migrations": "up to date",
                                   "scheduler_heartbeat_age_seconds": None}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_reports_the_age_of_the_schedulers_last_heartbeat(client):
    Lease("web-1:42:abc", 60).hold(clock.now() - dt.timedelta(seconds=40))
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok"
    assert 40 <= body["scheduler_heartbeat_age_seconds"] < 100


def test_a_stale_heartbeat_is_degraded_but_still_serving(client):
    Lease("web-1:42:abc", 60).hold(clock.now() - dt.timedelta(minutes=10))
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "degraded"
    assert body["scheduler_heartbeat_age_seconds"] >= 600


def test_pending_migrations_make_the_worker_unavailable(make_app):
    response = make_app("empty.db").test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "ok",
                                   "migrations": "pending",
                                   "scheduler_heartbeat_age_seconds": None}


def test_an_unreachable_postgresql_server_gives_503(make_app):
    url = f"postgresql://nobody@127.0.0.1:{free_port()}/inspect"
    response = make_app("down.db", DATABASE_URL=url).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable",
                                   "migrations": "unknown",
                                   "scheduler_heartbeat_age_seconds": None}
    assert "nobody" not in response.get_data(as_text=True)


def test_an_unopenable_sqlite_file_gives_503(make_app, tmp_path):
    url = f"sqlite:///{tmp_path / 'missing-folder' / 'inspect.db'}"
    response = make_app("missing.db", DATABASE_URL=url).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_the_answer_discloses_nothing_about_holders_or_users(app, client, auth):
    make_user("quantri", role="admin")
    Lease("may-chu-bi-mat:4242:abcdef", 60).hold()
    response = client.get("/healthz")
    assert set(response.get_json()) == HEALTH_KEYS
    body = response.get_data(as_text=True)
    assert "may-chu-bi-mat" not in body and "quantri" not in body
    auth.login("quantri")
    assert set(client.get("/healthz").get_json()) == HEALTH_KEYS
