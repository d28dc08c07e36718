"""Report functions returning plain data: the one source for pages, PDFs and emails."""
import calendar
import datetime as dt
from itertools import chain

from peewee import JOIN, SQL, Case, fn

from .. import clock, deadlines, lineage, workdays
from ..assessments.queries import staff_home as assessments_staff_home
from ..cache import cached, cached_by_unit, derived
from ..discipline.queries import staff_counts as discipline_staff_counts
from ..findings.queries import overdue_condition
from ..models import (
    FINDING_STATES,
    RUNNING_STATES,
    ExtensionRequest,
    Finding,
    Inspection,
    Response,
    Unit,
)

# The staff home page lists the deadlines of the next two weeks.
UPCOMING_DAYS = 14
# The home page chart shows the units with most open findings.
HOME_CHART_UNITS = 15


def _count_if(condition):
    """SUM of 1 for the rows where condition holds (0 for none)."""
    return fn.COALESCE(fn.SUM(Case(None, [(condition, 1)], 0)), 0)


def _of_units(query, units):
    """query kept to the findings of the units listed (every unit's when units is None)."""
    return query if units is None else query.where(Finding.responsible_unit.in_(units))


def status_counts_by_unit(units=None):
    """[(unit_id, status, number of findings)] of the units listed (every unit by default)."""
    return list(_of_units(Finding
                          .select(Finding.responsible_unit, Finding.status,
                                  fn.COUNT(Finding.id))
                          .group_by(Finding.responsible_unit, Finding.status)
                          .tuples(), units))


def overdue_by_unit(today, units=None):
    """[{unit_id, unit_name, sort_name, count}] of overdue findings, most overdue first."""
    count = fn.COUNT(Finding.id)
    return list(_of_units(Unit
                          .select(Unit.id.alias("unit_id"), Unit.name.alias("unit_name"),
                                  Unit.sort_name.alias("sort_name"), count.alias("count"))
                          .join(Finding, on=(Finding.responsible_unit == Unit.id))
                          .where(overdue_condition(today))
                          .group_by(Unit.id, Unit.name, Unit.sort_name)
                          .order_by(count.desc(), Unit.sort_name)
                          .dicts(), units))


def _resolved_between(date_from, date_to):
    """The condition on Finding.resolved_at for local dates date_from..date_to (inclusive)."""
    condition = Finding.resolved_at.is_null(False)
    if date_from:
        condition &= Finding.resolved_at >= clock.start_of_day_utc(date_from)
    if date_to:
        condition &= Finding.resolved_at < clock.start_of_day_utc(date_to + dt.timedelta(1))
    return condition


def _competition_ranks(rows, key):
    """Give each row a rank; equal keys share it (1, 2, 2, 4), as in emulation tables."""
    previous, rank = None, 0
    for position, row in enumerate(rows, start=1):
        if row[key] != previous:
            previous, rank = row[key], position
        row["rank"] = rank
    return rows


def _rate_order(row):
    """The ranking's order: best on-time share, then most resolved, then the name."""
    return (-row["on_time"] / row["total"], -row["total"], row["sort_name"])


def remediation_rate_by_unit(date_from=None, date_to=None, unit_id=None, units=None):
    """[{rank, unit_id, unit_name, sort_name, on_time, late, total, rate}] of findings
    resolved in the period.

    rate is on_time / (on_time + late) in percent; the best unit comes first. unit_id
    keeps the rows of that unit and of the units it replaced; units, those of the units
    listed.
    """
    on_time = _count_if(Finding.resolved_on_time == True)  # noqa: E712 (SQL, not Python)
    total = fn.COUNT(Finding.id)
    query = _of_units(Unit
                      .select(Unit.id.alias("unit_id"), Unit.name.alias("unit_name"),
                              Unit.sort_name.alias("sort_name"), on_time.alias("on_time"),
                              total.alias("total"))
                      .join(Finding, on=(Finding.responsible_unit == Unit.id))
                      .where((Finding.status == "resolved")
                             & Finding.resolved_on_time.is_null(False)
                             & _resolved_between(date_from, date_to))
                      .group_by(Unit.id, Unit.name, Unit.sort_name), units)
    if unit_id is not None:
        query = query.where(lineage.of_unit(Unit.id, unit_id))
    rows = list(query.dicts())
    for row in rows:
        row["late"] = row["total"] - row["on_time"]
        row["rate"] = round(100.0 * row["on_time"] / row["total"], 1)
    # Ordered here rather than in SQL, so the ranking merged from kept per-unit rows
    # (staff_dashboard) orders exactly alike.
    return _competition_ranks(sorted(rows, key=_rate_order), "rate")


