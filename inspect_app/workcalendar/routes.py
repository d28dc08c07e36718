"""The working calendar's pages (admins): a year's days off, and the days they add."""
from flask import Blueprint, abort, render_template, request, url_for

from .. import clock
from ..i18n import gettext as _
from ..models import WorkCalendarDay
from ..web import current_actor, requires, run_step
from . import queries, services
from .forms import CalendarDayForm

bp = Blueprint("workcalendar", __name__)


def get_day_or_404(work_calendar_day_id):
    """The calendar row with this id, or 404."""
    row = WorkCalendarDay.get_or_none(WorkCalendarDay.id == work_calendar_day_id)
    if row is None:
        abort(404)
    return row


def _year():
    """The year asked for, this year by default; 404 outside the years the app handles."""
    year = request.args.get("year", type=int) or clock.today().year
    if not queries.FIRST_YEAR <= year <= queries.LAST_YEAR:
        abort(404)
    return year


@bp.route("")
@requires("work_calendar.manage")
def index():
    """A year's weekdays off and weekend days worked, and the rows the admin added."""
    year = _year()
    return render_template("workcalendar/index.html", year=year, rows=queries.rows_of(year),
                           overview=queries.year_overview(year))


def _edit(row):
    """Show and handle the form of a new or existing calendar row."""
    form = CalendarDayForm(obj=row if row.id else None)
    return run_step(form,
                    lambda f: services.save_day(current_actor(), row, f.day.data, f.kind.data,
                                                f.reason.data, f.notice.data),
                    _("The working calendar has been saved. Deadlines already fixed keep "
                      "their date."),
                    lambda saved: url_for("workcalendar.index", year=saved.day.year),
                    lambda f: render_template("workcalendar/edit.html", form=f, row=row))


@bp.route("/new", methods=["GET", "POST"])
@requires("work_calendar.manage")
def create():
    """Add a day off or a make-up working day from a notice."""
    return _edit(WorkCalendarDay())


@bp.route("/<int:work_calendar_day_id>", methods=["GET", "POST"])
@requires("work_calendar.manage")
def edit(work_calendar_day_id):
    """Change a day of the calendar."""
    return _edit(get_day_or_404(work_calendar_day_id))


@bp.route("/<int:work_calendar_day_id>/delete", methods=["POST"])
@requires("work_calendar.manage")
def delete(work_calendar_day_id):
    """Take a day out of the calendar."""
    row = get_day_or_404(work_calendar_day_id)
    return run_step(None, lambda: services.delete_day(current_actor(), row),
                    _("The day has been taken out of the working calendar."),
                    url_for("workcalendar.index", year=row.day.year))
