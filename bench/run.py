"""The province-scale benchmark: `make bench` (or `.venv/bin/python bench/run.py`).

It loads the generated data (bench/generate.py, cached under build/), applies pending
migrations, freezes the clock at generate.TODAY and measures, on an app instance of its
own that also serves a trivial page (bench/templates/bench/trivial.html: base.html
around one line, compiled once like every page's template), beside a bare Flask app
whose one view returns a string (the framework's floor):

- pages: server-side time of each page through the Flask test client (no network),
  rounds over every page and the floor in turn so noise spreads evenly; median, p95 and
  the ratios of medians to the trivial page and to the floor of the same run. Pages keep
  figures until the data they read changes (inspect_app/cache.py), so each page is also
  timed right after a change, two ways: after a write to one unit's findings (before each
  request a finding of the next of 50 units goes to review or back, as a remediation
  report and its review do: the triggers stamp its table and its unit), and after a
  change to every table (each stamped anew, as a restore does: every kept figure is
  recomputed);
- the findings list searching common, short, accented and rare words, with the trigram
  index (migration 0023) and with every word compared with each finding's text, in turn;
- SQL queries per page (playhouse.test_utils.count_queries) at full and at demo size,
  right after a change and with the figures kept;
- jobs and the Excel export in child processes: time, and peak memory as the child's own
  resource.getrusage(RUSAGE_SELF).ru_maxrss (the whole process: interpreter and app
  included; the figure before the work is reported too). Jobs run in a transaction that
  is rolled back, so each run sees the same data;
- throughput of every page, of the trivial page and of the floor under gunicorn (the
  project's gunicorn.conf.py, 2 sync workers) driven by wrk (2 threads, 8 connections) on
  127.0.0.1, in rounds over them all; each page's requests/s as a ratio to the trivial
  page's and to the floor's.

Everything is printed as one table and saved to build/bench.json. With --postgres the
same runs on a throwaway PostgreSQL server (tests/pg.py) into which both sizes are
generated first; the results go to build/bench-postgresql.json. It ends with the trivial
page timed on PostgreSQL and on the cached SQLite file in turn, three times in fresh
processes: the databases' cost per request side by side.
"""
import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from flask import Blueprint, Flask, render_template
from flask_login import login_required

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402  (the generator, next to this file)

ROOT = generate.ROOT
OUTPUT = ROOT / "build" / "bench.json"
OUTPUT_POSTGRES = ROOT / "build" / "bench-postgresql.json"
INSTANCE = ROOT / "build" / "bench-instance"
# The project's gunicorn.conf.py applies (run from the project folder); its log goes here.
GUNICORN_LOG = ROOT / "build" / "bench-gunicorn.log"
# The frozen moment: 09:00 in Hanoi on generate.TODAY.
NOW = dt.datetime.combine(generate.TODAY, dt.time(2, 0), tzinfo=dt.timezone.utc)
MONTH = "2026-10"
ROUNDS = 40
WARMUP = 3
# Rounds of the "after a change" timings: each request recomputes every figure.
CHANGED_ROUNDS = 10
JOB_RUNS = 3
# The search timed with and without its index: common, short, accented and several words.
SEARCH_WORDS = ("tre han", "chinh", "phuoc", "nguyễn văn", "ha", "dung han tra")
SEARCH_ROUNDS = 15
# The trivial page on PostgreSQL beside SQLite: requests of each, and comparisons made.
TRIVIAL_ROUNDS = 1000
TRIVIAL_COMPARISONS = 3
# Throughput: seconds of wrk per page and round, rounds over every page in turn.
THROUGHPUT_SECONDS = 5
THROUGHPUT_ROUNDS = 3
# The monthly job builds a PDF for each of the 500 units: one run is enough.
STEP_RUNS = {"monthly job (all e-mails)": 1}
# An export filter holding about 20,000 findings at full size.
EXPORT_QUERY = "deadline_from=2026-01-01"
LIMITS = {"median_ms": 50, "p95_ms": 150, "ratio": 4.0, "jobs_s": 5, "jobs_mb": 200,
          "monthly_pdf_s": 5, "export_s": 15, "export_mb": 300,
          # Throughput: every page against the trivial page, the trivial page against the floor.
          "throughput_ratio": 0.6, "trivial_floor_ratio": 0.35}
