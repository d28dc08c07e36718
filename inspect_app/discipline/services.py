"""Disciplinary cases: open, edit, extend, decide, dismiss, defer, resume; measures."""
import datetime as dt
import re

from .. import audit, clock, deadlines, workdays
from ..db import transaction
from ..errors import WorkflowError
from ..formatting import format_date
from ..i18n import lazy_gettext as _l
from ..models import (
    DEFERRAL_GROUNDS,
    MAX_PROCESSING_DAYS,
    PERSON_TYPES,
    PROCESSING_DAYS,
    DisciplineCase,
    DisciplineCaseFinding,
    DisciplineDeferral,
    DisciplineMeasure,
    Finding,
)
from ..policy import can
from ..text import fold
from ..transitions import claim
from . import queries

CASE_FIELDS = ("official_name", "official_position", "person_type", "unit", "violation",
               "opened_on", "deadline", "original_deadline")
MEASURE_FIELDS = ("code", "name", "person_type", "legal_basis", "valid_from", "valid_to",
                  "note", "sort_order", "active")
# What a decision relies on: fixed once a decision has imposed the measure.
MEASURE_IDENTITY = ("code", "name", "person_type", "legal_basis")
MEASURE_CODE = re.compile(r"^[a-z0-9_]+$")
FINDING_CODE_SEPARATORS = re.compile(r"[,;\n]+")


# --- helpers ---------------------------------------------------------------------------


def _require_manager(actor):
    """Refuse unless actor may manage disciplinary cases."""
    if not can(actor, "discipline.manage"):
        raise WorkflowError(_l("Only inspectors, leaders and administrators handle "
                               "disciplinary cases."))


def _claim(case, states, message):
    """The case as stored, claimed in one of states inside the caller's transaction."""
    return claim(DisciplineCase.status, case.id, states, message)


def _required_text(value, field, message):
    """value stripped, refused with message when empty."""
    value = (value or "").strip()
    if not value:
        raise WorkflowError(message, field=field)
    return value


def _store(case, findings=None):
    """Save case (and its findings when given), in the caller's transaction."""
    case.updated_at = clock.now()
    case.save()
    if findings is not None:
        _link_findings(case, findings)


def _save(actor, case, action, changes, findings=None):
    """Save case (and its findings when given) with an audit event, in the caller's transaction."""
    _store(case, findings)
    audit.record(actor, action, case, changes)
    return case


def _link_findings(case, findings):
    """Make findings the case's related findings."""
    DisciplineCaseFinding.delete().where(DisciplineCaseFinding.case == case).execute()
    if findings:
        DisciplineCaseFinding.insert_many(
            [{"case": case.id, "finding": finding.id} for finding in findings]).execute()


def _refresh_search_text(case):
    """Recompute the accent-folded copy the cases search looks in."""
    parts = [case.official_name, case.official_position, case.violation, case.decision_no]
    case.search_text = fold(" ".join(part for part in parts if part))


def findings_from_codes(text):
    """The findings named by their codes in text (commas between); refuses unknown codes."""
    codes = list(dict.fromkeys(code.strip() for code in FINDING_CODE_SEPARATORS.split(text or "")
                               if code.strip()))
    if not codes:
        return []
    found = {f.code: f for f in Finding.select().where(Finding.code.in_(codes))}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise WorkflowError(_l("No finding has the code %(codes)s.", codes=", ".join(unknown)),
                            field="findings")
    return [found[code] for code in codes]


def _check_findings_unit(findings, unit):
    """Refuse findings of another unit: a case is linked only to its own unit's findings."""
    foreign = [f.code for f in findings if f.responsible_unit_id != unit.id]
    if foreign:
        raise WorkflowError(_l("Findings of another unit cannot be linked to a case of "
                               "%(unit)s: %(codes)s.", unit=unit.name, codes=", ".join(foreign)),
                            field="findings")


def finding_codes_text(findings):
    """The codes of findings as the case form shows them."""
    return ", ".join(f.code for f in findings if f.code)


# --- opening and editing ---------------------------------------------------------------


