"""The one scheduler: its lease, catching up missed runs, real processes side by side."""
import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import time_machine

from inspect_app import clock
from inspect_app.jobs.scheduler import JobScheduler, Lease, daily_due, monthly_due, weekly_due
from inspect_app.mail.outbox import enqueue
from inspect_app.models import JobRun, OutboxMessage, SchedulerLease
from tests.factories import make_finding, make_unit, make_user
from tests.smtp import free_port, smtp_config

ROOT = Path(__file__).resolve().parent.parent


def local(year, month, day, hour, minute=0):
    """An aware local moment."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=clock.zone())


# --- the lease ------------------------------------------------------------------------------


def test_only_one_holder_at_a_time_and_takeover_after_expiry(app):
    first, second = Lease("first", 60), Lease("second", 60)
    now = clock.now()
    assert first.hold(now)
    assert not second.hold(now + dt.timedelta(seconds=30))
    assert first.hold(now + dt.timedelta(seconds=50))  # renewed until +110 s
    assert not second.hold(now + dt.timedelta(seconds=100))
    assert second.hold(now + dt.timedelta(seconds=111))
    assert not first.hold(now + dt.timedelta(seconds=112))
    assert SchedulerLease.get().holder == "second"


def test_a_released_lease_is_free_at_once(app):
    first, second = Lease("first", 60), Lease("second", 60)
    assert first.hold()
    first.release()
    assert second.hold()


# --- when the daily, weekly and monthly jobs are due -------------------------------------------


def test_daily_jobs_are_due_after_their_time_once_a_day():
    assert not daily_due("reminders", local(2026, 12, 2, 6, 59), None)
    assert daily_due("reminders", local(2026, 12, 2, 7, 0), None)
    assert daily_due("reminders", local(2026, 12, 2, 16, 0), dt.date(2026, 11, 20))
    assert not daily_due("reminders", local(2026, 12, 2, 16, 0), dt.date(2026, 12, 2))
    assert not daily_due("escalation", local(2026, 12, 2, 7, 4), None)


def test_monthly_jobs_are_due_once_a_month_from_the_first():
    assert not monthly_due("monthly", local(2026, 12, 1, 7, 29), dt.date(2026, 11, 1))
    assert monthly_due("monthly", local(2026, 12, 1, 7, 30), dt.date(2026, 11, 1))
    assert monthly_due("monthly", local(2026, 12, 9, 3, 0), dt.date(2026, 11, 1))
    assert not monthly_due("monthly", local(2026, 12, 9, 3, 0), dt.date(2026, 12, 1))


def test_the_weekly_sweep_is_due_from_sunday_three_oclock_once_a_week():
    # 6 December 2026 is a Sunday.
    assert not weekly_due("sweep_files", local(2026, 12, 6, 2, 59), dt.date(2026, 11, 29))
    assert weekly_due("sweep_files", local(2026, 12, 6, 3, 0), dt.date(2026, 11, 29))
    assert not weekly_due("sweep_files", local(2026, 12, 6, 9, 0), dt.date(2026, 12, 6))
    # A scheduler stopped over the weekend catches up on Wednesday, then waits for Sunday.
    assert weekly_due("sweep_files", local(2026, 12, 9, 10, 0), dt.date(2026, 11, 29))
    assert not weekly_due("sweep_files", local(2026, 12, 9, 10, 0), dt.date(2026, 12, 9))
    assert not weekly_due("sweep_files", local(2026, 12, 13, 2, 0), dt.date(2026, 12, 9))
    assert weekly_due("sweep_files", local(2026, 12, 13, 3, 0), dt.date(2026, 12, 9))
    assert weekly_due("sweep_files", local(2026, 12, 9, 10, 0), None)


def test_a_scheduler_starting_late_runs_the_missed_daily_jobs_once(app):
    unit = make_unit(email="ubnd@example.vn")
    make_user(role="unit_head", unit=unit, email="head@example.vn")
    make_finding(unit=unit, deadline=dt.date(2026, 12, 3))
    jobs = JobScheduler(app)
    with time_machine.travel(local(2026, 12, 2, 6, 30), tick=False):
        jobs.heartbeat()
        # Before 07:00 only the monthly job of the 1st and Sunday's sweep, missed, are due.
        assert sorted(run.name for run in JobRun.select()) == ["monthly", "sweep_files"]
    jobs.holding = False
    with time_machine.travel(local(2026, 12, 2, 9, 15), tick=False):
        jobs.heartbeat()
        runs = {run.name: run.last_run_on for run in JobRun.select()}
        assert runs == {"reminders": dt.date(2026, 12, 2), "escalation": dt.date(2026, 12, 2),
                        "monthly": dt.date(2026, 12, 2), "sweep_files": dt.date(2026, 12, 2)}
        reminders = OutboxMessage.select().where(OutboxMessage.dedupe_key.startswith("reminder"))
        assert reminders.count() == 2
        # The 07:00 run of the same day, or a later heartbeat, does not repeat it.
        jobs.run_daily("reminders")
        jobs.holding = False
        jobs.heartbeat()
        assert reminders.count() == 2


def test_a_scheduler_without_the_lease_runs_nothing(app):
    Lease("someone-else", 60).hold()
    enqueue("waiting", ["a@example.vn"], "Chủ đề", "Nội dung")
    jobs = JobScheduler(app)
    jobs.heartbeat()
    jobs.run("send_mail")
    assert not jobs.holding
    assert OutboxMessage.get().status == "pending"
    assert JobRun.select().count() == 0


# --- real processes -------------------------------------------------------------------------


def process_env(app, **extra):
    """The environment of a child process using app's database and instance folder."""
    env = {**os.environ, "INSTANCE_PATH": app.instance_path, "SECRET_KEY": "test",
           "DATABASE_URL": app.config["DATABASE_URL"]}
    env.update({key: str(value) for key, value in extra.items()})
    return env