TRIVIAL = "trivial page"
FLOOR = "bare Flask floor"

trivial = Blueprint("bench_trivial", __name__, template_folder="templates")


@trivial.route("/_bench/trivial")
@login_required
def trivial_page():
    """The yardstick: the app's layout around one line, for the signed-in user."""
    return render_template("bench/trivial.html")


def floor_app():
    """The framework's floor: a bare Flask app whose one view returns a string."""
    floor = Flask("bench_floor")
    floor.add_url_rule("/", "floor", lambda: "Floor.")
    return floor


def database_url(size):
    """The size's database: BENCH_<SIZE>_URL when set (--postgres), else the cached SQLite file."""
    return (os.environ.get(f"BENCH_{size.upper()}_URL")
            or f"sqlite:///{generate.sqlite_path(size)}")


def bench_app(size, url=None):
    """The app on the size's database (or url), with the trivial page registered."""
    app = generate.app_for(url or database_url(size), INSTANCE)
    app.register_blueprint(trivial)
    return app


def _generate(size, url=None):
    """Run the generator for size (into url when given); its figures."""
    env = {**os.environ, "BENCH_DATABASE_URL": url} if url else None
    output = subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"),
                             "--size", size], check=True, capture_output=True, text=True,
                            env=env)
    return json.loads(output.stdout.strip().splitlines()[-1])


def ensure_data(size, regenerate):
    """Generate the size's database unless cached; apply pending migrations to it."""
    from inspect_app import schema
    from inspect_app.db import db

    path = generate.sqlite_path(size)
    generated = _generate(size) if regenerate or not path.exists() else None
    with generate.app_for(f"sqlite:///{path}", INSTANCE).app_context():
        db.connect(reuse_if_open=True)
        if schema.upgrade():
            db.execute_sql("ANALYZE")
        db.close()
    return generated


def postgres_data(cluster):
    """Generate both sizes into databases of a throwaway server; point the benchmark at them."""
    generated = {}
    for size in ("demo", "full"):
        name = f"bench_{size}"
        cluster.create_database(name)
        os.environ[f"BENCH_{size.upper()}_URL"] = cluster.database_url(name)
        generated[size] = _generate(size, cluster.database_url(name))
    return generated


def _user(username):
    """A benchmark user by username."""
    from inspect_app.models import User

    return User.get(User.username == username)


def _longest_timeline():
    """The id of the finding with the most audit events."""
    from peewee import fn

    from inspect_app.models import AuditEvent

    count = fn.COUNT(AuditEvent.id)
    return (AuditEvent
            .select(AuditEvent.entity_id)
            .where(AuditEvent.entity == "finding")
            .group_by(AuditEvent.entity_id)
            .order_by(count.desc(), AuditEvent.entity_id)
            .limit(1)
            .scalar())


def _code(finding_id):
    """A finding's code: a word no other finding's text holds."""
    from inspect_app.models import Finding

    return Finding.get_by_id(finding_id).code


def _query(words):
    """The findings list's query string searching words."""
    return urllib.parse.urlencode({"q": words})