def _check_opening(opened_on):
    """Refuse a missing opening date or one in the future."""
    if opened_on is None:
        raise WorkflowError(_l("Give the date the case was opened."), field="opened_on")
    if opened_on > clock.today():
        raise WorkflowError(_l("The opening date cannot be in the future."),
                            field="opened_on")


def _processing_time(case, days):
    """The basis of days of processing time from the opening, the days deferred left out."""
    return deadlines.Basis(deadlines.CALENDAR_DAYS, case.opened_on, days, case.paused_days)


def _set_opening(case, opened_on, calendar):
    """Set the opening date: the deadline is 90 days later (art. 148 applied), or keeps
    the processing time or the date an extension gave."""
    shift = opened_on - case.opened_on if case.opened_on else dt.timedelta()
    case.opened_on = opened_on
    case.original_deadline = deadlines.end_of(calendar, _processing_time(case, PROCESSING_DAYS))
    if case.deadline_unit == deadlines.DATE:
        # A corrected opening date moves an extension's date with it.
        case.deadline_from += shift
    else:
        case.deadline_unit, case.deadline_from = deadlines.CALENDAR_DAYS, opened_on
        case.deadline_days = case.deadline_days or PROCESSING_DAYS
    case.deadline = deadlines.end_of(calendar, case.deadline_basis)


def latest_deadline(case, calendar):
    """The furthest deadline an extension may give: 150 days, not counting those deferred."""
    return deadlines.end_of(calendar, _processing_time(case, MAX_PROCESSING_DAYS))


def _fill(case, official_name, official_position, person_type, unit, violation, opened_on):
    """Check and copy a case's details onto it (nothing saved)."""
    official_name = _required_text(official_name, "official_name",
                                   _l("Give the official's name."))
    if person_type not in PERSON_TYPES:
        raise WorkflowError(_l("Choose whether the official is a cán bộ, công chức or "
                               "viên chức."), field="person_type")
    if unit is None:
        raise WorkflowError(_l("Choose the official's unit."), field="unit")
    violation = _required_text(violation, "violation", _l("Describe the violation."))
    _check_opening(opened_on)
    case.official_name, case.official_position = official_name, (official_position or "").strip()
    case.person_type, case.unit, case.violation = person_type, unit, violation
    _set_opening(case, opened_on, workdays.load())
    _refresh_search_text(case)


def open_case(actor, official_name, official_position, person_type, unit, violation,
              opened_on, findings=()):
    """Open a case: the processing deadline is 90 days after the opening date."""
    _require_manager(actor)
    case = DisciplineCase(created_by=actor, status="open")
    _fill(case, official_name, official_position, person_type, unit, violation, opened_on)
    findings = list(findings)
    _check_findings_unit(findings, unit)
    changes = {**audit.snapshot(case, CASE_FIELDS), "findings": [f.id for f in findings]}
    with transaction():
        return _save(actor, case, "create", changes, findings)


def update_case(actor, case, official_name, official_position, person_type, unit, violation,
                opened_on, findings=()):
    """Correct the details of a case still being processed (open or deferred)."""
    _require_manager(actor)
    findings = list(findings)
    with transaction():
        case = _claim(case, ("open", "deferred"),
                      _l("A decided or closed case can no longer be edited."))
        tracked = audit.Tracked(case, CASE_FIELDS,
                                findings=sorted(link.finding_id for link in case.finding_links))
        _fill(case, official_name, official_position, person_type, unit, violation, opened_on)
        _check_findings_unit(findings, unit)
        tracked.save(actor, lambda: _store(case, findings),
                     findings=sorted(f.id for f in findings))
        return case


# --- the processing time ---------------------------------------------------------------


def _extension_basis(case, new_deadline, new_days):
    """The extension as asked: a date, or the processing time in days from the opening."""
    if new_deadline is not None and new_days is not None:
        raise WorkflowError(_l("Give either a new deadline or a number of days, not both."),
                            field="new_days")
    if new_deadline is not None:
        return deadlines.on(new_deadline)
    if new_days is None:
        raise WorkflowError(_l("Choose the new deadline."), field="new_deadline")
    if not PROCESSING_DAYS < new_days <= MAX_PROCESSING_DAYS:
        raise WorkflowError(_l("The processing time can be extended to between 91 and 150 "
                               "days."), field="new_days")
    return _processing_time(case, new_days)


