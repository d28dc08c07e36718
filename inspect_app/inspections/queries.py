"""Read-only queries of the plans and inspections pages: lists, calendar, team, findings."""
import calendar
import datetime as dt

from peewee import JOIN, fn

from .. import audit, lineage
from ..cache import cached
from ..i18n import lazy_gettext as _l
from ..labels import APPRAISAL_TIMELINE
from ..models import Category, Finding, Inspection, InspectionMember, Plan, Unit, User
from ..policy import INSPECTOR, LEADER, can


def plans_with_counts():
    """Every plan, newest year first, with its number of inspections."""
    return (Plan
            .select(Plan, fn.COUNT(Inspection.id).alias("inspection_count"))
            .join(Inspection, JOIN.LEFT_OUTER)
            .group_by(Plan)
            .order_by(Plan.year.desc(), Plan.title))


def visible_inspections(user):
    """Inspections user may see: all for staff, their unit's and its predecessors' for a unit
    head."""
    query = (Inspection
             .select(Inspection, Unit, Plan)
             .join(Unit)
             .switch(Inspection)
             .join(Plan, JOIN.LEFT_OUTER))
    # With no inspection given, the view rule answers for "any inspection": staff only.
    if not can(user, "inspections.view"):
        query = query.where(lineage.of_unit(Inspection.unit, user.unit_id))
    return query


def filtered_inspections(user, year=None, unit_id=None, status=None, kind=None):
    """The inspections user may see, filtered, latest first; a unit brings its predecessors."""
    query = visible_inspections(user)
    if year:
        query = query.where(Inspection.start_date.between(dt.date(year, 1, 1),
                                                          dt.date(year, 12, 31)))
    if unit_id:
        query = query.where(lineage.of_unit(Inspection.unit, unit_id))
    if status:
        query = query.where(Inspection.status == status)
    if kind:
        query = query.where(Inspection.kind == kind)
    return query.order_by(Inspection.start_date.desc(), Inspection.id.desc())


def inspections_between(user, first_day, last_day):
    """The live inspections user may see that are under way between two dates."""
    return list(visible_inspections(user)
                .where(Inspection.status != "cancelled",
                       Inspection.start_date <= last_day,
                       Inspection.end_date >= first_day)
                .order_by(Inspection.start_date, Inspection.id))


def month_grid_span(year, month):
    """The first and last day shown on the month's calendar (whole weeks, Monday first)."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return weeks[0][0], weeks[-1][-1]


def month_weeks(year, month, inspections):
    """The month's weeks (Monday first): each day with the inspections under way on it."""
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append([{"day": day, "in_month": day.month == month,
                       "inspections": [i for i in inspections
                                       if i.start_date <= day <= i.end_date]}
                      for day in week])
    return weeks


def plan_inspections(plan):
    """The plan's inspections with their units, by start date."""
    return list(Inspection
                .select(Inspection, Unit)
                .join(Unit)
                .where(Inspection.plan == plan)
                .order_by(Inspection.start_date, Inspection.id))


def inspection_findings(inspection, include_drafts):
    """The inspection's findings with unit and category, drafts only when asked."""
    query = (Finding
             .select(Finding, Unit, Category)
             .join(Unit, on=(Finding.responsible_unit == Unit.id))
             .switch(Finding)
             .join(Category)
             .where(Finding.inspection == inspection)
             .order_by(Finding.ordinal.asc(nulls="LAST"), Finding.created_at, Finding.id))
    if not include_drafts:
        query = query.where(Finding.status != "draft")
    return list(query)


def team(inspection):
    """The inspection's team members (without the lead), by name."""
    return list(User
                .select()
                .join(InspectionMember)
                .where(InspectionMember.inspection == inspection)
                .order_by(User.sort_name))


def active_inspectors():
    """Active inspector accounts, for the team choices."""
    return (User
            .select()
            .where(User.role == INSPECTOR, User.active)
            .order_by(User.sort_name))


def conclusion_team(inspection):
    """The inspection team's members (without the lead), by name."""
    return list(User
                .select()
                .join(InspectionMember)
                .where(InspectionMember.inspection == inspection)
                .order_by(User.sort_name))


def conclusion_findings(inspection, unit=None):
    """The findings the conclusion issued (to unit only, if given), in the conclusion's order.

    Findings cancelled afterwards stay: the document shows the conclusion as issued.
    """
    query = (Finding
             .select(Finding, Unit)
             .join(Unit, on=(Finding.responsible_unit == Unit.id))
             .where(Finding.inspection == inspection,
                    Finding.status != "draft")
             .order_by(Finding.ordinal.asc(nulls="last"), Finding.created_at, Finding.id))
    if unit is not None:
        query = query.where(Finding.responsible_unit == unit)
    return list(query)


def appraiser_candidates(inspection):
    """Who may appraise the inspection's draft conclusion: active leaders, and active
    inspectors outside its team."""
    team_ids = (InspectionMember
                .select(InspectionMember.user)
                .where(InspectionMember.inspection == inspection))
    outside_team = ((User.role == INSPECTOR) & User.id.not_in(team_ids)
                    & (User.id != (inspection.lead_id or 0)))
    return (User
            .select()
            .where(User.active, (User.role == LEADER) | outside_team)
            .order_by(User.role, User.sort_name, User.id))


def _awaiting_appraisal_of(user):
    """The condition of draft conclusions of inspections in progress awaiting user's appraisal."""
    return ((Inspection.appraiser == user) & (Inspection.appraisal_status == "submitted")
            & (Inspection.status == "in_progress"))


def awaiting_appraisal(user):
    """The draft conclusions of inspections in progress that wait for user's appraisal."""
    requester = User.alias()
    return (Inspection
            .select(Inspection, Unit, requester)
            .join(Unit)
            .switch(Inspection)
            .join(requester, JOIN.LEFT_OUTER,
                  on=(Inspection.appraisal_requested_by == requester.id))
            .where(_awaiting_appraisal_of(user))
            .order_by(Inspection.id))


def awaiting_appraisal_count(user):
    """How many draft conclusions wait for user's appraisal, kept until an inspection changes.

    The home page shows it on every visit; counting costs more to build than to run.
    """
    return cached(("awaiting appraisal", user.id),
                  lambda: Inspection.select().where(_awaiting_appraisal_of(user)).count(),
                  ("inspection",))


def _appraisal_entry(event, changes):
    """What the appraisal history says a step did: its text, the appraiser named, the notes."""
    detail = (_l("Round %(round)s, appraiser: %(name)s", round=changes.get("round", ""),
                 name=changes["appraiser"]) if "appraiser" in changes else "")
    return {"text": APPRAISAL_TIMELINE.get(event.action, ""), "detail": detail,
            "note": changes.get("note", "")}


def appraisal_history(inspection):
    """The steps of the draft conclusion's appraisal, oldest first (audit.timeline entries)."""
    return [entry for entry in audit.timeline(inspection, _appraisal_entry)
            if entry["kind"] in APPRAISAL_TIMELINE]