def pages(app):
    """[(name, user, url)] of the measured pages, the trivial one first."""
    from inspect_app.db import db

    with app.app_context():
        db.connect(reuse_if_open=True)
        busiest_unit = _user(generate.UNIT_HEAD).unit_id
        finding = _longest_timeline()
        rare = _code(finding)
        db.close()
    return [
        (TRIVIAL, generate.INSPECTOR, "/_bench/trivial"),
        ("inspector home", generate.INSPECTOR, "/"),
        ("findings list, page 1", generate.INSPECTOR, "/findings"),
        ("findings, unit + overdue", generate.INSPECTOR,
         f"/findings?unit={busiest_unit}&status=overdue"),
        ('findings, search "tre han"', generate.INSPECTOR, "/findings?q=tre+han"),
        ("findings, search a rare word", generate.INSPECTOR, f"/findings?{_query(rare)}"),
        ("findings list, page 500", generate.INSPECTOR, "/findings?page=500"),
        ("finding, long timeline", generate.INSPECTOR, f"/findings/{finding}"),
        ("unit head home", generate.UNIT_HEAD, "/"),
        ("monthly report page", generate.LEADER, f"/reports/monthly/{MONTH}"),
    ]


def signed_in_client(app, username):
    """A test client holding a session of username."""
    from inspect_app.auth import sessions
    from inspect_app.db import db

    client = app.test_client()
    with app.app_context():
        db.connect(reuse_if_open=True)
        token = sessions.start(_user(username), "127.0.0.1", "bench")
        db.close()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return client


def _get(client, url):
    """GET url and check the answer is a page."""
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url}: HTTP {response.status_code}")
    return response


# The units whose findings the "after a change" timings write to, in turn.
CHANGED_UNITS = 50


def findings_to_touch(app):
    """{finding id: status} of one running finding of each of CHANGED_UNITS units: what a
    write to a unit touches."""
    from peewee import fn

    from inspect_app.db import db
    from inspect_app.models import RUNNING_STATES, Finding

    with app.app_context(), db.connection_context():
        first = (Finding
                 .select(fn.MIN(Finding.id))
                 .where(Finding.status.in_(RUNNING_STATES))
                 .group_by(Finding.responsible_unit)
                 .order_by(Finding.responsible_unit)
                 .limit(CHANGED_UNITS))
        return dict(Finding.select(Finding.id, Finding.status)
                    .where(Finding.id.in_(first)).tuples())


