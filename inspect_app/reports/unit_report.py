"""The unit remediation report: what one unit still has to do, and what it recently did.

unit_report(unit, today) returns plain data read live on today; the web page, the PDF
and the unit head's monthly e-mail all render it.
"""
import datetime as dt
from dataclasses import dataclass

from ..units.queries import predecessors
from . import queries
from .monthly import rate

# "Recent" resolutions: those of the last 90 days.
RECENT_DAYS = 90


@dataclass
class UnitReport:
    """One unit's findings: counts, those still open, those recently resolved."""

    unit: object
    today: dt.date
    counts: dict
    open_findings: list
    resolved: list
    resolved_since: dt.date
    year_on_time: int
    year_late: int
    # The units it replaced, whose history its figures include.
    predecessors: list

    @property
    def year_rate(self):
        """The unit's on-time rate of the year so far, in percent (None: nothing resolved)."""
        return rate(self.year_on_time, self.year_on_time + self.year_late)


def unit_report(unit, today):
    """The remediation report of unit as it stands on today, its predecessors' history
    included."""
    since = today - dt.timedelta(days=RECENT_DAYS)
    year = queries.remediation_rate_by_unit(dt.date(today.year, 1, 1), today, unit_id=unit.id)
    return UnitReport(
        unit=unit, today=today, counts=queries.unit_summary(unit.id, today),
        open_findings=queries.unit_open_findings(unit.id, today),
        resolved=queries.unit_resolved_since(unit.id, since), resolved_since=since,
        year_on_time=sum(row["on_time"] for row in year),
        year_late=sum(row["late"] for row in year),
        predecessors=[unit.name for unit in predecessors(unit.id)])
