"""Many unit report PDFs drawn at once in worker processes: the monthly job's 500.

Drawing is pure computation (reportlab) and takes most of the job's time, one core per
PDF. The reports are read from the database beforehand in the calling process, so the
workers never use it: they are forked from the job's process, inherit the reports and
the app (for the translations, in an app context of their own) and send back bytes
alone. A forked worker ends without closing the connection it inherited, which stays the
parent's. The PDFs are the same bytes as those drawn one by one (tests/test_reports_mail.py).
"""
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from flask import current_app

from .unit_report import draw_report

# Worker processes at most: the job shares the machine with the web workers.
MAX_PROCESSES = 4
# Reports handed to a worker at a time: fewer round trips, work still spread evenly.
CHUNK = 8

# In a worker: the (report, issuer, locale) it was forked with.
_jobs = []


def _start_worker(app, jobs):
    """Keep the jobs and an app context of the job's app for this worker's life."""
    _jobs[:] = jobs
    app.app_context().push()


def _draw(index):
    """The bytes of the worker's job number index."""
    return draw_report(*_jobs[index])


def processes_for(count):
    """How many worker processes draw count PDFs (1: draw them here)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(MAX_PROCESSES, os.cpu_count() or 1, count))


def draw_reports(jobs):
    """[PDF bytes] of [(unit report, issuer, locale)], in order, in parallel when it pays."""
    processes = processes_for(len(jobs))
    if processes == 1:
        return [draw_report(*job) for job in jobs]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(processes, mp_context=context, initializer=_start_worker,
                             initargs=(current_app._get_current_object(), jobs)) as pool:
        return list(pool.map(_draw, range(len(jobs)), chunksize=CHUNK))
