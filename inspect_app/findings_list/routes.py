"""The findings list with its filters, and its exports."""
import math

from flask import Response, render_template, request, send_file, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..admin.forms import severity_choices
from ..db import db
from ..policy import UNIT_HEAD
from ..reports import queries
from ..text import fold
from ..web import requires
from . import bp, exports, services
from .forms import FindingFilterForm, status_choices

PER_PAGE = 25
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filter_form():
    """The filter form read from the query string, its choices within the user's scope."""
    user = current_user._get_current_object()
    form = FindingFilterForm(request.args)
    selected = request.args.get("inspection", type=int)
    form.fill_choices(services.filter_choices(user, selected), unit_head=user.role == UNIT_HEAD)
    form.validate()
    return form


def _export_name(extension):
    """A dated download name without accents, e.g. phat-hien-2026-03-01.csv."""
    stem = "-".join(fold(_("findings")).split())
    return f"{stem}-{clock.today().isoformat()}.{extension}"


def _streamed_rows(query):
    """The rows of query, read while the response streams.

    Flask tears the request down (closing its connection) before a streamed body is
    read, so the generator holds a connection of its own.
    """
    with db.connection_context():
        yield from query.iterator()


@bp.route("/findings")
@requires("findings.list")
def index():
    """One page of the findings the user may see, filtered and searched."""
    form = _filter_form()
    page = max(request.args.get("page", 1, type=int), 1)
    rows, total = queries.filtered_findings(current_user, form.filters(), page, PER_PAGE)
    filter_args = {key: value for key, value in request.args.items() if key != "page"}
    return render_template("findings_list/index.html", form=form, rows=rows, total=total,
                           page=page, pages=max(1, math.ceil(total / PER_PAGE)),
                           filter_args=filter_args,
                           labels=dict(severity_choices() + status_choices()))


@bp.route("/findings/export.csv")
@requires("findings.list")
def export_csv():
    """The whole filtered list as CSV, streamed."""
    rows = _streamed_rows(queries.findings_query(current_user, _filter_form().filters()))
    response = Response(stream_with_context(exports.csv_chunks(rows)),
                        mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{_export_name("csv")}"')
    return response


@bp.route("/findings/export.xlsx")
@requires("findings.list")
def export_xlsx():
    """The whole filtered list as an Excel workbook."""
    rows = queries.findings_query(current_user, _filter_form().filters()).iterator()
    return send_file(exports.xlsx_file(rows), mimetype=XLSX_TYPE,
                     as_attachment=True, download_name=_export_name("xlsx"))