class Writer:
    """The changes made before the "after a change" requests, untimed.

    A unit's write sends the next unit's finding to review (status "submitted", as a
    remediation report does) or back to the status it had: the home page's counts, the
    overdue and the units' table change. restore() puts every status back, so the cached
    data stays as generated.
    """

    def __init__(self, app, everywhere=False):
        self.app, self.everywhere = app, everywhere
        self.findings = {} if everywhere else findings_to_touch(app)
        self.order = sorted(self.findings)
        self.turn = 0

    def write(self):
        """Change the next unit's finding, or stamp every table anew."""
        from inspect_app.db import db
        from inspect_app.models import DataVersion, Finding, TableVersion

        with self.app.app_context(), db.connection_context(), db.atomic():
            if self.everywhere:
                DataVersion.update(version=DataVersion.version + 1).execute()
                TableVersion.update(version=DataVersion.select(DataVersion.version)).execute()
                return
            finding_id = self.order[self.turn % len(self.order)]
            sent = (self.turn // len(self.order)) % 2 == 0
            self.turn += 1
            status = "submitted" if sent else self.findings[finding_id]
            Finding.update(status=status).where(Finding.id == finding_id).execute()

    def restore(self):
        """Every finding written to back at the status it had."""
        from inspect_app.db import db
        from inspect_app.models import Finding

        with self.app.app_context(), db.connection_context(), db.atomic():
            for finding_id, status in self.findings.items():
                Finding.update(status=status).where(Finding.id == finding_id).execute()


def time_pages(app, measured, rounds=ROUNDS, warmup=WARMUP, writer=None):
    """{name: [seconds]} over rounds of the floor and every page in turn (after warmup rounds).

    writer: its change is made (untimed) before each request.
    """
    clients = {user: signed_in_client(app, user) for _n, user, _u in measured}
    clients[None] = floor_app().test_client()
    timed = [(FLOOR, None, "/"), *measured]
    timings = {name: [] for name, _user, _url in timed}
    for round_no in range(warmup + rounds):
        for name, user, url in timed:
            if writer:
                writer.write()
            started = time.perf_counter()
            _get(clients[user], url)
            if round_no >= warmup:
                timings[name].append(time.perf_counter() - started)
    return timings


def time_search(app, measured, rounds=SEARCH_ROUNDS):
    """{words: {"index": [s], "compared": [s]}}: the findings list searching each of
    SEARCH_WORDS (and the rare word of the pages) with its trigram index and without it
    (every word compared with each finding's text, as before migration 0023), in turn."""
    from inspect_app.findings import queries

    rare = next(url for name, _u, url in measured if name.endswith("a rare word"))
    urls = {words: f"/findings?{_query(words)}" for words in SEARCH_WORDS}
    urls[urllib.parse.parse_qs(rare.partition("?")[2])["q"][0]] = rare
    client = signed_in_client(app, generate.INSPECTOR)
    timings = {words: {"index": [], "compared": []} for words in urls}
    trigram = queries.TRIGRAM
    try:
        for round_no in range(WARMUP + rounds):
            for words, url in urls.items():
                for mode, letters in (("index", trigram), ("compared", sys.maxsize)):
                    queries.TRIGRAM = letters
                    started = time.perf_counter()
                    _get(client, url)
                    if round_no >= WARMUP:
                        timings[words][mode].append(time.perf_counter() - started)
    finally:
        queries.TRIGRAM = trigram
    return timings


def search_rows(timings):
    """Each search's median with and without the index, in ms, and their ratio."""
    rows = []
    for words, modes in timings.items():
        index, compared = (statistics.median(modes[mode]) for mode in ("index", "compared"))
        rows.append({"words": words, "index_ms": round(index * 1000, 1),
                     "compared_ms": round(compared * 1000, 1),
                     "speed_up": round(compared / index, 1)})
    return rows


def trivial_beside_sqlite(rounds=ROUNDS):
    """{database: [seconds]} of the trivial page on PostgreSQL and on the cached SQLite
    file in turn, in one process (--postgres): the cost of each database's connection."""
    from inspect_app.db import db

    url = "/_bench/trivial"
    apps = {"PostgreSQL": bench_app("full"),
            "SQLite": bench_app("full", f"sqlite:///{generate.sqlite_path('full')}")}
    clients = {}
    for name, app in apps.items():
        # The database proxy is global: point it at the app whose request comes next.
        db.initialize(app.extensions["database"])
        clients[name] = signed_in_client(app, generate.INSPECTOR)
    timings = {name: [] for name in apps}
    for round_no in range(WARMUP + rounds):
        for name, app in apps.items():
            db.initialize(app.extensions["database"])
            started = time.perf_counter()
            _get(clients[name], url)
            if round_no >= WARMUP:
                timings[name].append(time.perf_counter() - started)
    return timings


def count_page_queries(app, measured):
    """{name: (SQL queries right after a change to every table, SQL queries with the
    figures kept)}."""
    from playhouse.test_utils import count_queries

    clients = {user: signed_in_client(app, user) for _n, user, _u in measured}
    writer = Writer(app, everywhere=True)
    counts = {}
    for name, user, url in measured:
        writer.write()
        with count_queries() as changed:
            _get(clients[user], url)
        with count_queries() as kept:
            _get(clients[user], url)
        counts[name] = (changed.count, kept.count)
    return counts


def p95(values):
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def page_rows(timings, changed_timings, everywhere_timings, counts, demo_counts):
    """The page table: median and p95 in ms, ratios to the trivial page and the floor, the
    medians after a change to one unit and to everything, queries."""
    trivial_median = statistics.median(timings[TRIVIAL])
    floor_median = statistics.median(timings[FLOOR])
    rows = []
    for name, values in timings.items():
        median = statistics.median(values)
        changed = statistics.median(changed_timings[name])
        everywhere = statistics.median(everywhere_timings[name])
        rows.append({"page": name, "median_ms": round(median * 1000, 2),
                     "p95_ms": round(p95(values) * 1000, 2),
                     "ratio": round(median / trivial_median, 2),
                     "floor_ratio": round(median / floor_median, 1),
                     "after_change_ms": round(changed * 1000, 1),
                     "after_any_change_ms": round(everywhere * 1000, 1),
                     "queries": list(counts[name]) if name in counts else None,
                     "queries_demo": list(demo_counts[name]) if name in demo_counts else None})
    return rows


# --- jobs and the export, each in a child process -----------------------------------------


def _rss_mb():
    """This process's peak resident set size so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rolled_back(function):
    """Run function in a transaction then rolled back; its seconds (or those it returns)."""
    from inspect_app.db import db

    with db.atomic() as transaction:
        started = time.perf_counter()
        timed_inside = function()
        seconds = time.perf_counter() - started
        transaction.rollback()
    return timed_inside if isinstance(timed_inside, float) else seconds


# The jobs run on Monday 16 November: generate.TODAY is a Sunday, when nothing is sent.
JOB_DAY = generate.TODAY + dt.timedelta(days=1)


def _after_yesterday(job):
    """A job's run of the day after JOB_DAY once JOB_DAY's has run (untimed), as on an
    ordinary working day."""
    def daily():
        job(JOB_DAY)
        started = time.perf_counter()
        job(JOB_DAY + dt.timedelta(days=1))
        return time.perf_counter() - started
    return daily


def _work(name, app):
    """{step: callable} of a measured piece of work."""
    from inspect_app.jobs.monthly_mail import send_monthly_summaries
    from inspect_app.jobs.reminders import run_escalation, run_reminders
    from inspect_app.pdf.documents import monthly_summary_pdf

    year, month = map(int, MONTH.split("-"))
    if name == "jobs":
        return {"reminders, first run (catch-up)": lambda: run_reminders(JOB_DAY),
                "escalation, first run (catch-up)": lambda: run_escalation(JOB_DAY),
                "reminders, daily run": _after_yesterday(run_reminders),
                "escalation, daily run": _after_yesterday(run_escalation)}
    if name == "monthly":
        return {"monthly summary PDF": lambda: monthly_summary_pdf(year, month,
                                                                   today=generate.TODAY),
                "monthly job (all e-mails)": lambda: send_monthly_summaries(generate.TODAY)}
    from inspect_app.models import DataVersion

    client = signed_in_client(app, generate.INSPECTOR)

    def export():
        # A workbook is kept on disk per data version: raised, it is built again.
        DataVersion.update(version=DataVersion.version + 1).execute()
        response = _get(client, f"/findings/export.xlsx?{EXPORT_QUERY}")
        export.size = len(response.data)
    return {"Excel export": export}


def child(name, size):
    """In a child process: run a piece of work JOB_RUNS times; print its figures as JSON."""
    import time_machine

    from inspect_app.db import db

    with time_machine.travel(NOW, tick=False):
        app = bench_app(size)
        with app.app_context():
            db.connect(reuse_if_open=True)
            steps = _work(name, app)
            before = _rss_mb()
            timings = {step: [] for step in steps}
            for run_no in range(JOB_RUNS):
                for step, function in steps.items():
                    if run_no < STEP_RUNS.get(step, JOB_RUNS):
                        timings[step].append(_rolled_back(function) if name != "export"
                                             else _timed(function))
            db.close()
    print(json.dumps({"timings": timings, "rss_before_mb": round(before),
                      "peak_mb": round(_rss_mb())}))


def _timed(function):
    """Run function; return its seconds."""
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def run_child(name, size):
    """Measure a piece of work in a fresh process; returns the child's figures."""
    output = subprocess.run([sys.executable, __file__, "--child", name, "--size", size],
                            check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(output.stdout.strip().splitlines()[-1])


def work_rows(size):
    """The jobs and export table: median seconds of JOB_RUNS, peak memory of the process."""
    rows = []
    for name in ("jobs", "monthly", "export"):
        figures = run_child(name, size)
        for step, values in figures["timings"].items():
            rows.append({"work": step, "median_s": round(statistics.median(values), 2),
                         "max_s": round(max(values), 2), "peak_mb": figures["peak_mb"],
                         "rss_before_mb": figures["rss_before_mb"], "group": name})
    return rows


# --- throughput under gunicorn ----------------------------------------------------------


def gunicorn_app(size="full"):
    """The benchmark app for gunicorn workers (`run:gunicorn_app()`), clock frozen."""
    import time_machine

    time_machine.travel(NOW, tick=False).start()
    return bench_app(os.environ.get("BENCH_SIZE", size))


def _free_port():
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _session_cookie(app, username):
    """The session cookie header value of a signed-in username, as a browser holds it after
    its first page: wrk sends the same cookie every time, and the first page stores the
    form token in the session, which would otherwise be saved anew at every request."""
    client = signed_in_client(app, username)
    _get(client, "/_bench/trivial")
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    return f"{cookie.key}={cookie.value}"


def _check_answers(url, cookie):
    """Refuse to measure a URL that does not answer 200 (wrk counts redirects as done)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request) as response:
        if response.status != 200 or response.url != url:
            raise RuntimeError(f"{url}: answered {response.status} at {response.url}")


def _wrk(url, cookie, seconds):
    """Requests per second of wrk with 2 threads and 8 connections over `seconds`.

    wrk counts the requests still running when it stops as timeouts: only failed
    connections, reads and writes and answers other than 2xx/3xx are errors.
    """
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    output = subprocess.run(["wrk", "-t2", "-c8", f"-d{seconds}s", *headers, url],
                            check=True, capture_output=True, text=True).stdout
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+)", output)
    if re.search(r"Non-2xx or 3xx", output) or (
            socket_errors and any(int(count) for count in socket_errors.groups())):
        raise RuntimeError(f"wrk: errors against {url}\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def _wait_for(port, process):
    """Wait until gunicorn accepts connections."""
    for _try in range(100):
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _gunicorn(app_spec, size, log):
    """(process, port) of gunicorn serving app_spec with the project's settings, 2 workers."""
    port = _free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--bind",
         f"127.0.0.1:{port}", "--pythonpath", str(ROOT / "bench"), "--log-level", "warning",
         app_spec], cwd=ROOT, env={**os.environ, "BENCH_SIZE": size},
        stdout=subprocess.DEVNULL, stderr=log)
    try:
        _wait_for(port, process)
    except RuntimeError:
        process.terminate()
        raise
    return process, port


