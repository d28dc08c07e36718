"""The CCHC index benchmark: `.venv/bin/python bench/assessments.py`.

It builds a database of its own (build/bench-cchc.sqlite, kept; --rebuild makes it again):
the province's 500 units and 2,000 users (generate._organisation) and a round of every
unit on a 210-node criteria set, every sheet scored (generate._index_round), then times
through the Flask test client, side by side in rounds with the trivial page of
bench/run.py:

- one unit's scoring sheet, as its appraiser reads it (every node, three stages);
- one field's scoring page;
- the ranking of the 500 units (every sheet scored by scoring.score);
- the ranking as a PDF, drawn afresh each time (the kept copy is bypassed).

It prints the medians, the 95th percentiles, the ratios to the trivial page and the
queries each page makes, and saves them to build/bench-cchc.json.
"""
import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

import time_machine

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402  (the generator, next to this file)
import run  # noqa: E402  (the trivial page and the signed-in clients)

DATABASE = generate.ROOT / "build" / "bench-cchc.sqlite"
OUTPUT = generate.ROOT / "build" / "bench-cchc.json"
ROUNDS, WARMUP = 30, 3
LIMITS = {"sheet_ms": 50, "ranking_ms": 1000}


def build():
    """Migrate and fill the benchmark's database."""
    from inspect_app import schema
    from inspect_app.db import db

    for stale in (DATABASE, Path(f"{DATABASE}-wal"), Path(f"{DATABASE}-shm")):
        stale.unlink(missing_ok=True)
    DATABASE.parent.mkdir(parents=True, exist_ok=True)
    app = app_for()
    with app.app_context():
        db.connect(reuse_if_open=True)
        schema.upgrade()
        rng, loader = random.Random(generate.SEED), generate.Loader()
        units, _heads, inspectors = generate._organisation(loader, rng,
                                                           generate.SIZES["full"])
        round_id = generate._index_round(loader, rng, units, inspectors)
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute_sql("ANALYZE")
        db.close()
    return round_id


def app_for():
    """The app on the benchmark's database (pending migrations applied), with the trivial
    page."""
    from inspect_app import schema
    from inspect_app.db import db

    app = generate.app_for(f"sqlite:///{DATABASE}", run.INSTANCE)
    app.register_blueprint(run.trivial)
    if DATABASE.exists():
        with app.app_context(), db.connection_context():
            schema.upgrade()
    return app


def measured_pages(app, round_id):
    """[(name, url)] of the pages timed, the trivial one first."""
    from inspect_app.db import db
    from inspect_app.models import CriteriaNode, UnitAssessment

    with app.app_context(), db.connection_context():
        sheet = UnitAssessment.select().where(UnitAssessment.assessment_round == round_id) \
            .order_by(UnitAssessment.id).first()
        field = CriteriaNode.get(CriteriaNode.code == "1")
    return [("trivial page", "/_bench/trivial"),
            ("unit's sheet (210 nodes)", f"/assessments/sheets/{sheet.id}"),
            ("one field's scoring page", f"/assessments/sheets/{sheet.id}/fields/{field.id}"),
            ("ranking of 500 units", f"/assessments/{round_id}/ranking")]


def ranking_pdf_seconds(app, round_id):
    """The seconds of drawing the ranking PDF (the document function itself)."""
    from inspect_app.assessments.queries import get_round
    from inspect_app.db import db
    from inspect_app.pdf.documents import ranking_pdf

    times = []
    with app.test_request_context(), db.connection_context():
        for _n in range(3):
            started = time.perf_counter()
            ranking_pdf(get_round(round_id))
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def time_pages(app, client, pages, changed=()):
    """{name: [seconds]} over rounds of every page in turn; the pages named in changed
    are asked for right after every table is stamped anew (untimed)."""
    writer = run.Writer(app, everywhere=True)
    timings = {name: [] for name, _url in pages}
    for round_no in range(WARMUP + ROUNDS):
        for name, url in pages:
            if name in changed:
                writer.write()
            started = time.perf_counter()
            run._get(client, url)
            if round_no >= WARMUP:
                timings[name].append(time.perf_counter() - started)
    return timings


def main():
    """Build, measure, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    with time_machine.travel(run.NOW, tick=True):
        round_id = build() if parser.parse_args().rebuild or not DATABASE.exists() else 1
        app = app_for()
        pages = measured_pages(app, round_id)
        client = run.signed_in_client(app, generate.INSPECTOR)
        ranking = pages[-1]
        pages.append(("ranking, after a change", ranking[1]))
        timings = time_pages(app, client, pages, changed={"ranking, after a change"})
        from playhouse.test_utils import count_queries

        queries = {}
        for name, url in pages:
            with app.app_context(), count_queries() as counted:
                run._get(client, url)
            queries[name] = counted.count
        trivial = statistics.median(timings["trivial page"])
        rows = [{"page": name, "median_ms": round(statistics.median(t) * 1000, 1),
                 "p95_ms": round(run.p95(t) * 1000, 1),
                 "ratio": round(statistics.median(t) / trivial, 2), "queries": queries[name]}
                for name, t in timings.items()]
        pdf = round(ranking_pdf_seconds(app, round_id), 2)
    for row in rows:
        print(f"{row['page']:<30} {row['median_ms']:>8} ms  p95 {row['p95_ms']:>8} ms  "
              f"x{row['ratio']:<6} {row['queries']} queries")
    print(f"ranking PDF of 500 units: {pdf} s")
    OUTPUT.write_text(json.dumps({"pages": rows, "ranking_pdf_s": pdf, "limits": LIMITS},
                                 indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
