"""Finding pages: the list and its exports, record, show, report, review, extensions, cancel,
reopen, review queue."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from .. import clock, deadlines, workdays
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..kept_documents import send_document
from ..models import (
    CANCELLABLE_STATES,
    EXTENDABLE_STATES,
    RUNNING_STATES,
    Category,
    ExtensionRequest,
    Inspection,
    Response,
    Unit,
)
from ..policy import LEADER, can, viewer_scope
from ..text import fold
from ..web import current_actor, flash_deadline_move, requires, run_step
from . import details, exports, listing, queries, services
from .forms import ExtensionForm, FindingForm, NoteForm, ReasonForm, ReportForm

bp = Blueprint("findings", __name__)

# Each form on the finding page has its own prefix so field names and ids stay unique.
FORM_PREFIXES = {"report": "report", "extension": "extension", "review": "review",
                 "decision": "decision", "cancel": "cancel", "reopen": "reopen"}
FORM_CLASSES = {"report": ReportForm, "extension": ExtensionForm, "review": NoteForm,
                "decision": NoteForm, "cancel": ReasonForm, "reopen": ReasonForm}

# Why a viewer has no action on a finding: the page says so rather than showing nothing.
NO_ACTION_REASONS = {
    "closed": _l("This finding is closed: nothing is left to do on it."),
    "draft": _l("This draft belongs to the inspection team; the unit sees it once the "
                "conclusion is issued."),
    "leader": _l("Leaders follow findings: the inspection team reviews the unit's reports, "
                 "and a request for more time comes to you when the unit sends one."),
    "waiting": _l("The report has been sent: the inspection team reviews it next."),
    "other": _l("The head of the responsible unit reports on this finding and the "
                "inspection team reviews the report."),
}


def _authorize(action, obj):
    """403 unless the current user may perform action on obj."""
    if not can(current_user, action, obj):
        abort(403)


def get_inspection_or_404(inspection_id):
    """The inspection with this id if the current user may see it, else 404."""
    inspection = Inspection.get_or_none(Inspection.id == inspection_id)
    if inspection is None or not can(current_user, "inspections.view", inspection):
        abort(404)
    return inspection


def get_finding_or_404(finding_id):
    """The finding with this id (and its inspection) if the user may see it, else 404."""
    finding = queries.finding_shown(finding_id)
    if finding is None or not can(current_user, "findings.view", finding):
        abort(404)
    return finding


def get_response_or_404(response_id):
    """The report with this id if the user may see its finding, else 404."""
    response = Response.get_or_none(Response.id == response_id)
    if response is None:
        abort(404)
    response.finding = get_finding_or_404(response.finding_id)
    return response


def get_extension_or_404(extension_id):
    """The extension request with this id if the user may see its finding, else 404."""
    extension = ExtensionRequest.get_or_none(ExtensionRequest.id == extension_id)
    if extension is None:
        abort(404)
    extension.finding = get_finding_or_404(extension.finding_id)
    return extension


# --- recording -------------------------------------------------------------------------


def _finding_fields(form):
    """The service arguments from a filled finding form."""
    return {"category": Category.get_by_id(form.category.data),
            "severity": form.severity.data,
            "title": form.title.data,
            "description": form.description.data,
            "recommendation": form.recommendation.data,
            "responsible_unit": Unit.get_by_id(form.responsible_unit.data),
            "official_name": form.official_name.data,
            "official_position": form.official_position.data,
            "deadline": form.deadline.data,
            "deadline_days": form.deadline_days.data,
            "deadline_unit": form.deadline_unit.data}


def _finding_url(finding):
    """The finding's page."""
    return url_for("findings.show", finding_id=finding.id)


def _edit_page(form, inspection, finding):
    """The finding form, for a new finding (None) or a draft."""
    return render_template("findings/edit.html", form=form, inspection=inspection,
                           finding=finding)


def _choices(form, current_category=None):
    """Offer active categories (and the current one) and active units."""
    categories = Category.select().order_by(Category.area, Category.code)
    categories = categories.where(Category.active | (Category.id == current_category))
    units = Unit.select().where(Unit.active).order_by(Unit.sort_name)
    form.fill_choices(categories, units)


@bp.route("/inspections/<int:inspection_id>/findings/new", methods=["GET", "POST"])
@requires("inspections.manage")
def create(inspection_id):
    """Record a draft finding on an inspection in progress."""
    inspection = get_inspection_or_404(inspection_id)
    _authorize("findings.record", inspection)
    form = FindingForm()
    _choices(form)
    if request.method == "GET":
        form.responsible_unit.data = inspection.unit_id
    def record(f):
        finding = services.record_finding(current_actor(), inspection, **_finding_fields(f))
        flash_deadline_move(finding.deadline_basis, finding.deadline)
        return finding

    return run_step(form, record, _("The finding has been recorded as a draft."), _finding_url,
                    lambda f: _edit_page(f, inspection, None))


