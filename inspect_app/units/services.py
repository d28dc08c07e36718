"""Creating and changing units and unit kinds, and reorganising units, with their audit trail."""
import datetime as dt

from .. import audit, clock
from ..db import transaction
from ..errors import WorkflowError
from ..i18n import lazy_gettext as _l
from ..mail.compose import app_link, enqueue_for_users
from ..models import (
    REORGANISATION_KINDS,
    DisciplineCase,
    Finding,
    Inspection,
    Reorganisation,
    Unit,
    UnitKind,
    UnitSuccession,
    User,
)
from ..policy import UNIT_HEAD, can
from ..text import nfc
from ..transitions import claim
from . import queries

UNIT_FIELDS = ("code", "name", "kind", "parent", "email", "active", "valid_from", "valid_to")
KIND_FIELDS = ("code", "label", "active")


def normalise_code(code):
    """Codes are stored trimmed and in upper case."""
    return (code or "").strip().upper()


def _check_code_free(model, code, obj_id=None):
    """Refuse a code that another row of model already has."""
    query = model.select().where(model.code == code)
    if obj_id is not None:
        query = query.where(model.id != obj_id)
    if query.exists():
        raise WorkflowError(_l("This code is already used."), field="code")


def _check_parent(unit, parent):
    """A unit cannot be its own parent, nor the parent of one of its ancestors."""
    ancestor = parent
    while ancestor is not None:
        if unit.id is not None and ancestor.id == unit.id:
            raise WorkflowError(_l("A unit cannot be placed under itself."), field="parent")
        ancestor = ancestor.parent


def _check_validity(valid_from, valid_to):
    """A unit cannot end before it begins."""
    if valid_from and valid_to and valid_to < valid_from:
        raise WorkflowError(_l("The unit cannot end before it begins."), field="valid_to")


def save_unit(actor, unit, code, name, kind, parent=None, email="", valid_from=None,
              valid_to=None):
    """Create (unit.id is None) or update a unit, with the days it exists (open-ended: None)."""
    code = normalise_code(code)
    _check_code_free(Unit, code, unit.id)
    _check_parent(unit, parent)
    _check_validity(valid_from, valid_to)
    tracked = audit.Tracked(unit, UNIT_FIELDS)
    with transaction():
        unit.code, unit.name, unit.kind = code, nfc(name).strip(), kind
        unit.parent, unit.email = parent, (email or "").strip()
        unit.valid_from, unit.valid_to = valid_from, valid_to
        tracked.save(actor)
    return unit


def set_unit_active(actor, unit, active):
    """Deactivate or reactivate a unit; its records stay."""
    if unit.active == active:
        return unit
    with transaction():
        unit.active = active
        unit.save()
        audit.record(actor, "activate" if active else "deactivate", unit,
                     {"active": [not active, active]})
    return unit


def save_unit_kind(actor, kind, code, label, active=True):
    """Create (kind.id is None) or update a unit kind."""
    code = (code or "").strip().lower()
    _check_code_free(UnitKind, code, kind.id)
    tracked = audit.Tracked(kind, KIND_FIELDS)
    with transaction():
        kind.code, kind.label, kind.active = code, label.strip(), active
        tracked.save(actor)
    return kind


def active_units():
    """Active units ordered by name, for choice lists."""
    return Unit.select().where(Unit.active).order_by(Unit.sort_name)


def active_kinds():
    """Active unit kinds ordered by label, for choice lists."""
    return UnitKind.select().where(UnitKind.active).order_by(UnitKind.label)


# --- reorganisations -------------------------------------------------------------------