def _upcoming_order(row):
    """Soonest deadline first, then the unit's name."""
    return (row["deadline"], row["sort_name"], row["id"])


def upcoming_deadlines(today, days=14, units=None):
    """[{id, code, title, deadline, status, unit_id, unit_name, sort_name}] of running
    findings due soon, soonest first."""
    query = (Finding
             .select(Finding.id, Finding.code, Finding.title, Finding.deadline,
                     Finding.status, Unit.id.alias("unit_id"), Unit.name.alias("unit_name"),
                     Unit.sort_name.alias("sort_name"))
             .join(Unit, on=(Finding.responsible_unit == Unit.id))
             .where(Finding.status.in_(RUNNING_STATES),
                    Finding.deadline.between(today, today + dt.timedelta(days)))
             .order_by(Finding.deadline, Unit.sort_name, Finding.id)
             .dicts())
    return list(_of_units(query, units))


def inspections_in_month(year, month):
    """[{id, title, status, start_date, end_date, unit_name}] held (in part) in the month."""
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    return list(Inspection
                .select(Inspection.id, Inspection.title, Inspection.status,
                        Inspection.start_date, Inspection.end_date,
                        Unit.name.alias("unit_name"))
                .join(Unit, on=(Inspection.unit == Unit.id))
                .where(Inspection.start_date <= last,
                       Inspection.end_date >= first,
                       Inspection.status != "cancelled")
                .order_by(Inspection.start_date, Unit.sort_name)
                .dicts())


def unit_summary(unit_id, today):
    """{open, due_soon, overdue, waiting_for_review, resolved} for one unit's findings.

    open counts what awaits the unit's report; due_soon is due within 7 days. The units
    it replaced count with it: their open findings have passed to it, their resolved ones
    are its history.
    """
    running = Finding.status.in_(RUNNING_STATES)
    return (Finding
            .select(_count_if(running).alias("open"),
                    _count_if(running & Finding.deadline.between(
                        today, today + dt.timedelta(7))).alias("due_soon"),
                    _count_if(overdue_condition(today)).alias("overdue"),
                    _count_if(Finding.status == "submitted").alias("waiting_for_review"),
                    _count_if(Finding.status == "resolved").alias("resolved"))
            .where(lineage.of_unit(Finding.responsible_unit, unit_id))
            .dicts()
            .get())


def unit_figures(today, units=None):
    """{unit_id: the unit's share of the staff home page's figures of today}.

    Each holds the unit's findings by status and its rows of overdue_by_unit, open_by_unit,
    this year's remediation_rate_by_unit and upcoming_deadlines (None or [] when it has
    none); only the units listed (every unit by default). Kept per unit, they let a change
    to one unit's findings recompute that unit alone.
    """
    figures = {}

    def unit(unit_id):
        """The figures of one unit, made on first use."""
        return figures.setdefault(unit_id, {"statuses": {}, "overdue": None, "open": None,
                                            "resolved": None, "upcoming": []})
    for unit_id, status, count in status_counts_by_unit(units):
        unit(unit_id)["statuses"][status] = count
    for row in overdue_by_unit(today, units):
        unit(row["unit_id"])["overdue"] = row
    for row in open_by_unit(today, units):
        unit(row["unit_id"])["open"] = row
    for row in remediation_rate_by_unit(dt.date(today.year, 1, 1), today, units=units):
        unit(row["unit_id"])["resolved"] = row
    for row in upcoming_deadlines(today, days=UPCOMING_DAYS, units=units):
        unit(row["unit_id"])["upcoming"].append(row)
    return figures


