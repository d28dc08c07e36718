"""Findings: recording, remediation reports, review, extensions, cancel, reopen, timeline."""

from peewee import IntegrityError

from .. import audit, clock, deadlines, settings, workdays
from ..db import transaction
from ..errors import WorkflowError
from ..files import services as attachments
from ..i18n import lazy_gettext as _l
from ..mail.compose import app_link, enqueue_for_users
from ..models import (
    CANCELLABLE_STATES,
    DRAFTING_STATES,
    EXTENDABLE_STATES,
    RUNNING_STATES,
    SEVERITIES,
    ExtensionRequest,
    Finding,
    Inspection,
    Response,
)
from ..policy import can
from ..text import fold
from ..transitions import claim
from .queries import unit_heads

EDITABLE_FIELDS = ("category", "severity", "title", "description", "recommendation",
                   "responsible_unit", "official_name", "official_position", "deadline",
                   "deadline_days", "deadline_unit")
MAX_DEADLINE_DAYS = 365


# --- helpers ---------------------------------------------------------------------------


def _require(actor, action, obj, message):
    """Refuse with message unless actor may perform action on obj."""
    if not can(actor, action, obj):
        raise WorkflowError(message)


def _required_text(value, field, message):
    """value stripped, refused with message when empty."""
    value = (value or "").strip()
    if not value:
        raise WorkflowError(message, field=field)
    return value


def refresh_search_text(finding):
    """Recompute the accent-folded copy the findings search looks in."""
    parts = [finding.code, finding.title, finding.description, finding.recommendation,
             finding.official_name]
    finding.search_text = fold(" ".join(part for part in parts if part))


def finding_link(finding):
    """The absolute link to a finding's page, also outside a request (jobs, CLI)."""
    return app_link("findings.show", finding_id=finding.id)


def _lead(finding):
    """The inspection lead as a recipient list (empty when there is none)."""
    lead = finding.inspection.lead
    return [lead] if lead is not None else []


# --- recording -------------------------------------------------------------------------


def _check_deadline(inspection, severity, deadline, deadline_days, deadline_unit):
    """(deadline, deadline_days, unit) after the rules: exactly one, within bounds."""
    if deadline is not None and deadline_days is not None:
        raise WorkflowError(_l("Give either a deadline or a number of days, not both."),
                            field="deadline_days")
    if deadline is None and deadline_days is None:
        deadline_days = settings.get_int(f"deadline_days_{severity}")
    if deadline is not None and deadline < inspection.start_date:
        raise WorkflowError(_l("The deadline cannot be before the inspection's start date."),
                            field="deadline")
    if deadline_days is not None and not 1 <= deadline_days <= MAX_DEADLINE_DAYS:
        raise WorkflowError(_l("The number of days must be between 1 and 365."),
                            field="deadline_days")
    if deadline is None and deadline_unit not in (deadlines.CALENDAR_DAYS,
                                                  deadlines.WORKING_DAYS):
        raise WorkflowError(_l("Choose calendar days or working days."), field="deadline_unit")
    return deadline, deadline_days, deadlines.DATE if deadline is not None else deadline_unit


def _set_deadline(finding, deadline, deadline_days, unit):
    """A draft's deadline: a date (moved off a day off, art. 148) or days after the
    conclusion, counted when it is issued."""
    finding.deadline_unit, finding.deadline_days = unit, deadline_days
    finding.deadline_from = deadline
    if deadline is not None:
        deadline = deadlines.end_of(workdays.load(), deadlines.on(deadline))
    # A fixed date is the original deadline too; "N days" is fixed at the conclusion.
    finding.deadline = finding.original_deadline = deadline


def _fill(finding, inspection, category, severity, title, description, recommendation,
          responsible_unit, official_name, official_position, deadline, deadline_days,
          deadline_unit):
    """Check and copy a finding's editable fields onto it (nothing saved)."""
    if severity not in SEVERITIES:
        raise WorkflowError(_l("Choose a severity."), field="severity")
    title = _required_text(title, "title", _l("Give the finding a title."))
    _set_deadline(finding, *_check_deadline(inspection, severity, deadline, deadline_days,
                                            deadline_unit))
    finding.category, finding.severity, finding.title = category, severity, title
    finding.description = (description or "").strip()
    finding.recommendation = (recommendation or "").strip()
    finding.responsible_unit = responsible_unit or inspection.unit
    finding.official_name = (official_name or "").strip()
    finding.official_position = (official_position or "").strip()
    refresh_search_text(finding)