def start(args, env, log_path):
    """Start `flask --app wsgi <args>` in its own process group, logging to log_path."""
    log = open(log_path, "wb")
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT,
                            env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop(process, sig=signal.SIGTERM):
    """Signal a child's process group and wait for it."""
    if process.poll() is None:
        os.killpg(process.pid, sig)
        process.wait(timeout=30)


def wait_until(condition, timeout=60, what="the condition"):
    """Poll condition until it is true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_two_scheduler_processes_send_each_message_once_and_take_over(
        app, smtp_server, tmp_path):
    for n in range(20):
        enqueue(f"first:{n}", [f"nguoinhan{n}@example.vn"], f"Thư số {n}", "Nội dung")
    env = process_env(app, SCHEDULER_LEASE_SECONDS=3, SCHEDULER_MAIL_SECONDS=1,
                      **smtp_config(smtp_server))
    schedulers = [start(["scheduler"], env, tmp_path / f"scheduler{i}.log") for i in (1, 2)]
    try:
        smtp_server.wait_for(20)
        time.sleep(3)  # time for a duplicate, were there one
        assert len(smtp_server.received()) == 20
        assert len({m.message_id for m in smtp_server.received()}) == 20

        holder = SchedulerLease.get().holder
        [running] = [p for p in schedulers if f":{p.pid}:" in holder]
        stop(running, signal.SIGKILL)  # no goodbye: the lease has to expire
        [other] = [p for p in schedulers if p is not running]
        for n in range(5):
            enqueue(f"second:{n}", [f"sau{n}@example.vn"], f"Thư sau {n}", "Nội dung")
        smtp_server.wait_for(25, timeout=30)
        time.sleep(2)
        received = smtp_server.received()
        assert len(received) == 25 and len({m.message_id for m in received}) == 25
        assert f":{other.pid}:" in SchedulerLease.get().holder

        stop(other)  # SIGTERM: stops cleanly and hands the lease over
        assert other.returncode == 0
        assert SchedulerLease.get().expires_at <= clock.now()
    finally:
        for process in schedulers:
            stop(process, signal.SIGKILL)
    log = (tmp_path / "scheduler1.log").read_text() + (tmp_path / "scheduler2.log").read_text()
    assert "Traceback" not in log


def test_serve_with_the_reloader_starts_one_scheduler(app, tmp_path):
    port = free_port()
    server = start(["serve", "--reload", "--port", str(port)], process_env(app),
                   tmp_path / "serve.log")
    try:
        def answers():
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)
            except OSError:
                return False
            return True

        wait_until(answers, what="the development server")
        wait_until(lambda: SchedulerLease.select().exists(), what="the scheduler's lease")
        time.sleep(2)
    finally:
        stop(server)
    log = (tmp_path / "serve.log").read_text()
    assert len(re.findall(r"scheduler \S+ starting", log)) == 1, log


@pytest.mark.parametrize("command", [["db", "upgrade"], ["jobs", "send-mail"]])
def test_other_commands_start_no_scheduler(app, tmp_path, command):
    process = start(command, process_env(app), tmp_path / "cmd.log")
    process.wait(timeout=60)
    assert process.returncode == 0, (tmp_path / "cmd.log").read_text()
    assert not SchedulerLease.select().exists()