def _rows(figures, part, order):
    """The units' rows of one part of unit_figures, copied, in order."""
    return sorted((dict(unit[part]) for unit in figures.values() if unit[part] is not None),
                  key=order)


def staff_dashboard(today, figures):
    """What the staff home page shows of the findings, from every unit's unit_figures."""
    counts = dict.fromkeys(FINDING_STATES, 0)
    for unit in figures.values():
        for status, count in unit["statuses"].items():
            counts[status] += count
    overdue = _rows(figures, "overdue", lambda row: (-row["count"], row["sort_name"]))
    upcoming = sorted(chain.from_iterable(unit["upcoming"] for unit in figures.values()),
                      key=_upcoming_order)
    return {
        "today": today,
        "counts": counts,
        "total": sum(counts.values()),
        "overdue_total": sum(row["count"] for row in overdue),
        "overdue_by_unit": overdue,
        "ranking": _competition_ranks(_rows(figures, "resolved", _rate_order), "rate"),
        "upcoming": upcoming[:50],
        "upcoming_until": today + dt.timedelta(UPCOMING_DAYS),
        "chart_rows": _rows(figures, "open", _open_order)[:HOME_CHART_UNITS],
    }


def other_home_figures(today):
    """What the staff home page shows besides the findings: inspections, cases, CCHC rounds."""
    return {"inspections": inspections_in_month(today.year, today.month),
            "discipline": discipline_staff_counts(today),
            "assessments": assessments_staff_home()}


# The tables unit_figures reads besides those followed per unit; those other_home_figures
# reads.
UNIT_FIGURE_TABLES = ("unit",)
OTHER_HOME_TABLES = ("inspection", "unit", "discipline_case", "discipline_measure",
                     "discipline_deferral", "work_calendar_day", "assessment_round",
                     "assessment_round_member", "unit_assessment", "node_score",
                     "criteria_set", "criteria_node", "unit_kind")


def cached_unit_figures(today):
    """unit_figures of today for every unit, each kept until the unit's findings change."""
    return cached_by_unit(("unit figures", today), lambda units: unit_figures(today, units),
                          UNIT_FIGURE_TABLES)


def cached_staff_home(today):
    """The staff home page's figures of today, kept until the data they come from changes."""
    figures = cached_unit_figures(today)
    others = cached(("other home figures", today), lambda: other_home_figures(today),
                    OTHER_HOME_TABLES)
    return derived(("staff home", today), (figures, others),
                   lambda: {**staff_dashboard(today, figures), **others})


# --- the month's figures, as they stood at a cut-off ------------------------------------
#
# A month's figures describe the state "at the end of" a day: a cut-off day is the day
# after it, and a finding's state is taken at the start of the cut-off day (local time).
# What the stored data allow, and so what these functions assume:
# - a finding is issued on its inspection's conclusion date (its creation time when the
#   inspection has none); drafts are never counted;
# - a cancelled finding is counted nowhere: it was withdrawn as not to be followed up;
# - a finding is resolved at resolved_at; a reopened finding loses that time (only the
#   last resolution is kept), so it counts as unresolved since its issue;
# - the deadline in force at the cut-off is the one before the first extension approved
#   after it (each approval keeps the deadline it replaced);
# - a finding is waiting for the inspectors' review, and so not overdue, while a report
#   submitted before the cut-off had no review yet at the cut-off.

COUNTED_STATES = ("open", "submitted", "changes_requested", "resolved")


