"""The unit head's home page: their unit's findings and sheets, rendered once per unit."""
from flask import render_template, request
from flask_babel import get_locale
from markupsafe import Markup

from .. import workdays
from ..assessments import queries as assessments
from ..cache import cached_markup
from ..findings import queries as findings
from ..models import Unit

# What the page shows: the unit (with the units it replaced) and its findings, the working
# calendar that counts days overdue, and the unit's CCHC index sheets with their rounds.
UNIT_HOME_TABLES = ("finding", "unit", "unit_succession", "work_calendar_day",
                    "assessment_round", "unit_assessment")


def unit_home_html(unit_id, today):
    """The unit's findings and sheets on today as markup, kept until what it shows changes.

    Every head of the unit reads the same page (the greeting stays outside): it is kept
    per unit, day (overdue), language and script root (links).
    """
    def render():
        unit = Unit.get_by_id(unit_id)
        return Markup(render_template(
            "findings/_unit_home.html", unit=unit, groups=findings.unit_home(unit, today),
            resolved_total=findings.resolved_count(unit),
            days_overdue=workdays.overdue_counter(today), sheets=assessments.unit_sheets(unit)))
    key = ("unit home", unit_id, today, str(get_locale()), request.script_root)
    return cached_markup(key, render, UNIT_HOME_TABLES)
