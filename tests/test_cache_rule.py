"""The cache rule: a kept figure reads only the tables it is kept by.

cached(key, compute, tables) recomputes when one of tables changes, and cached_by_unit when
one of tables or the unit's findings change, so a figure reading any other table could be
served stale; derived values read nothing. Every function holding a cached(),
cached_by_unit() or derived() call is run here on the demo data, on a cold cache, while
the SQL each compute sends is recorded.
"""
import ast
import importlib
import re

import pytest
from flask import current_app
from peewee import fn
from playhouse.test_utils import count_queries

from inspect_app import cache, clock, demo, workdays
from inspect_app.assessments import queries as assessments
from inspect_app.findings import details, listing
from inspect_app.findings import queries as findings
from inspect_app.inspections import queries as inspections
from inspect_app.main.overview import overview_html
from inspect_app.main.unit_home import unit_home_html
from inspect_app.models import (
    UNIT_TRACKED_TABLES,
    AssessmentRound,
    AuditEvent,
    Inspection,
    User,
)
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
KEEPERS = ("cached", "cached_by_unit", "derived", "cached_markup")
# The keepers' own tables, which a kept figure reading another kept figure reads too.
VERSION_TABLES = {"data_version", "table_version", "unit_version"}


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


def _list_pages(world):
    """The findings list's page of both kinds of viewer, plain, filtered and searched."""
    for user in world["viewers"]:
        for query in ("", "?status=overdue&page=2", "?q=h%E1%BB%93+s%C6%A1"):
            with current_app.test_request_context(f"/findings{query}"):
                listing.list_html(user)


def _finding_details(world):
    """The details of the demo's findings with the longest histories, with and without cases."""
    busiest = (AuditEvent
               .select(AuditEvent.entity_id)
               .where(AuditEvent.entity == "finding")
               .group_by(AuditEvent.entity_id)
               .order_by(fn.COUNT(AuditEvent.id).desc())
               .limit(3))
    for (finding_id,) in busiest.tuples():
        for with_discipline in (True, False):
            details.details_html(finding_id, with_discipline)


# Every function that caches, "module.function" under inspect_app, and a run of it.
CACHED_FUNCTIONS = {
    "reports.monthly.cached_summary":
        lambda world: monthly.cached_summary(world["month"], world["today"]),
    "reports.queries.cached_staff_home": lambda world: reports.cached_staff_home(world["today"]),
    "reports.queries.cached_unit_figures":
        lambda world: reports.cached_unit_figures(world["today"]),
    "reports.queries.cached_unit_standing":
        lambda world: reports.cached_unit_standing(world["today"]),
    "findings.queries.cached_filter_choices": _filter_choices,
    "findings.queries.cached_count": _count,
    "findings.listing.list_html": _list_pages,
    "pdf.charts.home_chart_svg": lambda world: charts.home_chart_svg(
        world["today"], reports.cached_staff_home(world["today"])["chart_rows"]),
    "pdf.monthly.monthly_sections_html":
        lambda world: monthly_pdf.monthly_sections_html(world["month"], world["today"]),
    "workdays.kept": lambda world: workdays.kept(),
    "findings.details.details_html": _finding_details,
    "inspections.queries.awaiting_appraisal_count":
        lambda world: [inspections.awaiting_appraisal_count(user) for user in world["viewers"]],
    "main.overview.overview_html": lambda world: overview_html(world["today"]),
    "main.unit_home.unit_home_html":
        lambda world: unit_home_html(world["viewers"][1].unit_id, world["today"]),
    "assessments.queries.ranking":
        lambda world: [assessments.ranking(r) for r in AssessmentRound.select()],
}


def _calls_a_keeper(function):
    """Whether a function's body calls cached(...), cached_by_unit(...) or derived(...)."""
    return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
               and node.func.id in KEEPERS for node in ast.walk(function))


def functions_that_cache():
    """{"module.function"} of the package's top-level functions calling a keeper."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and _calls_a_keeper(node):
                found.add(f"{module}.{node.name}")
    return found


def tables_read(statements):
    """The tables the SQL statements read, common table expressions aside."""
    tables = set()
    for sql in statements:
        tables |= set(READ_TABLE.findall(sql)) - set(CTE_NAME.findall(sql))
    return tables


def recorded_tables(compute):
    """(compute's value, the tables it read)."""
    with count_queries() as recorded:
        value = compute()
    return value, tables_read(record.msg[0] for record in recorded.get_queries()) - VERSION_TABLES


class Recorder:
    """Keepers that run as cache.py's and note, per key, the tables allowed and read."""

    def __init__(self):
        self.reads = []

    def note(self, key, allowed, compute):
        """compute() run while its reads are noted."""
        value, read = recorded_tables(compute)
        self.reads.append((key, set(allowed), read))
        return value

    def cached(self, key, compute, tables):
        """cache.cached, noted."""
        return cache.cached(key, lambda: self.note(key, tables, compute), tables)

    def cached_by_unit(self, key, compute, tables):
        """cache.cached_by_unit, noted (the tables followed per unit allowed)."""
        allowed = set(tables) | set(UNIT_TRACKED_TABLES)
        return cache.cached_by_unit(
            key, lambda units: self.note(key, allowed, lambda: compute(units)), tables)

    def cached_markup(self, key, compute, tables):
        """cache.cached_markup, noted."""
        return cache.cached_markup(key, lambda: self.note(key, tables, compute), tables)

    def derived(self, key, inputs, compute):
        """cache.derived, noted: nothing may be read."""
        return cache.derived(key, inputs, lambda: self.note(key, (), compute))


@pytest.fixture
def recorder(monkeypatch):
    """Every module holding a keeper call uses the recording keepers."""
    recording = Recorder()
    for module in {name.rsplit(".", 1)[0] for name in functions_that_cache()}:
        imported = importlib.import_module(f"inspect_app.{module}")
        for keeper in KEEPERS:
            if hasattr(imported, keeper):
                monkeypatch.setattr(imported, keeper, getattr(recording, keeper))
    return recording


def test_every_function_that_caches_is_checked():
    assert functions_that_cache() == set(CACHED_FUNCTIONS)


def test_the_check_names_the_tables_read(app):
    month = monthly.Month.of(clock.today()).previous()
    _value, read = recorded_tables(lambda: (list(User.select()),
                                            monthly.monthly_summary(month.year, month.month)))
    assert {"users", "finding", "inspection"} <= read
    assert "standing" not in read  # the monthly figures' common table expression


def test_kept_figures_read_only_the_tables_they_are_kept_by(app, recorder):
    world = demo_world()
    outside = {}
    for name, run in sorted(CACHED_FUNCTIONS.items()):
        app.extensions.pop(cache.FIGURES, None)
        app.extensions.pop(cache.MARKUP, None)
        recorder.reads.clear()
        with app.test_request_context():
            run(world)
        assert recorder.reads, f"{name}: nothing kept"
        for key, allowed, read in recorder.reads:
            assert read or not allowed, f"{name} {key}: no SQL recorded"
            if read - allowed:
                outside[f"{name} {key[0]}"] = sorted(read - allowed)
    assert outside == {}, f"kept figures read tables they are not kept by: {outside}"