def _issued_before(day):
    """Counted findings (joined with their inspection) issued before the local date day."""
    return (Finding.status.in_(COUNTED_STATES)
            & ((Inspection.conclusion_date < day)
               | (Inspection.conclusion_date.is_null()
                  & (Finding.created_at < clock.start_of_day_utc(day)))))


def _issued_between(date_from, date_to):
    """Counted findings (joined with their inspection) issued on date_from..date_to."""
    concluded = Inspection.conclusion_date.between(date_from, date_to)
    created = ((Finding.created_at >= clock.start_of_day_utc(date_from))
               & (Finding.created_at < clock.start_of_day_utc(date_to + dt.timedelta(1))))
    # The first factor reads the inspection alone, so the database skips the inspections
    # concluded in other months before reading their findings.
    return (Finding.status.in_(COUNTED_STATES)
            & (concluded | Inspection.conclusion_date.is_null())
            & (concluded | created))


def _unresolved_at(moment):
    """Findings not resolved at moment (naive UTC)."""
    return Finding.resolved_at.is_null() | (Finding.resolved_at >= moment)


def _replaced_deadlines(moment):
    """The extensions approved since moment: finding_id, previous_deadline and position.

    position 1 is each finding's first one, whose previous_deadline was in force at
    moment. Computed once for all findings (few extensions are decided after a cut-off)
    rather than looked up finding by finding.
    """
    position = fn.ROW_NUMBER().over(
        partition_by=[ExtensionRequest.finding],
        order_by=[ExtensionRequest.decided_at, ExtensionRequest.id])
    return (ExtensionRequest
            .select(ExtensionRequest.finding.alias("finding_id"),
                    ExtensionRequest.previous_deadline, position.alias("position"))
            .where(ExtensionRequest.status == "approved",
                   ExtensionRequest.decided_at >= moment)
            .alias("replaced"))


def _awaiting_review(moment):
    """Whether a finding had a report submitted before moment and not yet reviewed then."""
    # Correlated on purpose: looking up the reports of the findings open at moment by
    # response.finding_id is cheaper than reading every report ever submitted.
    pending = (Response
               .select(Response.id)
               .where(Response.finding == Finding.id,
                      Response.submitted_at < moment,
                      Response.reviewed_at.is_null() | (Response.reviewed_at >= moment)))
    return fn.EXISTS(pending)


def _standing(cutoff, units=None):
    """The findings open at the cut-off day, as a CTE: id, unit_id, deadline, overdue.

    deadline is the one then in force; overdue is 1 when it had passed while the unit
    still had to act, else 0. units keeps the findings of the units listed.
    """
    moment = clock.start_of_day_utc(cutoff)
    replaced = _replaced_deadlines(moment)
    deadline = fn.COALESCE(replaced.c.previous_deadline, Finding.deadline)
    overdue = Case(None, [((deadline < cutoff) & ~_awaiting_review(moment), 1)], 0)
    # Materialized, SQLite starts from the few findings unresolved at the cut-off (index
    # on status, resolved_at); inlined in a query grouped by unit, it would read every
    # finding of every unit in the grouping's order.
    return (_of_units(Finding
                      .select(Finding.id, Finding.responsible_unit.alias("unit_id"),
                              deadline.alias("deadline"), overdue.alias("overdue"))
                      .join(Inspection)
                      .switch(Finding)
                      .join(replaced, JOIN.LEFT_OUTER,
                            on=((replaced.c.finding_id == Finding.id)
                                & (replaced.c.position == 1)))
                      .where(_issued_before(cutoff) & _unresolved_at(moment)), units)
            .cte("standing", materialized=True))


def findings_issued_by_unit(date_from, date_to, units=None):
    """[(unit_id, findings issued on local dates date_from..date_to)] of the units listed."""
    # Materialized, SQLite starts from the month's inspections; grouped directly by unit,
    # it would walk every finding in the unit index's order (25 times slower here).
    issued = (_of_units(Finding
                        .select(Finding.responsible_unit.alias("unit_id"))
                        .join(Inspection)
                        .where(_issued_between(date_from, date_to)), units)
              .cte("issued", materialized=True))
    return list(issued
                .select_from(issued.c.unit_id, fn.COUNT(SQL("*")))
                .group_by(issued.c.unit_id)
                .tuples())