def _claim_recording(actor, inspection):
    """The inspection, claimed in progress (inside a transaction), if actor records on it.

    Claiming it keeps a conclusion or a cancellation from passing the draft by.
    """
    _require(actor, "findings.record", inspection,
             _l("Only the inspection team records findings."))
    claim(Inspection.status, inspection.id, ("in_progress",),
          _l("Findings can be recorded only while the inspection is in progress."))
    return _claim_draft_conclusion(inspection)


def _claim_draft_conclusion(inspection):
    """The inspection, claimed while its team still works on the draft conclusion.

    A draft submitted for appraisal, or appraised, is what the appraiser read: its
    findings stay as they are until the appraiser returns it.
    """
    return claim(Inspection.appraisal_status, inspection.id, DRAFTING_STATES,
                 _l("The draft conclusion is with its appraiser or has been appraised: its "
                    "findings can no longer be changed."))


def record_finding(actor, inspection, category, severity, title, description,
                   recommendation, responsible_unit=None, official_name="",
                   official_position="", deadline=None, deadline_days=None,
                   deadline_unit=deadlines.CALENDAR_DAYS):
    """Record a draft finding on an inspection in progress.

    A create is not a state change: two posts of the form record two drafts, as two
    deliberate findings with the same text would.
    """
    with transaction():
        inspection = _claim_recording(actor, inspection)
        finding = Finding(inspection=inspection, status="draft", created_by=actor)
        _fill(finding, inspection, category, severity, title, description, recommendation,
              responsible_unit, official_name, official_position, deadline, deadline_days,
              deadline_unit)
        finding.save()
        audit.record(actor, "create", finding, audit.snapshot(finding, EDITABLE_FIELDS))
    return finding


def update_finding(actor, finding, category, severity, title, description, recommendation,
                   responsible_unit=None, official_name="", official_position="",
                   deadline=None, deadline_days=None, deadline_unit=deadlines.CALENDAR_DAYS):
    """Change a draft finding while its inspection is in progress."""
    with transaction():
        inspection = _claim_recording(actor, finding.inspection)
        finding = claim(Finding.status, finding.id, ("draft",),
                        _l("Only a draft finding can be edited."))
        tracked = audit.Tracked(finding, EDITABLE_FIELDS)
        _fill(finding, inspection, category, severity, title, description, recommendation,
              responsible_unit, official_name, official_position, deadline, deadline_days,
              deadline_unit)
        tracked.save(actor)
    return finding


# --- the unit's side -------------------------------------------------------------------


def _check_upload(file_storage):
    """Refuse a bad evidence file, naming the report form's files field."""
    try:
        attachments.validate_upload(file_storage)
    except WorkflowError as error:
        raise WorkflowError(error.message, field="files") from error


def submit_report(actor, finding, body, files=()):
    """The unit head reports the remediation, with evidence files."""
    _require(actor, "findings.respond", finding,
             _l("Only the head of the responsible unit can report on this finding."))
    body = _required_text(body, "body", _l("Describe what the unit has done."))
    files = [f for f in files if f and f.filename]
    for file_storage in files:
        _check_upload(file_storage)
    with transaction():
        finding = claim(Finding.status, finding.id, RUNNING_STATES,
                        _l("A report can be sent only for an open finding or one whose "
                           "report needs changes."))
        old_status = finding.status
        response = Response.create(finding=finding, author=actor, body=body,
                                   submitted_on=clock.today())
        for file_storage in files:
            attachments.store(file_storage, actor, response=response)
        finding.status = "submitted"
        finding.save(only=[Finding.status])
        audit.record(actor, "submit_report", finding,
                     {"status": [old_status, "submitted"], "response": response.id,
                      "files": len(files)})
        enqueue_for_users(f"report:{response.id}:submitted", _lead(finding),
                          "report_submitted", finding=finding, response=response,
                          url=finding_link(finding))
    return response


