"""Concurrency load test: gunicorn + the scheduler on 127.0.0.1 under simulated unit heads.

    .venv/bin/python bench/load_test.py --database sqlite
    .venv/bin/python bench/load_test.py --database postgresql

Each of --users unit heads signs in, then for --seconds loops over: home page, a finding,
a remediation report with a PDF file (a new finding each time), the findings list. At the
end every acknowledged report (302 back to the finding) must be stored with its file:
the run fails (exit 1) on any 5xx answer or lost write. Figures go to docs/performance.md.

    .venv/bin/python bench/load_test.py --mixed --database sqlite|postgresql

The mixed load (issue 21): --users (16) pairs against gunicorn with --workers (4), each
an inspector reading and a unit head writing in turn: ten reads, then one write (a
remediation report with its file, which changes the figures of the home page), for
--seconds (60) with the inspector's home page (the staff dashboard, whose figures are
kept until the findings they count change) as the read, then as long with the
benchmark's trivial page (bench/run.py) as the read. The figures: each phase's reads per
second and their ratio (home / trivial), the home page's median and p95, 5xx answers,
and the writes acknowledged but not stored, counted in the database afterwards; saved to
build/bench-load-<database>.json.
"""
import argparse
import http.cookiejar
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import pg  # noqa: E402
from tests.factories import PDF_BYTES as PDF  # noqa: E402

PASSWORD = "matkhau123"
# The mixed load: reads per write, and what is read in each phase.
READS_PER_WRITE = 10
PHASES = (("home", "/"), ("trivial", "/_bench/trivial"))
LIMITS = {"read_ratio": 0.5, "home_p95_ms": 150}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Report redirects as answers instead of following them."""

    def redirect_request(self, *args, **kwargs):
        return None


def prepare(env, users, findings_per_user):
    """Migrate and add one unit head per user with open findings, and as many inspectors
    (inspector{n}, who read in the mixed load); {unit head's username: [ids]}."""
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    os.environ.update(env)
    import datetime as dt

    from inspect_app import create_app
    from inspect_app.db import db
    from tests.factories import make_issued_finding, make_unit, make_user

    app = create_app()
    plan = {}
    with app.app_context(), db.atomic():
        for n in range(users):
            unit = make_unit(f"LT{n}", f"Xã Tải Thử {n}")
            make_user(f"head{n}", role="unit_head", unit=unit)
            make_user(f"inspector{n}", role="inspector")
            plan[f"head{n}"] = [
                make_issued_finding(unit, dt.date(2026, 10, 1), dt.date(2027, 6, 30)).id
                for _ in range(findings_per_user)]
    db.close()
    return plan


class Visitor:
    """One unit head's browser: cookies, the CSRF token, and every answer's status."""

    def __init__(self, base, results):
        self.base = base
        self.results = results
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)
        self.token = ""

    def request(self, kind, path, data=None, headers=None):
        """Send one request; record (kind, status, seconds); return (status, body)."""
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        started = time.perf_counter()
        try:
            with self.opener.open(req, timeout=60) as answer:
                status, body = answer.status, answer.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            status, body = error.code, ""
        except OSError:
            status, body = 0, ""
        self.results.append((kind, status, time.perf_counter() - started))
        return status, body

    def sign_in(self, username):
        """Open the login page and post the form."""
        _, page = self.request("login_page", "/login")
        self.token = CSRF.search(page).group(1)
        form = urllib.parse.urlencode({"username": username, "password": PASSWORD,
                                       "csrf_token": self.token}).encode()
        status, _ = self.request("login", "/login", form)
        assert status == 302, f"{username} could not sign in ({status})"

    def report(self, finding_id, n):
        """Post a remediation report with one PDF; whether it was acknowledged."""
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="report-body"\r\n\r\n'
                 f'Đã khắc phục, báo cáo số {n}.\r\n'.encode(),
                 f'--{boundary}\r\nContent-Disposition: form-data; name="report-files"; '
                 f'filename="bao-cao-{n}.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
                 + PDF + f"%{n}\n\r\n".encode(),
                 f"--{boundary}--\r\n".encode()]
        status, _ = self.request(
            "report", f"/findings/{finding_id}/responses", b"".join(parts),
            {"Content-Type": f"multipart/form-data; boundary={boundary}",
             "X-CSRFToken": self.token})
        return status == 302


