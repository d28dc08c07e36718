"""Plans and inspections: saving, status transitions, the overlap check and the conclusion.

actor is the signed-in user; None stands for the system (demo loader, CLI), which
skips the policy check as the other areas' services do.
"""
import datetime as dt
import re

from .. import audit, clock, deadlines, settings, workdays
from ..db import transaction
from ..errors import WorkflowError
from ..files import services as attachments
from ..findings.services import finding_link, refresh_search_text
from ..i18n import lazy_gettext as _l
from ..i18n import lazy_ngettext as _ln
from ..mail.compose import app_link, enqueue_for_users
from ..mail.outbox import document_attachment
from ..models import (
    DRAFTING_STATES,
    INSPECTION_KINDS,
    PLAN_STATES,
    Finding,
    Inspection,
    InspectionMember,
    Plan,
    Unit,
    User,
)
from ..policy import INSPECTOR, UNIT_HEAD, can
from ..text import fold, nfc
from ..transitions import claim
from .queries import appraiser_candidates

PLAN_FIELDS = ("year", "title", "decision_no", "decision_date", "status")
INSPECTION_FIELDS = ("plan", "unit", "title", "topics", "kind", "follow_up_of", "start_date",
                     "end_date", "lead", "decision_no", "decision_date")
EDITABLE_STATES = ("planned", "in_progress")
CANCELLABLE_STATES = ("planned", "in_progress")
FINISHED_FINDING_STATES = ("resolved", "cancelled")
OVERLAP_DAYS = 30
# Folded words found in almost every topic ("kiểm tra việc thực hiện ..."): they would
# make every pair of inspections look alike.
COMMON_TOPIC_WORDS = {"kiem", "viec", "thuc", "hien", "trong", "nhung", "theo", "tren",
                      "cong", "khac"}


def _require(actor, action, obj=None):
    """Refuse unless actor (None: the system) may perform action."""
    if actor is not None and not can(actor, action, obj):
        raise WorkflowError(_l("You are not allowed to do this."))


def _move(inspection, old_status, new_status, message):
    """The inspection, moved from old_status to new_status inside the caller's transaction.

    A second request for the same change finds it moved already and is refused.
    """
    claimed = claim(Inspection.status, inspection.id, (old_status,), message)
    claimed.status = new_status
    claimed.save(only=[Inspection.status])
    return claimed


# Plans


def save_plan(actor, plan, year, title, decision_no="", decision_date=None):
    """Create (plan.id is None) or update an annual plan."""
    _require(actor, "plans.manage")
    title = nfc(title).strip()
    if not title:
        raise WorkflowError(_l("This field is required."), field="title")
    with transaction():
        if plan.id:
            # Claimed in whatever state, so that concurrent edits compare with each other.
            plan = claim(Plan.status, plan.id, PLAN_STATES, _l("This plan no longer exists."))
        if plan.id and year != plan.year and _inspections_outside_year(plan, year):
            raise WorkflowError(_l("Some of this plan's inspections start in another year."),
                                field="year")
        tracked = audit.Tracked(plan, PLAN_FIELDS)
        plan.year, plan.title = year, title
        plan.decision_no, plan.decision_date = nfc(decision_no).strip(), decision_date
        tracked.save(actor)
    return plan


def _inspections_outside_year(plan, year):
    """Whether plan has inspections that do not start in year."""
    return (Inspection
            .select()
            .where(Inspection.plan == plan,
                   (Inspection.start_date < dt.date(year, 1, 1))
                   | (Inspection.start_date > dt.date(year, 12, 31)))
            .exists())


def approve_plan(actor, plan):
    """Mark a draft plan approved; its approval decision must be recorded first."""
    _require(actor, "plans.manage")
    with transaction():
        plan = claim(Plan.status, plan.id, ("draft",), _l("This plan is already approved."))
        if not plan.decision_no or plan.decision_date is None:
            raise WorkflowError(_l("Enter the number and date of the decision approving the "
                                   "plan before approving it."))
        plan.status = "approved"
        plan.save(only=[Plan.status])
        audit.record(actor, "approve", plan, {"status": ["draft", "approved"]})
    return plan


