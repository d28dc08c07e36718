"""The flask sub-commands for jobs: `jobs ...`, `scheduler` and `serve` (make run)."""
import logging
import signal

import click
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from werkzeug.serving import is_running_from_reloader, run_simple

from .. import clock, logs
from ..mail.sender import send_pending
from .monthly_mail import send_monthly_summaries
from .reminders import run_escalation, run_reminders
from .scheduler import JobScheduler
from .sweep import sweep_files

jobs_cli = AppGroup("jobs", help="Run a background job once, now.")


def _today_option(function):
    """The --today option: the local date the job runs for (default: today)."""
    return click.option("--today", "today", type=click.DateTime(formats=["%Y-%m-%d"]),
                        help="Run as if today were this date (YYYY-MM-DD).")(function)


def _day(value):
    """The --today value as a date, or today's local date."""
    return value.date() if value else clock.today()


def _echo_digests(label, counts, day):
    """Print what a reminder or escalation run did."""
    if counts.get("day_off"):
        click.echo(f"{label}: {day.isoformat()} is a day off, nothing sent; the next working "
                   "day catches up.")
        return
    click.echo(f"{label}: {counts['items']} item(s) at a new stage, "
               f"{counts['emails']} digest(s) queued, "
               f"{counts['unaddressed']} item(s) without a recipient.")


@jobs_cli.command("reminders")
@_today_option
def jobs_reminders(today):
    """Queue today's reminder digests to units (none on a day off)."""
    day = _day(today)
    _echo_digests("Reminders", run_reminders(day), day)


@jobs_cli.command("escalate")
@_today_option
def jobs_escalate(today):
    """Queue today's escalation digests to leaders and inspection leads (none on a day off)."""
    day = _day(today)
    _echo_digests("Escalation", run_escalation(day), day)


@jobs_cli.command("send-mail")
def jobs_send_mail():
    """Deliver the due outbox messages now."""
    counts = send_pending()
    click.echo(f"Mail: {counts['sent']} sent, {counts['failed']} failed (will retry), "
               f"{counts['dead']} given up, {counts['skipped']} taken by another sender.")


@jobs_cli.command("monthly")
@click.option("--month", help="The finished month to send (YYYY-MM); default: the months due.")
@_today_option
def jobs_monthly(month, today):
    """Queue the monthly summary e-mails (leaders, listed recipients, unit heads)."""
    try:
        counts = send_monthly_summaries(_day(today), month)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--month") from error
    months = ", ".join(counts["months"]) or "none"
    click.echo(f"Monthly summary: month(s) {months}; {counts['queued']} e-mail(s) queued.")


@jobs_cli.command("sweep-files")
def jobs_sweep_files():
    """Remove uploaded files no record points to (over a day old); finish pending moves."""
    counts = sweep_files()
    click.echo(f"Sweep: {counts['removed']} file(s) no record points to removed "
               f"({counts['removed_bytes']} bytes), {counts['moved']} pending move(s) "
               f"finished, {counts['recent']} recent file(s) left for a later sweep.")


def _log_to_stderr():
    """Show the scheduler's log lines on the console."""
    logs.configure_stderr()
    # APScheduler reports every run of every job at INFO; our job lines say what matters.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


@click.command("scheduler")
@with_appcontext
def scheduler_command():
    """Run the scheduler in the foreground (one per deployment)."""
    _log_to_stderr()
    app = current_app._get_current_object()
    jobs = JobScheduler(app, BlockingScheduler)

    def stop(signum, frame):
        jobs.scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        jobs.start()
    finally:
        jobs.stop()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--reload", is_flag=True, help="Restart when the code changes.")
@with_appcontext
def serve_command(host, port, reload):
    """The development server with the scheduler inside it (make run)."""
    _log_to_stderr()
    app = current_app._get_current_object()
    jobs = None
    # Under the reloader the first process only watches files: the scheduler runs once,
    # in the serving child.
    if not reload or is_running_from_reloader():
        jobs = JobScheduler(app)
        jobs.start()
    try:
        run_simple(host, port, app, use_reloader=reload, threaded=True)
    finally:
        if jobs is not None:
            jobs.stop()


def register(app):
    """Attach the job commands to app."""
    for command in (jobs_cli, scheduler_command, serve_command):
        app.cli.add_command(command)
