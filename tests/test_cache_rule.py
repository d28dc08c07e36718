"""The cache rule: a cached function reads only the tracked tables (models.TRACKED_TABLES).

A kept figure is recomputed only when a tracked table changes, so a figure reading any
other table could be served stale. Every function holding a cached() call is run here on
the demo data, on a cold cache, while the SQL it sends is recorded.
"""
import ast
import re

from playhouse.test_utils import count_queries

from inspect_app import clock, demo
from inspect_app.assessments import queries as assessments
from inspect_app.findings import queries as findings
from inspect_app.models import TRACKED_TABLES, AssessmentRound, Inspection, User
from inspect_app.pdf import charts
from inspect_app.pdf import monthly as monthly_pdf
from inspect_app.reports import monthly
from inspect_app.reports import queries as reports
from tests.conftest import ROOT

PACKAGE = ROOT / "inspect_app"
# A table a statement reads: FROM or JOIN a quoted name (not a column such as "t1"."id").
READ_TABLE = re.compile(r'\b(?:FROM|JOIN)\s+"(\w+)"(?!\.)', re.IGNORECASE)
# A common table expression's name, which FROM may name like a table.
CTE_NAME = re.compile(r'"(\w+)"\s+AS\s+(?:NOT\s+)?(?:MATERIALIZED\s+)?\(', re.IGNORECASE)
# Every cached read starts by reading the version its entries are checked against.
VERSION_TABLE = "data_version"


def demo_world():
    """The demo data loaded; what the cached functions are called with."""
    demo.load()
    today = clock.today()
    return {"today": today, "month": monthly.Month.of(today).previous(),
            "viewers": [User.get(User.username == name) for name in ("thanhtra", "hoaan")],
            "inspection": Inspection.select().order_by(Inspection.id).first().id}


def _filter_choices(world):
    """The filter choices of both kinds of viewer, one with an inspection asked for."""
    for user in world["viewers"]:
        findings.cached_filter_choices(user)
        findings.cached_filter_choices(user, world["inspection"])


def _count(world):
    """The list totals of both kinds of viewer, filtered and searched."""
    for user in world["viewers"]:
        findings.cached_count(user, {})
        findings.cached_count(user, {"status": "overdue", "q": "hồ sơ"}, limit=1000)


# Every function that caches, "module.function" under inspect_app, and a run of it.
CACHED_FUNCTIONS = {
    "reports.monthly.cached_summary":
        lambda world: monthly.cached_summary(world["month"], world["today"]),
    "reports.queries.cached_staff_home": lambda world: reports.cached_staff_home(world["today"]),
    "reports.queries.cached_unit_standing":
        lambda world: reports.cached_unit_standing(world["today"]),
    "findings.queries.cached_filter_choices": _filter_choices,
    "findings.queries.cached_count": _count,
    "pdf.charts.home_chart_svg": lambda world: charts.home_chart_svg(world["today"]),
    "pdf.monthly.monthly_sections_html":
        lambda world: monthly_pdf.monthly_sections_html(world["month"], world["today"]),
    "assessments.queries.ranking":
        lambda world: [assessments.ranking(r) for r in AssessmentRound.select()],
}


def _calls_cached(function):
    """Whether a function's body calls cached(...)."""
    return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
               and node.func.id == "cached" for node in ast.walk(function))


def functions_that_cache():
    """{"module.function"} of the package's top-level functions calling cached(...)."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and _calls_cached(node):
                found.add(f"{module}.{node.name}")
    return found


def tables_read(statements):
    """The tables the SQL statements read, common table expressions aside."""
    tables = set()
    for sql in statements:
        tables |= set(READ_TABLE.findall(sql)) - set(CTE_NAME.findall(sql))
    return tables


def tables_read_by(app, run):
    """The tables run() reads on a cold cache, in a request of the default language."""
    app.extensions.pop("figure_cache", None)
    with app.test_request_context(), count_queries() as recorded:
        run()
    return tables_read(record.msg[0] for record in recorded.get_queries())


def test_every_function_that_caches_is_checked():
    assert functions_that_cache() == set(CACHED_FUNCTIONS)


def test_the_check_names_a_table_outside_the_tracked_ones(app):
    month = monthly.Month.of(clock.today()).previous()
    read = tables_read_by(app, lambda: (list(User.select()),
                                        monthly.cached_summary(month, clock.today())))
    assert {"users", "finding", VERSION_TABLE} <= read
    assert "standing" not in read  # the monthly figures' common table expression


def test_cached_functions_read_only_tracked_tables(app):
    world = demo_world()
    untracked = {}
    for name, run in sorted(CACHED_FUNCTIONS.items()):
        read = tables_read_by(app, lambda: run(world))
        assert VERSION_TABLE in read and len(read) > 1, f"{name}: no SQL recorded"
        outside = read - set(TRACKED_TABLES) - {VERSION_TABLE}
        if outside:
            untracked[name] = sorted(outside)
    assert untracked == {}, "cached functions read tables outside TRACKED_TABLES"