# Inspections: saving and the overlap warning


def save_inspection(actor, inspection, *, unit, title, start_date, end_date, topics="",
                    kind="scheduled", plan=None, follow_up_of=None, lead=None, members=(),
                    decision_no="", decision_date=None):
    """Create or update an inspection and its team; returns (inspection, overlaps).

    overlaps are the same unit's other inspections it may duplicate: a warning only.
    """
    _require(actor, "inspections.manage")
    title = nfc(title).strip()
    if not title:
        raise WorkflowError(_l("This field is required."), field="title")
    with transaction():
        if inspection.id:
            inspection = claim(Inspection.status, inspection.id, EDITABLE_STATES,
                               _l("A concluded, closed or cancelled inspection can no longer "
                                  "be edited."))
        _check_unit(inspection, unit)
        _check_dates(start_date, end_date, plan)
        _check_follow_up(inspection, unit, kind, follow_up_of, start_date)
        members = _check_team(lead, members)
        tracked = audit.Tracked(inspection, INSPECTION_FIELDS, members=_team_ids(inspection))
        inspection.plan, inspection.unit, inspection.title = plan, unit, title
        inspection.topics, inspection.kind = nfc(topics).strip(), kind
        inspection.follow_up_of = follow_up_of if kind == "follow_up" else None
        inspection.start_date, inspection.end_date = start_date, end_date
        inspection.lead, inspection.decision_date = lead, decision_date
        inspection.decision_no = nfc(decision_no).strip()
        tracked.save(actor, lambda: _save_with_team(inspection, members),
                     members=sorted(user.id for user in members))
    return inspection, find_overlaps(inspection)


def _team_ids(inspection):
    """The ids of the inspection's stored team members, none for a new inspection."""
    return sorted(member.user_id for member in inspection.members) if inspection.id else []


def _save_with_team(inspection, members):
    """Save the inspection and make its team members exactly members (the lead aside)."""
    inspection.save()
    (InspectionMember
     .delete()
     .where(InspectionMember.inspection == inspection)
     .execute())
    if members:
        (InspectionMember
         .insert_many([{"inspection": inspection.id, "user": user.id} for user in members])
         .execute())


def _check_unit(inspection, unit):
    """The unit must be in use, unless an existing inspection keeps its unit."""
    if unit is None:
        raise WorkflowError(_l("This field is required."), field="unit")
    if not unit.active and unit.id != inspection.unit_id:
        raise WorkflowError(_l("Choose a unit that is in use."), field="unit")


def _check_dates(start_date, end_date, plan):
    """The end is not before the start; an inspection of a plan starts in the plan's year."""
    if end_date < start_date:
        raise WorkflowError(_l("The end date cannot be before the start date."),
                            field="end_date")
    if plan is not None and start_date.year != plan.year:
        raise WorkflowError(_l("An inspection of the %(year)s plan must start in %(year)s.",
                               year=plan.year), field="start_date")


def _check_follow_up(inspection, unit, kind, follow_up_of, start_date):
    """A follow-up names an earlier, not cancelled inspection of the same unit."""
    if kind not in INSPECTION_KINDS:
        raise WorkflowError(_l("Not a valid choice."), field="kind")
    if kind != "follow_up":
        return
    if follow_up_of is None:
        raise WorkflowError(_l("Choose the earlier inspection this one follows up."),
                            field="follow_up_of")
    if (follow_up_of.id == inspection.id or follow_up_of.unit_id != unit.id
            or follow_up_of.status == "cancelled" or follow_up_of.start_date >= start_date):
        raise WorkflowError(_l("A follow-up must follow an earlier inspection of the same "
                               "unit that was not cancelled."), field="follow_up_of")


def _check_team(lead, members):
    """Only active inspectors are on a team; returns the members without the lead."""
    for field, users in (("lead", [lead] if lead else []), ("members", members)):
        if any(user.role != INSPECTOR or not user.active for user in users):
            raise WorkflowError(_l("Only active inspectors can be on the team."), field=field)
    unique = {user.id: user for user in members if lead is None or user.id != lead.id}
    return list(unique.values())


