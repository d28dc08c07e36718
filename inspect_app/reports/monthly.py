"""The monthly summary (báo cáo tổng hợp tháng): one function builds it for every output.

monthly_summary(year, month) returns plain data; the web preview, the PDF and the
monthly e-mail all render it. Its figures describe the month "as at the end of" its
last day (for the month under way: of yesterday); reports/queries.py states what that
means for each figure:

- inspections planned: those scheduled to be held (in part) in the month, not cancelled;
- inspections done: conclusions issued in the month;
- new findings: findings issued in the month (drafts and cancelled findings excluded);
- resolved: findings resolved in the month, on time when the accepted report came in
  by the deadline in force;
- open and overdue: as they stood at the end of the month;
- on-time rate: on time / resolved in the month, in percent, and its change in
  percentage points from the previous month (none when either month resolved nothing).

Units are ranked by overdue findings at the end of the month (fewest first), then by
their on-time rate (highest first; no resolution ranks after any rate); equal keys share
a rank. The unit table lists every unit; the overdue section only the OVERDUE_LISTED
longest overdue findings, with how many were overdue in all.

The summary is a list of sections, built in order by SECTION_BUILDERS: another area adds
its section by appending a builder(period, figures) returning a Section (or None to leave
it out), a renderer in pdf/monthly.py and templates/reports/sections/<key>.html. Builders
read no database: what an area's section shows is read by other_figures (kept per table)
and reaches the builder in figures.others.

The findings' figures are computed per unit (unit_month_figures) and added up, so that the
kept summary (cached_summary) recomputes only the units whose findings changed.
"""
import calendar
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain

from .. import clock, workdays
from ..assessments.queries import month_summary as assessments_month_summary
from ..cache import cached, cached_by_unit, derived
from ..discipline.queries import month_summary as discipline_month_summary
from ..i18n import lazy_gettext as _l
from ..units.queries import reorganisations_between
from . import queries

# The chart shows the units with most open findings; the table lists them all.
CHART_UNITS = 15
# The overdue section lists the longest overdue findings only: at province scale there
# are thousands, which no reader goes through and which made the PDF slow to lay out.
OVERDUE_LISTED = 100


# The years of the months the app reads (in URLs, pickers and the CLI) and shows: back to
# any record an office keeps, ahead to any deadline. A month outside them is a typing
# error or a probe; near year 1 or 9999 the calendar's date arithmetic would overflow.
FIRST_YEAR, LAST_YEAR = 1900, 2999


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month, written YYYY-MM."""

    year: int
    month: int

    @classmethod
    def parse(cls, text):
        """The month written YYYY-MM in text, in FIRST_YEAR..LAST_YEAR; ValueError otherwise."""
        match = re.fullmatch(r"(\d{4})-(\d{2})", (text or "").strip())
        if match:
            month = cls(int(match.group(1)), int(match.group(2)))
            if 1 <= month.month <= 12 and month.in_range:
                return month
        raise ValueError(f"not a month (YYYY-MM, {FIRST_YEAR} to {LAST_YEAR}): {text!r}")

    @classmethod
    def of(cls, day):
        """The month day falls in."""
        return cls(day.year, day.month)

    @property
    def in_range(self):
        """Whether the month's year is one the app reads and shows."""
        return FIRST_YEAR <= self.year <= LAST_YEAR

    @property
    def first(self):
        """The month's first day."""
        return dt.date(self.year, self.month, 1)

    @property
    def last(self):
        """The month's last day."""
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def previous(self):
        """The month before."""
        return Month.of(self.first - dt.timedelta(days=1))

    def next(self):
        """The month after."""
        return Month.of(self.last + dt.timedelta(days=1))

    def label(self):
        """The month as people write it: 10/2026."""
        return f"{self.month:02d}/{self.year}"

    def __str__(self):
        return f"{self.year:04d}-{self.month:02d}"


def is_reportable(month, today):
    """Whether at least one day of month has ended by today (no report of the future)."""
    return month.first < today


@dataclass(frozen=True)
class Period:
    """The days a summary covers: the month's first day to as_at, figures at its end."""

    month: Month
    as_at: dt.date

    @classmethod
    def of(cls, month, today):
        """The period of month seen on today; ValueError for a month not begun by today."""
        if not is_reportable(month, today):
            raise ValueError(f"the month {month} has no ended day yet")
        return cls(month, min(month.last, today - dt.timedelta(days=1)))

    @property
    def first(self):
        """The first day covered."""
        return self.month.first

    @property
    def cutoff(self):
        """The day at whose start the month-end state is taken."""
        return self.as_at + dt.timedelta(days=1)

    @property
    def complete(self):
        """Whether the whole month is covered."""
        return self.as_at == self.month.last


@dataclass
class Totals:
    """The month's headline figures."""

    inspections_planned: int
    inspections_done: int
    findings_new: int
    findings_resolved: int
    resolved_on_time: int
    resolved_late: int
    open_at_end: int
    overdue_at_end: int
    on_time_rate: float | None
    previous_rate: float | None

    @property
    def rate_change(self):
        """The change of the on-time rate from the previous month, in percentage points."""
        if self.on_time_rate is None or self.previous_rate is None:
            return None
        return round(self.on_time_rate - self.previous_rate, 1)


