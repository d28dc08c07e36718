"""Plans and inspections: the annual plans, the inspections list, calendar, create/edit, the
inspection page and its actions."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import clock
from ..errors import WorkflowError
from ..formatting import format_date
from ..i18n import gettext as _
from ..kept_documents import send_document
from ..models import Attachment, Inspection, Plan, Unit, User
from ..pdf import documents
from ..policy import can
from ..reports.monthly import Month
from ..units.services import active_units
from ..web import (
    apply_form_error,
    bounded_int,
    current_actor,
    flash_error,
    paginate_query,
    requires,
    run_step,
)
from . import queries, services
from .forms import (
    AppraisalDecisionForm,
    AppraisalRequestForm,
    AttachmentForm,
    CancelForm,
    ConclusionForm,
    InspectionFilterForm,
    InspectionForm,
    PlanForm,
)

bp = Blueprint("inspections", __name__)

PER_PAGE = 25


def get_inspection_or_404(inspection_id):
    """The inspection with this id if the current user may see it, else 404."""
    inspection = (Inspection
                  .select(Inspection, Unit)
                  .join(Unit)
                  .where(Inspection.id == inspection_id)
                  .first())
    if inspection is None or not can(current_user, "inspections.view", inspection):
        abort(404)
    return inspection


def _inspection_url(inspection):
    """The inspection's page."""
    return url_for("inspections.show", inspection_id=inspection.id)


@bp.route("/inspections")
@requires("inspections.list")
def index():
    """The inspections the user may see, filtered by year, unit, status and kind."""
    form = InspectionFilterForm(request.args)
    units = (active_units() if can(current_user, "inspections.view")
             else Unit.select().where(Unit.id == current_user.unit_id))
    form.fill_choices(units)
    valid = form.validate()
    inspections = queries.filtered_inspections(
        current_user,
        **({"year": form.year.data, "unit_id": form.unit.data, "status": form.status.data,
            "kind": form.kind.data} if valid else {}))
    return render_template("inspections/index.html", form=form,
                           pager=paginate_query(inspections, PER_PAGE))


def _calendar_month(text):
    """The month asked for as YYYY-MM, or this month when it is missing or out of range."""
    try:
        return Month.parse(text)
    except ValueError:
        return Month.of(clock.today())


@bp.route("/inspections/calendar")
@requires("inspections.list")
def calendar():
    """A month of inspections, week by week."""
    month = _calendar_month(request.args.get("month"))
    previous, following = month.previous(), month.next()
    inspections = queries.inspections_between(current_user,
                                              *queries.month_grid_span(month.year, month.month))
    return render_template("inspections/calendar.html", month=month,
                           weeks=queries.month_weeks(month.year, month.month, inspections),
                           previous=previous if previous.in_range else None,
                           following=following if following.in_range else None,
                           today=clock.today())


def _fill_form(form, inspection):
    """Offer the choices of the inspection form and, on GET, show the saved values."""
    units = list(active_units())
    if inspection.id and not inspection.unit.active:
        units.append(inspection.unit)
    earlier = (Inspection
               .select(Inspection, Unit)
               .join(Unit)
               .where(Inspection.status != "cancelled", Inspection.id != (inspection.id or 0))
               .order_by(Unit.sort_name, Inspection.start_date.desc()))
    form.fill_choices(Plan.select().order_by(Plan.year.desc(), Plan.title), units,
                      queries.active_inspectors(), earlier)
    if request.method == "GET" and inspection.id:
        form.plan.data = inspection.plan_id or 0
        form.unit.data = inspection.unit_id
        form.lead.data = inspection.lead_id or 0
        form.follow_up_of.data = inspection.follow_up_of_id or 0
        form.members.data = [user.id for user in queries.team(inspection)]
    elif request.method == "GET":
        form.plan.data = request.args.get("plan_id", 0, type=bounded_int)


