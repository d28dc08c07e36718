"""Report functions returning plain data: the one source for pages, PDFs and emails."""
import calendar
import datetime as dt

from peewee import Case, fn

from .. import clock
from ..models import (FINDING_STATES, RUNNING_STATES, Category, Finding, Inspection,
                      Unit)
from ..policy import ADMIN, INSPECTOR, LEADER
from ..text import fold

STAFF_ROLES = (ADMIN, INSPECTOR, LEADER)
# The pseudo-status of the findings filter: a running finding past its deadline.
OVERDUE = "overdue"
# The staff home page lists the deadlines of the next two weeks.
UPCOMING_DAYS = 14


def _count_if(condition):
    """SUM of 1 for the rows where condition holds (0 for none)."""
    return fn.COALESCE(fn.SUM(Case(None, [(condition, 1)], 0)), 0)


def overdue_condition(today):
    """The findings overdue on today: deadline passed while the unit still has to act."""
    return (Finding.deadline < today) & Finding.status.in_(RUNNING_STATES)


def finding_counts_by_status():
    """{status: number of findings} for every finding state, zeros included."""
    rows = (Finding
            .select(Finding.status, fn.COUNT(Finding.id).alias("count"))
            .group_by(Finding.status)
            .tuples())
    counts = dict.fromkeys(FINDING_STATES, 0)
    counts.update(dict(rows))
    return counts


def overdue_by_unit(today):
    """[{unit_id, unit_name, count}] of overdue findings, most overdue first."""
    count = fn.COUNT(Finding.id)
    return list(Unit
                .select(Unit.id.alias("unit_id"), Unit.name.alias("unit_name"),
                        count.alias("count"))
                .join(Finding, on=(Finding.responsible_unit == Unit.id))
                .where(overdue_condition(today))
                .group_by(Unit.id, Unit.name)
                .order_by(count.desc(), Unit.name)
                .dicts())


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


def remediation_rate_by_unit(date_from=None, date_to=None):
    """[{rank, unit_id, unit_name, on_time, late, rate}] of findings resolved in the period.

    rate is on_time / (on_time + late) in percent; the best unit comes first.
    """
    on_time = _count_if(Finding.resolved_on_time == True)  # noqa: E712 (SQL, not Python)
    total = fn.COUNT(Finding.id)
    rows = list(Unit
                .select(Unit.id.alias("unit_id"), Unit.name.alias("unit_name"),
                        on_time.alias("on_time"), total.alias("total"))
                .join(Finding, on=(Finding.responsible_unit == Unit.id))
                .where((Finding.status == "resolved")
                       & Finding.resolved_on_time.is_null(False)
                       & _resolved_between(date_from, date_to))
                .group_by(Unit.id, Unit.name)
                .order_by((on_time * 1.0 / total).desc(), total.desc(), Unit.name)
                .dicts())
    for row in rows:
        row["late"] = row["total"] - row["on_time"]
        row["rate"] = round(100.0 * row["on_time"] / row["total"], 1)
    return _competition_ranks(rows, "rate")


def upcoming_deadlines(today, days=14, limit=None):
    """[{id, code, title, deadline, status, unit_name}] of running findings due soon."""
    query = (Finding
             .select(Finding.id, Finding.code, Finding.title, Finding.deadline,
                     Finding.status, Unit.name.alias("unit_name"))
             .join(Unit, on=(Finding.responsible_unit == Unit.id))
             .where(Finding.status.in_(RUNNING_STATES),
                    Finding.deadline.between(today, today + dt.timedelta(days)))
             .order_by(Finding.deadline, Unit.name, Finding.id)
             .limit(limit)
             .dicts())
    return list(query)


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
                .order_by(Inspection.start_date, Unit.name)
                .dicts())


def unit_summary(unit_id, today):
    """{open, due_soon, overdue, waiting_for_review, resolved} for one unit's findings.

    open counts what awaits the unit's report; due_soon is due within 7 days.
    """
    running = Finding.status.in_(RUNNING_STATES)
    return (Finding
            .select(_count_if(running).alias("open"),
                    _count_if(running & Finding.deadline.between(
                        today, today + dt.timedelta(7))).alias("due_soon"),
                    _count_if(overdue_condition(today)).alias("overdue"),
                    _count_if(Finding.status == "submitted").alias("waiting_for_review"),
                    _count_if(Finding.status == "resolved").alias("resolved"))
            .where(Finding.responsible_unit == unit_id)
            .dicts()
            .get())


def staff_dashboard(today):
    """Everything the staff home page shows, from the report functions above."""
    counts = finding_counts_by_status()
    overdue = overdue_by_unit(today)
    return {
        "today": today,
        "counts": counts,
        "total": sum(counts.values()),
        "overdue_total": sum(row["count"] for row in overdue),
        "overdue_by_unit": overdue,
        "ranking": remediation_rate_by_unit(dt.date(today.year, 1, 1), today),
        "upcoming": upcoming_deadlines(today, days=UPCOMING_DAYS, limit=50),
        "upcoming_until": today + dt.timedelta(UPCOMING_DAYS),
        "inspections": inspections_in_month(today.year, today.month),
    }


def _scoped(query, user):
    """Staff see every finding; anyone else only their unit's issued ones (as policy)."""
    if user.role in STAFF_ROLES:
        return query
    return query.where(Finding.responsible_unit == user.unit_id,
                       Finding.status != "draft")


def _search(query, text):
    """Keep findings whose folded search text holds every folded word of text."""
    for word in fold(text).split():
        query = query.where(Finding.search_text.contains(word))
    return query


def _filtered(query, filters, today):
    """Apply the list filters (empty values ignored) to a findings query."""
    if filters.get("unit"):
        query = query.where(Finding.responsible_unit == filters["unit"])
    if filters.get("status") == OVERDUE:
        query = query.where(overdue_condition(today))
    elif filters.get("status"):
        query = query.where(Finding.status == filters["status"])
    if filters.get("severity"):
        query = query.where(Finding.severity == filters["severity"])
    if filters.get("category"):
        query = query.where(Finding.category == filters["category"])
    if filters.get("inspection"):
        query = query.where(Finding.inspection == filters["inspection"])
    if filters.get("deadline_from"):
        query = query.where(Finding.deadline >= filters["deadline_from"])
    if filters.get("deadline_to"):
        query = query.where(Finding.deadline <= filters["deadline_to"])
    return _search(query, filters.get("q") or "")


def findings_query(user, filters, today=None):
    """The findings user may see that match filters, as dict rows, deadline first."""
    today = today or clock.today()
    query = (Finding
             .select(Finding.id, Finding.code, Finding.title, Finding.recommendation,
                     Finding.severity, Finding.status, Finding.deadline,
                     Case(None, [(overdue_condition(today), True)], False).alias("overdue"),
                     Unit.name.alias("unit_name"), Category.name.alias("category_name"),
                     Inspection.title.alias("inspection_title"))
             .join(Unit, on=(Finding.responsible_unit == Unit.id))
             .switch(Finding)
             .join(Category, on=(Finding.category == Category.id))
             .switch(Finding)
             .join(Inspection, on=(Finding.inspection == Inspection.id))
             .order_by(Finding.deadline.asc(nulls="last"), Finding.id)
             .dicts())
    return _filtered(_scoped(query, user), filters, today)


def filtered_findings(user, filters, page, per_page=25, today=None):
    """(rows of the page, total matching) of the findings list."""
    query = findings_query(user, filters, today)
    return list(query.paginate(page, per_page)), query.count()
