"""The admin's pages: users, settings, finding categories, the audit trail and the outbox."""
import json

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from peewee import JOIN

from .. import authority, settings
from ..auth import services as accounts
from ..errors import WorkflowError
from ..i18n import gettext as _
from ..labels import AUDIT_OBJECT
from ..mail.outbox import RETRYABLE
from ..models import AuthorityVersion, Category, OutboxMessage, Unit, User
from ..units.services import active_units
from ..web import apply_form_error, current_actor, paginate_query, requires, run_step
from . import queries, services
from .forms import (
    AuditFilterForm,
    AuthorityVersionForm,
    CategoryForm,
    UserForm,
    settings_form,
)

bp = Blueprint("admin", __name__)

# The audit trail and the outbox grow without end: their pages are not counted (probe).
AUDIT_PAGE_SIZE = 50
OUTBOX_PAGE_SIZE = 50


def get_user_or_404(user_id):
    """The account with this id, or 404."""
    user = User.get_or_none(User.id == user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users")
@requires("users.manage")
def users():
    """All accounts, optionally filtered by role, active first."""
    role = request.args.get("role", "")
    query = (User
             .select(User, Unit)
             .join(Unit, join_type=JOIN.LEFT_OUTER)
             .order_by(User.active.desc(), User.sort_name, User.username))
    if role:
        query = query.where(User.role == role)
    return render_template("admin/users.html", users=query, role=role)


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
            user = accounts.create_user(current_actor(), form.username.data, form.full_name.data,
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
    return run_step(form, lambda f: accounts.update_user(current_actor(), user, f.full_name.data,
                                                         f.role.data, _unit_or_none(f.unit.data),
                                                         f.email.data, f.locale.data),
                    _("The account has been saved."), url_for("admin.users"),
                    lambda f: render_template("admin/user_edit.html", form=f, user=user))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@requires("users.manage")
def deactivate_user(user_id):
    """Deactivate an account, ending its sessions."""
    user = get_user_or_404(user_id)
    return run_step(None, lambda: accounts.set_user_active(current_actor(), user, False),
                    _("The account has been deactivated."), url_for("admin.users"))


@bp.route("/users/<int:user_id>/activate", methods=["POST"])
@requires("users.manage")
def activate_user(user_id):
    """Reactivate an account."""
    accounts.set_user_active(current_actor(), get_user_or_404(user_id), True)
    flash(_("The account has been reactivated."), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@requires("users.manage")
def reset_password(user_id):
    """Give an account a one-time password, shown once on this page only."""
    user = get_user_or_404(user_id)
    one_time = accounts.reset_password(current_actor(), user)
    return render_template("admin/one_time_password.html", user=user, password=one_time)


@bp.route("/settings", methods=["GET", "POST"])
@requires("settings.manage")
def settings_page():
    """The settings used in documents, reminders and reports."""
    form = settings_form(settings.SPECS, settings.all_values())

    def save(posted):
        """Save every setting as the form gives it."""
        return services.save_settings(current_actor(), {
            spec.key: (posted[spec.key].data or "").strip() for spec in settings.SPECS})
    return run_step(form, save, _("The settings have been saved."), url_for("admin.settings_page"),
                    lambda f: render_template("admin/settings.html", form=f))


@bp.route("/authority")
@requires("settings.manage")
def authority_versions():
    """The authority's names over time, each version with the day it took effect."""
    return render_template("admin/authority.html", versions=authority.versions())


def _edit_authority_version(version):
    """Show and handle the form of a new or existing version of the authority's names."""
    form = AuthorityVersionForm(obj=version if version.id else None)
    return run_step(form, lambda f: services.save_authority_version(
        current_actor(), version, f.valid_from.data, f.parent_authority.data or "",
        f.authority_name.data, f.place_name.data or "", f.signer.data,
        f.signature_title.data or "", f.signer_name.data or ""),
        _("The authority's names have been saved."), url_for("admin.authority_versions"),
        lambda f: render_template("admin/authority_edit.html", form=f, version=version))


@bp.route("/authority/new", methods=["GET", "POST"])
@requires("settings.manage")
def create_authority_version():
    """Add the names the authority takes from a date on."""
    return _edit_authority_version(AuthorityVersion())


@bp.route("/authority/<int:authority_version_id>", methods=["GET", "POST"])
@requires("settings.manage")
def edit_authority_version(authority_version_id):
    """Correct a version of the authority's names."""
    version = AuthorityVersion.get_or_none(AuthorityVersion.id == authority_version_id)
    if version is None:
        abort(404)
    return _edit_authority_version(version)


@bp.route("/audit")
@requires("audit.view")
def audit_log():
    """The audit trail, filtered by object, user and dates."""
    form = AuditFilterForm(request.args)
    form.entity.choices = [("", _("(all)"))] + [
        (e, AUDIT_OBJECT.get(e, e)) for e in queries.audit_entities()]
    form.actor.choices = [(0, _("(all)"))] + [
        (u.id, u.full_name) for u in User.select().order_by(User.sort_name)]
    form.validate()

    def value(field):
        """A filter's value, ignored when that filter alone is invalid."""
        return None if field.errors else field.data

    events = queries.audit_events(entity=value(form.entity), actor_id=value(form.actor),
                                  day_from=value(form.day_from), day_to=value(form.day_to))
    pager = paginate_query(events, AUDIT_PAGE_SIZE, probe=True)
    return render_template("admin/audit.html", form=form, pager=pager,
                           entries=queries.describe_events(pager.rows))


@bp.route("/categories")
@requires("categories.manage")
def categories():
    """The finding categories."""
    rows = Category.select().order_by(Category.area, Category.code)
    return render_template("admin/categories.html", categories=rows)


def _edit_category(category):
    """Show and handle the category form for a new or existing category."""
    form = CategoryForm(obj=category if category.id else None)
    return run_step(form, lambda f: services.save_category(current_actor(), category, f.code.data,
                                                           f.name.data, f.area.data,
                                                           f.default_severity.data, f.active.data),
                    _("The category has been saved."), url_for("admin.categories"),
                    lambda f: render_template("admin/category_edit.html", form=f,
                                              category=category))


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


# --- the outbox -----------------------------------------------------------------------


# The stored HTML body is shown on its own, unable to run scripts or load anything.
HTML_PREVIEW_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def get_message_or_404(message_id):
    """The outbox message with this id, or 404."""
    message = OutboxMessage.get_or_none(OutboxMessage.id == message_id)
    if message is None:
        abort(404)
    return message


@bp.route("/outbox")
@requires("outbox.manage")
def outbox():
    """The queued and delivered e-mails, newest first, filtered by status."""
    status = request.args.get("status", "")
    pager = paginate_query(queries.outbox_messages(status), OUTBOX_PAGE_SIZE, probe=True)
    return render_template("admin/outbox.html", pager=pager, status=status,
                           counts=queries.status_counts())


@bp.route("/outbox/<int:message_id>")
@requires("outbox.manage")
def outbox_message(message_id):
    """One e-mail: its headers, delivery attempts, text body and attachments."""
    message = get_message_or_404(message_id)
    attachments = json.loads(message.attachments or "[]")
    return render_template("admin/outbox_message.html", message=message,
                           attachments=[{"filename": a.get("filename", a.get("document")),
                                         "size": len(a.get("content_b64", "")) * 3 // 4}
                                        for a in attachments],
                           can_retry=message.status in RETRYABLE)


@bp.route("/outbox/<int:message_id>/html")
@requires("outbox.manage")
def outbox_message_html(message_id):
    """The HTML body as the recipient sees it, sandboxed."""
    message = get_message_or_404(message_id)
    if not message.body_html:
        abort(404)
    response = make_response(message.body_html)
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    response.headers["Content-Security-Policy"] = HTML_PREVIEW_CSP
    return response


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@requires("outbox.manage")
def retry_outbox_message(message_id):
    """Send a failed or dead message again at the next delivery run."""
    message = get_message_or_404(message_id)
    if services.retry_message(current_actor(), message):
        flash(_("The message will be sent again within a minute."), "success")
    else:
        flash(_("Only a failed or given-up message can be retried."), "warning")
    return redirect(url_for("admin.outbox_message", message_id=message.id))
