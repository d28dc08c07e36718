"""The home page: what the signed-in user works on."""
from flask import Blueprint, current_app, render_template, send_from_directory
from flask_login import current_user

from .. import clock
from ..inspections import queries as inspections
from ..policy import can
from ..web import public, requires
from .overview import overview_html
from .unit_home import unit_home_html

bp = Blueprint("main", __name__)


@bp.route("/sw.js")
@public
def service_worker():
    """The offline service worker, served from the root so that it may keep every page.

    The browser must ask again on each visit (no-cache) to pick up a new version at once.
    """
    response = send_from_directory(current_app.static_folder, "js/sw.js",
                                   mimetype="text/javascript", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/")
@requires("home.view")
def home():
    """The home page for the signed-in user's role."""
    if current_user.role == "unit_head" and current_user.unit_id is not None:
        return render_template("findings/unit_home.html",
                               unit_home=unit_home_html(current_user.unit_id, clock.today()))
    if can(current_user, "dashboard.view"):
        today = clock.today()
        return render_template("main/dashboard.html", today=today,
                               overview=overview_html(today), to_appraise=_to_appraise())
    return render_template("main/home.html")


def _to_appraise():
    """How many draft conclusions wait for the signed-in user's appraisal."""
    if not can(current_user, "conclusions.awaiting"):
        return 0
    return inspections.awaiting_appraisal_count(current_user)
