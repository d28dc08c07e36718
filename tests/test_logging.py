"""The log: one line per request and per job run, with ids and counts, no personal data."""
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from inspect_app import logs
from inspect_app.jobs.scheduler import JobScheduler
from inspect_app.mail.outbox import enqueue
from tests.conftest import ROOT
from tests.factories import make_user


@pytest.fixture
def log_lines(caplog):
    """The messages logged by the app during the test, as a function."""
    caplog.set_level(logging.INFO, logger="inspect_app")
    return lambda: [r.getMessage() for r in caplog.records if r.name.startswith("inspect_app")]


def request_lines(lines):
    """Only the request lines."""
    return [line for line in lines if line.startswith("request ")]


def test_one_line_per_request_with_status_and_duration(client, log_lines):
    client.get("/login")
    [line] = request_lines(log_lines())
    assert re.fullmatch(r"request method=GET path=/login endpoint=auth.login status=200 "
                        r"duration_ms=\d+\.\d user_id=-", line), line


def test_the_line_names_the_user_by_id_only(client, auth, log_lines):
    user = make_user("nguyenvana", full_name="Nguyễn Văn A", email="vana@example.vn")
    auth.login("nguyenvana")
    client.get("/findings?q=Nguyễn+Văn+A")
    line = request_lines(log_lines())[-1]
    assert line.startswith("request method=GET path=/findings endpoint=findings.index "
                           "status=200 ")
    assert line.endswith(f" user_id={user.id}")
    for personal in ("nguyenvana", "Nguyễn", "vana@example.vn", "q="):
        assert personal not in line


def test_refused_and_missing_pages_are_logged_with_their_status(client, auth, log_lines):
    client.get("/admin/users")
    user = make_user("canbo", role="inspector")
    auth.login("canbo")
    client.get("/admin/users")
    client.get("/khong-co-trang-nay")
    lines = request_lines(log_lines())
    assert "endpoint=admin.users status=302" in lines[0] and lines[0].endswith("user_id=-")
    assert "endpoint=admin.users status=403" in lines[2]
    assert "endpoint=- status=404" in lines[3] and lines[3].endswith(f"user_id={user.id}")


def test_healthy_health_checks_are_not_logged(client, log_lines):
    client.get("/healthz")
    assert request_lines(log_lines()) == []


def test_failing_health_checks_are_logged(make_app, log_lines):
    make_app("empty.db").test_client().get("/healthz")
    [line] = request_lines(log_lines())
    assert "endpoint=health.healthz status=503" in line


def test_a_job_run_logs_its_name_counts_and_duration(app, log_lines):
    enqueue("log:1", ["a@example.vn"], "Chủ đề", "Nội dung")
    jobs = JobScheduler(app)
    jobs.heartbeat()
    jobs.run("send_mail")
    [line] = [line for line in log_lines() if line.startswith("job name=send_mail ")]
    assert re.fullmatch(r"job name=send_mail sent=1 failed=0 dead=0 skipped=0 "
                        r"duration_ms=\d+\.\d", line), line
    assert "a@example.vn" not in "\n".join(log_lines())


def test_values_that_could_break_the_line_are_quoted():
    assert logs.line("request", path="/a b\nrequest forged=1") == \
        'request path="/a b\\nrequest forged=1"'
    assert logs.line("job", months=["2026-10", "2026-11"], user_id=None) == \
        "job months=2026-10,2026-11 user_id=-"


def _served_log(app, tmp_path, access_log):
    """What gunicorn, with the project's gunicorn.conf.py, writes while serving two pages."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": app.config["DATABASE_URL"],
           "INSTANCE_PATH": str(tmp_path / "served"), "SECRET_KEY": "test-secret",
           "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1",
           "GUNICORN_ACCESS_LOG": access_log}
    log = tmp_path / "gunicorn.log"
    with log.open("w") as stderr:
        server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "wsgi:app"],
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            for _try in range(150):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/login") as page:
                        assert page.status == 200
                    break
                except OSError:
                    time.sleep(0.1)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login") as page:
                assert page.status == 200
        finally:
            server.terminate()
            server.wait(timeout=30)
    return log.read_text()


@pytest.mark.parametrize("access_log, access_lines", [("", 0), ("-", 2)])
def test_gunicorn_writes_its_access_line_only_when_asked(app, tmp_path, access_log,
                                                         access_lines):
    """The app's request line is the access log; gunicorn's joins it on request."""
    written = _served_log(app, tmp_path, access_log)
    assert written.count("inspect_app.requests request method=GET path=/login") == 2, written
    assert written.count('gunicorn.access "GET /login HTTP/1.1" 200') == access_lines, written
