"""Reading disciplinary cases: measures in force, the list, counts, reminders, the month.

Functions here return queries or plain data; pages, exports, jobs and the monthly summary
read the same ones. None of the counts carries personal data.
"""
import datetime as dt
from dataclasses import dataclass, field

from peewee import JOIN, Case, fn

from .. import audit, clock, lineage
from ..formatting import format_date
from ..labels import CASE_TIMELINE, DEFERRAL_GROUND, OVERDUE
from ..models import (
    DisciplineCase,
    DisciplineCaseFinding,
    DisciplineDeferral,
    DisciplineMeasure,
    Finding,
    Unit,
)
from ..policy import STAFF_ROLES, can
from ..text import fold
from ..units.queries import unit_move

# Cases no longer being processed, for good or for now, from their outcome date.
SETTLED_STATES = ("decided", "dismissed", "deferred")


def count_if(condition):
    """SUM of 1 for the rows where condition holds (0 for none)."""
    return fn.COALESCE(fn.SUM(Case(None, [(condition, 1)], 0)), 0)


# --- measures --------------------------------------------------------------------------


def _in_force(first_day, last_day):
    """Active measures valid on at least one day of first_day..last_day."""
    return (DisciplineMeasure.active
            & (DisciplineMeasure.valid_from.is_null() | (DisciplineMeasure.valid_from <= last_day))
            & (DisciplineMeasure.valid_to.is_null() | (DisciplineMeasure.valid_to >= first_day)))


def measures_offered(person_type, on_date):
    """The measures a decision dated on_date may impose on an official of person_type."""
    return list(DisciplineMeasure
                .select()
                .where(DisciplineMeasure.person_type == person_type,
                       _in_force(on_date, on_date))
                .order_by(DisciplineMeasure.sort_order, DisciplineMeasure.id))


def measures_for_decision(case, today):
    """The measures a decision on case may impose on some day from its opening to today.

    The page has no script to follow the chosen decision date, so the form offers these
    (grouped by legal basis) and the service checks the measure against the actual date.
    """
    return list(DisciplineMeasure
                .select()
                .where(DisciplineMeasure.person_type == case.person_type,
                       _in_force(case.opened_on, today))
                .order_by(DisciplineMeasure.valid_from.desc(nulls="last"),
                          DisciplineMeasure.legal_basis, DisciplineMeasure.sort_order,
                          DisciplineMeasure.id))


def all_measures():
    """Every measure for the admin page, grouped by legal basis and person type."""
    return (DisciplineMeasure
            .select()
            .order_by(DisciplineMeasure.valid_from.desc(nulls="last"),
                      DisciplineMeasure.legal_basis, DisciplineMeasure.person_type,
                      DisciplineMeasure.sort_order, DisciplineMeasure.id))


def measure_choices():
    """[(code, name)] of every measure, once per code, in their usual order."""
    rows = (DisciplineMeasure
            .select(DisciplineMeasure.code, fn.MIN(DisciplineMeasure.name).alias("name"))
            .group_by(DisciplineMeasure.code)
            .order_by(fn.MIN(DisciplineMeasure.sort_order), DisciplineMeasure.code)
            .tuples())
    return list(rows)


def measure_in_use(measure):
    """Whether a decision has imposed measure."""
    return DisciplineCase.select().where(DisciplineCase.measure == measure).exists()


# --- one case --------------------------------------------------------------------------


def overdue_condition(today):
    """The cases overdue on today: still open with the processing deadline passed."""
    return (DisciplineCase.status == "open") & (DisciplineCase.deadline < today)


def is_overdue(case, today):
    """Whether case is still open after its processing deadline."""
    return case.status == "open" and case.deadline < today


def get_case(case_id):
    """The case with its unit and measure, or None."""
    return (DisciplineCase
            .select(DisciplineCase, Unit, DisciplineMeasure)
            .join(Unit)
            .switch(DisciplineCase)
            .join(DisciplineMeasure, JOIN.LEFT_OUTER)
            .where(DisciplineCase.id == case_id)
            .first())


def findings_of_case(case, user):
    """The findings case arose from that user may see, by code, with their unit.

    Cases are linked only to their own unit's findings, but links stored before that rule
    may name another unit's finding, which that unit's head must not learn of.
    """
    findings = (Finding
                .select(Finding, Unit)
                .join(DisciplineCaseFinding)
                .switch(Finding)
                .join(Unit, on=(Finding.responsible_unit == Unit.id))
                .where(DisciplineCaseFinding.case == case)
                .order_by(Finding.code, Finding.id))
    return [finding for finding in findings if can(user, "findings.view", finding)]


def cases_of_finding(finding):
    """The disciplinary cases opened from finding, newest first, with unit and measure."""
    return list(DisciplineCase
                .select(DisciplineCase, Unit, DisciplineMeasure)
                .join(DisciplineCaseFinding)
                .switch(DisciplineCase)
                .join(Unit)
                .switch(DisciplineCase)
                .join(DisciplineMeasure, JOIN.LEFT_OUTER)
                .where(DisciplineCaseFinding.finding == finding)
                .order_by(DisciplineCase.opened_on.desc(), DisciplineCase.id.desc()))