def _form_values(form):
    """The service arguments of a submitted inspection form."""
    def chosen(model, value):
        return model.get_or_none(model.id == value) if value else None

    return {"plan": chosen(Plan, form.plan.data), "unit": chosen(Unit, form.unit.data),
            "title": form.title.data, "topics": form.topics.data or "",
            "kind": form.kind.data, "follow_up_of": chosen(Inspection, form.follow_up_of.data),
            "start_date": form.start_date.data, "end_date": form.end_date.data,
            "lead": chosen(User, form.lead.data),
            "members": list(User.select().where(User.id.in_(form.members.data or []))),
            "decision_no": form.decision_no.data or "",
            "decision_date": form.decision_date.data}


def _edit(inspection):
    """Show and handle the inspection form; warn about overlapping inspections."""
    form = InspectionForm(obj=inspection if inspection.id else None)
    _fill_form(form, inspection)
    if form.validate_on_submit():
        try:
            inspection, overlaps = services.save_inspection(current_actor(), inspection,
                                                            **_form_values(form))
        except WorkflowError as error:
            apply_form_error(form, error)
        else:
            flash(_("The inspection has been saved."), "success")
            if overlaps:
                flash(_("Check for duplication: this unit has other inspections close in "
                        "time or on a similar topic: %(list)s.",
                        list="; ".join(f"{o.title} ({format_date(o.start_date)})"
                                       for o in overlaps)), "warning")
            return redirect(_inspection_url(inspection))
    return render_template("inspections/edit.html", form=form, inspection=inspection)


@bp.route("/inspections/new", methods=["GET", "POST"])
@requires("inspections.manage")
def create():
    """Create an inspection."""
    return _edit(Inspection())


@bp.route("/inspections/<int:inspection_id>/edit", methods=["GET", "POST"])
@requires("inspections.manage")
def edit(inspection_id):
    """Edit an inspection that is planned or in progress."""
    return _edit(get_inspection_or_404(inspection_id))


@bp.route("/inspections/<int:inspection_id>")
@requires("inspections.list")
def show(inspection_id):
    """The inspection: details, team, findings, files and the actions the user may take."""
    inspection = get_inspection_or_404(inspection_id)
    staff = can(current_user, "inspections.view")
    files = (Attachment
             .select()
             .where(Attachment.inspection == inspection)
             .order_by(Attachment.uploaded_at, Attachment.id))
    may_conclude = can(current_user, "inspections.conclude", inspection)
    return render_template(
        "inspections/show.html", inspection=inspection, members=queries.team(inspection),
        findings=queries.inspection_findings(inspection, include_drafts=staff),
        files=list(files), cancel_form=CancelForm(), attachment_form=AttachmentForm(),
        may_conclude=may_conclude,
        may_issue=may_conclude and services.appraisal_refusal(inspection) is None,
        may_submit=may_conclude and services.may_submit_for_appraisal(inspection),
        may_appraise=(services.awaits_appraisal(inspection)
                      and can(current_user, "conclusions.appraise", inspection)),
        appraisal_history=queries.appraisal_history(inspection) if staff else [])


@bp.route("/inspections/<int:inspection_id>/start", methods=["POST"])
@requires("inspections.manage")
def start(inspection_id):
    """planned → in progress."""
    inspection = get_inspection_or_404(inspection_id)
    return run_step(None, lambda: services.start_inspection(current_actor(), inspection),
                    _("The inspection is now in progress."), _inspection_url(inspection))


@bp.route("/inspections/<int:inspection_id>/cancel", methods=["POST"])
@requires("inspections.manage")
def cancel(inspection_id):
    """Cancel the inspection with a reason."""
    form = CancelForm()
    inspection = get_inspection_or_404(inspection_id)
    return run_step(None, lambda: services.cancel_inspection(current_actor(), inspection,
                                                             form.reason.data or ""),
                    _("The inspection has been cancelled."), _inspection_url(inspection))


def _require_on(inspection, action):
    """403 unless the current user may perform action on this inspection."""
    if not can(current_user, action, inspection):
        abort(403)


