"""Benchmark: build the monthly summary PDF of a month with 200 units and 5,000 findings.

Run with `.venv/bin/python bench/monthly_summary.py` (or `make bench`). The data are
generated with a fixed seed into a temporary SQLite database: 200 communes, 1,000
inspections concluded over 23 months and 5,000 findings in every state, with remediation
reports, reviews and extensions. A child process builds the summary of October 2026
(seen on 15 November 2026) once to warm up and then RUNS times; the figures are the
median build time and the child's peak resident memory (ru_maxrss of the finished child,
which includes the interpreter, Flask and reportlab). Results go to docs/performance.md.
"""
import datetime as dt
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 20261101
UNITS = 200
INSPECTIONS = 1000
FINDINGS = 5000
RUNS = 5
MONTH = (2026, 10)
TODAY = dt.date(2026, 11, 15)
FIRST_CONCLUSION = dt.date(2025, 1, 6)
LAST_CONCLUSION = dt.date(2026, 11, 10)
LIMITS = {"seconds": 5.0, "megabytes": 300}


def _app(folder):
    """The application on the benchmark's own SQLite database."""
    from inspect_app import create_app

    return create_app({"INSTANCE_PATH": str(folder / "instance"), "SECRET_KEY": "bench",
                       "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}"})


def _day_between(rng, first, last):
    """A random date from first to last."""
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def _moment(day, rng):
    """A stored UTC moment during office hours of the local date day."""
    from inspect_app import clock

    return clock.start_of_day_utc(day) + dt.timedelta(hours=rng.randint(1, 9))


def _units_and_people():
    """The 200 communes, their heads and one inspector; returns (units, heads, inspector)."""
    from inspect_app.models import Unit, UnitKind, User

    kind = UnitKind.get(UnitKind.code == "xa")
    Unit.insert_many([{"code": f"X-{n:03d}", "name": f"Xã Hòa Bình Thử Nghiệm {n:03d}",
                       "kind": kind.id} for n in range(1, UNITS + 1)]).execute()
    units = [u.id for u in Unit.select(Unit.id).order_by(Unit.id)]
    password = "scrypt:1024:8:1$bench$0"
    User.insert_many([{"username": f"truong{n}", "full_name": f"Trưởng đơn vị {n}",
                       "email": f"truong{n}@example.vn", "password_hash": password,
                       "role": "unit_head", "unit": unit} for n, unit in enumerate(units)]
                     ).execute()
    inspector = User.create(username="thanhtra", full_name="Nguyễn Văn Thanh",
                            password_hash=password, role="inspector")
    heads = {u.unit_id: u.id for u in User.select().where(User.role == "unit_head")}
    return units, heads, inspector.id


def _inspections(rng, units, inspector):
    """1,000 inspections concluded between January 2025 and November 2026."""
    from inspect_app.models import Inspection

    rows = []
    for n in range(1, INSPECTIONS + 1):
        concluded = _day_between(rng, FIRST_CONCLUSION, LAST_CONCLUSION)
        rows.append({"unit": rng.choice(units), "title": f"Kiểm tra công tác cải cách hành "
                     f"chính số {n}", "start_date": concluded - dt.timedelta(days=5),
                     "end_date": concluded - dt.timedelta(days=3), "lead": inspector,
                     "status": "closed" if concluded.year == 2025 else "concluded",
                     "conclusion_no": f"{n}/KL-UBND", "conclusion_date": concluded})
    Inspection.insert_many(rows).execute()
    return list(Inspection.select(Inspection.id, Inspection.unit, Inspection.conclusion_date,
                                  Inspection.conclusion_no))


STATES = [("resolved", 46), ("open", 25), ("submitted", 10), ("changes_requested", 5),
          ("cancelled", 5), ("reopened", 4), ("draft", 5)]


def _finding(rng, n, inspection, category):
    """One finding row of inspection in a state drawn from STATES."""
    state = rng.choices([s for s, _w in STATES], [w for _s, w in STATES])[0]
    issued = inspection.conclusion_date
    deadline = issued + dt.timedelta(days=rng.choice((15, 30, 45, 60, 90)))
    row = {"inspection": inspection.id, "responsible_unit": inspection.unit_id,
           "category": category, "severity": rng.choice(("low", "medium", "high")),
           "title": f"Hồ sơ thủ tục hành chính giải quyết trễ hạn, chưa xin lỗi số {n}",
           "recommendation": "Khắc phục và báo cáo kết quả bằng văn bản.",
           "deadline": deadline, "original_deadline": deadline, "ordinal": n % 5 + 1,
           "code": f"KL-{inspection.conclusion_no}-{n % 5 + 1}",
           "status": "open" if state == "reopened" else state}
    if state == "resolved":
        done = min(_day_between(rng, issued, deadline + dt.timedelta(days=40)),
                   TODAY - dt.timedelta(days=1))
        row.update(resolved_at=_moment(done, rng), resolved_on_time=done <= deadline)
    return row