# --- the list --------------------------------------------------------------------------


def _scoped(query, user):
    """Staff see every case; a unit head their unit's and its predecessors' (as policy)."""
    if user.role in STAFF_ROLES:
        return query
    return query.where(lineage.of_unit(DisciplineCase.unit, user.unit_id))


def _filtered(query, filters, today):
    """Apply the list filters (empty values ignored) to a cases query.

    A unit brings the units it replaced along, unless unit_only says otherwise.
    """
    if filters.get("unit"):
        query = query.where(lineage.of_unit(DisciplineCase.unit, filters["unit"],
                                            history=not filters.get("unit_only")))
    if filters.get("status") == OVERDUE:
        query = query.where(overdue_condition(today))
    elif filters.get("status"):
        query = query.where(DisciplineCase.status == filters["status"])
    if filters.get("person_type"):
        query = query.where(DisciplineCase.person_type == filters["person_type"])
    if filters.get("measure"):
        query = query.where(DisciplineMeasure.code == filters["measure"])
    if filters.get("year"):
        year = filters["year"]
        query = query.where(DisciplineCase.opened_on.between(dt.date(year, 1, 1),
                                                             dt.date(year, 12, 31)))
    for word in fold(filters.get("q") or "").split():
        query = query.where(DisciplineCase.search_text.contains(word))
    return query


def cases_query(user, filters, today=None):
    """The cases user may see that match filters, as dict rows, newest first."""
    today = today or clock.today()
    query = (DisciplineCase
             .select(DisciplineCase.id, DisciplineCase.official_name,
                     DisciplineCase.official_position, DisciplineCase.person_type,
                     DisciplineCase.violation, DisciplineCase.status,
                     DisciplineCase.opened_on, DisciplineCase.deadline,
                     DisciplineCase.decision_no, DisciplineCase.decision_date,
                     DisciplineCase.issuing_authority, DisciplineCase.outcome_reason,
                     DisciplineCase.deferral_ground,
                     Case(None, [(overdue_condition(today), True)], False).alias("overdue"),
                     Unit.name.alias("unit_name"), DisciplineMeasure.name.alias("measure_name"),
                     DisciplineMeasure.legal_basis.alias("legal_basis"))
             .join(Unit)
             .switch(DisciplineCase)
             .join(DisciplineMeasure, JOIN.LEFT_OUTER)
             .order_by(DisciplineCase.opened_on.desc(), DisciplineCase.id.desc())
             .dicts())
    return _filtered(_scoped(query, user), filters, today)


def finding_codes(cases, user):
    """{case id: [codes of the findings user may see]} for the cases of a query, in one query."""
    ids = cases.clone().select(DisciplineCase.id).order_by()
    links = (DisciplineCaseFinding
             .select(DisciplineCaseFinding.case, Finding.code, Finding.status,
                     Finding.responsible_unit)
             .join(Finding)
             .where(DisciplineCaseFinding.case.in_(ids))
             .order_by(Finding.code))
    codes = {}
    for link in links:
        if can(user, "findings.view", link.finding):
            codes.setdefault(link.case_id, []).append(link.finding.code)
    return codes


def first_year():
    """The year of the earliest case (this year when there is none)."""
    earliest = DisciplineCase.select(fn.MIN(DisciplineCase.opened_on)).scalar()
    return earliest.year if earliest else clock.today().year


# --- the staff home page ---------------------------------------------------------------


def open_cases_by_unit(today):
    """[{unit_id, unit_name, open, overdue, deferred}] of cases still pending, most first."""
    open_count = count_if(DisciplineCase.status == "open")
    return list(Unit
                .select(Unit.id.alias("unit_id"), Unit.name.alias("unit_name"),
                        open_count.alias("open"),
                        count_if(overdue_condition(today)).alias("overdue"),
                        count_if(DisciplineCase.status == "deferred").alias("deferred"))
                .join(DisciplineCase, on=(DisciplineCase.unit == Unit.id))
                .where(DisciplineCase.status.in_(("open", "deferred")))
                .group_by(Unit.id, Unit.name)
                .order_by(open_count.desc(), Unit.sort_name)
                .dicts())


def decisions_by_measure(first_day, last_day):
    """[{code, measure, count}] of decisions dated first_day..last_day, by measure code."""
    count = fn.COUNT(DisciplineCase.id)
    return list(DisciplineMeasure
                .select(DisciplineMeasure.code, fn.MIN(DisciplineMeasure.name).alias("measure"),
                        count.alias("count"))
                .join(DisciplineCase, on=(DisciplineCase.measure == DisciplineMeasure.id))
                .where(DisciplineCase.status == "decided",
                       DisciplineCase.decision_date.between(first_day, last_day))
                .group_by(DisciplineMeasure.code)
                .order_by(fn.MIN(DisciplineMeasure.sort_order), DisciplineMeasure.code)
                .dicts())