def throughput(app, measured, size, seconds=THROUGHPUT_SECONDS, repeats=THROUGHPUT_ROUNDS):
    """{page: [requests/s]} of the floor and every page, in rounds over them all."""
    import time_machine

    if shutil.which("wrk") is None:
        print("wrk not found (apt-get install wrk): throughput not measured")
        return None
    with time_machine.travel(NOW, tick=False):
        # Signed now, a session would look issued in the future to the frozen server.
        cookies = {user: _session_cookie(app, user) for _n, user, _u in measured}
    log = GUNICORN_LOG.open("w")
    servers = []
    try:
        servers.append(_gunicorn("run:floor_app()", size, log))
        servers.append(_gunicorn("run:gunicorn_app()", size, log))
        (_floor, floor_port), (_app, app_port) = servers
        targets = [(FLOOR, f"http://127.0.0.1:{floor_port}/", None)]
        targets += [(name, f"http://127.0.0.1:{app_port}{url}", cookies[user])
                    for name, user, url in measured]
        for _name, url, cookie in targets:
            _check_answers(url, cookie)
        results = {name: [] for name, _url, _cookie in targets}
        for _repeat in range(repeats):
            for name, url, cookie in targets:
                results[name].append(_wrk(url, cookie, seconds))
    finally:
        for process, _port in servers:
            process.terminate()
            process.wait(timeout=30)
        log.close()
    return results


