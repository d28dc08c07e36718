"""The reports pages: the month and unit pickers, previews and PDF downloads.

The blueprint lives here rather than in the package's __init__: the report functions of
this package are also read by documents, jobs and the CLI, which need no views.
"""
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from .. import clock
from ..kept_documents import send_document
from ..models import Unit
from ..pdf import documents
from ..pdf.monthly import monthly_sections_html
from ..pdf.paragraphs import percent, points
from ..policy import can
from ..text import sort_key
from ..web import requires
from . import queries
from .forms import MonthPickForm, UnitPickForm
from .monthly import Month, Period, cached_summary, is_reportable
from .unit_report import unit_report

bp = Blueprint("reports", __name__)
# Rates may be missing (nothing resolved): the report pages show a dash for them.
bp.add_app_template_filter(percent, "rate")
bp.add_app_template_filter(points, "points")

RECENT_MONTHS = 12
# The orders of the unit standing page: most overdue first, or best on-time rate first.
STANDING_ORDERS = {
    "overdue": lambda row: (-row["overdue"], -row["open"], sort_key(row["unit_name"])),
    "rate": lambda row: (row["rank"] is None, row["rank"] or 0, sort_key(row["unit_name"])),
}


def _locale():
    """The current user's language, for the documents they download."""
    return str(get_locale() or "vi")


def _month_or_404(text):
    """The month written YYYY-MM if a day of it has ended, else 404."""
    try:
        month = Month.parse(text)
    except ValueError:
        abort(404)
    if not is_reportable(month, clock.today()):
        abort(404)
    return month


def get_unit_or_404(code):
    """The unit with this code if the current user may see its report, else 404."""
    unit = Unit.get_or_none(Unit.code == code)
    if unit is None or not can(current_user, "reports.unit", unit):
        abort(404)
    return unit


def _pdf(kind, key, make, filename):
    """A PDF download, kept until the data changes: make() returns its bytes."""
    return send_document(current_user, kind, key, lambda out: out.write(make()), filename,
                         documents.PDF_TYPE)


def _recent_months(today):
    """The last complete months, latest first."""
    months, month = [], Month.of(today).previous()
    for _index in range(RECENT_MONTHS):
        months.append(month)
        month = month.previous()
    return months


@bp.route("/reports")
@requires("reports.view")
def index():
    """Pick a month's summary or a unit's report; unit heads see their unit's only."""
    today = clock.today()
    if not can(current_user, "reports.monthly"):
        return render_template("reports/index.html", unit=current_user.unit,
                               month_form=None, unit_form=None)
    month_form = MonthPickForm(request.args, today=today)
    unit_form = UnitPickForm(request.args)
    unit_form.fill_choices(Unit.select().order_by(Unit.sort_name))
    if "month" in request.args and month_form.validate():
        month = Month.parse(month_form.month.data)
        return redirect(url_for("reports.monthly", month=str(month)))
    if "unit" in request.args and unit_form.validate():
        return redirect(url_for("reports.unit", code=unit_form.unit.data))
    if "month" not in request.args:
        month_form.month.data = str(Month.of(today).previous())
    return render_template("reports/index.html", unit=None, month_form=month_form,
                           unit_form=unit_form, recent_months=_recent_months(today))


@bp.route("/reports/monthly/<month>")
@requires("reports.monthly")
def monthly(month):
    """The monthly summary of a month, as a page with its chart."""
    month = _month_or_404(month)
    today = clock.today()
    previous, following = month.previous(), month.next()
    return render_template("reports/monthly.html", summary=cached_summary(month, today),
                           sections_html=monthly_sections_html(month, today),
                           previous=previous if previous.in_range else None,
                           following=following if is_reportable(following, today) else None)


@bp.route("/reports/monthly/<month>.pdf")
@requires("reports.monthly")
def monthly_pdf(month):
    """The monthly summary of a month as a PDF in the user's language."""
    month = _month_or_404(month)
    today, locale = clock.today(), _locale()
    # The figures describe the end of the month or of yesterday, whichever comes first:
    # a finished month's summary stays the same from one day to the next.
    as_at = Period.of(month, today).as_at
    return _pdf("monthly summary", [str(month), as_at, locale],
                lambda: documents.monthly_summary_pdf(month.year, month.month, locale, today),
                documents.monthly_filename(month))


@bp.route("/reports/units")
@requires("reports.monthly")
def units_today():
    """Every unit's open, overdue and on-time figures today, in the order asked for."""
    today = clock.today()
    order = request.args.get("order")
    if order not in STANDING_ORDERS:
        order = "overdue"
    rows = sorted(queries.cached_unit_standing(today), key=STANDING_ORDERS[order])
    return render_template("reports/units_today.html", rows=rows, order=order, today=today)


@bp.route("/reports/units/<code>")
@requires("reports.view")
def unit(code):
    """A unit's remediation report as a page."""
    report = unit_report(get_unit_or_404(code), clock.today())
    return render_template("reports/unit.html", report=report)


@bp.route("/reports/units/<code>.pdf")
@requires("reports.view")
def unit_pdf(code):
    """A unit's remediation report as a PDF in the user's language."""
    unit = get_unit_or_404(code)
    today, locale = clock.today(), _locale()
    return _pdf("unit report", [unit.id, today, locale],
                lambda: documents.unit_report_pdf(unit, today, locale),
                documents.unit_filename(unit, today))