@bp.route("/findings/<int:finding_id>/edit", methods=["GET", "POST"])
@requires("inspections.manage")
def edit(finding_id):
    """Change a draft finding."""
    finding = get_finding_or_404(finding_id)
    _authorize("findings.record", finding.inspection)
    if finding.status != "draft":
        flash(_("Only a draft finding can be edited."), "warning")
        return redirect(url_for("findings.show", finding_id=finding.id))
    form = FindingForm(obj=finding)
    _choices(form, finding.category_id)
    if request.method == "GET":
        form.category.data = finding.category_id
        form.responsible_unit.data = finding.responsible_unit_id
        if finding.deadline_unit == deadlines.DATE:
            # The date as given, before a day off moved it.
            form.deadline.data = finding.deadline_from
        elif finding.deadline_unit:
            form.deadline_unit.data = finding.deadline_unit

    def save(f):
        saved = services.update_finding(current_actor(), finding, **_finding_fields(f))
        flash_deadline_move(saved.deadline_basis, saved.deadline)
        return saved

    return run_step(form, save, _("The finding has been saved."), _finding_url(finding),
                    lambda f: _edit_page(f, finding.inspection, finding))


# --- the finding page ------------------------------------------------------------------


def _actions(finding):
    """What the current user may do on the finding right now."""
    last = queries.latest_response(finding) if finding.status == "submitted" else None
    under_review = last if last and last.review == "pending" else None
    extendable = finding.status in EXTENDABLE_STATES
    pending_extension = queries.pending_extension(finding) if extendable else None
    return {
        "edit": finding.status == "draft" and finding.inspection.status == "in_progress"
        and can(current_user, "findings.record", finding.inspection),
        "report": finding.status in RUNNING_STATES
        and can(current_user, "findings.respond", finding),
        "extension": extendable and pending_extension is None
        and can(current_user, "findings.respond", finding),
        "review": under_review if can(current_user, "findings.review", finding) else None,
        "decision": pending_extension if extendable
        and can(current_user, "extensions.decide", finding) else None,
        "cancel": finding.status in CANCELLABLE_STATES
        and can(current_user, "findings.cancel", finding),
        "reopen": finding.status == "resolved" and can(current_user, "findings.cancel", finding),
    }


def _no_action_reason(finding, actions):
    """Why the current user has nothing to do on the finding (None when they have)."""
    if any(actions.values()):
        return None
    if finding.status in ("resolved", "cancelled"):
        return NO_ACTION_REASONS["closed"]
    if finding.status == "draft":
        return NO_ACTION_REASONS["draft"]
    if current_user.role == LEADER:
        return NO_ACTION_REASONS["leader"]
    if finding.status == "submitted":
        return NO_ACTION_REASONS["waiting"]
    return NO_ACTION_REASONS["other"]


def _show(finding, bound=None):
    """Render the finding page; bound is (name, form) for a form that was just posted."""
    actions = _actions(finding)
    # Only the forms of the actions shown are built: each costs a CSRF token.
    forms = {name: FORM_CLASSES[name](formdata=None, prefix=prefix)
             for name, prefix in FORM_PREFIXES.items() if actions[name]}
    if bound:
        forms[bound[0]] = bound[1]
    today = clock.today()
    overdue = queries.is_overdue(finding, today)
    return render_template(
        "findings/show.html", finding=finding, forms=forms, actions=actions,
        no_action=_no_action_reason(finding, actions), overdue=overdue,
        overdue_days=workdays.overdue_counter(today)(finding.deadline) if overdue else None,
        details=details.details_html(finding.id, can(current_user, "discipline.manage")))


def _bound(name):
    """The posted form called name, read from the request."""
    return FORM_CLASSES[name](prefix=FORM_PREFIXES[name])


def _finding_step(finding, name, call, done):
    """run_step() for the form called name, posted from the finding's page."""
    return run_step(_bound(name), call, done, _finding_url(finding),
                    lambda form: _show(finding, (name, form)))


@bp.route("/findings/<int:finding_id>")
@requires("findings.list")
def show(finding_id):
    """A finding with its reports, extension requests, actions and history."""
    return _show(get_finding_or_404(finding_id))


@bp.route("/findings/<int:finding_id>/responses", methods=["POST"])
@requires("findings.list")
def respond(finding_id):
    """The unit head sends a remediation report with evidence files."""
    finding = get_finding_or_404(finding_id)
    _authorize("findings.respond", finding)
    return _finding_step(finding, "report",
                         lambda f: services.submit_report(current_actor(), finding, f.body.data,
                                                          request.files.getlist(f.files.name)),
                         _("Your report has been sent to the inspectors."))