@bp.route("/inspections/<int:inspection_id>/close", methods=["POST"])
@requires("inspections.list")
def close(inspection_id):
    """concluded → closed, when every finding is resolved or cancelled."""
    inspection = get_inspection_or_404(inspection_id)
    _require_on(inspection, "inspections.conclude")
    return run_step(None, lambda: services.close_inspection(current_actor(), inspection),
                    _("The inspection has been closed."), _inspection_url(inspection))


@bp.route("/inspections/<int:inspection_id>/conclusion", methods=["GET", "POST"])
@requires("inspections.list")
def conclusion(inspection_id):
    """The conclusion form, with the draft findings it will issue."""
    inspection = get_inspection_or_404(inspection_id)
    _require_on(inspection, "inspections.conclude")
    if inspection.status != "in_progress":
        flash(_("The conclusion can be issued only while the inspection is in progress."),
              "danger")
        return redirect(_inspection_url(inspection))
    refusal = services.appraisal_refusal(inspection)
    if refusal is not None:
        flash(str(refusal), "danger")
        return redirect(_inspection_url(inspection))
    form = ConclusionForm()
    if request.method == "GET":
        form.conclusion_date.data = clock.today()
        form.summary.data = inspection.conclusion_summary
    if form.validate_on_submit():
        try:
            issued = services.issue_conclusion(current_actor(), inspection, form.conclusion_no.data,
                                               form.conclusion_date.data, form.summary.data)
        except WorkflowError as error:
            apply_form_error(form, error)
        else:
            flash(_("The conclusion has been issued with %(count)d findings; the units "
                    "have been notified.", count=len(issued)), "success")
            return redirect(_inspection_url(inspection))
    return render_template("inspections/conclusion.html", form=form, inspection=inspection,
                           drafts=list(services.draft_findings(inspection)))


def _draft_page(template, form, inspection, **extra):
    """A page about the draft conclusion: its draft findings and its appraisal so far."""
    return render_template(template, form=form, inspection=inspection,
                           drafts=list(services.draft_findings(inspection)),
                           history=queries.appraisal_history(inspection), **extra)


@bp.route("/inspections/<int:inspection_id>/appraisal/submit", methods=["GET", "POST"])
@requires("inspections.list")
def submit_for_appraisal(inspection_id):
    """The team submits its draft conclusion to the appraiser it names."""
    inspection = get_inspection_or_404(inspection_id)
    _require_on(inspection, "conclusions.submit_for_appraisal")
    if not services.may_submit_for_appraisal(inspection):
        flash(_("This draft conclusion cannot be submitted for appraisal now."), "danger")
        return redirect(_inspection_url(inspection))
    form = AppraisalRequestForm()
    form.fill_choices(queries.appraiser_candidates(inspection))
    if request.method == "GET":
        form.summary.data = inspection.conclusion_summary
    return run_step(
        form, lambda f: services.submit_for_appraisal(
            current_actor(), inspection, User.get_or_none(User.id == f.appraiser.data),
            f.summary.data or ""),
        _("The draft conclusion has been submitted for appraisal; the appraiser has been "
          "notified."), _inspection_url(inspection),
        lambda f: _draft_page("inspections/appraisal_submit.html", f, inspection))


@bp.route("/inspections/<int:inspection_id>/appraisal", methods=["GET", "POST"])
@requires("inspections.list")
def appraise(inspection_id):
    """The appraiser reads the draft conclusion, then appraises it or returns it with notes."""
    inspection = get_inspection_or_404(inspection_id)
    _require_on(inspection, "conclusions.appraise")

    def decide(form):
        step = (services.appraise_conclusion if form.outcome.data == "appraised"
                else services.return_conclusion)
        return step(current_actor(), inspection, form.note.data or "")

    return run_step(
        AppraisalDecisionForm(), decide,
        _("Your appraisal has been recorded; the team has been notified."),
        _inspection_url(inspection),
        lambda f: _draft_page("inspections/appraisal.html", f, inspection,
                              awaiting=services.awaits_appraisal(inspection)))


