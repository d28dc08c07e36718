"""Annual plans: list, create, edit, approve, and one plan with its inspections."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..errors import WorkflowError
from ..models import Plan
from ..web import apply_form_error, flash_error, requires
from . import bp, queries, services
from .forms import PlanForm, kind_labels, plan_status_labels, status_labels


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
    return render_template("plans/index.html", plans=queries.plans_with_counts(),
                           plan_status_labels=plan_status_labels())


def _edit(plan):
    """Show and handle the plan form for a new or existing plan."""
    form = PlanForm(obj=plan if plan.id else None)
    if request.method == "GET" and not plan.id:
        form.year.data = clock.today().year
    if form.validate_on_submit():
        try:
            services.save_plan(current_user._get_current_object(), plan, form.year.data,
                               form.title.data, form.decision_no.data or "",
                               form.decision_date.data)
        except WorkflowError as error:
            apply_form_error(form, error)
        else:
            flash(_("The plan has been saved."), "success")
            return redirect(url_for("inspections.plan_show", plan_id=plan.id))
    return render_template("plans/edit.html", form=form, plan=plan)


@bp.route("/plans/new", methods=["GET", "POST"])
@requires("plans.manage")
def plan_create():
    """Create an annual plan."""
    return _edit(Plan())


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@requires("plans.manage")
def plan_edit(plan_id):
    """Edit an annual plan."""
    return _edit(get_plan_or_404(plan_id))


@bp.route("/plans/<int:plan_id>")
@requires("plans.view")
def plan_show(plan_id):
    """One plan and its inspections."""
    plan = get_plan_or_404(plan_id)
    return render_template("plans/show.html", plan=plan,
                           inspections=queries.plan_inspections(plan),
                           plan_status_labels=plan_status_labels(),
                           status_labels=status_labels(), kind_labels=kind_labels())


@bp.route("/plans/<int:plan_id>/approve", methods=["POST"])
@requires("plans.manage")
def plan_approve(plan_id):
    """Mark the plan approved."""
    plan = get_plan_or_404(plan_id)
    try:
        services.approve_plan(current_user._get_current_object(), plan)
    except WorkflowError as error:
        flash_error(error)
    else:
        flash(_("The plan has been approved."), "success")
    return redirect(url_for("inspections.plan_show", plan_id=plan.id))
