"""Figures computed from the database, kept in the process until the data changes.

Each entry remembers the data version (models.DataVersion) it was computed at. The
version is read before the figures are computed, so an entry never holds data older than
its version; a change committed meanwhile raises the version and the next read computes
again. A cached function may read only the tracked tables (models.TRACKED_TABLES;
tests/test_cache_rule.py checks), and its key must hold every other input (the day, the
month, the language, the viewer's scope). Each app has its own entries, as each app has its
own database. The functions that cache sit beside the functions they cache
(reports.monthly.cached_summary beside monthly_summary), not in routes.
"""
import threading
from collections import OrderedDict

from flask import current_app

from .models import DataVersion

# Enough for the dashboards and a year of monthly summaries; the oldest entry goes first.
MAX_ENTRIES = 256


class FigureCache:
    """Entries of one app: key -> (data version, value), least recently used first."""

    def __init__(self):
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key, version):
        """The value stored for key at version, or None."""
        with self.lock:
            entry = self.entries.get(key)
            if entry is None or entry[0] != version:
                return None
            self.entries.move_to_end(key)
            return entry[1]

    def put(self, key, version, value):
        """Store value for key at version, dropping the least recently used beyond the limit."""
        with self.lock:
            self.entries[key] = (version, value)
            self.entries.move_to_end(key)
            while len(self.entries) > MAX_ENTRIES:
                self.entries.popitem(last=False)


def data_version():
    """The current data version."""
    return DataVersion.select(DataVersion.version).where(DataVersion.id == 1).scalar()


def cached(key, compute):
    """compute()'s value for key, computed again whenever the data version changed.

    The value is shared by later requests: callers must not change it.
    """
    store = current_app.extensions.setdefault("figure_cache", FigureCache())
    version = data_version()
    value = store.get(key, version)
    if value is None:
        value = compute()
        store.put(key, version, value)
    return value
