"""The staff home page's figures, rendered once for every reader of a language."""
from flask import render_template, request
from flask_babel import get_locale
from markupsafe import Markup

from ..cache import derived
from ..pdf import charts
from ..reports import queries

# The home page's per-unit tables show the first units; a link leads to all of them.
HOME_UNITS = 10


def overview_html(today):
    """The figures of today's staff home page as markup, kept while the figures are the same.

    Rendering their tables costs more than the rest of the page. The markup holds links,
    so it is kept per script root as well as per language.
    """
    figures = queries.cached_staff_home(today)

    def render():
        return Markup(render_template(
            "main/_overview.html", home_units=HOME_UNITS,
            unit_chart=charts.home_chart_svg(today, figures["chart_rows"]), **figures))
    return derived(("staff home overview", today, str(get_locale()), request.script_root),
                   figures, render)
