"""The jobs at install time on the province data: `.venv/bin/python bench/jobs.py [--postgres]`.

On the full data of bench/generate.py (the cached SQLite file, or with --postgres a
throwaway PostgreSQL server it is generated into), in a child process with the clock
frozen at generate.TODAY, each run in a transaction rolled back so every run sees the
same data:

- the first catch-up run of the reminders and of the escalation (nothing logged yet: ten
  years of deadlines at once) on the Monday after generate.TODAY, RUNS times each;
- the monthly job (the summary to the leaders, the 500 unit reports to their heads),
  once with the unit PDFs drawn one by one in the job's process and once in worker
  processes (inspect_app/pdf/parallel.py), side by side in the same run.

Also the escalation digests' sizes (the largest e-mail queued). Printed, and saved to
build/bench-jobs-sqlite.json or build/bench-jobs-postgresql.json (`make bench` copies them
to build/bench/).
"""
import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402  (the generator, next to this file)
import run  # noqa: E402  (the page benchmark: the data, the app, the frozen moment)

ROOT = generate.ROOT
RUNS = 3
# The catch-up runs on Monday 16 November: generate.TODAY is a Sunday, when nothing is sent.
CATCH_UP_DAY = generate.TODAY + dt.timedelta(days=1)
LIMITS = {"catch_up_s": 5, "monthly_job_s": 60}


def _rolled_back(function):
    """(seconds, value) of function run in a transaction then rolled back."""
    from inspect_app.db import db

    with db.atomic() as transaction:
        started = time.perf_counter()
        value = function()
        seconds = time.perf_counter() - started
        transaction.rollback()
    return seconds, value


def _largest_email(prefix):
    """The size in KB of the largest queued message under prefix (both bodies)."""
    from peewee import fn

    from inspect_app.models import OutboxMessage

    size = (OutboxMessage
            .select(fn.MAX(fn.LENGTH(OutboxMessage.body_text)
                           + fn.LENGTH(OutboxMessage.body_html)))
            .where(OutboxMessage.dedupe_key.startswith(prefix))
            .scalar())
    return round((size or 0) / 1024)


def child(monthly):
    """In the child process: time every step (the monthly job if monthly); print JSON."""
    import time_machine

    from inspect_app.db import db
    from inspect_app.jobs.monthly_mail import send_monthly_summaries
    from inspect_app.jobs.reminders import run_escalation, run_reminders
    from inspect_app.pdf import parallel

    figures = {}
    with time_machine.travel(run.NOW, tick=False):
        app = run.bench_app("full")
        with app.app_context():
            db.connect(reuse_if_open=True)
            for name, job, prefix in (("reminders", run_reminders, "reminder:"),
                                      ("escalation", run_escalation, "escalation:")):
                timings, largest = [], 0
                for _ in range(RUNS):
                    def measured():
                        counts = job(CATCH_UP_DAY)
                        return counts, _largest_email(prefix)
                    seconds, (counts, largest) = _rolled_back(measured)
                    timings.append(seconds)
                figures[f"{name}, first run (catch-up)"] = {
                    "runs_s": [round(t, 2) for t in timings],
                    "median_s": round(statistics.median(timings), 2), "counts": counts,
                    "largest_email_kb": largest}
            pool_processes = parallel.processes_for(500)
            for label, processes in ((("one by one", 1), ("worker processes", pool_processes))
                                     if monthly else ()):
                parallel.processes_for = (lambda count, n=processes: min(n, count))
                seconds, result = _rolled_back(lambda: send_monthly_summaries(generate.TODAY))
                figures[f"monthly job, unit PDFs {label}"] = {
                    "median_s": round(seconds, 2), "processes": processes,
                    "queued": result["queued"]}
            db.close()
    print(json.dumps(figures))


def measure(database, monthly):
    """Run the child; print and return the figures."""
    output = subprocess.run([sys.executable, __file__, "--child"] + ([] if monthly else [
        "--without-monthly"]), check=True, capture_output=True, text=True, cwd=ROOT).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    result = {"machine": run._machine(database), "load_average": os.getloadavg()[0],
              "jobs": figures, "limits": LIMITS}
    print(f"{result['machine']}; load average {result['load_average']:.1f}")
    for step, row in figures.items():
        print(f"{step:<45} {row['median_s']:>8.2f} s  "
              f"{ {k: v for k, v in row.items() if k != 'median_s'} }")
    if monthly:
        result["monthly_ratio"] = round(
            figures["monthly job, unit PDFs worker processes"]["median_s"]
            / figures["monthly job, unit PDFs one by one"]["median_s"], 2)
        print(f"monthly job: worker processes / one by one = {result['monthly_ratio']}")
    return result


def main():
    """Measure on SQLite, or on a throwaway PostgreSQL server with --postgres."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--without-monthly", action="store_true",
                        help="the catch-up runs only (the monthly job takes minutes)")
    args = parser.parse_args()
    monthly = not args.without_monthly
    if not args.postgres:
        run.ensure_data("full", regenerate=False)
        result, output = measure("SQLite", monthly), ROOT / "build" / "bench-jobs-sqlite.json"
    else:
        from tests.pg import start_cluster

        cluster = start_cluster()
        try:
            cluster.create_database("bench_full")
            os.environ["BENCH_FULL_URL"] = cluster.database_url("bench_full")
            run._generate("full", os.environ["BENCH_FULL_URL"])
            result = measure("PostgreSQL", monthly)
        finally:
            cluster.stop()
        output = ROOT / "build" / "bench-jobs-postgresql.json"
    run.save(result, output)
    print(f"saved to {output.relative_to(ROOT)}")


if __name__ == "__main__":
    if "--child" in sys.argv:
        sys.path.insert(0, str(ROOT))
        child(monthly="--without-monthly" not in sys.argv)
    else:
        main()