@bp.route("/findings/<int:finding_id>/extension", methods=["POST"])
@requires("findings.list")
def request_extension(finding_id):
    """The unit head asks for a later deadline."""
    finding = get_finding_or_404(finding_id)
    _authorize("findings.respond", finding)
    def ask(f):
        extension = services.request_extension(current_actor(), finding,
                                               f.requested_deadline.data, f.reason.data,
                                               f.requested_days.data, f.requested_unit.data)
        flash_deadline_move(extension.requested_basis, extension.requested_deadline)

    return _finding_step(finding, "extension", ask,
                         _("Your request for more time has been sent."))


@bp.route("/responses/<int:response_id>/accept", methods=["POST"])
@requires("findings.review")
def accept(response_id):
    """Accept a remediation report: the finding is resolved."""
    response = get_response_or_404(response_id)
    return _finding_step(response.finding, "review",
                         lambda f: services.accept_report(current_actor(), response, f.note.data),
                         _("The report has been accepted and the finding is resolved."))


@bp.route("/responses/<int:response_id>/request-changes", methods=["POST"])
@requires("findings.review")
def request_changes(response_id):
    """Send a remediation report back to the unit."""
    response = get_response_or_404(response_id)
    return _finding_step(response.finding, "review",
                         lambda f: services.request_changes(current_actor(), response, f.note.data),
                         _("The unit has been asked to complete its report."))


def _decide(extension_id, approve, done_message):
    """Approve or reject an extension request."""
    extension = get_extension_or_404(extension_id)
    _authorize("extensions.decide", extension.finding)
    return _finding_step(extension.finding, "decision",
                         lambda f: services.decide_extension(current_actor(), extension, approve,
                                                             f.note.data),
                         done_message)


@bp.route("/extensions/<int:extension_id>/approve", methods=["POST"])
@requires("findings.list")
def approve_extension(extension_id):
    """Approve a request for more time: the deadline moves."""
    return _decide(extension_id, True, _("The new deadline has been approved."))


@bp.route("/extensions/<int:extension_id>/reject", methods=["POST"])
@requires("findings.list")
def reject_extension(extension_id):
    """Reject a request for more time: the deadline stays."""
    return _decide(extension_id, False, _("The request for more time has been rejected."))


@bp.route("/findings/<int:finding_id>/cancel", methods=["POST"])
@requires("findings.cancel")
def cancel(finding_id):
    """Cancel a finding, with the reason."""
    finding = get_finding_or_404(finding_id)
    return _finding_step(finding, "cancel",
                         lambda f: services.cancel_finding(current_actor(), finding, f.reason.data),
                         _("The finding has been cancelled."))


@bp.route("/findings/<int:finding_id>/reopen", methods=["POST"])
@requires("findings.cancel")
def reopen(finding_id):
    """Reopen a resolved finding, with the reason."""
    finding = get_finding_or_404(finding_id)
    return _finding_step(finding, "reopen",
                         lambda f: services.reopen_finding(current_actor(), finding, f.reason.data),
                         _("The finding has been reopened."))


@bp.route("/review")
@requires("dashboard.view")
def review_queue():
    """Reports waiting for a review (oldest first) and requests for more time."""
    reports, extensions = queries.review_queue()
    return render_template("findings/review_queue.html", reports=reports,
                           extensions=extensions)


# --- the list and its exports ------------------------------------------------------


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _export_name(extension):
    """A dated download name without accents, e.g. phat-hien-2026-03-01.csv."""
    stem = "-".join(fold(_("findings")).split())
    return f"{stem}-{clock.today().isoformat()}.{extension}"


@bp.route("/findings")
@requires("findings.list")
def index():
    """One page of the findings the user may see, filtered and searched."""
    return render_template("findings/index.html", listing=listing.list_html(current_actor()))


def _export(extension, mimetype, write):
    """The whole filtered list as a file that write(rows, file) fills, kept until the data changes.

    Its rows depend on the user's scope and the day, its labels on the language.
    """
    user = current_actor()
    filters = listing.filter_form(user).filters()
    today, locale = clock.today(), str(get_locale())
    key = [viewer_scope(user), sorted(filters.items()), locale, today]

    def build(out):
        """Write the rows, read while they are written."""
        write(queries.findings_query(user, filters, today).iterator(), out)
    return send_document(user, f"findings {extension}", key, build, _export_name(extension),
                         mimetype)


@bp.route("/findings/export.csv")
@requires("findings.list")
def export_csv():
    """The whole filtered list as CSV."""
    return _export("csv", "text/csv", lambda rows, out: out.writelines(exports.csv_chunks(rows)))


@bp.route("/findings/export.xlsx")
@requires("findings.list")
def export_xlsx():
    """The whole filtered list as an Excel workbook."""
    return _export("xlsx", XLSX_TYPE, exports.write_xlsx)