def topic_words(text):
    """The distinctive folded words (4 letters or more) of a topic text."""
    return {word for word in re.findall(r"\w+", fold(text))
            if len(word) >= 4 and word not in COMMON_TOPIC_WORDS}


def days_apart(first, second):
    """Days between two inspections' date ranges (0 when they overlap)."""
    return max((second.start_date - first.end_date).days,
               (first.start_date - second.end_date).days, 0)


def find_overlaps(inspection):
    """The unit's other live inspections of the same year on a shared topic, or close in time."""
    year_start = dt.date(inspection.start_date.year, 1, 1)
    year_end = dt.date(inspection.start_date.year, 12, 31)
    window = dt.timedelta(days=OVERLAP_DAYS)
    candidates = (Inspection
                  .select()
                  .where(Inspection.unit == inspection.unit_id,
                         Inspection.id != inspection.id,
                         Inspection.status != "cancelled",
                         (Inspection.start_date.between(year_start, year_end))
                         | ((Inspection.start_date <= inspection.end_date + window)
                            & (Inspection.end_date >= inspection.start_date - window)))
                  .order_by(Inspection.start_date))
    words = topic_words(inspection.topics)
    title = fold(inspection.title).strip()
    return [other for other in candidates
            if days_apart(inspection, other) <= OVERLAP_DAYS
            or (other.start_date.year == inspection.start_date.year
                and (words & topic_words(other.topics) or fold(other.title).strip() == title))]


# Inspections: status transitions


def start_inspection(actor, inspection):
    """planned → in_progress: the team is on site and records findings."""
    _require(actor, "inspections.manage")
    with transaction():
        inspection = _move(inspection, "planned", "in_progress",
                           _l("Only a planned inspection can be started."))
        audit.record(actor, "start", inspection, {"status": ["planned", "in_progress"]})
    return inspection


def cancel_inspection(actor, inspection, reason):
    """planned or in_progress → cancelled, with a reason; draft findings are cancelled too."""
    _require(actor, "inspections.manage")
    reason = nfc(reason).strip()
    if not reason:
        raise WorkflowError(_l("Give the reason for cancelling."), field="reason")
    with transaction():
        inspection = claim(Inspection.status, inspection.id, CANCELLABLE_STATES,
                           _l("A concluded, closed or already cancelled inspection cannot "
                              "be cancelled."))
        before = inspection.status
        inspection.status, inspection.cancel_reason = "cancelled", reason
        inspection.save(only=[Inspection.status, Inspection.cancel_reason])
        audit.record(actor, "cancel", inspection,
                     {"status": [before, "cancelled"], "cancel_reason": [None, reason]})
        for finding in draft_findings(inspection):
            finding.status, finding.cancel_reason = "cancelled", reason
            finding.save(only=[Finding.status, Finding.cancel_reason])
            audit.record(actor, "cancel", finding,
                         {"status": ["draft", "cancelled"], "cancel_reason": [None, reason]})
    return inspection


def unfinished_findings_count(inspection):
    """How many of the inspection's findings are neither resolved nor cancelled."""
    return (Finding
            .select()
            .where(Finding.inspection == inspection,
                   Finding.status.not_in(FINISHED_FINDING_STATES))
            .count())


def close_inspection(actor, inspection):
    """concluded → closed, once every finding is resolved or cancelled."""
    _require(actor, "inspections.conclude", inspection)
    with transaction():
        inspection = _move(inspection, "concluded", "closed",
                           _l("Only a concluded inspection can be closed."))
        remaining = unfinished_findings_count(inspection)
        if remaining:
            raise WorkflowError(_ln(
                "The inspection cannot be closed yet: %(num)d finding is neither "
                "resolved nor cancelled.",
                "The inspection cannot be closed yet: %(num)d findings are neither "
                "resolved nor cancelled.", remaining))
        audit.record(actor, "close", inspection, {"status": ["concluded", "closed"]})
    return inspection


