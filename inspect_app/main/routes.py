"""The home page: what the signed-in user works on."""
from flask import render_template
from flask_login import current_user

from .. import clock
from ..findings import services as findings
from ..findings_list.forms import status_choices
from ..policy import can
from ..reports import queries
from ..web import requires
from . import bp


@bp.route("/")
@requires("home.view")
def home():
    """The home page for the signed-in user's role."""
    if current_user.role == "unit_head" and current_user.unit is not None:
        return render_template("findings/unit_home.html", unit=current_user.unit,
                               groups=findings.unit_home(current_user.unit, clock.today()))
    if can(current_user, "dashboard.view"):
        return render_template("dashboard/home.html", labels=dict(status_choices()),
                               **queries.staff_dashboard(clock.today()))
    return render_template("main/home.html")
