"""The scheduled jobs by name, and the record of when each last ran."""
import json

from peewee import IntegrityError

from .. import clock
from ..mail.sender import send_pending
from ..models import JobRun
from .monthly_mail import send_monthly_summaries
from .reminders import run_escalation, run_reminders
from .sweep import sweep_files


def send_mail(today):
    """Deliver the due outbox messages (today is unused: delivery goes by the clock)."""
    return send_pending()


JOBS = {
    "send_mail": send_mail,
    "reminders": run_reminders,
    "escalation": run_escalation,
    "monthly": send_monthly_summaries,
    "sweep_files": sweep_files,
}


def last_run_on(name):
    """The local date the job last ran, or None."""
    run = JobRun.get_or_none(JobRun.name == name)
    return run.last_run_on if run else None


def _record(name, today, started_at, summary):
    """Store this run as the job's last one."""
    values = {"last_run_on": today, "started_at": started_at, "finished_at": clock.now(),
              "summary": json.dumps(summary, default=str)}
    if JobRun.update(**values).where(JobRun.name == name).execute():
        return
    try:
        JobRun.create(name=name, **values)
    except IntegrityError:
        JobRun.update(**values).where(JobRun.name == name).execute()


def run_job(name, today=None):
    """Run one job for today (local date) and record it; return its counts."""
    today = today or clock.today()
    started_at = clock.now()
    summary = JOBS[name](today)
    _record(name, today, started_at, summary)
    return summary