def visit(base, username, findings, deadline, results, acknowledged):
    """One unit head's loop until the deadline."""
    visitor = Visitor(base, results)
    visitor.sign_in(username)
    n = 0
    while time.monotonic() < deadline:
        visitor.request("home", "/")
        if n < len(findings):
            _, page = visitor.request("finding", f"/findings/{findings[n]}")
            token = CSRF.search(page)
            visitor.token = token.group(1) if token else visitor.token
            if visitor.report(findings[n], n):
                acknowledged.append(findings[n])
            n += 1
        visitor.request("findings", "/findings")


def signed_in_visitors(base, plan, results):
    """{username: (reader, writer)}: the inspector and the unit head of each pair signed in,
    the writer with a CSRF token, one after the other (not timed)."""
    visitors = {}
    for username, findings in plan.items():
        reader, writer = Visitor(base, results), Visitor(base, results)
        reader.sign_in(username.replace("head", "inspector"))
        writer.sign_in(username)
        _, page = writer.request("setup", f"/findings/{findings[0]}")
        writer.token = CSRF.search(page).group(1)
        visitors[username] = (reader, writer)
    return visitors


def visit_mixed(visitors, findings, deadline, acknowledged, read):
    """One pair's mixed loop until the deadline: READS_PER_WRITE reads by the inspector, one
    write by the unit head."""
    (kind, path), (reader, writer) = read, visitors
    for n, finding_id in enumerate(findings):
        for _read in range(READS_PER_WRITE):
            reader.request(kind, path)
        if time.monotonic() >= deadline:
            return
        if writer.report(finding_id, n):
            acknowledged.append(finding_id)


def trivial_app():
    """The app with the benchmark's trivial page (bench/run.py), for gunicorn's workers."""
    import run

    from inspect_app import create_app

    app = create_app()
    app.register_blueprint(run.trivial)
    return app


def start(args, env, log):
    """A child process in its own session."""
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def wait_healthy(base):
    """Poll /healthz until gunicorn answers 200."""
    for _ in range(300):
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("gunicorn did not become healthy")


def stored(env, acknowledged):
    """Acknowledged reports missing from the database or their file from the upload folder."""
    from inspect_app import create_app
    from inspect_app.db import db
    from inspect_app.files import services as attachments
    from inspect_app.models import Attachment, Response

    app = create_app()
    with app.app_context():
        responses = {r.finding_id: r for r in Response.select()}
        missing = [f for f in acknowledged if f not in responses]
        files = list(Attachment.select().where(Attachment.response.is_null(False)))
        missing_files = [a.id for a in files if not attachments.file_path(a).exists()]
        counts = {"responses": len(responses), "attachments": len(files)}
        db.close()
    return missing, missing_files, counts


def summarise(results, seconds):
    """Count and latency figures per request kind."""
    by_kind = defaultdict(list)
    for kind, status, took in results:
        by_kind[kind].append((status, took))
    print(f"{'kind':<14}{'n':>7}{'median ms':>11}{'p95 ms':>9}  statuses")
    for kind, rows in sorted(by_kind.items()):
        times = sorted(t for _, t in rows)
        statuses = defaultdict(int)
        for status, _ in rows:
            statuses[status] += 1
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"{kind:<14}{len(rows):>7}{statistics.median(times) * 1000:>11.0f}"
              f"{p95 * 1000:>9.0f}  {dict(statuses)}")
    print(f"requests: {len(results)} in {seconds} s = {len(results) / seconds:.1f}/s")
    return sum(1 for _, status, _ in results if status >= 500 or status == 0)


def run_threads(base, plan, seconds):
    """Each user's visit until seconds from now; (results, acknowledged)."""
    results, acknowledged = [], []
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=visit, args=(base, name, ids, deadline, results,
                                                    acknowledged))
               for name, ids in plan.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, acknowledged


