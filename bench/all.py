"""Every benchmark in one go: `make bench` (or `.venv/bin/python bench/all.py`).

Runs a fixed list of benchmarks one after the other (never at once: they would measure
each other), each on SQLite and, where it has one, on PostgreSQL. What each prints goes
to build/bench/<name>.txt, the JSON files it writes are copied beside it, and
build/bench/index.json lists every run with its exit code and duration. A benchmark
whose file is not there yet (bench/checklists.py) is listed as missing; one that fails
does not stop the others, but the harness then exits 1. BENCH_ARGS reach bench/run.py.
"""
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUTPUT = ROOT / "build" / "bench"

# (name, file, arguments, the JSON files it writes under build/). run.py's --regenerate
# (from BENCH_ARGS) is added to its two runs only.
RUNS = (
    ("pages-sqlite", "run.py", [], ["bench.json"]),
    ("pages-postgresql", "run.py", ["--postgres"], ["bench-postgresql.json"]),
    ("jobs-sqlite", "jobs.py", [], ["bench-jobs-sqlite.json"]),
    ("jobs-postgresql", "jobs.py", ["--postgres"], ["bench-jobs-postgresql.json"]),
    ("load-sqlite", "load_test.py", ["--database", "sqlite"], []),
    ("load-postgresql", "load_test.py", ["--database", "postgresql"], []),
    ("mixed-load-sqlite", "load_test.py", ["--mixed", "--database", "sqlite"],
     ["bench-load-sqlite.json"]),
    ("mixed-load-postgresql", "load_test.py", ["--mixed", "--database", "postgresql"],
     ["bench-load-postgresql.json"]),
    ("monthly-summary", "monthly_summary.py", [], []),
    ("assessments", "assessments.py", [], ["bench-cchc.json"]),
    ("checklists", "checklists.py", [], ["bench-checklists.json"]),
)


def run_one(name, script, arguments, outputs, extra):
    """Run one benchmark, keep what it printed and wrote; its entry for the index."""
    path = BENCH / script
    if not path.exists():
        return {"name": name, "file": f"bench/{script}", "status": "missing"}
    command = [sys.executable, str(path), *arguments, *(extra if script == "run.py" else [])]
    print(f"== {name}: {' '.join(command[1:])}", flush=True)
    started = time.perf_counter()
    with open(OUTPUT / f"{name}.txt", "w") as log:
        code = subprocess.run(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT).returncode
    seconds = round(time.perf_counter() - started, 1)
    copied = []
    for output in outputs:
        source = ROOT / "build" / output
        if source.exists():
            shutil.copyfile(source, OUTPUT / f"{name}.json")
            copied.append(f"{name}.json")
    print((OUTPUT / f"{name}.txt").read_text(), flush=True)
    return {"name": name, "file": f"bench/{script}", "arguments": arguments,
            "exit_code": code, "seconds": seconds, "printed": f"{name}.txt",
            "figures": copied}


def main():
    """Run every benchmark of RUNS; exit 1 when any failed."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    extra = sys.argv[1:]
    index = [run_one(name, script, arguments, outputs, extra)
             for name, script, arguments, outputs in RUNS]
    (OUTPUT / "index.json").write_text(json.dumps(index, indent=2))
    failed = [entry["name"] for entry in index if entry.get("exit_code", 0) != 0]
    print(f"figures in {OUTPUT.relative_to(ROOT)}/; failed: {', '.join(failed) or 'none'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