def throughput_rows(runs):
    """Each page's median requests/s and its share of the trivial page's and the floor's."""
    medians = {name: statistics.median(values) for name, values in runs.items()}
    return [{"page": name, "requests_per_s": round(median, 1),
             "runs": [round(value, 1) for value in runs[name]],
             "share_of_trivial": round(median / medians[TRIVIAL], 2),
             "share_of_floor": round(median / medians[FLOOR], 3)}
            for name, median in medians.items()]


# --- the whole run ----------------------------------------------------------------------


def measure_pages(size):
    """(app, pages, timings, timings after a change to one unit and to everything, query
    counts, search timings) of a size, clock frozen (no timings at demo size)."""
    import time_machine

    with time_machine.travel(NOW, tick=False):
        app = bench_app(size)
        measured = pages(app)
        counts = count_page_queries(app, measured)
        if size != "full":
            return app, measured, None, None, None, counts, None
        timings = time_pages(app, measured)
        writer = Writer(app)
        try:
            changed = time_pages(app, measured, rounds=CHANGED_ROUNDS, warmup=1,
                                 writer=writer)
        finally:
            writer.restore()
        everywhere = time_pages(app, measured, rounds=CHANGED_ROUNDS, warmup=1,
                                writer=Writer(app, everywhere=True))
        search = time_search(app, measured)
    return app, measured, timings, changed, everywhere, counts, search


