"""What a user's calendar feed holds: the dates that concern them, as they may see them.

- inspectors (and admins) on an inspection's team: its dates, and the deadlines of its
  findings still awaiting the unit or a review;
- unit heads: their unit's issued findings awaiting the unit or a review, and its open
  disciplinary cases (policy: a unit head sees only their own unit's);
- leaders: the findings and cases overdue beyond the escalation threshold.
Each event's SEQUENCE counts the changes of its dates since it was created (in the audit
trail: an approved extension, a case extended, resumed or corrected, an inspection's
dates edited), and its LAST-MODIFIED is the latest of them, so a calendar notices a
moved deadline.
"""
import datetime as dt
from dataclasses import dataclass

from peewee import fn

from .. import deadlines, settings, workdays
from ..i18n import gettext as _
from ..mail.compose import app_link
from ..models import (
    RUNNING_STATES,
    AuditEvent,
    CalendarFeed,
    DisciplineCase,
    Finding,
    Inspection,
    InspectionMember,
    Unit,
    User,
)
from ..policy import ADMIN, INSPECTOR, LEADER, UNIT_HEAD
from .services import token_hash

# Enough for any one person's work; a feed stays cheap to build and to read.
MAX_EVENTS = 2000
# Past inspections older than this are left out of the feed.
HISTORY_DAYS = 365
AWAITING = RUNNING_STATES + ("submitted",)


@dataclass(frozen=True)
class FeedEvent:
    """One all-day event: first_day to last_day inclusive."""

    uid: str
    summary: str
    first_day: dt.date
    last_day: dt.date
    url: str
    description: str
    sequence: int
    last_modified: dt.datetime


def feed_of(user):
    """The user's feed row, or None."""
    return CalendarFeed.get_or_none(CalendarFeed.user == user)


def owner_of(token):
    """The active user whose feed token this is, or None."""
    feed = (CalendarFeed
            .select(CalendarFeed, User)
            .join(User)
            .where(CalendarFeed.token_hash == token_hash(token), User.active)
            .first())
    return feed.user if feed else None


def _revisions(entity, ids, actions, fields):
    """{id: (count, latest at)} of the audit events of these rows that changed fields."""
    if not ids:
        return {}
    mentions = None
    for name in fields:
        condition = AuditEvent.changes.contains(f'"{name}"')
        mentions = condition if mentions is None else mentions | condition
    rows = (AuditEvent
            .select(AuditEvent.entity_id, fn.COUNT(AuditEvent.id), fn.MAX(AuditEvent.at))
            .where(AuditEvent.entity == entity, AuditEvent.entity_id.in_(ids),
                   AuditEvent.action.in_(actions), mentions)
            .group_by(AuditEvent.entity_id)
            .tuples())
    return {entity_id: (count, latest) for entity_id, count, latest in rows}


def _stamp(revisions, row_id, created_at):
    """(SEQUENCE, LAST-MODIFIED) of a row: its date changes, the latest or its creation."""
    count, latest = revisions.get(row_id, (0, None))
    return count, latest or created_at


def _team_inspection_ids(user, today):
    """Ids of the inspections user leads or is a member of, not cancelled or long past."""
    members = InspectionMember.select(InspectionMember.inspection).where(
        InspectionMember.user == user)
    return [row.id for row in Inspection
            .select(Inspection.id)
            .where((Inspection.lead == user) | Inspection.id.in_(members),
                   Inspection.status != "cancelled",
                   Inspection.end_date >= today - dt.timedelta(days=HISTORY_DAYS))
            .limit(MAX_EVENTS)]


def _inspection_events(ids):
    """The inspections' dates."""
    inspections = list(Inspection
                       .select(Inspection, Unit)
                       .join(Unit)
                       .where(Inspection.id.in_(ids))
                       .order_by(Inspection.start_date, Inspection.id))
    revisions = _revisions("inspection", ids, ("update",), ("start_date", "end_date"))
    events = []
    for inspection in inspections:
        sequence, modified = _stamp(revisions, inspection.id, inspection.created_at)
        events.append(FeedEvent(
            f"inspection-{inspection.id}-dates", _("Inspection: %(title)s (%(unit)s)",
                                                   title=inspection.title,
                                                   unit=inspection.unit.name),
            inspection.start_date, inspection.end_date,
            app_link("inspections.show", inspection_id=inspection.id),
            inspection.topics, sequence, modified))
    return events