@dataclass
class Figures:
    """Every number of the summary, computed once and shared by the sections."""

    totals: Totals
    units: list
    overdue: list  # the OVERDUE_LISTED longest overdue; totals.overdue_at_end counts all
    inspections_planned: list
    inspections_done: list
    others: dict  # other_figures: the other areas' data, read by their sections


@dataclass
class OverdueListing:
    """The longest overdue findings listed and how many were overdue in all."""

    rows: list
    total: int

    @property
    def complete(self):
        """Whether every overdue finding is listed."""
        return len(self.rows) == self.total


@dataclass
class Section:
    """One part of the summary: key names its renderer, data is what it shows."""

    key: str
    title: object
    data: object


@dataclass
class MonthlySummary:
    """The monthly summary: its period, its figures and its sections in order."""

    period: Period
    totals: Totals
    units: list
    overdue: list
    inspections_planned: list
    inspections_done: list
    sections: list = field(default_factory=list)

    @property
    def month(self):
        """The month summarised."""
        return self.period.month

    def section(self, key):
        """The section called key, or None."""
        return next((s for s in self.sections if s.key == key), None)


def rate(on_time, total):
    """on_time / total in percent with one decimal, None when nothing was resolved."""
    return round(100.0 * on_time / total, 1) if total else None


def _rank_key(row):
    """Fewest overdue first, then the best on-time rate; no resolution after any rate."""
    return (row["overdue"], -(row["rate"] if row["rate"] is not None else -1.0))


def rank_units(rows):
    """rows sorted by _rank_key (then fewest open, then name), each with its shared rank."""
    rows.sort(key=lambda row: (_rank_key(row), row["open"], row["sort_name"]))
    previous, rank = None, 0
    for position, row in enumerate(rows, start=1):
        if _rank_key(row) != previous:
            previous, rank = _rank_key(row), position
        row["rank"] = rank
    return rows


def unit_month_figures(period, units=None):
    """{unit_id: the unit's share of the findings' figures of period}.

    Each holds the unit's row at the end (unit_status_at), its findings resolved in the
    period and in the previous month (on time, late), the findings issued in the period,
    its findings overdue at the end (without the days, which other_figures' calendar
    counts) and how many findings each conclusion of the period issued to it; only the
    units listed (every unit by default).
    """
    previous = period.month.previous()
    figures = {}

    def unit(unit_id):
        """The figures of one unit, made on first use."""
        return figures.setdefault(unit_id, {"status": None, "name": None, "sort_name": None,
                                            "resolved": (0, 0),
                                            "previous": (0, 0), "issued": 0, "overdue": [],
                                            "concluded": {}})
    for row in queries.unit_status_at(period.cutoff, units):
        unit(row["unit_id"]).update(status=row, name=row["unit_name"],
                                    sort_name=row["sort_name"])
    for row in queries.remediation_rate_by_unit(period.first, period.as_at, units=units):
        unit(row["unit_id"]).update(resolved=(row["on_time"], row["late"]),
                                    name=row["unit_name"], sort_name=row["sort_name"])
    for row in queries.remediation_rate_by_unit(previous.first, previous.last, units=units):
        unit(row["unit_id"])["previous"] = (row["on_time"], row["late"])
    for unit_id, count in queries.findings_issued_by_unit(period.first, period.as_at, units):
        unit(unit_id)["issued"] = count
    for row in queries.overdue_rows_at(period.cutoff, units=units):
        unit(row["unit_id"])["overdue"].append(row)
    for unit_id, inspection_id, count in queries.findings_of_conclusions_between(
            period.first, period.as_at, units):
        unit(unit_id)["concluded"][inspection_id] = count
    return figures


def _unit_rows(unit_figures):
    """The per-unit table: open and overdue at the end, resolved on time and late, ranked."""
    rows = []
    for unit_id, unit in unit_figures.items():
        on_time, late = unit["resolved"]
        if unit["status"] is None and not on_time + late:
            continue
        status = unit["status"] or {"open": 0, "overdue": 0}
        rows.append({"unit_id": unit_id, "unit_name": unit["name"],
                     "sort_name": unit["sort_name"], "open": status["open"],
                     "overdue": status["overdue"], "on_time": on_time, "late": late,
                     "resolved": on_time + late, "rate": rate(on_time, on_time + late)})
    return rank_units(rows)


def other_figures(period):
    """What the summary shows besides the findings: inspections, the other areas' sections,
    and the working calendar the days overdue are counted on."""
    return {"planned": queries.inspections_in_month(period.month.year, period.month.month),
            "done": queries.inspections_concluded_between(period.first, period.as_at),
            "discipline": discipline_month_summary(period.first, period.as_at),
            "reorganisations": reorganisations_between(period.first, period.as_at),
            "assessments": assessments_month_summary(period.first, period.as_at),
            "calendar": workdays.kept()}