def _pair(counts):
    """A pair of query counts written "after a change/kept", or "-"."""
    return f"{counts[0]}/{counts[1]}" if counts else "-"


def print_table(result):
    """The results as one table on stdout."""
    print(f"\nmachine: {result['machine']}")
    print(f"data: {json.dumps(result['data'])}\n")
    print(f"{'page':32} {'median ms':>10} {'p95 ms':>8} {'x trivial':>10} {'x floor':>8} "
          f"{'changed ms':>11} {'all ms':>8} {'queries':>8} {'demo q':>7}")
    for row in result["pages"]:
        print(f"{row['page']:32} {row['median_ms']:>10} {row['p95_ms']:>8} {row['ratio']:>10} "
              f"{row['floor_ratio']:>8} {row['after_change_ms']:>11} "
              f"{row['after_any_change_ms']:>8} "
              f"{_pair(row['queries']):>8} {_pair(row['queries_demo']):>7}")
    print("(changed ms: median right after a write to one unit's findings; all ms: after a "
          "change to every table; queries: after a change to every table / figures kept)")
    print(f"\n{'findings list searching':32} {'index ms':>10} {'compared ms':>12} {'x faster':>9}")
    for row in result["search"]:
        print(f"{row['words']:32} {row['index_ms']:>10} {row['compared_ms']:>12} "
              f"{row['speed_up']:>9}")
    if result.get("work"):
        print(f"\n{'work':32} {'median s':>10} {'max s':>8} {'peak MB':>10} {'MB before':>10}")
        for row in result["work"]:
            print(f"{row['work']:32} {row['median_s']:>10} {row['max_s']:>8} "
                  f"{row['peak_mb']:>10} {row['rss_before_mb']:>10}")
    if result.get("throughput"):
        print(f"\nthroughput (gunicorn, 2 workers, wrk -t2 -c8, {THROUGHPUT_ROUNDS} rounds "
              f"of {THROUGHPUT_SECONDS} s):")
        print(f"{'page':32} {'req/s':>8} {'x trivial':>10} {'x floor':>8}  runs")
        for row in result["throughput"]:
            print(f"{row['page']:32} {row['requests_per_s']:>8} {row['share_of_trivial']:>10} "
                  f"{row['share_of_floor']:>8}  {row['runs']}")


