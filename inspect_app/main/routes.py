"""The home page: what the signed-in user works on."""
from flask import Blueprint, current_app, render_template, send_from_directory
from flask_login import current_user

from .. import clock, workdays
from ..assessments import queries as assessments
from ..findings import queries as findings
from ..inspections import queries as inspections
from ..policy import can
from ..web import public, requires
from .overview import overview_html

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
    if current_user.role == "unit_head" and current_user.unit is not None:
        unit, today = current_user.unit, clock.today()
        return render_template("findings/unit_home.html", unit=unit,
                               groups=findings.unit_home(unit, today),
                               resolved_total=findings.resolved_count(unit),
                               days_overdue=workdays.overdue_counter(today),
                               sheets=assessments.unit_sheets(unit))
    if can(current_user, "dashboard.view"):
        today = clock.today()
        return render_template("main/dashboard.html", today=today,
                               overview=overview_html(today), to_appraise=_to_appraise())
    return render_template("main/home.html")


def _to_appraise():
    """How many draft conclusions wait for the signed-in user's appraisal."""
    if not can(current_user, "conclusions.awaiting"):
        return 0
    return inspections.awaiting_appraisal(current_user).count()