def unit_status_at(cutoff, units=None):
    """[{unit_id, unit_code, unit_name, sort_name, open, overdue}] at the start of the cut-off
    day.

    open counts every issued finding not yet resolved (waiting for review included);
    overdue those past the deadline then in force while the unit still had to act. units
    keeps the units listed.
    """
    standing = _standing(cutoff, units)
    return list(Unit
                .select(Unit.id.alias("unit_id"), Unit.code.alias("unit_code"),
                        Unit.name.alias("unit_name"), Unit.sort_name.alias("sort_name"),
                        fn.COUNT(standing.c.id).alias("open"),
                        fn.SUM(standing.c.overdue).alias("overdue"))
                .join(standing, on=(standing.c.unit_id == Unit.id))
                .group_by(Unit.id, Unit.code, Unit.name)
                .order_by(Unit.sort_name)
                .with_cte(standing)
                .dicts())


def overdue_order(row):
    """The order of overdue_at: longest overdue first, then the unit's name and the code."""
    return (row["deadline"], row["sort_name"], row["code"], row["id"])


def overdue_rows_at(cutoff, units=None):
    """[{id, code, title, unit_id, unit_name, sort_name, deadline}] overdue at the cut-off
    day, in overdue_order; units keeps the units listed.

    deadline is the one then in force.
    """
    standing = _standing(cutoff, units)
    deadline = standing.c.deadline.converter(Finding.deadline.python_value)
    return list(Finding
                .select(Finding.id, Finding.code, Finding.title,
                        Unit.id.alias("unit_id"), Unit.name.alias("unit_name"),
                        Unit.sort_name.alias("sort_name"), deadline.alias("deadline"))
                .join(standing, on=(standing.c.id == Finding.id))
                .join_from(Finding, Unit, on=(Finding.responsible_unit == Unit.id))
                .where(standing.c.overdue == 1)
                .order_by(standing.c.deadline, Unit.sort_name, Finding.code, Finding.id)
                .with_cte(standing)
                .dicts())


def with_days_overdue(rows, cutoff, work_calendar):
    """Copies of overdue rows with days_overdue and working_days_overdue at the cut-off."""
    return [{**row, "days_overdue": (cutoff - row["deadline"]).days,
             "working_days_overdue": work_calendar.working_days_between(row["deadline"],
                                                                        cutoff)}
            for row in rows]


def inspections_concluded_between(date_from, date_to):
    """[{id, title, unit_name, conclusion_no, conclusion_date}] by conclusion date."""
    return list(Inspection
                .select(Inspection.id, Inspection.title, Unit.name.alias("unit_name"),
                        Inspection.conclusion_no, Inspection.conclusion_date)
                .join(Unit, on=(Inspection.unit == Unit.id))
                .where(Inspection.status.in_(("concluded", "closed")),
                       Inspection.conclusion_date.between(date_from, date_to))
                .order_by(Inspection.conclusion_date, Unit.sort_name, Inspection.id)
                .dicts())


def findings_of_conclusions_between(date_from, date_to, units=None):
    """[(unit_id, inspection_id, findings)]: how many findings each conclusion of
    date_from..date_to issued to each of the units listed (later cancellations included)."""
    count = fn.COUNT(Finding.id)
    return list(_of_units(Finding
                          .select(Finding.responsible_unit, Finding.inspection, count)
                          .join(Inspection)
                          .where(Inspection.status.in_(("concluded", "closed")),
                                 Inspection.conclusion_date.between(date_from, date_to),
                                 Finding.status != "draft")
                          .group_by(Finding.responsible_unit, Finding.inspection)
                          .tuples(), units))


# --- live figures: the home page chart and the unit report ------------------------------