def _finding_events(findings, calendar, summary):
    """The findings' deadlines, each explained, summary(finding) naming it."""
    revisions = _revisions("finding", [f.id for f in findings], ("approve_extension",),
                           ("deadline",))
    events = []
    for finding in findings:
        sequence, modified = _stamp(revisions, finding.id, finding.created_at)
        explanation = deadlines.explain(calendar, finding.deadline_basis, finding.deadline)
        events.append(FeedEvent(
            f"finding-{finding.id}-deadline", summary(finding), finding.deadline,
            finding.deadline, app_link("findings.show", finding_id=finding.id),
            "\n".join(part for part in (finding.responsible_unit.name, explanation) if part),
            sequence, modified))
    return events


def _case_events(cases, calendar, summary):
    """The disciplinary cases' processing deadlines, each explained."""
    revisions = _revisions("discipline_case", [c.id for c in cases],
                           ("extend", "resume", "update"), ("deadline",))
    events = []
    for case in cases:
        sequence, modified = _stamp(revisions, case.id, case.created_at)
        explanation = deadlines.explain(calendar, case.deadline_basis, case.deadline)
        events.append(FeedEvent(
            f"discipline_case-{case.id}-deadline", summary(case), case.deadline, case.deadline,
            app_link("discipline.show", case_id=case.id),
            "\n".join(part for part in (case.unit.name, explanation) if part),
            sequence, modified))
    return events


def _findings(*conditions):
    """Findings with a deadline matching conditions, with their unit, by deadline."""
    return list(Finding
                .select(Finding, Unit)
                .join(Unit, on=(Finding.responsible_unit == Unit.id))
                .where(Finding.deadline.is_null(False), *conditions)
                .order_by(Finding.deadline, Finding.id)
                .limit(MAX_EVENTS))


def _cases(*conditions):
    """Open disciplinary cases matching conditions, with their unit, by deadline."""
    return list(DisciplineCase
                .select(DisciplineCase, Unit)
                .join(Unit)
                .where(DisciplineCase.status == "open", *conditions)
                .order_by(DisciplineCase.deadline, DisciplineCase.id)
                .limit(MAX_EVENTS))


def _deadline_summary(finding):
    """"Deadline 12/KL-UBND-3: …"."""
    return _("Remediation deadline %(code)s: %(title)s", code=finding.code,
             title=finding.title)


def _case_summary(case):
    """"Processing deadline of disciplinary case #4: …"."""
    return _("Processing deadline of disciplinary case #%(id)s: %(name)s", id=case.id,
             name=case.official_name)


def _overdue_summary(summary):
    """summary(row), marked as escalated."""
    return lambda row: _("Overdue: %(summary)s", summary=summary(row))


def events_for(user, today):
    """The events of user's feed on today, in their order."""
    calendar = workdays.kept()
    if user.role in (ADMIN, INSPECTOR):
        ids = _team_inspection_ids(user, today)
        return _inspection_events(ids) + _finding_events(
            _findings(Finding.inspection.in_(ids), Finding.status.in_(AWAITING)),
            calendar, _deadline_summary)
    if user.role == UNIT_HEAD and user.unit_id is not None:
        return _finding_events(
            _findings(Finding.responsible_unit == user.unit_id, Finding.status.in_(AWAITING)),
            calendar, _deadline_summary) + _case_events(
            _cases(DisciplineCase.unit == user.unit_id), calendar, _case_summary)
    if user.role == LEADER:
        escalated = today - dt.timedelta(days=settings.get_int("escalation_after_days"))
        return _finding_events(
            _findings(Finding.status.in_(RUNNING_STATES), Finding.deadline <= escalated),
            calendar, _overdue_summary(_deadline_summary)) + _case_events(
            _cases(DisciplineCase.deadline <= escalated), calendar,
            _overdue_summary(_case_summary))
    return []