def staff_counts(today):
    """The discipline block of the staff home page: pending cases by unit, this year's decisions."""
    return {"year": today.year,
            "open_by_unit": open_cases_by_unit(today),
            "decisions_by_measure": decisions_by_measure(dt.date(today.year, 1, 1), today)}


# --- reminders and the monthly summary -------------------------------------------------


def cases_awaiting_decision():
    """Open cases with their unit, processing deadline first (for reminders and escalation).

    Reminders go to the heads of the case's own unit and escalate to leaders; a message to
    anyone else must not name the official.
    """
    return (DisciplineCase
            .select(DisciplineCase, Unit)
            .join(Unit)
            .where(DisciplineCase.status == "open")
            .order_by(DisciplineCase.deadline, DisciplineCase.id))


@dataclass
class MonthSummary:
    """Discipline figures of one month; per-unit rows add up to the totals."""

    first_day: dt.date
    last_day: dt.date
    opened: int = 0
    decided: int = 0
    dismissed: int = 0
    deferred: int = 0
    open_at_end: int = 0
    overdue_at_end: int = 0
    by_measure: list = field(default_factory=list)
    by_unit: list = field(default_factory=list)


UNIT_FIGURES = ("opened", "decided", "dismissed", "deferred", "open_at_end", "overdue_at_end")


def _unit_figures(first_day, last_day):
    """[{unit_id, unit_name, opened, decided, dismissed, open_at_end, overdue_at_end}]."""
    case = DisciplineCase
    in_month = case.outcome_on.between(first_day, last_day)
    settled = case.status.in_(SETTLED_STATES) & (case.outcome_on <= last_day)
    # Run on the 1st of the next month, a case due on the last day is already late.
    overdue = ~settled & (case.deadline <= last_day)
    return list(Unit
                .select(Unit.id.alias("unit_id"), Unit.name.alias("unit_name"),
                        count_if(case.opened_on >= first_day).alias("opened"),
                        count_if((case.status == "decided") & in_month).alias("decided"),
                        count_if((case.status == "dismissed") & in_month).alias("dismissed"),
                        count_if(~settled).alias("open_at_end"),
                        count_if(overdue).alias("overdue_at_end"))
                .join(case, on=(case.unit == Unit.id))
                .where(case.opened_on <= last_day)
                .group_by(Unit.id, Unit.name)
                .order_by(Unit.sort_name)
                .dicts())


def _deferrals_by_unit(first_day, last_day):
    """{unit_id: deferrals recorded from first_day to last_day}, of resumed cases too."""
    rows = (DisciplineDeferral
            .select(DisciplineCase.unit, fn.COUNT(DisciplineDeferral.id))
            .join(DisciplineCase)
            .where(DisciplineDeferral.deferred_on.between(first_day, last_day))
            .group_by(DisciplineCase.unit)
            .tuples())
    return dict(rows)


def month_summary(first_day, last_day):
    """The month's cases: opened, decided, dismissed, deferred, pending and late at its end.

    Decisions count by their decision date, closures and deferrals by the day recorded.
    Pending at the month's end is read from the cases as they are now: a case deferred
    at that time but resumed since counts as pending.
    """
    summary = MonthSummary(first_day, last_day,
                           by_measure=decisions_by_measure(first_day, last_day))
    deferrals = _deferrals_by_unit(first_day, last_day)
    for row in _unit_figures(first_day, last_day):
        row["deferred"] = deferrals.get(row["unit_id"], 0)
        if any(row[name] for name in UNIT_FIGURES):
            summary.by_unit.append(row)
            for name in UNIT_FIGURES:
                setattr(summary, name, getattr(summary, name) + row[name])
    return summary


# --- a case's history ------------------------------------------------------------------


def _entry(event, changes, case):
    """What the case's timeline shows for event: text, note, new deadline and legal ground."""
    text = CASE_TIMELINE.get(event.action, CASE_TIMELINE["update"])
    ground = changes.get("ground", "")
    detail = DEFERRAL_GROUND.get(ground, ground)
    if event.action == "decide" and case.measure is not None:
        # A decision is final, so the case still holds what was decided.
        decision = [case.measure.name, case.decision_no, format_date(case.decision_date)]
        return {"text": text, "note": " · ".join(decision), "detail": detail}
    if event.action == "transfer":
        return {"text": text, "note": unit_move(changes.get("unit")), "detail": detail}
    deadline = changes.get("deadline", [None, None])[-1] \
        if event.action in ("extend", "resume") else None
    return {"text": text, "note": changes.get("reason", ""), "detail": detail,
            "deadline": dt.date.fromisoformat(deadline) if deadline else None}


def timeline(case):
    """The case's history as audit.timeline entries, a deferral's legal ground as detail."""
    return audit.timeline(case, lambda event, changes: _entry(event, changes, case))