@bp.route("/appraisals")
@requires("conclusions.awaiting")
def appraisals():
    """The draft conclusions waiting for the signed-in user's appraisal."""
    return render_template("inspections/appraisals.html",
                           inspections=list(queries.awaiting_appraisal(current_user)))


@bp.route("/inspections/<int:inspection_id>/conclusion.pdf")
@requires("inspections.list")
def conclusion_pdf(inspection_id):
    """The issued conclusion as an official PDF document (in Vietnamese)."""
    inspection = get_inspection_or_404(inspection_id)
    if inspection.status not in ("concluded", "closed"):
        abort(404)
    return send_document(current_user, "conclusion", _conclusion_key(inspection),
                         lambda out: out.write(documents.conclusion_pdf(inspection)),
                         documents.conclusion_filename(inspection), documents.PDF_TYPE)


def _conclusion_key(inspection):
    """What a kept conclusion depends on besides the tracked tables: the team's names.

    Users are not tracked (sign-ins change them all the time), so a renamed lead or
    member must make a new key.
    """
    lead = inspection.lead.full_name if inspection.lead_id else ""
    team = [member.full_name for member in queries.conclusion_team(inspection)]
    return [inspection.id, lead, team]


@bp.route("/inspections/<int:inspection_id>/attachments", methods=["POST"])
@requires("inspections.manage")
def upload(inspection_id):
    """Attach a file (on-site record, team decision) to the inspection."""
    inspection = get_inspection_or_404(inspection_id)
    form = AttachmentForm()
    if not form.validate_on_submit():
        for error in form.file.errors:
            flash(str(error), "danger")
    else:
        try:
            services.attach_file(current_actor(), inspection, form.file.data)
        except WorkflowError as error:
            flash_error(error)
        else:
            flash(_("The file has been attached."), "success")
    return redirect(_inspection_url(inspection) + "#files")


# --- annual plans ---------------------------------------------------------------------


def _plan_url(plan):
    """The plan's page."""
    return url_for("inspections.plan_show", plan_id=plan.id)


def get_plan_or_404(plan_id):
    """The plan with this id, or 404."""
    plan = Plan.get_or_none(Plan.id == plan_id)
    if plan is None:
        abort(404)
    return plan


@bp.route("/plans")
@requires("plans.view")
def plans():
    """Every annual plan with its number of inspections."""
    return render_template("inspections/plans/index.html", plans=queries.plans_with_counts())


def _edit_plan(plan):
    """Show and handle the plan form for a new or existing plan."""
    form = PlanForm(obj=plan if plan.id else None)
    if request.method == "GET" and not plan.id:
        form.year.data = clock.today().year
    return run_step(form, lambda f: services.save_plan(current_actor(), plan, f.year.data,
                                                       f.title.data, f.decision_no.data or "",
                                                       f.decision_date.data),
                    _("The plan has been saved."), _plan_url,
                    lambda f: render_template("inspections/plans/edit.html", form=f, plan=plan))


@bp.route("/plans/new", methods=["GET", "POST"])
@requires("plans.manage")
def plan_create():
    """Create an annual plan."""
    return _edit_plan(Plan())


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@requires("plans.manage")
def plan_edit(plan_id):
    """Edit an annual plan."""
    return _edit_plan(get_plan_or_404(plan_id))


@bp.route("/plans/<int:plan_id>")
@requires("plans.view")
def plan_show(plan_id):
    """One plan and its inspections."""
    plan = get_plan_or_404(plan_id)
    return render_template("inspections/plans/show.html", plan=plan,
                           inspections=queries.plan_inspections(plan))


@bp.route("/plans/<int:plan_id>/approve", methods=["POST"])
@requires("plans.manage")
def plan_approve(plan_id):
    """Mark the plan approved."""
    plan = get_plan_or_404(plan_id)
    return run_step(None, lambda: services.approve_plan(current_actor(), plan),
                    _("The plan has been approved."), _plan_url(plan))
