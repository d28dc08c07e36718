"""The home page: what the signed-in user works on."""
from flask import render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from .. import clock, workdays
from ..cache import cached
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
# The home page's per-unit tables show the first units; a link leads to all of them.
HOME_UNITS = 10


def unit_chart_svg(today):
    """The chart of findings open and overdue today by unit, as inline SVG markup.

    Drawing it costs more than the rest of the page, so the markup is kept too.
    """
    def draw():
        rows = staff_figures(today)["chart_rows"]
        return Markup(charts.web_svg(charts.current_chart, rows, "home-unit-chart",
                                     _("Open and overdue findings by unit")))
    return cached(("staff home chart", today, str(get_locale())), draw)


def staff_figures(today):
    """The staff home page's figures of today, kept until the data changes."""
    def compute():
        return {**queries.staff_dashboard(today),
                "discipline": discipline.staff_counts(today),
                "chart_rows": queries.open_by_unit(today, CHART_UNITS)}
    return cached(("staff home", today), compute)


@bp.route("/")
@requires("home.view")
def home():
    """The home page for the signed-in user's role."""
    if current_user.role == "unit_head" and current_user.unit is not None:
        unit, today = current_user.unit, clock.today()
        return render_template("findings/unit_home.html", unit=unit,
                               groups=findings.unit_home(unit, today),
                               resolved_total=findings.resolved_count(unit),
                               days_overdue=workdays.overdue_counter(today))
    if can(current_user, "dashboard.view"):
        today = clock.today()
        return render_template("dashboard/home.html", labels=dict(status_choices()),
                               home_units=HOME_UNITS, unit_chart=unit_chart_svg(today),
                               **staff_figures(today))
    return render_template("main/home.html")