def _findings(rng, inspections):
    """5,000 findings, five per inspection, with reports and extensions."""
    from inspect_app.db import db
    from inspect_app.models import Category, Finding

    category = Category.get(Category.code == "TTHC-TREHAN").id
    rows = [_finding(rng, n, inspections[n // 5], category) for n in range(FINDINGS)]
    for chunk in range(0, len(rows), 500):
        with db.atomic():
            Finding.insert_many(rows[chunk:chunk + 500]).execute()
    return list(Finding.select())


def _history(rng, findings, heads, inspector):
    """Remediation reports (reviewed or not) and approved extensions."""
    from inspect_app.models import ExtensionRequest, Finding, Response

    responses, extensions = [], []
    for finding in findings:
        head = heads[finding.responsible_unit_id]
        if finding.status in ("resolved", "submitted"):
            sent = (finding.resolved_at.date() - dt.timedelta(days=2) if finding.resolved_at
                    else min(finding.deadline, TODAY - dt.timedelta(days=1)))
            responses.append({"finding": finding.id, "author": head, "body": "Đã khắc phục.",
                              "submitted_at": _moment(sent, rng), "submitted_on": sent,
                              "review": "accepted" if finding.resolved_at else "pending",
                              "reviewer": inspector if finding.resolved_at else None,
                              "reviewed_at": finding.resolved_at})
        if finding.status == "open" and rng.random() < 0.15:
            later = finding.deadline + dt.timedelta(days=30)
            extensions.append({"finding": finding.id, "requested_by": head,
                               "requested_deadline": later, "reason": "Cần thêm thời gian",
                               "previous_deadline": finding.deadline, "status": "approved",
                               "decided_by": inspector,
                               "decided_at": _moment(finding.deadline, rng)})
    Response.insert_many(responses).execute()
    ExtensionRequest.insert_many(extensions).execute()
    for extension in extensions:
        (Finding
         .update(deadline=extension["requested_deadline"])
         .where(Finding.id == extension["finding"])
         .execute())
    return len(responses), len(extensions)


def generate(folder):
    """Create and fill the benchmark database; returns what it holds."""
    from inspect_app import schema
    from inspect_app.db import db

    with _app(folder).app_context():
        schema.upgrade()
        rng = random.Random(SEED)
        with db.atomic():
            units, heads, inspector = _units_and_people()
            inspections = _inspections(rng, units, inspector)
        findings = _findings(rng, inspections)
        with db.atomic():
            responses, extensions = _history(rng, findings, heads, inspector)
        db.close()
    return {"units": len(units), "inspections": len(inspections), "findings": len(findings),
            "responses": responses, "extensions": extensions}


def child(folder):
    """In the child process: build the PDF once to warm up, then RUNS times, timed."""
    from inspect_app.pdf.documents import monthly_summary_pdf
    from inspect_app.reports.monthly import monthly_summary

    with _app(Path(folder)).app_context():
        started = time.perf_counter()
        data = monthly_summary_pdf(*MONTH, today=TODAY)
        cold = time.perf_counter() - started
        timings = []
        for _run in range(RUNS):
            started = time.perf_counter()
            data = monthly_summary_pdf(*MONTH, today=TODAY)
            timings.append(time.perf_counter() - started)
        started = time.perf_counter()
        summary = monthly_summary(*MONTH, today=TODAY)
        query_time = time.perf_counter() - started
    pages = data.count(b"/Type /Page\n")
    print(json.dumps({"cold": cold, "timings": timings, "query_time": query_time,
                      "bytes": len(data), "pages": pages,
                      "open": summary.totals.open_at_end,
                      "overdue": summary.totals.overdue_at_end,
                      "units_listed": len(summary.units)}))


def main():
    """Generate the data, measure in a child process, print the figures."""
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        held = generate(Path(folder))
        generated = time.perf_counter() - started
        output = subprocess.run([sys.executable, __file__, "--child", folder], check=True,
                                capture_output=True, text=True, cwd=ROOT,
                                env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout
    result = json.loads(output.strip().splitlines()[-1])
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    median = statistics.median(result["timings"])
    print(f"data: {held} (generated in {generated:.1f} s)")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}, SQLite")
    print(f"monthly summary {MONTH[0]}-{MONTH[1]:02d}: {result['pages']} pages, "
          f"{result['bytes'] / 1024:.0f} KiB, {result['units_listed']} units listed, "
          f"{result['open']} open and {result['overdue']} overdue at the month end")
    print(f"report functions alone: {result['query_time']:.2f} s")
    print(f"build time: median {median:.2f} s of {RUNS} (min {min(result['timings']):.2f}, "
          f"max {max(result['timings']):.2f}); first build {result['cold']:.2f} s")
    print(f"peak memory of the building process: {peak_mb:.0f} MB (ru_maxrss)")
    ok = median < LIMITS["seconds"] and peak_mb < LIMITS["megabytes"]
    print("within the limits (5 s, 300 MB)" if ok else "OVER THE LIMITS (5 s, 300 MB)")
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        sys.exit(main())
