"""Report functions returning plain data: the one source for pages, PDFs and emails."""
import calendar
import datetime as dt

from peewee import JOIN, Case, fn

from .. import clock
from ..models import (FINDING_STATES, RUNNING_STATES, Category, ExtensionRequest, Finding,
                      Inspection, InspectionMember, Response, Unit, User)
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


def remediation_rate_by_unit(date_from=None, date_to=None, unit_id=None):
    """[{rank, unit_id, unit_name, on_time, late, rate}] of findings resolved in the period.

    rate is on_time / (on_time + late) in percent; the best unit comes first. unit_id
    keeps one unit's row only.
    """
    on_time = _count_if(Finding.resolved_on_time == True)  # noqa: E712 (SQL, not Python)
    total = fn.COUNT(Finding.id)
    query = (Unit
             .select(Unit.id.alias("unit_id"), Unit.name.alias("unit_name"),
                     on_time.alias("on_time"), total.alias("total"))
             .join(Finding, on=(Finding.responsible_unit == Unit.id))
             .where((Finding.status == "resolved")
                    & Finding.resolved_on_time.is_null(False)
                    & _resolved_between(date_from, date_to))
             .group_by(Unit.id, Unit.name)
             .order_by((on_time * 1.0 / total).desc(), total.desc(), Unit.name))
    if unit_id is not None:
        query = query.where(Unit.id == unit_id)
    rows = list(query.dicts())
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


def count_findings(user, filters, today=None):
    """How many findings findings_query lists, counted without its joins."""
    query = Finding.select(Finding.id)
    return _filtered(_scoped(query, user), filters, today or clock.today()).count()


def filtered_findings(user, filters, page, per_page=25, today=None):
    """(rows of the page, total matching) of the findings list."""
    query = findings_query(user, filters, today)
    return list(query.paginate(page, per_page)), count_findings(user, filters, today)


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
    return Finding.status.in_(COUNTED_STATES) & _issue_date_before(day)


def _issue_date_before(day):
    """Findings (joined with their inspection) whose issue date is before day."""
    return ((Inspection.conclusion_date < day)
            | (Inspection.conclusion_date.is_null()
               & (Finding.created_at < clock.start_of_day_utc(day))))


def _unresolved_at(moment):
    """Findings not resolved at moment (naive UTC)."""
    return Finding.resolved_at.is_null() | (Finding.resolved_at >= moment)


def _deadline_in_force(moment):
    """A finding's deadline at moment: before any extension approved since then."""
    replaced = (ExtensionRequest
                .select(ExtensionRequest.previous_deadline)
                .where(ExtensionRequest.finding == Finding.id,
                       ExtensionRequest.status == "approved",
                       ExtensionRequest.decided_at >= moment)
                .order_by(ExtensionRequest.decided_at, ExtensionRequest.id)
                .limit(1))
    return fn.COALESCE(replaced, Finding.deadline).python_value(Finding.deadline.python_value)


def _awaiting_review(moment):
    """Whether a finding had a report submitted before moment and not yet reviewed then."""
    pending = (Response
               .select(Response.id)
               .where(Response.finding == Finding.id,
                      Response.submitted_at < moment,
                      Response.reviewed_at.is_null() | (Response.reviewed_at >= moment)))
    return fn.EXISTS(pending)


def _standing(cutoff):
    """(condition, overdue condition, deadline then) of findings open at the cut-off day."""
    moment = clock.start_of_day_utc(cutoff)
    deadline = _deadline_in_force(moment)
    open_then = _issued_before(cutoff) & _unresolved_at(moment)
    overdue_then = (deadline < cutoff) & ~_awaiting_review(moment)
    return open_then, overdue_then, deadline


def findings_issued_between(date_from, date_to):
    """How many findings were issued on local dates date_from..date_to (inclusive)."""
    return (Finding
            .select()
            .join(Inspection)
            .where(_issued_before(date_to + dt.timedelta(1)), ~_issue_date_before(date_from))
            .count())


def unit_status_at(cutoff):
    """[{unit_id, unit_code, unit_name, open, overdue}] at the start of the cut-off day.

    open counts every issued finding not yet resolved (waiting for review included);
    overdue those past the deadline then in force while the unit still had to act.
    """
    open_then, overdue_then, _deadline = _standing(cutoff)
    return list(Unit
                .select(Unit.id.alias("unit_id"), Unit.code.alias("unit_code"),
                        Unit.name.alias("unit_name"), fn.COUNT(Finding.id).alias("open"),
                        _count_if(overdue_then).alias("overdue"))
                .join(Finding, on=(Finding.responsible_unit == Unit.id))
                .join(Inspection, on=(Finding.inspection == Inspection.id))
                .where(open_then)
                .group_by(Unit.id, Unit.code, Unit.name)
                .order_by(Unit.name)
                .dicts())