def _check_reorganisation(kind, on_date, predecessors, successors):
    """The shape of each kind, units in use on both sides, no unit on both, a past date."""
    if kind not in REORGANISATION_KINDS:
        raise WorkflowError(_l("Not a valid choice."), field="kind")
    if not predecessors:
        raise WorkflowError(_l("Choose the units that end."), field="predecessors")
    if not successors:
        raise WorkflowError(_l("Choose the units that take over."), field="successors")
    shapes = {"merge": len(successors) == 1,
              "split": len(predecessors) == 1 and len(successors) >= 2,
              "rename": len(predecessors) == 1 and len(successors) == 1}
    if not shapes[kind]:
        messages = {"merge": _l("A merge has exactly one unit that takes over."),
                    "split": _l("A split ends one unit and has at least two that take over."),
                    "rename": _l("A renaming ends one unit and has one that takes over.")}
        raise WorkflowError(messages[kind], field="successors")
    if {u.id for u in predecessors} & {u.id for u in successors}:
        raise WorkflowError(_l("A unit cannot both end and take over."), field="successors")
    if any(not unit.active for unit in successors):
        raise WorkflowError(_l("Choose units that are in use."), field="successors")
    if on_date is None:
        raise WorkflowError(_l("This field is required."), field="on_date")
    if on_date > clock.today():
        raise WorkflowError(_l("Record a reorganisation once it has taken effect."),
                            field="on_date")
    if any(unit.valid_from and unit.valid_from >= on_date for unit in predecessors):
        raise WorkflowError(_l("A unit can end only after the day it began."), field="on_date")


def _claim_predecessors(predecessors):
    """The predecessors, claimed in use inside the caller's transaction (a burst ends them once)."""
    message = _l("One of these units has already ended: the reorganisation may have been "
                 "recorded already.")
    return [claim(Unit.active, unit.id, (True,), message) for unit in predecessors]


def _check_no_work_in_progress(predecessors):
    """Refuse while an inspection of a predecessor is planned or under way, or a draft names it.

    Its team must first conclude or cancel it, or move a planned one to the new unit:
    the unit its conclusion will name is a decision for the team, not for the admin.
    """
    ids = [unit.id for unit in predecessors]
    busy = (Inspection
            .select(Inspection.title, Unit.name)
            .join(Unit)
            .where(Inspection.unit.in_(ids),
                   Inspection.status.not_in(("concluded", "closed", "cancelled")))
            .order_by(Unit.sort_name, Inspection.start_date))
    drafts = (Finding
              .select(Finding.title, Unit.name)
              .join(Unit, on=(Finding.responsible_unit == Unit.id))
              .where(Finding.responsible_unit.in_(ids), Finding.status == "draft"))
    unfinished = [f"{row.unit.name}: {row.title}" for row in list(busy) + list(drafts)]
    if unfinished:
        raise WorkflowError(_l("Conclude or cancel these inspections first, or move the "
                               "planned ones to a unit in use: %(list)s.",
                               list="; ".join(unfinished)), field="predecessors")


def _end(actor, reorganisation, unit, last_day):
    """Take a predecessor out of use from the reorganisation on; its records stay."""
    before = unit.valid_to
    unit.active, unit.valid_to = False, last_day
    unit.save(only=[Unit.active, Unit.valid_to])
    audit.record(actor, "end", unit, {
        "active": [True, False], "valid_to": [before and before.isoformat(),
                                              last_day.isoformat()],
        "reorganisation": reorganisation.id})


def _successor_of(key, successors, assignments):
    """The successor an open item passes to: the only one, or the one assigned to it."""
    if len(successors) == 1:
        return successors[0]
    chosen = assignments.get(key)
    found = next((unit for unit in successors if unit.id == chosen), None)
    if found is None:
        raise WorkflowError(_l("Choose, for every open item, the unit that takes it over."),
                            field="assignments")
    return found


def _pass_on(actor, reorganisation, item, field, successor, **extra):
    """Give item (a finding or a case) to successor, audited on the item.

    extra ({column: value}) is written in the same UPDATE.
    """
    model = type(item)
    before = getattr(item, f"{field.name}_id")
    model.update({field: successor.id, **extra}).where(model.id == item.id).execute()
    audit.record(actor, "transfer", item, {field.name: [before, successor.id],
                                           "reorganisation": reorganisation.id})