def attach_file(actor, inspection, file_storage):
    """Store a file (on-site record, team decision, ...) on the inspection."""
    _require(actor, "inspections.manage")
    with transaction():
        attachment = attachments.store(file_storage, actor, inspection=inspection)
        audit.record(actor, "attach", inspection,
                     {"attachment": [None, attachment.original_name]})
    return attachment


# The conclusion


def draft_findings(inspection):
    """The inspection's draft findings in the order they were recorded."""
    return (Finding
            .select(Finding, Unit)
            .join(Unit, on=(Finding.responsible_unit == Unit.id))
            .where(Finding.inspection == inspection, Finding.status == "draft")
            .order_by(Finding.created_at, Finding.id))


def issue_conclusion(actor, inspection, conclusion_no, conclusion_date, summary=""):
    """in_progress → concluded: drafts become open findings with codes and fixed deadlines.

    One e-mail per responsible unit (its heads and its shared address) is queued in the
    same transaction. Returns the findings issued.
    """
    _require(actor, "inspections.conclude", inspection)
    conclusion_no = nfc(conclusion_no).strip()
    with transaction():
        inspection = _move(inspection, "in_progress", "concluded",
                           _l("The conclusion can be issued only while the inspection is "
                              "in progress."))
        _check_appraised(inspection)
        _check_conclusion(inspection, conclusion_no, conclusion_date)
        findings = list(draft_findings(inspection))
        _check_deadlines(findings, conclusion_date)
        inspection.conclusion_no, inspection.conclusion_date = conclusion_no, conclusion_date
        inspection.conclusion_summary = nfc(summary).strip()
        inspection.save(only=[Inspection.conclusion_no, Inspection.conclusion_date,
                              Inspection.conclusion_summary])
        audit.record(actor, "conclude", inspection, {
            "status": ["in_progress", "concluded"], "conclusion_no": [None, conclusion_no],
            "conclusion_date": [None, conclusion_date.isoformat()],
            "findings": [None, len(findings)]})
        calendar = workdays.load()
        for ordinal, finding in enumerate(findings, start=1):
            _open_finding(actor, finding, inspection, ordinal, calendar)
        _notify_units(inspection, findings)
    return findings


def _check_conclusion(inspection, conclusion_no, conclusion_date):
    """A unique number and a date between the inspection's start and today."""
    if not conclusion_no:
        raise WorkflowError(_l("This field is required."), field="conclusion_no")
    taken = (Inspection
             .select()
             .where(Inspection.conclusion_no == conclusion_no, Inspection.id != inspection.id)
             .exists())
    if taken:
        raise WorkflowError(_l("Another inspection already has this conclusion number."),
                            field="conclusion_no")
    if conclusion_date is None:
        raise WorkflowError(_l("This field is required."), field="conclusion_date")
    if conclusion_date < inspection.start_date:
        raise WorkflowError(_l("The conclusion cannot be dated before the inspection "
                               "started."), field="conclusion_date")
    if conclusion_date > clock.today():
        raise WorkflowError(_l("The conclusion cannot be dated in the future."),
                            field="conclusion_date")


def _check_deadlines(findings, conclusion_date):
    """Every draft has a deadline (a date, or days from the conclusion) not before it."""
    for finding in findings:
        if finding.deadline_days is None and finding.deadline is None:
            raise WorkflowError(_l("The finding \"%(title)s\" has no remediation deadline.",
                                   title=finding.title))
        if finding.deadline_days is None and finding.deadline < conclusion_date:
            raise WorkflowError(_l("The deadline of the finding \"%(title)s\" is before the "
                                   "conclusion date.", title=finding.title))


def _draft_basis(finding, conclusion_date):
    """How a draft's deadline is counted once issued: days after the conclusion, or its date."""
    if finding.deadline_days is not None:
        return deadlines.days_after(finding.deadline_unit or deadlines.CALENDAR_DAYS,
                                    conclusion_date, finding.deadline_days)
    return deadlines.on(finding.deadline_from or finding.deadline)


