"""Who may do what: one can(user, action, obj) used by routes, templates and services.

A unit head acts for their own unit only, and reads the records of their own unit and of
every unit it replaced (lineage: a commune merged into theirs, a ward split between theirs
and another): a successor's head sees what was filed against the units it took over from,
whose open items it has inherited.
"""
from . import lineage

ADMIN = "admin"
INSPECTOR = "inspector"
LEADER = "leader"
UNIT_HEAD = "unit_head"
# The roles that see every unit's records; a unit head sees only their own unit's.
STAFF_ROLES = (ADMIN, INSPECTOR, LEADER)


def viewer_scope(user):
    """What the lists and exports a user sees hold: every unit's, or their unit's only."""
    return "staff" if user.role in STAFF_ROLES else f"unit:{user.unit_id}"


def _admin_only(user, obj):
    """Only administrators."""
    return user.role == ADMIN


def _staff(user, obj):
    """Administrators, inspectors and leaders."""
    return user.role in STAFF_ROLES


def _signed_in(user, obj):
    """Anyone signed in."""
    return True


def _inspection_staff(user, obj):
    """Administrators and inspectors: they plan, inspect and review."""
    return user.role in (ADMIN, INSPECTOR)


def _unit_head(user, obj):
    """Unit heads (their home page)."""
    return user.role == UNIT_HEAD


def _own_unit(user, unit_id):
    """Whether unit_id is the unit head's own unit."""
    return user.role == UNIT_HEAD and user.unit_id is not None and user.unit_id == unit_id


def _own_unit_history(user, unit_id):
    """Whether unit_id is the unit head's own unit or one that their unit replaced."""
    if _own_unit(user, unit_id):
        return True
    return (user.role == UNIT_HEAD and user.unit_id is not None and unit_id is not None
            and lineage.replaced(user.unit_id, unit_id))


def _on_team(user, inspection):
    """Whether user leads or is a member of inspection's team."""
    if inspection.lead_id == user.id:
        return True
    return any(member.user_id == user.id for member in inspection.members)


def _view_inspection(user, inspection):
    """Staff see every inspection; a unit head those of their unit and of those it replaced."""
    if user.role in STAFF_ROLES:
        return True
    return inspection is not None and _own_unit_history(user, inspection.unit_id)


def _conclude_inspection(user, inspection):
    """The admin, or an inspector on the team, issues the conclusion and closes it."""
    if user.role == ADMIN:
        return True
    return user.role == INSPECTOR and inspection is not None and _on_team(user, inspection)


def _write_checklist(user, inspection):
    """Only the inspection's team (its lead and members, inspectors or the admin) writes its
    checklist; whether the inspection's state allows it is the service's check."""
    return (user.role in (ADMIN, INSPECTOR) and inspection is not None
            and _on_team(user, inspection))


def _appraiser(user, obj):
    """Leaders and inspectors: any of them may be named to appraise a draft conclusion."""
    return user.role in (LEADER, INSPECTOR)


def _appraise_conclusion(user, inspection):
    """The leader or inspector named as its appraiser, while not on the inspection's team."""
    return (inspection is not None and inspection.appraiser_id == user.id
            and user.role in (LEADER, INSPECTOR) and not _on_team(user, inspection))


def _view_finding(user, finding):
    """Staff see every finding; a unit head their unit's (and its predecessors') once issued."""
    if user.role in STAFF_ROLES:
        return True
    return (finding is not None and finding.status != "draft"
            and _own_unit_history(user, finding.responsible_unit_id))


def _respond_to_finding(user, finding):
    """Only the head of the responsible unit answers a finding."""
    return finding is not None and _own_unit(user, finding.responsible_unit_id)


def _decide_extension(user, finding):
    """The inspection's lead or a leader decides an extension request."""
    if user.role == LEADER:
        return True
    return finding is not None and finding.inspection.lead_id == user.id


def _view_attachment(user, attachment):
    """A file is visible to whoever may see what it belongs to: its inspection, finding or
    report, or the assessment sheets it is evidence on (staff alone see a file of none)."""
    if attachment.inspection_id is not None:
        return _view_inspection(user, attachment.inspection)
    if attachment.finding_id is not None:
        return _view_finding(user, attachment.finding)
    if attachment.response_id is not None:
        return _view_finding(user, attachment.response.finding)
    if user.role in STAFF_ROLES:
        return True
    return any(_view_sheet(user, evidence.assessment)
               for evidence in attachment.assessment_evidence)