def mixed_phase(base, plan, seconds, read):
    """One phase of the mixed load, every user signed in first; (results, acknowledged,
    elapsed seconds)."""
    results, acknowledged = [], []
    visitors = signed_in_visitors(base, plan, [])
    for pair in visitors.values():
        for visitor in pair:
            visitor.results = results
    started = time.monotonic()
    threads = [threading.Thread(target=visit_mixed, args=(
        visitors[name], ids, started + seconds, acknowledged, read))
        for name, ids in plan.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, acknowledged, time.monotonic() - started


def mixed_phases(base, plan, seconds):
    """Both phases of the mixed load, each user's findings split between them; figures."""
    figures, acknowledged, errors = {}, [], 0
    for number, (kind, path) in enumerate(PHASES):
        share = {name: ids[number::len(PHASES)] for name, ids in plan.items()}
        results, written, elapsed = mixed_phase(base, share, seconds, (kind, path))
        print(f"-- reads: {kind} page ({path})")
        errors += summarise(results, round(elapsed))
        acknowledged += written
        reads = sorted(took for k, status, took in results if k == kind and status == 200)
        figures[kind] = {"reads_per_s": round(len(reads) / elapsed, 1),
                         "median_ms": round(statistics.median(reads) * 1000, 1),
                         "p95_ms": round(reads[int(len(reads) * 0.95)] * 1000, 1),
                         "writes_acknowledged": len(written), "seconds": round(elapsed, 1)}
    figures["read_ratio"] = round(figures["home"]["reads_per_s"]
                                  / figures["trivial"]["reads_per_s"], 2)
    return figures, acknowledged, errors


def main():
    """Run the load test; exit 1 on a 5xx answer or a lost write."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--mixed", action="store_true",
                        help="the mixed load: 16 users, 4 workers, ten reads per write")
    parser.add_argument("--users", type=int)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int)
    parser.add_argument("--findings-per-user", type=int)
    args = parser.parse_args()
    users = args.users or (16 if args.mixed else 8)
    workers = args.workers or (4 if args.mixed else 2)
    findings_per_user = args.findings_per_user or (600 if args.mixed else 400)

    work = Path(tempfile.mkdtemp(prefix="inspect-load-"))
    cluster = None
    if args.database == "postgresql":
        cluster = pg.start_cluster(durable=True)
        cluster.create_database("inspect")
        url = cluster.database_url("inspect")
    else:
        url = f"sqlite:///{work / 'inspect.db'}"
    port = pg.free_port()
    env = {**os.environ, "INSTANCE_PATH": str(work), "DATABASE_URL": url,
           "SECRET_KEY": "load-test", "UPLOAD_DIR": str(work / "uploads"),
           "BASE_URL": f"http://127.0.0.1:{port}", "SMTP_HOST": "",
           "SCHEDULER_MAIL_SECONDS": "5", "SCHEDULER_LEASE_SECONDS": "15",
           "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers)}
    plan = prepare(env, users, findings_per_user)
    base = f"http://127.0.0.1:{port}"
    log = open(work / "server.log", "wb")
    served = (["--pythonpath", str(ROOT / "bench"), "load_test:trivial_app()"] if args.mixed
              else ["wsgi:app"])
    web = start([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", *served], env, log)
    scheduler = start([sys.executable, "-m", "flask", "--app", "wsgi", "scheduler"], env, log)
    try:
        wait_healthy(base)
        if args.mixed:
            figures, acknowledged, errors = mixed_phases(base, plan, args.seconds)
        else:
            results, acknowledged = run_threads(base, plan, args.seconds)
            errors = summarise(results, args.seconds)
    finally:
        for process in (web, scheduler):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)
    missing, missing_files, counts = stored(env, acknowledged)
    print(f"database: {args.database}, users: {users}, gunicorn workers: {workers}")
    print(f"reports acknowledged: {len(acknowledged)}; stored: {counts}")
    print(f"5xx or failed connections: {errors}; lost reports: {len(missing)}; "
          f"lost files: {len(missing_files)}")
    if args.mixed:
        print(f"reads/s: home {figures['home']['reads_per_s']}, trivial "
              f"{figures['trivial']['reads_per_s']}, ratio {figures['read_ratio']}; home "
              f"median {figures['home']['median_ms']} ms, p95 {figures['home']['p95_ms']} ms")
        output = ROOT / "build" / f"bench-load-{args.database}.json"
        output.parent.mkdir(exist_ok=True)
        output.write_text(json.dumps({
            "database": args.database, "users": users, "workers": workers,
            "reads_per_write": READS_PER_WRITE, "load_average": os.getloadavg()[0],
            **figures, "errors_5xx": errors, "lost_reports": len(missing),
            "lost_files": len(missing_files), "stored": counts, "limits": LIMITS}, indent=2))
    if cluster is not None:
        cluster.stop()
    if errors or missing or missing_files:
        print(f"server log: {work / 'server.log'}")
        sys.exit(1)


if __name__ == "__main__":
    main()