def extend_deadline(actor, case, new_deadline, reason, new_days=None):
    """Extend the processing time once, with a reason, to at most 150 days from opening:
    to a date, or to a number of days (calendar days, art. 148 applied)."""
    _require_manager(actor)
    with transaction():
        case = _claim(case, ("open",), _l("Only an open case can be given more time."))
        # The claim holds the case, so of two extensions at once the second sees the first.
        if case.extended:
            raise WorkflowError(_l("The processing time has already been extended once."))
        calendar = workdays.load()
        basis = _extension_basis(case, new_deadline, new_days)
        new_deadline, latest = deadlines.end_of(calendar, basis), latest_deadline(case, calendar)
        if new_deadline <= case.deadline:
            raise WorkflowError(_l("The new deadline must be after the current one."),
                                field="new_deadline")
        if new_deadline > latest:
            raise WorkflowError(_l("The processing time can be extended to %(date)s at the "
                                   "latest: 150 days after opening, not counting the days "
                                   "deferred.", date=format_date(latest)),
                                field="new_deadline")
        case.extension_reason = _required_text(reason, "reason",
                                               _l("Give the reason for the extension."))
        changes = {"deadline": [case.deadline.isoformat(), new_deadline.isoformat()],
                   "reason": case.extension_reason}
        case.deadline_unit, case.deadline_from, case.deadline_days = \
            basis.unit, basis.start, basis.count
        case.deadline = new_deadline
        return _save(actor, case, "extend", changes)


# --- outcomes --------------------------------------------------------------------------


def _check_measure(case, measure, decision_date):
    """Refuse a measure the law did not provide for the case's official on decision_date."""
    if measure is None:
        raise WorkflowError(_l("Choose the disciplinary measure."), field="measure")
    offered = queries.measures_offered(case.person_type, decision_date)
    if measure.id not in {m.id for m in offered}:
        raise WorkflowError(_l("%(measure)s (%(basis)s) cannot be imposed on this official by "
                               "a decision dated %(date)s. Measures in force that day: "
                               "%(measures)s.",
                               measure=measure.name, basis=measure.legal_basis,
                               date=format_date(decision_date),
                               measures=", ".join(m.name for m in offered) or "—"),
                            field="measure")


def _check_decision_date(case, decision_date):
    """Refuse a decision date before the opening or in the future."""
    if decision_date is None:
        raise WorkflowError(_l("Give the date of the decision."), field="decision_date")
    if decision_date < case.opened_on:
        raise WorkflowError(_l("The decision cannot be dated before the case was opened."),
                            field="decision_date")
    if decision_date > clock.today():
        raise WorkflowError(_l("The decision cannot be dated in the future."),
                            field="decision_date")


def decide_case(actor, case, measure, decision_no, decision_date, issuing_authority):
    """Record the disciplinary decision: measure, number, date and issuing authority."""
    _require_manager(actor)
    with transaction():
        case = _claim(case, ("open",), _l("A decision can be recorded only for an open case."))
        _check_decision_date(case, decision_date)
        decision_no = _required_text(decision_no, "decision_no",
                                     _l("Give the decision number."))
        _check_measure(case, measure, decision_date)
        issuing_authority = _required_text(issuing_authority, "issuing_authority",
                                           _l("Give the authority that issued the decision."))
        case.status, case.measure, case.decision_no = "decided", measure, decision_no
        case.decision_date = case.outcome_on = decision_date
        case.issuing_authority = issuing_authority
        _refresh_search_text(case)
        return _save(actor, case, "decide", {
            "status": ["open", "decided"], "measure": measure.id, "decision_no": decision_no,
            "decision_date": decision_date.isoformat(),
            "issuing_authority": issuing_authority})


def dismiss_case(actor, case, reason):
    """Close an open case without a disciplinary measure, with the reason."""
    _require_manager(actor)
    with transaction():
        case = _claim(case, ("open",),
                      _l("Only an open case can be closed without a measure."))
        case.outcome_reason = _required_text(reason, "reason",
                                             _l("Give the reason for closing the case."))
        case.status, case.outcome_on = "dismissed", clock.today()
        return _save(actor, case, "dismiss",
                     {"status": ["open", "dismissed"], "reason": case.outcome_reason})