def _unit_report(user, unit):
    """Staff see every unit's remediation report; a unit head their unit's and its predecessors'."""
    if user.role in STAFF_ROLES:
        return True
    return unit is not None and _own_unit_history(user, unit.id)


def _view_discipline(user, case):
    """Staff see every disciplinary case; a unit head their unit's and its predecessors',
    read-only."""
    if user.role in STAFF_ROLES:
        return True
    if case is None:
        # The list itself: a unit head's is scoped to their unit and its predecessors.
        return user.role == UNIT_HEAD and user.unit_id is not None
    return _own_unit_history(user, case.unit_id)


def _leader(user, obj):
    """Leaders only."""
    return user.role == LEADER


def _view_sheet(user, sheet):
    """Staff see every sheet; a unit head their unit's (and its predecessors') once its
    round is open."""
    if user.role in STAFF_ROLES:
        return True
    return (sheet is not None and _own_unit_history(user, sheet.unit_id)
            and sheet.assessment_round.status != "draft")


def _self_assess(user, sheet):
    """A unit head scores their own unit's sheets, never a predecessor's (the list: any
    unit head)."""
    if user.role != UNIT_HEAD or user.unit_id is None:
        return False
    return sheet is None or (_own_unit(user, sheet.unit_id) and _view_sheet(user, sheet))


def _appraise(user, sheet):
    """A member of the round's appraisal team (the list: any inspector or admin)."""
    if user.role not in (ADMIN, INSPECTOR):
        return False
    return sheet is None or any(member.user_id == user.id
                                for member in sheet.assessment_round.members)


def _view_ranking(user, assessment_round):
    """Staff see every round's ranking; a unit head a published one covering their unit."""
    if user.role in STAFF_ROLES:
        return True
    if (assessment_round is None or assessment_round.status != "published"
            or user.role != UNIT_HEAD or user.unit_id is None):
        return False
    sheets = assessment_round.sheets
    return sheets.where(sheets.model.unit == user.unit_id).exists()


RULES = {
    "home.view": _signed_in,
    "account.manage": _signed_in,
    "users.manage": _admin_only,
    "units.manage": _admin_only,
    "units.reorganise": _admin_only,
    "unit_kinds.manage": _admin_only,
    "settings.manage": _admin_only,
    "audit.view": _admin_only,
    "outbox.manage": _admin_only,
    "categories.manage": _admin_only,
    "dashboard.view": _staff,
    "unit_home.view": _unit_head,
    "plans.view": _staff,
    "plans.manage": _inspection_staff,
    "inspections.list": _signed_in,
    "inspections.view": _view_inspection,
    "inspections.manage": _inspection_staff,
    "inspections.conclude": _conclude_inspection,
    "conclusions.submit_for_appraisal": _conclude_inspection,
    "conclusions.appraise": _appraise_conclusion,
    "conclusions.awaiting": _appraiser,
    "checklist.view": _view_inspection,
    "checklist.write": _write_checklist,
    "checklist_templates.manage": _admin_only,
    "findings.list": _signed_in,
    "findings.view": _view_finding,
    "findings.record": _conclude_inspection,
    "findings.respond": _respond_to_finding,
    "findings.review": _inspection_staff,
    "findings.cancel": _inspection_staff,
    "extensions.decide": _decide_extension,
    "attachments.view": _view_attachment,
    "reports.view": _signed_in,
    "reports.monthly": _staff,
    "reports.unit": _unit_report,
    "discipline.view": _view_discipline,
    "discipline.manage": _staff,
    "discipline_measures.manage": _admin_only,
    "work_calendar.manage": _admin_only,
    "calendar_feed.own": _signed_in,
    "criteria.view": _staff,
    "criteria.manage": _admin_only,
    "assessments.list": _signed_in,
    "rounds.view": _staff,
    "rounds.manage": _inspection_staff,
    "rounds.publish": _leader,
    "ranking.view": _view_ranking,
    "sheets.view": _view_sheet,
    "sheets.self_assess": _self_assess,
    "sheets.appraise": _appraise,
}


def can(user, action, obj=None):
    """Whether user may perform action (on obj); an action without a rule is a bug."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return False
    rule = RULES.get(action)
    if rule is None:
        raise KeyError(f"no policy for action {action!r}")
    return rule(user, obj)
