"""The one scheduler: APScheduler in one process, and a lease row so only one runs jobs.

`flask --app wsgi scheduler` runs it in the foreground next to the web workers;
`flask --app wsgi serve` (make run) runs it inside the development server. Web workers
never start one. Should two start anyway, the lease keeps the second idle until the
first stops renewing it, and then the second takes over.
"""
import datetime as dt
import logging
import os
import socket
import threading
import time
import uuid

from apscheduler.schedulers.background import BackgroundScheduler
from peewee import IntegrityError

from .. import clock, logs
from ..db import db
from ..models import SCHEDULER_LEASE, SchedulerLease
from . import runner

log = logging.getLogger("inspect_app.jobs")

# Daily jobs at local times, after the mail every minute.
DAILY = {"reminders": dt.time(7, 0), "escalation": dt.time(7, 5)}
# Monthly jobs on the 1st at a local time.
MONTHLY = {"monthly": dt.time(7, 30)}
# Weekly jobs on a weekday (Monday is 0) at a local time: the sweep on Sunday night.
WEEKLY = {"sweep_files": (6, dt.time(3, 0))}


class Lease:
    """The database row that names the scheduler allowed to run jobs."""

    def __init__(self, holder, seconds):
        self.holder = holder
        self.duration = dt.timedelta(seconds=seconds)

    def hold(self, now=None):
        """Renew the lease, or take it when free or expired; whether we hold it now."""
        now = now or clock.now()
        renewed = (SchedulerLease
                   .update(heartbeat_at=now, expires_at=now + self.duration)
                   .where(SchedulerLease.name == SCHEDULER_LEASE,
                          SchedulerLease.holder == self.holder)
                   .execute())
        if renewed:
            return True
        taken = (SchedulerLease
                 .update(holder=self.holder, acquired_at=now, heartbeat_at=now,
                         expires_at=now + self.duration)
                 .where(SchedulerLease.name == SCHEDULER_LEASE, SchedulerLease.expires_at < now)
                 .execute())
        if taken:
            return True
        if SchedulerLease.select().where(SchedulerLease.name == SCHEDULER_LEASE).exists():
            return False
        try:
            SchedulerLease.create(name=SCHEDULER_LEASE, holder=self.holder, acquired_at=now,
                                  heartbeat_at=now, expires_at=now + self.duration)
        except IntegrityError:
            return False
        return True

    def release(self):
        """Let another scheduler take over at once."""
        (SchedulerLease
         .update(expires_at=clock.now() - dt.timedelta(seconds=1))
         .where(SchedulerLease.name == SCHEDULER_LEASE, SchedulerLease.holder == self.holder)
         .execute())


def daily_due(name, moment, last_run_on):
    """Whether a daily job's time has come today and it has not run today."""
    today = moment.date()
    return moment.time() >= DAILY[name] and (last_run_on is None or last_run_on < today)


def monthly_due(name, moment, last_run_on):
    """Whether a monthly job's time has come this month and it has not run this month."""
    first = moment.date().replace(day=1)
    started = moment.date() > first or moment.time() >= MONTHLY[name]
    return started and (last_run_on is None or last_run_on < first)


def weekly_due(name, moment, last_run_on):
    """Whether a weekly job's latest slot has passed and it has not run since that day."""
    weekday, at = WEEKLY[name]
    slot = moment.date() - dt.timedelta(days=(moment.weekday() - weekday) % 7)
    if slot == moment.date() and moment.time() < at:
        slot -= dt.timedelta(days=7)
    return last_run_on is None or last_run_on < slot


class JobScheduler:
    """APScheduler with the jobs registered, each run only while holding the lease."""

    def __init__(self, app, scheduler_class=BackgroundScheduler):
        self.app = app
        config = app.config
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.lease = Lease(self.holder, config["SCHEDULER_LEASE_SECONDS"])
        self.holding = False
        self.lock = threading.Lock()
        self.scheduler = scheduler_class(
            timezone=clock.zone(),
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600})
        self._add_jobs(config)

    def _add_jobs(self, config):
        """Register the heartbeat, the mail every minute, the daily, weekly, monthly jobs."""
        add = self.scheduler.add_job
        add(self.heartbeat, "interval", seconds=max(config["SCHEDULER_LEASE_SECONDS"] // 3, 1),
            id="heartbeat", next_run_time=dt.datetime.now(clock.zone()))
        add(self.run, "interval", seconds=config["SCHEDULER_MAIL_SECONDS"], args=["send_mail"],
            id="send_mail", next_run_time=dt.datetime.now(clock.zone()))
        for name, at in DAILY.items():
            add(self.run_daily, "cron", hour=at.hour, minute=at.minute, args=[name], id=name)
        for name, (weekday, at) in WEEKLY.items():
            add(self.run_weekly, "cron", day_of_week=weekday, hour=at.hour, minute=at.minute,
                args=[name], id=name)
        for name, at in MONTHLY.items():
            add(self.run_monthly, "cron", day=1, hour=at.hour, minute=at.minute, args=[name],
                id=name)

    def start(self):
        """Start scheduling (blocks with a BlockingScheduler)."""
        log.info("scheduler %s starting", self.holder)
        self.scheduler.start()

    def stop(self):
        """Stop scheduling and hand the lease over."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        with self.app.app_context(), db.connection_context():
            self.lease.release()
        log.info("scheduler %s stopped", self.holder)

    def heartbeat(self):
        """Renew or take the lease; on taking it, run the jobs whose time has passed."""
        with self.app.app_context(), db.connection_context():
            holding = self.lease.hold()
            if holding and not self.holding:
                log.info("scheduler %s holds the lease", self.holder)
                self.catch_up()
            elif self.holding and not holding:
                log.warning("scheduler %s lost the lease", self.holder)
            self.holding = holding

    def catch_up(self):
        """Run the daily, weekly and monthly jobs missed while no scheduler was running."""
        for name in DAILY:
            self._run_when(name, daily_due)
        for name in WEEKLY:
            self._run_when(name, weekly_due)
        for name in MONTHLY:
            self._run_when(name, monthly_due)

    def run(self, name):
        """Run a job if this scheduler holds the lease."""
        with self.app.app_context(), db.connection_context():
            self._run_when(name, None)

    def run_daily(self, name):
        """Run a daily job at its time unless it already ran today."""
        with self.app.app_context(), db.connection_context():
            self._run_when(name, daily_due)

    def run_weekly(self, name):
        """Run a weekly job at its time unless it already ran since its slot."""
        with self.app.app_context(), db.connection_context():
            self._run_when(name, weekly_due)

    def run_monthly(self, name):
        """Run a monthly job at its time unless it already ran this month."""
        with self.app.app_context(), db.connection_context():
            self._run_when(name, monthly_due)

    def _run_when(self, name, is_due):
        """Under the lock and the lease, run the job when is_due (or always)."""
        with self.lock:
            if not self.lease.hold():
                self.holding = False
                return None
            if is_due and not is_due(name, clock.local_now(), runner.last_run_on(name)):
                return None
            started = time.perf_counter()
            try:
                summary = runner.run_job(name)
            except Exception:
                log.exception(logs.line("job_failed", name=name))
                return None
            log.info(logs.line("job", **{"name": name, **summary,
                                         "duration_ms": logs.milliseconds_since(started)}))
            return summary
