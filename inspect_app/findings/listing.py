"""The findings list's page: its filter form, and its markup kept per scope and query string."""
from flask import render_template, request
from flask_babel import get_locale
from markupsafe import Markup

from .. import clock, workdays
from ..cache import cached_markup
from ..policy import UNIT_HEAD, viewer_scope
from ..web import bounded_int, paginate
from . import queries
from .forms import FindingFilterForm

PER_PAGE = 25
# A text search is counted up to this many matches: counting a common word's tens of
# thousands of matches means reading every finding's text, and nobody pages through them.
SEARCH_COUNT_LIMIT = 1000
# What a list's page shows: its rows with their units, categories and inspections, the
# units' successions a unit head's list follows, the filter's choices, and the working
# calendar that counts days overdue.
LIST_TABLES = ("finding", "unit", "category", "inspection", "unit_succession",
               "work_calendar_day")


def filter_form(user):
    """The filter form read from the query string, its choices within the user's scope."""
    form = FindingFilterForm(request.args)
    selected = request.args.get("inspection", type=bounded_int)
    choices = queries.cached_filter_choices(user, selected)
    form.fill_choices(choices, unit_head=user.role == UNIT_HEAD)
    form.validate()
    return form


def _total(user, filters):
    """(number of findings matching filters, whether there are more than that)."""
    limit = SEARCH_COUNT_LIMIT if filters.get("q") else None
    counted = queries.cached_count(user, filters, limit=limit)
    if limit and counted > limit:
        return limit, True
    return counted, False


def _render(user):
    """The list's page for the query string, as markup."""
    form = filter_form(user)
    filters = form.filters()
    total, more = _total(user, filters)
    pager = paginate(lambda page: queries.findings_page(user, filters, page, PER_PAGE),
                     PER_PAGE, lambda: total)
    filter_args = {key: value for key, value in request.args.items() if key != "page"}
    return Markup(render_template("findings/_list.html", form=form, pager=pager, more=more,
                                  filter_args=filter_args,
                                  days_overdue=workdays.overdue_counter(clock.today())))


def list_html(user):
    """The list's page for user and the query string, kept until the findings change.

    Rendering its rows and its drop-downs (500 units) costs several times reading them.
    Its markup depends on the viewer's scope (and whether they head a unit: no unit
    filter), the query string, the day (overdue), the language and the script root
    (links), so those make its key; a change to any table it reads renders it again.
    """
    key = ("findings list", viewer_scope(user), user.role == UNIT_HEAD,
           tuple(request.args.items(multi=True)), clock.today(), str(get_locale()),
           request.script_root)
    return cached_markup(key, lambda: _render(user), LIST_TABLES)