def _requested_basis(finding, requested_deadline, requested_days, requested_unit):
    """How the new deadline is asked for: a date, or days after the current deadline."""
    if requested_deadline is not None and requested_days is not None:
        raise WorkflowError(_l("Give either a new deadline or a number of days, not both."),
                            field="requested_days")
    if requested_deadline is not None:
        return deadlines.on(requested_deadline)
    if not 1 <= requested_days <= MAX_DEADLINE_DAYS:
        raise WorkflowError(_l("The number of days must be between 1 and 365."),
                            field="requested_days")
    if requested_unit not in (deadlines.CALENDAR_DAYS, deadlines.WORKING_DAYS):
        raise WorkflowError(_l("Choose calendar days or working days."),
                            field="requested_unit")
    if finding.deadline is None:
        raise WorkflowError(_l("This finding has no deadline yet: give the new deadline as "
                               "a date."), field="requested_deadline")
    return deadlines.days_after(requested_unit, finding.deadline, requested_days)


def request_extension(actor, finding, requested_deadline, reason, requested_days=None,
                      requested_unit=deadlines.CALENDAR_DAYS):
    """The unit head asks for a later deadline (a date, or days after the current one)."""
    _require(actor, "findings.respond", finding,
             _l("Only the head of the responsible unit can ask for more time."))
    if requested_deadline is None and requested_days is None:
        raise WorkflowError(_l("Choose the new deadline."), field="requested_deadline")
    reason = _required_text(reason, "reason", _l("Give the reason for more time."))
    with transaction():
        finding = claim(Finding.status, finding.id, EXTENDABLE_STATES,
                        _l("More time can be asked only while the finding is open."))
        basis = _requested_basis(finding, requested_deadline, requested_days, requested_unit)
        requested_deadline = deadlines.end_of(workdays.load(), basis)
        if finding.deadline is not None and requested_deadline <= finding.deadline:
            raise WorkflowError(_l("The new deadline must be after the current one."),
                                field="requested_deadline")
        try:
            extension = ExtensionRequest.create(finding=finding, requested_by=actor,
                                                requested_deadline=requested_deadline,
                                                requested_unit=basis.unit,
                                                requested_from=basis.start,
                                                requested_days=basis.count,
                                                previous_deadline=finding.deadline,
                                                reason=reason)
        except IntegrityError as error:
            # The database keeps at most one pending request per finding (a partial
            # unique index); the transaction rolls back with the refusal.
            raise WorkflowError(_l("An earlier request for more time is still waiting "
                                   "for a decision.")) from error
        audit.record(actor, "request_extension", finding,
                     {"extension": extension.id,
                      "requested_deadline": requested_deadline.isoformat()})
        enqueue_for_users(f"extension:{extension.id}:requested", _lead(finding),
                          "extension_requested", finding=finding, extension=extension,
                          url=finding_link(finding))
    return extension


# --- the inspectors' side --------------------------------------------------------------


def _require_reviewer(actor, response):
    """Refuse unless actor reviews remediation reports."""
    _require(actor, "findings.review", response.finding,
             _l("Only inspectors review remediation reports."))


def _review(actor, response, decision, note, finding_status):
    """Record a review decision on response and move its finding to finding_status."""
    not_waiting = _l("This report is not waiting for a review.")
    with transaction():
        response = claim(Response.review, response.id, ("pending",), not_waiting)
        finding = claim(Finding.status, response.finding_id, ("submitted",), not_waiting)
        now = clock.now()
        response.review, response.reviewer = decision, actor
        response.reviewed_at, response.review_note = now, note
        finding.status = finding_status
        changes = {"status": ["submitted", finding_status], "response": response.id}
        if finding_status == "resolved":
            finding.resolved_at, finding.resolved_by = now, actor
            finding.resolved_on_time = (finding.deadline is None
                                        or response.submitted_on <= finding.deadline)
            changes["resolved_on_time"] = finding.resolved_on_time
        response.save()
        finding.save()
        audit.record(actor, "accept_report" if decision == "accepted" else "request_changes",
                     finding, changes)
        enqueue_for_users(f"report:{response.id}:reviewed",
                          unit_heads(finding.responsible_unit_id), "report_reviewed",
                          finding=finding, response=response, url=finding_link(finding))
    return response


