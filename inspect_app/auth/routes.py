"""Sign-in, sign-out, password change, account settings and language switch."""
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from ..errors import WorkflowError
from ..feeds import queries as feeds
from ..i18n import gettext as _
from ..web import apply_form_error, current_actor, public, renew_session, requires, safe_next
from . import services, sessions
from .forms import AccountForm, ChangePasswordForm, LanguageForm, LoginForm

bp = Blueprint("auth", __name__)


def _start_session(user):
    """Begin a fresh session for user: a new server-side record, no earlier session data."""
    renew_session()
    session.permanent = True
    sessions.start(user, request.remote_addr, request.user_agent.string)
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """The sign-in page."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.username.data, form.password.data,
                                         request.remote_addr)
        except WorkflowError as error:
            apply_form_error(form, error)
        else:
            _start_session(user)
            if user.must_change_password:
                flash(_("Please choose a new password before you continue."), "warning")
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next(form.next.data))
    return render_template("auth/login.html", form=form, language_form=LanguageForm())


@bp.route("/logout", methods=["POST"])
@requires("account.manage")
def logout():
    """End the session, on the server too: a copy of the cookie stops working."""
    sessions.end(current_user.session_token)
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@requires("account.manage")
def change_password():
    """Change one's own password; other sessions of the account end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = services.change_password(current_actor(), form.current_password.data,
                                            form.new_password.data)
        except WorkflowError as error:
            apply_form_error(form, error)
        else:
            _start_session(user)
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@requires("account.manage")
def account():
    """One's own notification email and language."""
    user = current_actor()
    form = AccountForm(obj=user)
    if form.validate_on_submit():
        services.update_own_account(user, form.email.data, form.locale.data)
        flash(_("Your account has been saved."), "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form,
                           calendar_feed=feeds.feed_of(user))


@bp.route("/language", methods=["POST"])
@public
def set_language():
    """Switch the interface language (stored on the account when signed in)."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            user = current_actor()
            services.update_own_account(user, user.email, form.lang.data)
    return redirect(safe_next(form.next.data, "auth.login"))
