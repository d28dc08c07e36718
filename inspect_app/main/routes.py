"""The home page: what the signed-in user works on."""
from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from .. import clock
from ..discipline import queries as discipline
from ..findings import services as findings
from ..findings_list.forms import status_choices
from ..pdf import charts
from ..policy import can
from ..reports import queries
from ..web import requires
from . import bp

# The home page chart shows the units with most open findings.
CHART_UNITS = 15


def unit_chart_svg(today):
    """The chart of findings open and overdue today by unit, as inline SVG."""
    return Markup(charts.web_svg(charts.current_chart, queries.open_by_unit(today, CHART_UNITS),
                                 "home-unit-chart", _("Open and overdue findings by unit")))


@bp.route("/")
@requires("home.view")
def home():
    """The home page for the signed-in user's role."""
    if current_user.role == "unit_head" and current_user.unit is not None:
        return render_template("findings/unit_home.html", unit=current_user.unit,
                               groups=findings.unit_home(current_user.unit, clock.today()))
    if can(current_user, "dashboard.view"):
        return render_template("dashboard/home.html", labels=dict(status_choices()),
                               discipline=discipline.staff_counts(clock.today()),
                               unit_chart=unit_chart_svg(clock.today()),
                               **queries.staff_dashboard(clock.today()))
    return render_template("main/home.html")