def _pass_open_items(actor, reorganisation, predecessors, successors, assignments):
    """Pass every open finding and case of the predecessors on; {successor id: what it got}.

    Requests for more time and reminders follow their finding: they hang on it, and the
    reminders are sent to the heads of whichever unit the finding names on the day.
    """
    ids = [unit.id for unit in predecessors]
    inherited = {unit.id: {"findings": [], "cases": []} for unit in successors}
    for finding in queries.passing_findings(ids):
        successor = _successor_of(("finding", finding.id), successors, assignments)
        _pass_on(actor, reorganisation, finding, Finding.responsible_unit, successor)
        inherited[successor.id]["findings"].append(finding)
    for case in queries.passing_cases(ids):
        successor = _successor_of(("discipline_case", case.id), successors, assignments)
        _pass_on(actor, reorganisation, case, DisciplineCase.unit, successor,
                 **{"updated_at": clock.now()})
        inherited[successor.id]["cases"].append(case)
    return inherited


def _notify_successors(reorganisation, predecessors, successors, inherited):
    """One e-mail per head of each successor that inherited something, listing it all.

    The unit's shared mailbox is left out: the cases name people.
    """
    heads = {}
    for user in (User
                 .select()
                 .where(User.role == UNIT_HEAD, User.active,
                        User.unit.in_([unit.id for unit in successors]))
                 .order_by(User.id)):
        heads.setdefault(user.unit_id, []).append(user)
    for unit in successors:
        got = inherited[unit.id]
        if not (got["findings"] or got["cases"]):
            continue
        extensions = queries.pending_extensions([f.id for f in got["findings"]])
        findings = [{"finding": f, "extension": extensions.get(f.id),
                     "url": app_link("findings.show", finding_id=f.id)}
                    for f in got["findings"]]
        cases = [{"case": c, "url": app_link("discipline.show", case_id=c.id)}
                 for c in got["cases"]]
        enqueue_for_users(f"reorganisation:{reorganisation.id}:unit:{unit.id}",
                          heads.get(unit.id, []), "units_inherited",
                          reorganisation=reorganisation, unit=unit,
                          predecessors=predecessors, findings=findings, cases=cases)


def reorganise(actor, kind, on_date, predecessors, successors, note="", assignments=None):
    """Record a merge, split or renaming: the predecessors end the day before on_date and
    their open findings and cases pass to the successors.

    assignments ({("finding" | "discipline_case", id): successor id}) says which successor
    takes each open item when there are several. Everything is written, audited and
    e-mailed in one transaction; the same step sent again finds the predecessors ended.
    """
    if actor is not None and not can(actor, "units.reorganise"):
        raise WorkflowError(_l("You are not allowed to do this."))
    predecessors, successors = list(predecessors), list(successors)
    _check_reorganisation(kind, on_date, predecessors, successors)
    with transaction():
        predecessors = _claim_predecessors(predecessors)
        _check_no_work_in_progress(predecessors)
        reorganisation = Reorganisation.create(kind=kind, on_date=on_date,
                                               note=nfc(note).strip(), recorded_by=actor)
        UnitSuccession.insert_many([{"reorganisation": reorganisation.id,
                                     "predecessor": before.id, "successor": after.id}
                                    for before in predecessors for after in successors]
                                   ).execute()
        audit.record(actor, "create", reorganisation, {
            "kind": kind, "on_date": on_date.isoformat(),
            "predecessors": [u.id for u in predecessors],
            "successors": [u.id for u in successors]})
        for unit in predecessors:
            _end(actor, reorganisation, unit, on_date - dt.timedelta(days=1))
        inherited = _pass_open_items(actor, reorganisation, predecessors, successors,
                                     assignments or {})
        _notify_successors(reorganisation, predecessors, successors, inherited)
    return reorganisation