def _open_finding(actor, finding, inspection, ordinal, calendar):
    """Turn one draft into an open finding with its code and its deadline fixed on calendar."""
    basis = _draft_basis(finding, inspection.conclusion_date)
    finding.deadline_unit, finding.deadline_from = basis.unit, basis.start
    finding.deadline = finding.original_deadline = deadlines.end_of(calendar, basis)
    finding.ordinal = ordinal
    # A number that names the kind of document ("12/KL-UBND") is not given "KL-" again;
    # one that does not ("12/2026") is. Codes issued before stay as they were.
    named = "KL" in re.split(r"[/-]", inspection.conclusion_no.upper())
    finding.code = f"{'' if named else 'KL-'}{inspection.conclusion_no}-{ordinal}"
    finding.status = "open"
    refresh_search_text(finding)
    finding.save(only=[Finding.deadline, Finding.original_deadline, Finding.deadline_unit,
                       Finding.deadline_from, Finding.ordinal, Finding.code, Finding.status,
                       Finding.search_text])
    audit.record(actor, "issue", finding, {
        "status": ["draft", "open"], "code": [None, finding.code],
        "deadline": [None, finding.deadline.isoformat()]})


def _unit_document(inspection, unit):
    """(attachment, inspection link) of a responsible unit's e-mail about the conclusion.

    The inspected unit gets the conclusion and the inspection's page; any other unit may
    open neither, so it gets the extract of its own findings and no such link.
    """
    if unit.id == inspection.unit_id:
        return (document_attachment("conclusion", inspection_id=inspection.id),
                app_link("inspections.show", inspection_id=inspection.id))
    return (document_attachment("conclusion_extract", inspection_id=inspection.id,
                                unit_id=unit.id), None)


def _notify_units(inspection, findings):
    """Queue one e-mail per responsible unit listing its findings, with its document."""
    by_unit = {}
    for finding in findings:
        by_unit.setdefault(finding.responsible_unit_id, []).append(finding)
    if not by_unit:
        return
    heads = {}
    for user in (User
                 .select()
                 .where(User.role == UNIT_HEAD, User.active, User.unit.in_(list(by_unit)))
                 .order_by(User.id)):
        heads.setdefault(user.unit_id, []).append(user)
    # The documents are drawn after the commit, from the conclusion as issued.
    for unit_id, unit_findings in by_unit.items():
        unit = unit_findings[0].responsible_unit
        document, inspection_url = _unit_document(inspection, unit)
        items = [{"finding": f, "url": finding_link(f)} for f in unit_findings]
        enqueue_for_users(f"conclusion:{inspection.id}:unit:{unit.id}",
                          heads.get(unit_id, []), "conclusion_issued",
                          extra_addresses=[unit.email], addressee=unit.name,
                          attachments=[document],
                          inspection=inspection, unit=unit, items=items,
                          inspection_url=inspection_url)


# The appraisal of the draft conclusion (Law on Inspection 84/2025)


def appraisal_required():
    """Whether the settings ask for draft conclusions to be appraised before they are issued."""
    return settings.get_bool("conclusion_appraisal")


def appraisal_refusal(inspection):
    """Why the appraisal keeps the conclusion from being issued now, or None.

    A draft with its appraiser is never issued; with appraisal on, only an appraised one.
    """
    if inspection.appraisal_status == "submitted":
        return _l("The draft conclusion is with its appraiser: it can be issued once "
                  "appraised.")
    if appraisal_required() and inspection.appraisal_status != "appraised":
        return _l("The draft conclusion must be appraised before it is issued.")
    return None


def _check_appraised(inspection):
    """Refuse to issue the conclusion while the appraisal keeps it back."""
    refusal = appraisal_refusal(inspection)
    if refusal is not None:
        raise WorkflowError(refusal)


def may_submit_for_appraisal(inspection):
    """Whether the draft conclusion can go to an appraiser: appraisal is on, the inspection
    is in progress and its team works on the draft."""
    return (appraisal_required() and inspection.status == "in_progress"
            and inspection.appraisal_status in DRAFTING_STATES)


