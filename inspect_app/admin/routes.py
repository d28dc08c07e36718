"""The admin's pages: users, settings and the audit trail."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from peewee import JOIN

from .. import settings
from ..auth import services as accounts
from ..errors import WorkflowError
from ..models import Category, Unit, User
from ..units.services import active_units
from ..web import apply_form_error, page_number, requires
from . import bp, services
from .forms import (AuditFilterForm, CategoryForm, UserForm, role_choices, settings_form,
                    severity_choices)


def get_user_or_404(user_id):
    """The account with this id, or 404."""
    user = User.get_or_none(User.id == user_id)
    if user is None:
        abort(404)
    return user


def _actor():
    """The signed-in admin as a model instance."""
    return current_user._get_current_object()


@bp.route("/users")
@requires("users.manage")
def users():
    """All accounts, optionally filtered by role, active first."""
    role = request.args.get("role", "")
    query = (User
             .select(User, Unit)
             .join(Unit, join_type=JOIN.LEFT_OUTER)
             .order_by(User.active.desc(), User.username))
    if role:
        query = query.where(User.role == role)
    choices = role_choices()
    return render_template("admin/users.html", users=query, role=role, role_choices=choices,
                           role_labels=dict(choices))


def _unit_or_none(unit_id):
    """The unit chosen in a form, or None."""
    return Unit.get_or_none(Unit.id == unit_id) if unit_id else None


@bp.route("/users/new", methods=["GET", "POST"])
@requires("users.manage")
def create_user():
    """Create an account with a one-time password shown once."""
    form = UserForm()
    form.fill_choices(active_units())
    if form.validate_on_submit():
        one_time = accounts.generate_one_time_password()
        try:
            user = accounts.create_user(_actor(), form.username.data, form.full_name.data,
                                        form.role.data, one_time,
                                        unit=_unit_or_none(form.unit.data),
                                        email=form.email.data, locale=form.locale.data,
                                        must_change_password=True)
        except WorkflowError as error:
            apply_form_error(form, error)
        else:
            return render_template("admin/one_time_password.html", user=user,
                                   password=one_time)
    return render_template("admin/user_edit.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires("users.manage")
def edit_user(user_id):
    """Edit an account's name, role, unit, email and language."""
    user = get_user_or_404(user_id)
    form = UserForm(obj=user)
    # A username never changes: the page shows it as text, so the form must not ask for it.
    del form.username
    form.fill_choices(active_units())
    if request.method == "GET":
        form.unit.data = user.unit_id or 0
    if form.validate_on_submit():
        try:
            accounts.update_user(_actor(), user, form.full_name.data, form.role.data,
                                 _unit_or_none(form.unit.data), form.email.data,
                                 form.locale.data)
        except WorkflowError as error:
            apply_form_error(form, error)
        else:
            flash(_("The account has been saved."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_edit.html", form=form, user=user)


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@requires("users.manage")
def deactivate_user(user_id):
    """Deactivate an account, ending its sessions."""
    try:
        accounts.set_user_active(_actor(), get_user_or_404(user_id), False)
    except WorkflowError as error:
        flash(str(error.message), "danger")
    else:
        flash(_("The account has been deactivated."), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/activate", methods=["POST"])
@requires("users.manage")
def activate_user(user_id):
    """Reactivate an account."""
    accounts.set_user_active(_actor(), get_user_or_404(user_id), True)
    flash(_("The account has been reactivated."), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@requires("users.manage")
def reset_password(user_id):
    """Give an account a one-time password, shown once on this page only."""
    user = get_user_or_404(user_id)
    one_time = accounts.reset_password(_actor(), user)
    return render_template("admin/one_time_password.html", user=user, password=one_time)


@bp.route("/settings", methods=["GET", "POST"])
@requires("settings.manage")
def settings_page():
    """The settings used in documents, reminders and reports."""
    form = settings_form(settings.SPECS, settings.all_values())
    if form.validate_on_submit():
        values = {spec.key: (form[spec.key].data or "").strip() for spec in settings.SPECS}
        try:
            services.save_settings(_actor(), values)
        except WorkflowError as error:
            apply_form_error(form, error)
        else:
            flash(_("The settings have been saved."), "success")
            return redirect(url_for("admin.settings_page"))
    return render_template("admin/settings.html", form=form)


@bp.route("/audit")
@requires("audit.view")
def audit_log():
    """The audit trail, filtered by object, user and dates."""
    form = AuditFilterForm(request.args)
    form.entity.choices = [("", _("(all)"))] + [(e, e) for e in services.audit_entities()]
    form.actor.choices = [(0, _("(all)"))] + [
        (u.id, u.username) for u in User.select().order_by(User.username)]
    page = page_number()
    form.validate()

    def value(field):
        """A filter's value, ignored when that filter alone is invalid."""
        return None if field.errors else field.data

    events, has_more = services.audit_events(
        entity=value(form.entity), actor_id=value(form.actor),
        day_from=value(form.day_from), day_to=value(form.day_to), page=page)
    return render_template("admin/audit.html", form=form, events=events, page=page,
                           has_more=has_more)


@bp.route("/categories")
@requires("categories.manage")
def categories():
    """The finding categories."""
    rows = Category.select().order_by(Category.area, Category.code)
    return render_template("admin/categories.html", categories=rows,
                           severity_labels=dict(severity_choices()))


def _edit_category(category):
    """Show and handle the category form for a new or existing category."""
    form = CategoryForm(obj=category if category.id else None)
    if form.validate_on_submit():
        try:
            services.save_category(_actor(), category, form.code.data, form.name.data,
                                   form.area.data, form.default_severity.data,
                                   form.active.data)
        except WorkflowError as error:
            apply_form_error(form, error)
        else:
            flash(_("The category has been saved."), "success")
            return redirect(url_for("admin.categories"))
    return render_template("admin/category_edit.html", form=form, category=category)


@bp.route("/categories/new", methods=["GET", "POST"])
@requires("categories.manage")
def create_category():
    """Create a finding category."""
    return _edit_category(Category())


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
@requires("categories.manage")
def edit_category(category_id):
    """Edit a finding category."""
    category = Category.get_or_none(Category.id == category_id)
    if category is None:
        abort(404)
    return _edit_category(category)
