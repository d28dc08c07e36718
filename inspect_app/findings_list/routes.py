"""The findings list with its filters, and its exports."""
import math

from flask import render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock, workdays
from ..admin.forms import severity_choices
from ..cache import cached
from ..kept_documents import send_document, viewer_scope
from ..policy import UNIT_HEAD
from ..reports import queries
from ..text import fold
from ..web import bounded_int, page_number, requires
from . import bp, exports, services
from .forms import FindingFilterForm, status_choices

PER_PAGE = 25
# A text search is counted up to this many matches: counting a common word's tens of
# thousands of matches means reading every finding's text, and nobody pages through them.
SEARCH_COUNT_LIMIT = 1000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filter_form():
    """The filter form read from the query string, its choices within the user's scope."""
    user = current_user._get_current_object()
    form = FindingFilterForm(request.args)
    selected = request.args.get("inspection", type=bounded_int)
    choices = cached(("finding filter choices", viewer_scope(user), selected,
                      str(get_locale())),
                     lambda: services.filter_choices(user, selected))
    form.fill_choices(choices, unit_head=user.role == UNIT_HEAD)
    form.validate()
    return form


def _export_name(extension):
    """A dated download name without accents, e.g. phat-hien-2026-03-01.csv."""
    stem = "-".join(fold(_("findings")).split())
    return f"{stem}-{clock.today().isoformat()}.{extension}"


def _total(user, filters):
    """(number of findings matching filters, whether there are more than that).

    Kept until the data changes, so paging through a list counts it once.
    """
    limit = SEARCH_COUNT_LIMIT if filters.get("q") else None
    key = ("finding count", viewer_scope(user), tuple(sorted(filters.items())), limit,
           clock.today())
    counted = cached(key, lambda: queries.count_findings(user, filters, limit=limit))
    if limit and counted > limit:
        return limit, True
    return counted, False


@bp.route("/findings")
@requires("findings.list")
def index():
    """One page of the findings the user may see, filtered and searched."""
    user = current_user._get_current_object()
    form = _filter_form()
    filters = form.filters()
    total, more = _total(user, filters)
    pages = max(1, math.ceil(total / PER_PAGE))
    page = page_number(pages)
    rows = queries.findings_page(user, filters, page, PER_PAGE)
    filter_args = {key: value for key, value in request.args.items() if key != "page"}
    return render_template("findings_list/index.html", form=form, rows=rows, total=total,
                           more=more, page=page, pages=pages, filter_args=filter_args,
                           labels=dict(severity_choices() + status_choices()),
                           days_overdue=workdays.overdue_counter(clock.today()))


def _export(extension, mimetype, write):
    """The whole filtered list as a file that write(rows, file) fills, kept until the data changes.

    Its rows depend on the user's scope and the day, its labels on the language.
    """
    user = current_user._get_current_object()
    filters = _filter_form().filters()
    today, locale = clock.today(), str(get_locale())
    key = [viewer_scope(user), sorted(filters.items()), locale, today]

    def build(out):
        """Write the rows, read while they are written."""
        write(queries.findings_query(user, filters, today).iterator(), out)
    return send_document(user, f"findings {extension}", key, build, _export_name(extension),
                         mimetype)


@bp.route("/findings/export.csv")
@requires("findings.list")
def export_csv():
    """The whole filtered list as CSV."""
    return _export("csv", "text/csv", lambda rows, out: out.writelines(exports.csv_chunks(rows)))


@bp.route("/findings/export.xlsx")
@requires("findings.list")
def export_xlsx():
    """The whole filtered list as an Excel workbook."""
    return _export("xlsx", XLSX_TYPE, exports.write_xlsx)