def accept_report(actor, response, note=""):
    """Accept a remediation report: the finding is resolved (on time or late)."""
    _require_reviewer(actor, response)
    return _review(actor, response, "accepted", (note or "").strip(), "resolved")


def request_changes(actor, response, note):
    """Send a remediation report back to the unit with what is missing."""
    _require_reviewer(actor, response)
    note = _required_text(note, "note", _l("Say what the unit still has to do."))
    return _review(actor, response, "changes_requested", note, "changes_requested")


def decide_extension(actor, extension, approve, note=""):
    """Approve (the deadline moves, the original is kept) or reject a request for time."""
    _require(actor, "extensions.decide", extension.finding,
             _l("Only the inspection lead or a leader decides on more time."))
    note = (note or "").strip()
    if not approve and not note:
        raise WorkflowError(_l("Give the reason for the rejection."), field="note")
    with transaction():
        extension = claim(ExtensionRequest.status, extension.id, ("pending",),
                          _l("This request has already been decided."))
        finding = claim(Finding.status, extension.finding_id, EXTENDABLE_STATES,
                        _l("The finding is no longer open."))
        extension.status = "approved" if approve else "rejected"
        extension.decided_by, extension.decided_at, extension.note = actor, clock.now(), note
        changes = {"extension": extension.id}
        if approve:
            changes["deadline"] = [extension.previous_deadline.isoformat(),
                                   extension.requested_deadline.isoformat()]
            finding.original_deadline = finding.original_deadline or finding.deadline
            finding.deadline = extension.requested_deadline
            # The finding's deadline is now counted as the request counted it.
            finding.deadline_unit = extension.requested_unit
            finding.deadline_from = extension.requested_from
            finding.deadline_days = extension.requested_days
        extension.save()
        finding.save()
        audit.record(actor, "approve_extension" if approve else "reject_extension",
                     finding, changes)
        enqueue_for_users(f"extension:{extension.id}:decided",
                          unit_heads(finding.responsible_unit_id), "extension_decided",
                          finding=finding, extension=extension, url=finding_link(finding))
    return extension


def cancel_finding(actor, finding, reason):
    """Withdraw a finding that should not be followed up, with the reason."""
    _require(actor, "findings.cancel", finding, _l("Only inspectors cancel findings."))
    reason = _required_text(reason, "reason", _l("Give the reason for cancelling."))
    with transaction():
        if finding.status == "draft":
            _claim_draft_conclusion(finding.inspection)
        finding = claim(Finding.status, finding.id, CANCELLABLE_STATES,
                        _l("A resolved or cancelled finding cannot be cancelled."))
        old_status = finding.status
        finding.status, finding.cancel_reason = "cancelled", reason
        finding.save(only=[Finding.status, Finding.cancel_reason])
        audit.record(actor, "cancel", finding,
                     {"status": [old_status, "cancelled"], "reason": reason})
    return finding


def reopen_finding(actor, finding, reason):
    """Put a resolved finding back to open, with the reason."""
    _require(actor, "findings.cancel", finding, _l("Only inspectors reopen findings."))
    reason = _required_text(reason, "reason", _l("Give the reason for reopening."))
    with transaction():
        finding = claim(Finding.status, finding.id, ("resolved",),
                        _l("Only a resolved finding can be reopened."))
        finding.status = "open"
        finding.resolved_at = finding.resolved_by = finding.resolved_on_time = None
        finding.save(only=[Finding.status, Finding.resolved_at, Finding.resolved_by,
                           Finding.resolved_on_time])
        audit.record(actor, "reopen", finding,
                     {"status": ["resolved", "open"], "reason": reason})
    return finding


# --- reading ---------------------------------------------------------------------------