def _open_order(row):
    """Most open findings first, then most overdue, then the unit's name."""
    return (-row["open"], -row["overdue"], row["sort_name"])


def open_by_unit(today, units=None):
    """[{unit_id, unit_name, sort_name, open, overdue}] of findings awaiting the unit or a
    review now, the units with most open findings first; units keeps the units listed."""
    awaiting = Finding.status.in_(RUNNING_STATES + ("submitted",))
    overdue = _count_if(overdue_condition(today))
    return list(_of_units(Unit
                          .select(Unit.id.alias("unit_id"), Unit.name.alias("unit_name"),
                                  Unit.sort_name.alias("sort_name"),
                                  fn.COUNT(Finding.id).alias("open"), overdue.alias("overdue"))
                          .join(Finding, on=(Finding.responsible_unit == Unit.id))
                          .where(awaiting)
                          .group_by(Unit.id, Unit.name, Unit.sort_name)
                          .order_by(fn.COUNT(Finding.id).desc(), overdue.desc(), Unit.sort_name)
                          .dicts(), units))


def unit_standing(figures):
    """[{unit_id, unit_name, open, overdue, on_time, late, rate, rank}] of every busy unit,
    from every unit's unit_figures.

    open and overdue as open_by_unit; on_time, late and rate (None when nothing was
    resolved) count this year's resolutions; rank orders the rates as the home page does.
    """
    units = {row["unit_id"]: {**row, "on_time": 0, "late": 0, "rate": None, "rank": None}
             for row in _rows(figures, "open", _open_order)}
    for row in _competition_ranks(_rows(figures, "resolved", _rate_order), "rate"):
        unit = units.setdefault(row["unit_id"], {"unit_id": row["unit_id"],
                                                 "unit_name": row["unit_name"],
                                                 "sort_name": row["sort_name"],
                                                 "open": 0, "overdue": 0})
        unit.update(on_time=row["on_time"], late=row["late"], rate=row["rate"],
                    rank=row["rank"])
    return list(units.values())


def cached_unit_standing(today):
    """unit_standing of today, kept until the findings it counts change."""
    figures = cached_unit_figures(today)
    return derived(("unit standing", today), figures, lambda: unit_standing(figures))


def unit_open_findings(unit_id, today):
    """[{id, code, title, recommendation, deadline, status, days_overdue, ...}] of a unit.

    Every issued finding still awaiting the unit (or one it replaced) or a review,
    earliest deadline first;
    days_overdue (and working_days_overdue) is 0 unless the deadline has passed while the
    unit still has to act.
    """
    rows = list(Finding
                .select(Finding.id, Finding.code, Finding.title, Finding.recommendation,
                        Finding.deadline, Finding.status,
                        Inspection.conclusion_no, Inspection.title.alias("inspection_title"))
                .join(Inspection)
                .where(lineage.of_unit(Finding.responsible_unit, unit_id),
                       Finding.status.in_(RUNNING_STATES + ("submitted",)))
                .order_by(Finding.deadline.asc(nulls="last"), Finding.code, Finding.id)
                .dicts())
    work_calendar = workdays.load()
    for row in rows:
        late = row["status"] in RUNNING_STATES
        row["days_overdue"], row["working_days_overdue"] = \
            deadlines.overdue(work_calendar, row["deadline"], today) if late else (0, 0)
    return rows


def unit_resolved_since(unit_id, since):
    """[{id, code, title, deadline, resolved_at, resolved_on_time}] resolved from since on,
    by the unit or one it replaced."""
    return list(Finding
                .select(Finding.id, Finding.code, Finding.title, Finding.deadline,
                        Finding.resolved_at, Finding.resolved_on_time)
                .where(lineage.of_unit(Finding.responsible_unit, unit_id),
                       Finding.status == "resolved",
                       _resolved_between(since, None))
                .order_by(Finding.resolved_at.desc(), Finding.id.desc())
                .dicts())


# --- the conclusion document --------------------------------------------------------------