def figures(period, unit_figures, others):
    """Every number of the summary of period, from every unit's figures and the others."""
    units = _unit_rows(unit_figures)
    on_time = sum(unit["resolved"][0] for unit in unit_figures.values())
    late = sum(unit["resolved"][1] for unit in unit_figures.values())
    previous_on_time = sum(unit["previous"][0] for unit in unit_figures.values())
    previous_late = sum(unit["previous"][1] for unit in unit_figures.values())
    overdue = sorted(chain.from_iterable(unit["overdue"] for unit in unit_figures.values()),
                     key=queries.overdue_order)[:OVERDUE_LISTED]
    issued = Counter()
    for unit in unit_figures.values():
        issued.update(unit["concluded"])
    done = [{**row, "findings": issued[row["id"]]} for row in others["done"]]
    totals = Totals(
        inspections_planned=len(others["planned"]), inspections_done=len(done),
        findings_new=sum(unit["issued"] for unit in unit_figures.values()),
        findings_resolved=on_time + late, resolved_on_time=on_time, resolved_late=late,
        open_at_end=sum(row["open"] for row in units),
        overdue_at_end=sum(row["overdue"] for row in units),
        on_time_rate=rate(on_time, on_time + late),
        previous_rate=rate(previous_on_time, previous_on_time + previous_late))
    return Figures(totals=totals, units=units,
                   overdue=queries.with_days_overdue(overdue, period.cutoff, others["calendar"]),
                   inspections_planned=others["planned"], inspections_done=done,
                   others=others)


def chart_rows(units, limit=CHART_UNITS):
    """The units the chart shows: most open findings first, then most overdue."""
    busy = [row for row in units if row["open"] or row["resolved"]]
    busy = sorted(busy, key=lambda r: (-r["open"], -r["overdue"], r["sort_name"]))
    return busy[:limit]


def _totals_section(period, figures):
    """The headline figures."""
    return Section("totals", _l("Overview"), figures.totals)


def _units_section(period, figures):
    """The ranked per-unit table."""
    return Section("units", _l("Findings by unit"), figures.units)


def _chart_section(period, figures):
    """The bar chart of the busiest units."""
    return Section("chart", _l("Open and overdue findings by unit"), chart_rows(figures.units))


def _overdue_section(period, figures):
    """The longest overdue findings at the end, longest first, and how many in all."""
    return Section("overdue", _l("Overdue findings at the end of the month"),
                   OverdueListing(figures.overdue, figures.totals.overdue_at_end))


def _inspections_section(period, figures):
    """The inspections planned in the month and the conclusions issued."""
    return Section("inspections", _l("Inspections"),
                   {"planned": figures.inspections_planned, "done": figures.inspections_done})


def _discipline_section(period, figures):
    """The month's disciplinary cases, by unit and by measure (no names: it is e-mailed)."""
    return Section("discipline", _l("Disciplinary cases"), figures.others["discipline"])


def _reorganisations_section(period, figures):
    """The units merged, split or renamed in the month, if any were."""
    changes = figures.others["reorganisations"]
    return Section("reorganisations", _l("Units reorganised in the month"), changes) \
        if changes else None


def _assessments_section(period, figures):
    """The CCHC index rounds under way and the results published in the month, if any."""
    data = figures.others["assessments"]
    return Section("assessments", _l("CCHC index"), data) if data else None


# The sections in the order they are shown; each takes (period, figures).
SECTION_BUILDERS = [_totals_section, _reorganisations_section, _units_section, _chart_section,
                    _overdue_section, _inspections_section, _discipline_section,
                    _assessments_section]


def monthly_summary(year, month, today=None):
    """The summary of a month seen on today (default: today); ValueError if not begun."""
    period = Period.of(Month(year, month), today or clock.today())
    return _summary(period, unit_month_figures(period), other_figures(period))


def _summary(period, unit_figures, others):
    """The summary of period from every unit's figures and the other figures."""
    numbers = figures(period, unit_figures, others)
    sections = [builder(period, numbers) for builder in SECTION_BUILDERS]
    return MonthlySummary(period=period, totals=numbers.totals, units=numbers.units,
                          overdue=numbers.overdue,
                          inspections_planned=numbers.inspections_planned,
                          inspections_done=numbers.inspections_done,
                          sections=[s for s in sections if s is not None])


# The tables unit_month_figures reads besides those followed per unit (findings, reports,
# extensions, inspections); those other_figures reads.
UNIT_MONTH_TABLES = ("unit",)
OTHER_MONTH_TABLES = ("inspection", "unit", "discipline_case", "discipline_measure",
                      "discipline_deferral", "reorganisation", "unit_succession",
                      "assessment_round", "assessment_round_member", "unit_assessment",
                      "criteria_set", "work_calendar_day")


def cached_summary(month, today):
    """The summary of month seen on today, kept until the data it comes from changes."""
    period = Period.of(month, today)
    unit_figures = cached_by_unit(("month unit figures", str(month), today),
                                  lambda units: unit_month_figures(period, units),
                                  UNIT_MONTH_TABLES)
    others = cached(("month other figures", str(month), today),
                    lambda: other_figures(period), OTHER_MONTH_TABLES)
    return derived(("monthly summary", str(month), today), (unit_figures, others),
                   lambda: _summary(period, unit_figures, others))
