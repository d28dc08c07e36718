"""Figures computed from the database, kept in the process until the data they read changes.

Every change to a tracked table raises the data version and stamps the table, and a change
to a unit's findings, reports or extensions, or to the inspections that issued its
findings, stamps the unit too (models.TableVersion, models.UnitVersion,
models.UNIT_TRACKED_TABLES; migration 0024). Three ways to keep a figure follow from that:

- cached(key, compute, tables): the value is kept while none of the tables it reads has
  changed;
- cached_by_unit(key, compute, tables): figures kept per unit ({unit id: figures}); a change
  to one unit's findings recomputes that unit alone, a change to one of the other tables
  read recomputes every unit;
- derived(key, inputs, compute): a value made from kept figures (a chart, a rendered
  table), kept while its inputs compare equal;
- cached_markup(key, compute, tables): as cached, for a page's rendered markup (a list's
  page for one scope and query string), kept apart from the figures and fewer of them.

Versions are read before the figures are computed, so an entry never holds data older
than the versions it is stored with; a change committed meanwhile is seen by the next read.
A GET request reads every table's version once, at its first kept figure, and checks its
other figures against the same reading (one query instead of one per figure: a round trip
each on PostgreSQL); a transaction() it commits makes it read them again.
A cached function declares every tracked table it reads besides those followed per unit
(tests/test_cache_rule.py checks), and its key holds every other input (the day, the month,
the language, the viewer's scope). Each app has its own entries, as each app has its own
database. The functions that cache sit beside the functions they cache
(reports.monthly.cached_summary beside monthly_summary), not in routes.
"""
import threading
from collections import OrderedDict

from flask import current_app, g, has_request_context, request

from .db import commits, execute_prepared
from .models import TRACKED_TABLES, UNIT_TRACKED_TABLES, DataVersion, TableVersion, UnitVersion

# Enough for the dashboards and a year of monthly summaries; the oldest entry goes first.
MAX_ENTRIES = 256
# Rendered markup weighs tens of kilobytes an entry (a list's page with its drop-downs), and
# its keys are as many as the query strings asked for: a store of its own, so that many
# filters never push the dashboards' figures out, and about 5 MB at most.
MAX_MARKUP_ENTRIES = 64
FIGURES, MARKUP = "figure_cache", "markup_cache"
LIMITS = {FIGURES: MAX_ENTRIES, MARKUP: MAX_MARKUP_ENTRIES}


class FigureCache:
    """Entries of one app: key -> (stamp, value), least recently used first."""

    def __init__(self, limit=MAX_ENTRIES):
        self.entries = OrderedDict()
        self.lock = threading.Lock()
        self.limit = limit

    def entry(self, key):
        """The (stamp, value) stored for key, or None."""
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def get(self, key, stamp):
        """The value stored for key with stamp, or None."""
        entry = self.entry(key)
        return entry[1] if entry is not None and entry[0] == stamp else None

    def put(self, key, stamp, value):
        """Store value for key with stamp, dropping the least recently used beyond the limit."""
        with self.lock:
            self.entries[key] = (stamp, value)
            self.entries.move_to_end(key)
            while len(self.entries) > self.limit:
                self.entries.popitem(last=False)


def data_version():
    """The current data version: raised by every change to any tracked table."""
    return DataVersion.select(DataVersion.version).where(DataVersion.id == 1).scalar()


# Every tracked table's latest version, and the data version (named NULL), in one query.
VERSIONS_SQL = (f'SELECT "name", "version" FROM "{TableVersion._meta.table_name}" '
                f'UNION ALL SELECT NULL, "version" FROM "{DataVersion._meta.table_name}" '
                'WHERE "id" = 1')
# Where a request keeps its reading of the versions (flask.g).
READING = "figure_cache_versions"


def init_app(app):
    """Forget a request's reading of the versions when it ends."""
    app.teardown_request(lambda _exc: g.pop(READING, None))


def _read_versions():
    """(data version, {table: latest version}) as stored now."""
    tables = dict(execute_prepared("tracked_versions", VERSIONS_SQL, ()).fetchall())
    return tables.pop(None, None), tables


def _versions():
    """The versions as this GET request first read them (since its last commit), else now."""
    if not has_request_context() or request.method not in ("GET", "HEAD"):
        return _read_versions()
    reading = g.get(READING)
    if reading is None or reading[0] != commits():
        reading = (commits(), _read_versions())
        setattr(g, READING, reading)
    return reading[1]


def _latest_change(tables, versions):
    """The latest version stamped on any of tables (None if none has changed)."""
    unknown = set(tables) - set(TRACKED_TABLES)
    if unknown:
        raise ValueError(f"not tracked, so never invalidated: {sorted(unknown)}")
    return max((versions[table] for table in tables if table in versions), default=None)


def _store(name=FIGURES):
    """This app's entries of a kind (figures or markup)."""
    store = current_app.extensions.get(name)
    if store is None:
        store = current_app.extensions.setdefault(name, FigureCache(LIMITS[name]))
    return store


def cached(key, compute, tables):
    """compute()'s value for key, computed again whenever one of tables changed.

    The value is shared by later requests: callers must not change it.
    """
    return _kept(_store(), key, compute, tables)


def cached_markup(key, compute, tables):
    """compute()'s markup for key, rendered again whenever one of tables changed."""
    return _kept(_store(MARKUP), key, compute, tables)


def _kept(store, key, compute, tables):
    """compute()'s value for key in store, computed again whenever one of tables changed."""
    version = _latest_change(tables, _versions()[1])
    value = store.get(key, version)
    if value is None:
        value = compute()
        store.put(key, version, value)
    return value


def cached_by_unit(key, compute, tables):
    """{unit id: figures} for key, each unit's recomputed when its findings changed.

    compute(unit_ids) returns the figures of the units listed ({} for a unit with none;
    every unit when unit_ids is None); it reads the findings of those units (with their
    reports, extensions and inspections: models.UNIT_TRACKED_TABLES) and, besides, only
    tables (which must not be those). A change to one of tables recomputes every unit.
    The dict is shared: callers must not change it.
    """
    if set(tables) & set(UNIT_TRACKED_TABLES):
        raise ValueError("the tables of the units' findings are followed per unit")
    store = _store()
    sequence, versions = _versions()
    version = _latest_change(tables, versions)
    entry = store.entry(key)
    if entry is None or entry[0][1] != version:
        figures = compute(None)
    elif entry[0][0] == sequence:
        return entry[1]
    else:
        figures = _recompute_changed(entry[1], entry[0][0], compute)
    store.put(key, (sequence, version), figures)
    return figures


def _recompute_changed(figures, seen, compute):
    """figures with the units whose findings changed since version seen computed again."""
    changed = {unit_id for (unit_id,) in
               UnitVersion.select(UnitVersion.unit_id).where(UnitVersion.version > seen).tuples()}
    if not changed:
        return figures
    kept = {unit_id: value for unit_id, value in figures.items() if unit_id not in changed}
    return {**kept, **compute(sorted(changed))}


def derived(key, inputs, compute):
    """compute()'s value, kept while inputs compare equal to those it was computed from.

    inputs are kept figures (or what a value is drawn from): nothing is read to check them.
    """
    store = _store()
    entry = store.entry(key)
    if entry is not None and entry[0] == inputs:
        if entry[0] is not inputs:
            # Kept with the inputs of now: figures recomputed equal are new objects, and
            # comparing the same objects again is quick (identity), new ones item by item.
            store.put(key, inputs, entry[1])
        return entry[1]
    value = compute()
    store.put(key, inputs, value)
    return value