def defer_case(actor, case, ground, note=""):
    """Defer an open case on a legal ground (illness, pregnancy or childcare, prosecution)."""
    _require_manager(actor)
    with transaction():
        case = _claim(case, ("open",), _l("Only an open case can be deferred."))
        if ground not in DEFERRAL_GROUNDS:
            raise WorkflowError(_l("Choose the ground for deferring the case."),
                                field="ground")
        case.status, case.deferral_ground = "deferred", ground
        case.outcome_reason, case.outcome_on = (note or "").strip(), clock.today()
        DisciplineDeferral.create(case=case, deferred_on=case.outcome_on)
        return _save(actor, case, "defer", {"status": ["open", "deferred"], "ground": ground,
                                            "reason": case.outcome_reason})


def resume_case(actor, case, note=""):
    """Take a deferred case up again; the days it was deferred do not count towards its time."""
    _require_manager(actor)
    with transaction():
        case = _claim(case, ("deferred",), _l("Only a deferred case can be resumed."))
        paused = max((clock.today() - case.outcome_on).days, 0)
        old_deadline = case.deadline
        case.paused_days += paused
        if case.deadline_unit == deadlines.DATE:
            case.deadline_from += dt.timedelta(paused)
        case.deadline = deadlines.end_of(workdays.load(), case.deadline_basis)
        changes = {"status": ["deferred", "open"], "paused_days": paused,
                   "deadline": [old_deadline.isoformat(), case.deadline.isoformat()],
                   "reason": (note or "").strip()}
        case.status, case.deferral_ground = "open", ""
        case.outcome_reason, case.outcome_on = "", None
        return _save(actor, case, "resume", changes)


# --- measures (admin) ------------------------------------------------------------------


def _check_measure_fields(measure, code, person_type, legal_basis, valid_from, valid_to):
    """Refuse a malformed code, an unknown person type, reversed dates or a duplicate."""
    if not MEASURE_CODE.match(code):
        raise WorkflowError(_l("Use lower-case letters without accents, digits and "
                               "underscores, e.g. khien_trach."), field="code")
    if person_type not in PERSON_TYPES:
        raise WorkflowError(_l("Not a valid choice."), field="person_type")
    if valid_from and valid_to and valid_to < valid_from:
        raise WorkflowError(_l("The end of validity cannot be before its start."),
                            field="valid_to")
    clash = DisciplineMeasure.select().where(DisciplineMeasure.code == code,
                                             DisciplineMeasure.person_type == person_type,
                                             DisciplineMeasure.legal_basis == legal_basis)
    if measure.id is not None:
        clash = clash.where(DisciplineMeasure.id != measure.id)
    if clash.exists():
        raise WorkflowError(_l("This measure already exists for this person type and legal "
                               "basis."), field="code")


def save_measure(actor, measure, code, name, person_type, legal_basis, valid_from=None,
                 valid_to=None, note="", sort_order=0, active=True):
    """Create (measure.id is None) or update a disciplinary measure."""
    if not can(actor, "discipline_measures.manage"):
        raise WorkflowError(_l("Only administrators manage disciplinary measures."))
    code = (code or "").strip().lower()
    name = _required_text(name, "name", _l("Give the measure's name."))
    legal_basis = _required_text(legal_basis, "legal_basis", _l("Give the legal basis."))
    _check_measure_fields(measure, code, person_type, legal_basis, valid_from, valid_to)
    identity = (code, name, person_type, legal_basis)
    if measure.id and identity != tuple(getattr(measure, f) for f in MEASURE_IDENTITY) \
            and queries.measure_in_use(measure):
        raise WorkflowError(_l("Decisions have imposed this measure: its code, name, person "
                               "type and legal basis stay as they are. Add a new measure "
                               "instead."), field="name")
    tracked = audit.Tracked(measure, MEASURE_FIELDS)
    measure.code, measure.name, measure.person_type, measure.legal_basis = identity
    measure.valid_from, measure.valid_to = valid_from, valid_to
    measure.note, measure.sort_order, measure.active = (note or "").strip(), sort_order, active
    with transaction():
        tracked.save(actor)
    return measure