def overdue_at(cutoff):
    """[{id, code, title, unit_name, deadline, days_overdue}] overdue at the cut-off day.

    The longest overdue come first; deadline is the one then in force.
    """
    open_then, overdue_then, deadline = _standing(cutoff)
    rows = list(Finding
                .select(Finding.id, Finding.code, Finding.title,
                        Unit.name.alias("unit_name"), deadline.alias("deadline"))
                .join(Inspection)
                .switch(Finding)
                .join(Unit, on=(Finding.responsible_unit == Unit.id))
                .where(open_then & overdue_then)
                .order_by(deadline, Unit.name, Finding.code, Finding.id)
                .dicts())
    for row in rows:
        row["days_overdue"] = (cutoff - row["deadline"]).days
    return rows


def inspections_concluded_between(date_from, date_to):
    """[{id, title, unit_name, conclusion_no, conclusion_date, findings}] by conclusion date.

    findings counts the findings the conclusion issued (later cancellations included).
    """
    issued = fn.COUNT(Finding.id)
    return list(Inspection
                .select(Inspection.id, Inspection.title, Unit.name.alias("unit_name"),
                        Inspection.conclusion_no, Inspection.conclusion_date,
                        issued.alias("findings"))
                .join(Unit, on=(Inspection.unit == Unit.id))
                .switch(Inspection)
                .join(Finding, JOIN.LEFT_OUTER,
                      on=((Finding.inspection == Inspection.id)
                          & (Finding.status != "draft")))
                .where(Inspection.status.in_(("concluded", "closed")),
                       Inspection.conclusion_date.between(date_from, date_to))
                .group_by(Inspection.id, Inspection.title, Unit.name,
                          Inspection.conclusion_no, Inspection.conclusion_date)
                .order_by(Inspection.conclusion_date, Unit.name, Inspection.id)
                .dicts())


# --- live figures: the home page chart and the unit report ------------------------------


def open_by_unit(today, limit=None):
    """[{unit_id, unit_name, open, overdue}] of findings awaiting the unit or a review now.

    The units with most open findings come first; limit keeps the first ones only.
    """
    awaiting = Finding.status.in_(RUNNING_STATES + ("submitted",))
    overdue = _count_if(overdue_condition(today))
    return list(Unit
                .select(Unit.id.alias("unit_id"), Unit.name.alias("unit_name"),
                        fn.COUNT(Finding.id).alias("open"), overdue.alias("overdue"))
                .join(Finding, on=(Finding.responsible_unit == Unit.id))
                .where(awaiting)
                .group_by(Unit.id, Unit.name)
                .order_by(fn.COUNT(Finding.id).desc(), overdue.desc(), Unit.name)
                .limit(limit)
                .dicts())


def unit_open_findings(unit_id, today):
    """[{id, code, title, recommendation, deadline, status, days_overdue, ...}] of a unit.

    Every issued finding still awaiting the unit or a review, earliest deadline first;
    days_overdue is 0 unless the deadline has passed while the unit still has to act.
    """
    rows = list(Finding
                .select(Finding.id, Finding.code, Finding.title, Finding.recommendation,
                        Finding.deadline, Finding.status,
                        Inspection.conclusion_no, Inspection.title.alias("inspection_title"))
                .join(Inspection)
                .where(Finding.responsible_unit == unit_id,
                       Finding.status.in_(RUNNING_STATES + ("submitted",)))
                .order_by(Finding.deadline.asc(nulls="last"), Finding.code, Finding.id)
                .dicts())
    for row in rows:
        late = (row["status"] in RUNNING_STATES and row["deadline"] is not None
                and row["deadline"] < today)
        row["days_overdue"] = (today - row["deadline"]).days if late else 0
    return rows


def unit_resolved_since(unit_id, since):
    """[{id, code, title, deadline, resolved_at, resolved_on_time}] resolved from since on."""
    return list(Finding
                .select(Finding.id, Finding.code, Finding.title, Finding.deadline,
                        Finding.resolved_at, Finding.resolved_on_time)
                .where(Finding.responsible_unit == unit_id,
                       Finding.status == "resolved",
                       _resolved_between(since, None))
                .order_by(Finding.resolved_at.desc(), Finding.id.desc())
                .dicts())


# --- the conclusion document --------------------------------------------------------------


def conclusion_team(inspection):
    """The inspection team's members (without the lead), by name."""
    return list(User
                .select()
                .join(InspectionMember)
                .where(InspectionMember.inspection == inspection)
                .order_by(User.full_name))


def conclusion_findings(inspection):
    """The findings the conclusion issued, with their units, in the conclusion's order.

    Findings cancelled afterwards stay: the document shows the conclusion as issued.
    """
    return list(Finding
                .select(Finding, Unit)
                .join(Unit, on=(Finding.responsible_unit == Unit.id))
                .where(Finding.inspection == inspection,
                       Finding.status != "draft")
                .order_by(Finding.ordinal.asc(nulls="last"), Finding.created_at, Finding.id))