def _machine(database):
    """A line describing this machine and the database measured."""
    return (f"{platform.machine()}, {os.cpu_count()} CPUs, Python "
            f"{platform.python_version()}, {database}")


def save(result, output):
    """Write the results to output."""
    output.parent.mkdir(exist_ok=True)
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False))


def measure(generated, database, args, output):
    """Measure pages, work and throughput on the prepared databases; print and save."""
    *_demo, demo_counts, _none = measure_pages("demo")
    app, measured, timings, changed, everywhere, counts, search = measure_pages("full")
    result = {"date": dt.date.today().isoformat(), "machine": _machine(database),
              "data": {size: figures for size, figures in generated.items() if figures},
              "pages": page_rows(timings, changed, everywhere, counts, demo_counts),
              "search": search_rows(search), "limits": LIMITS}
    if not args.skip_work:
        result["work"] = work_rows("full")
    save(result, output)
    if not args.skip_throughput:
        runs = throughput(app, measured, "full")
        if runs:
            result["throughput"] = throughput_rows(runs)
    save(result, output)
    print_table(result)
    print(f"\nsaved to {output.relative_to(ROOT)}")


def compare_trivial_pages():
    """Print the trivial page's median on PostgreSQL beside SQLite's, from fresh processes.

    Two figures near a millisecond each: every comparison takes TRIVIAL_ROUNDS requests of
    each in turn, in a process of its own (not one that has run the whole benchmark), and
    is made TRIVIAL_COMPARISONS times.
    """
    ensure_data("full", regenerate=False)
    ratios = []
    for _comparison in range(TRIVIAL_COMPARISONS):
        output = subprocess.run([sys.executable, __file__, "--trivial-pair"], check=True,
                                capture_output=True, text=True, cwd=ROOT)
        medians = json.loads(output.stdout.strip().splitlines()[-1])
        ratios.append(medians["PostgreSQL"] / medians["SQLite"])
        print("trivial page, PostgreSQL and SQLite in turn: "
              + ", ".join(f"{name} {median * 1000:.2f} ms" for name, median in medians.items())
              + f"; PostgreSQL / SQLite = {ratios[-1]:.2f}")
    print(f"PostgreSQL / SQLite, median of {len(ratios)}: {statistics.median(ratios):.2f}")


def trivial_pair():
    """In a child process: the trivial page's medians on both databases, printed as JSON."""
    import time_machine

    with time_machine.travel(NOW, tick=False):
        timings = trivial_beside_sqlite(rounds=TRIVIAL_ROUNDS)
    print(json.dumps({name: statistics.median(values) for name, values in timings.items()}))


def main():
    """Run every benchmark on SQLite (or --postgres), print the table, save it under build/."""
    parser = argparse.ArgumentParser(description="Province-scale benchmark.")
    parser.add_argument("--regenerate", action="store_true", help="generate the data again")
    parser.add_argument("--postgres", action="store_true",
                        help="generate into a throwaway PostgreSQL server and measure there")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-work", action="store_true", help="skip the jobs and the export")
    args = parser.parse_args()
    if not args.postgres:
        generated = {size: ensure_data(size, args.regenerate) for size in ("demo", "full")}
        measure(generated, "SQLite", args, OUTPUT)
        return
    from tests.pg import start_cluster

    cluster = start_cluster()
    try:
        measure(postgres_data(cluster), "PostgreSQL", args, OUTPUT_POSTGRES)
        compare_trivial_pages()
    finally:
        cluster.stop()


if __name__ == "__main__":
    if "--trivial-pair" in sys.argv:
        sys.path.insert(0, str(ROOT))
        trivial_pair()
    elif "--child" in sys.argv:
        sys.path.insert(0, str(ROOT))
        child(sys.argv[sys.argv.index("--child") + 1], sys.argv[sys.argv.index("--size") + 1])
    else:
        main()