def awaits_appraisal(inspection):
    """Whether the draft conclusion waits for its appraiser's decision."""
    return inspection.status == "in_progress" and inspection.appraisal_status == "submitted"


def submit_for_appraisal(actor, inspection, appraiser, summary=""):
    """The team's draft conclusion (its draft findings and summary) → submitted to appraiser.

    The appraiser is e-mailed in the same transaction. A returned draft is submitted
    again the same way, in a new round.
    """
    _require(actor, "conclusions.submit_for_appraisal", inspection)
    if not appraisal_required():
        raise WorkflowError(_l("Draft conclusions are not appraised here: issue the "
                               "conclusion directly."))
    with transaction():
        claim(Inspection.status, inspection.id, ("in_progress",),
              _l("Only the draft conclusion of an inspection in progress can be submitted "
                 "for appraisal."))
        inspection = claim(Inspection.appraisal_status, inspection.id, DRAFTING_STATES,
                           _l("The draft conclusion is already with its appraiser or has "
                              "been appraised."))
        if appraiser is None or not (appraiser_candidates(inspection)
                                     .where(User.id == appraiser.id).exists()):
            raise WorkflowError(_l("Choose a leader, or an inspector who is not on the "
                                   "team."), field="appraiser")
        before = inspection.appraisal_status
        inspection.appraisal_status, inspection.appraiser = "submitted", appraiser
        inspection.appraisal_requested_by = actor
        inspection.appraisal_round += 1
        inspection.conclusion_summary = nfc(summary).strip()
        inspection.save(only=[Inspection.appraisal_status, Inspection.appraiser,
                              Inspection.appraisal_requested_by, Inspection.appraisal_round,
                              Inspection.conclusion_summary])
        audit.record(actor, "submit_for_appraisal", inspection, {
            "appraisal_status": [before, "submitted"], "appraiser": appraiser.full_name,
            "round": inspection.appraisal_round, "summary": inspection.conclusion_summary})
        enqueue_for_users(f"appraisal:{inspection.id}:{inspection.appraisal_round}:requested",
                          [appraiser], "appraisal_requested", inspection=inspection,
                          drafts=draft_findings(inspection).count(),
                          url=app_link("inspections.appraise", inspection_id=inspection.id))
    return inspection


def appraise_conclusion(actor, inspection, note=""):
    """submitted → appraised, with the appraiser's notes: the team may now issue it."""
    return _decide_appraisal(actor, inspection, "appraised", "appraise", note)


def return_conclusion(actor, inspection, note):
    """submitted → returned, with the appraiser's notes: the team works on its draft again."""
    if not nfc(note or "").strip():
        raise WorkflowError(_l("Say what the team should change."), field="note")
    return _decide_appraisal(actor, inspection, "returned", "return_draft", note)


def _decide_appraisal(actor, inspection, outcome, action, note):
    """The appraiser's decision on a submitted draft, audited and e-mailed to the team.

    Who may decide is read from the claimed row: the appraiser named by the submission
    that is waiting, while still outside the team.
    """
    note = nfc(note or "").strip()
    with transaction():
        claim(Inspection.status, inspection.id, ("in_progress",),
              _l("The inspection is no longer in progress."))
        inspection = claim(Inspection.appraisal_status, inspection.id, ("submitted",),
                           _l("This draft conclusion is not waiting for an appraisal."))
        _require(actor, "conclusions.appraise", inspection)
        inspection.appraisal_status = outcome
        inspection.save(only=[Inspection.appraisal_status])
        audit.record(actor, action, inspection, {
            "appraisal_status": ["submitted", outcome], "round": inspection.appraisal_round,
            "note": note})
        team = [inspection.appraisal_requested_by, inspection.lead]
        recipients = list({user.id: user for user in team if user is not None}.values())
        enqueue_for_users(f"appraisal:{inspection.id}:{inspection.appraisal_round}:decided",
                          recipients, "appraisal_decided", inspection=inspection,
                          outcome=outcome, note=note,
                          url=app_link("inspections.show", inspection_id=inspection.id))
    return inspection
