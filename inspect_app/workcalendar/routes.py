"""The working calendar's pages (admins): a year's days off, and the days they add."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..errors import WorkflowError
from ..models import WorkCalendarDay
from ..web import apply_form_error, flash_error, requires
from . import queries, services
from .forms import CalendarDayForm, kind_choices

bp = Blueprint("workcalendar", __name__, url_prefix="/admin/calendar")


def _actor():
    """The signed-in admin as a model instance."""
    return current_user._get_current_object()


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
                           overview=queries.year_overview(year), kinds=dict(kind_choices()))


def _edit(row):
    """Show and handle the form of a new or existing calendar row."""
    form = CalendarDayForm(obj=row if row.id else None)
    if form.validate_on_submit():
        try:
            services.save_day(_actor(), row, form.day.data, form.kind.data, form.reason.data,
                              form.notice.data)
        except WorkflowError as error:
            apply_form_error(form, error)
        else:
            flash(_("The working calendar has been saved. Deadlines already fixed keep "
                    "their date."), "success")
            return redirect(url_for("workcalendar.index", year=row.day.year))
    return render_template("workcalendar/edit.html", form=form, row=row)


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
    try:
        services.delete_day(_actor(), row)
    except WorkflowError as error:
        flash_error(error)
    else:
        flash(_("The day has been taken out of the working calendar."), "success")
    return redirect(url_for("workcalendar.index", year=row.day.year))
