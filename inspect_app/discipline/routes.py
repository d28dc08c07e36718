"""Discipline pages: the list and its export, opening and editing a case, the case page
with its steps, and the admin's measures."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from .. import clock, workdays
from ..i18n import gettext as _
from ..kept_documents import send_document
from ..models import DisciplineMeasure, Finding, Unit
from ..policy import UNIT_HEAD, can, viewer_scope
from ..text import fold
from ..units.services import active_units
from ..web import (
    bounded_int,
    current_actor,
    flash_deadline_move,
    paginate_query,
    requires,
    run_step,
)
from . import exports, queries, services
from .forms import (
    CaseFilterForm,
    CaseForm,
    DecideForm,
    DeferForm,
    DismissForm,
    ExtendForm,
    MeasureForm,
    ResumeForm,
    measure_groups,
)

bp = Blueprint("discipline", __name__)

PER_PAGE = 25
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The forms of the case page, each posted to /discipline/<id>/<name>, prefixed by name.
STEP_FORMS = {"extend": ExtendForm, "decide": DecideForm, "dismiss": DismissForm,
              "defer": DeferForm, "resume": ResumeForm}


def get_case_or_404(case_id):
    """The case with this id (unit and measure joined) if the user may see it, else 404."""
    case = queries.get_case(case_id)
    if case is None or not can(current_user, "discipline.view", case):
        abort(404)
    return case


# --- the list --------------------------------------------------------------------------


def _filter_form():
    """The filter form read from the query string, its choices within the user's scope."""
    form = CaseFilterForm(request.args)
    units = [(u.id, u.name) for u in Unit.select(Unit.id, Unit.name).order_by(Unit.sort_name)]
    years = range(clock.today().year, queries.first_year() - 1, -1)
    form.fill_choices(units, queries.measure_choices(), years,
                      unit_head=current_user.role == UNIT_HEAD)
    form.validate()
    return form


@bp.route("/discipline")
@requires("discipline.view")
def index():
    """One page of the cases the user may see, filtered and searched."""
    form = _filter_form()
    pager = paginate_query(queries.cases_query(current_user, form.filters()), PER_PAGE)
    filter_args = {key: value for key, value in request.args.items() if key != "page"}
    return render_template("discipline/index.html", form=form, pager=pager,
                           filter_args=filter_args)


@bp.route("/discipline/export.xlsx")
@requires("discipline.view")
def export_xlsx():
    """The whole filtered list as an Excel workbook."""
    user = current_actor()
    filters = _filter_form().filters()
    today, locale = clock.today(), str(get_locale())

    def build(out):
        """Write the cases in the user's scope and the codes of the findings they may see."""
        cases = queries.cases_query(user, filters, today)
        exports.write_xlsx(cases.iterator(), queries.finding_codes(cases, user), out)
    stem = "-".join(fold(_("disciplinary cases")).split())
    return send_document(user, "discipline xlsx",
                         [viewer_scope(user), sorted(filters.items()), locale, today], build,
                         f"{stem}-{today.isoformat()}.xlsx", XLSX_TYPE)


# --- opening and editing ---------------------------------------------------------------


def _case_url(case):
    """The case's page."""
    return url_for("discipline.show", case_id=case.id)


def _case_fields(form):
    """The service arguments from a filled case form, its findings named by their codes."""
    return {"findings": services.findings_from_codes(form.findings.data),
            "official_name": form.official_name.data,
            "official_position": form.official_position.data,
            "person_type": form.person_type.data,
            "unit": Unit.get_or_none(Unit.id == form.unit.data),
            "violation": form.violation.data,
            "opened_on": form.opened_on.data}


def _prefill_from_finding(form, finding_id):
    """Fill a new case from the finding it is recommended for (404 if not visible)."""
    finding = Finding.get_or_none(Finding.id == finding_id)
    if finding is None or not can(current_user, "findings.view", finding):
        abort(404)
    form.unit.data = finding.responsible_unit_id
    form.official_name.data = finding.official_name
    form.official_position.data = finding.official_position
    form.violation.data = finding.title
    form.findings.data = finding.code


@bp.route("/discipline/new", methods=["GET", "POST"])
@requires("discipline.manage")
def create():
    """Open a case, from a finding when ?finding=<id> is given."""
    form = CaseForm()
    form.fill_choices(active_units())
    if request.method == "GET":
        form.opened_on.data = clock.today()
        finding_id = request.args.get("finding", type=bounded_int)
        if finding_id:
            _prefill_from_finding(form, finding_id)
    def open_case(f):
        case = services.open_case(current_actor(), **_case_fields(f))
        flash_deadline_move(case.deadline_basis, case.deadline)
        return case

    return run_step(form, open_case, _("The disciplinary case has been opened."), _case_url,
                    lambda f: render_template("discipline/edit.html", form=f, case=None))


@bp.route("/discipline/<int:case_id>/edit", methods=["GET", "POST"])
@requires("discipline.manage")
def edit(case_id):
    """Correct the details of a case still being processed."""
    case = get_case_or_404(case_id)
    if case.status not in ("open", "deferred"):
        flash(_("A decided or closed case can no longer be edited."), "warning")
        return redirect(url_for("discipline.show", case_id=case.id))
    form = CaseForm(obj=case)
    form.fill_choices(Unit.select().where(Unit.active | (Unit.id == case.unit_id))
                      .order_by(Unit.sort_name))
    if request.method == "GET":
        form.unit.data = case.unit_id
        linked = queries.findings_of_case(case, current_user)
        form.findings.data = services.finding_codes_text(linked)
    return run_step(form, lambda f: services.update_case(current_actor(), case,
                                                         **_case_fields(f)),
                    _("The disciplinary case has been saved."), _case_url(case),
                    lambda f: render_template("discipline/edit.html", form=f, case=case))


# --- the case page ---------------------------------------------------------------------


def _actions(case):
    """What the current user may do on the case right now."""
    manage = can(current_user, "discipline.manage")
    running = manage and case.status == "open"
    return {"edit": manage and case.status in ("open", "deferred"),
            "extend": running and not case.extended,
            "decide": running, "dismiss": running, "defer": running,
            "resume": manage and case.status == "deferred"}


def _offer_measures(form, case, today):
    """Give the decision form the measures that may apply to the case, by legal basis."""
    form.measure.choices = measure_groups(queries.measures_for_decision(case, today))


def _show(case, bound=None):
    """Render the case page; bound is (name, form) for a form that was just posted."""
    today = clock.today()
    actions = _actions(case)
    forms = {name: form_class(formdata=None, prefix=name)
             for name, form_class in STEP_FORMS.items()}
    forms["decide"].decision_date.data = today
    if actions["decide"]:
        _offer_measures(forms["decide"], case, today)
    if bound:
        forms[bound[0]] = bound[1]
    overdue = queries.is_overdue(case, today)
    return render_template("discipline/show.html", case=case, forms=forms,
                           actions=actions,
                           latest_deadline=services.latest_deadline(case, workdays.kept()),
                           overdue=overdue,
                           overdue_days=workdays.overdue_counter(today)(case.deadline)
                           if overdue else None,
                           findings=queries.findings_of_case(case, current_user),
                           timeline=queries.timeline(case))


@bp.route("/discipline/<int:case_id>")
@requires("discipline.view")
def show(case_id):
    """A case with its findings, decision, actions and history."""
    return _show(get_case_or_404(case_id))


def _case_step(case_id, name, call, done):
    """run_step() for the form called name, posted from the case's page: call(case, form)."""
    case = get_case_or_404(case_id)
    form = STEP_FORMS[name](prefix=name)
    if name == "decide":
        _offer_measures(form, case, clock.today())
    return run_step(form, lambda f: call(case, f), done, _case_url(case),
                    lambda f: _show(case, (name, f)))


@bp.route("/discipline/<int:case_id>/extend", methods=["POST"])
@requires("discipline.manage")
def extend(case_id):
    """Extend the processing time once."""
    def extend_case(case, form):
        case = services.extend_deadline(current_actor(), case, form.new_deadline.data,
                                        form.reason.data, form.new_days.data)
        flash_deadline_move(case.deadline_basis, case.deadline)

    return _case_step(case_id, "extend", extend_case,
                      _("The processing time has been extended."))


def _record_decision(case, form):
    """Record the decision posted in form, with the measure it names."""
    measure = DisciplineMeasure.get_or_none(DisciplineMeasure.id == form.measure.data)
    return services.decide_case(current_actor(), case, measure, form.decision_no.data,
                                form.decision_date.data, form.issuing_authority.data)


@bp.route("/discipline/<int:case_id>/decide", methods=["POST"])
@requires("discipline.manage")
def decide(case_id):
    """Record the disciplinary decision."""
    return _case_step(case_id, "decide", _record_decision,
                      _("The disciplinary decision has been recorded."))


@bp.route("/discipline/<int:case_id>/dismiss", methods=["POST"])
@requires("discipline.manage")
def dismiss(case_id):
    """Close the case without a disciplinary measure."""
    return _case_step(case_id, "dismiss",
                      lambda case, f: services.dismiss_case(current_actor(), case, f.reason.data),
                      _("The case has been closed without a disciplinary measure."))


@bp.route("/discipline/<int:case_id>/defer", methods=["POST"])
@requires("discipline.manage")
def defer(case_id):
    """Defer the case on a legal ground."""
    return _case_step(case_id, "defer",
                      lambda case, f: services.defer_case(current_actor(), case, f.ground.data,
                                                          f.note.data),
                      _("The case has been deferred."))


@bp.route("/discipline/<int:case_id>/resume", methods=["POST"])
@requires("discipline.manage")
def resume(case_id):
    """Take a deferred case up again."""
    return _case_step(case_id, "resume",
                      lambda case, f: services.resume_case(current_actor(), case, f.note.data),
                      _("The case has been resumed."))


# --- measures (admin) ------------------------------------------------------------------


@bp.route("/admin/discipline-measures")
@requires("discipline_measures.manage")
def measures():
    """Every disciplinary measure, by legal basis and person type."""
    return render_template("discipline/measures.html", measures=queries.all_measures())


def _edit_measure(measure):
    """Show and handle the measure form for a new or existing measure."""
    form = MeasureForm(obj=measure if measure.id else None)

    def save(posted):
        """Save the measure as the form gives it."""
        return services.save_measure(current_actor(), measure, posted.code.data, posted.name.data,
                                     posted.person_type.data, posted.legal_basis.data,
                                     posted.valid_from.data, posted.valid_to.data, posted.note.data,
                                     posted.sort_order.data or 0, posted.active.data)
    return run_step(form, save, _("The disciplinary measure has been saved."),
                    url_for("discipline.measures"),
                    lambda f: render_template("discipline/measure_edit.html", form=f,
                                              measure=measure))


@bp.route("/admin/discipline-measures/new", methods=["GET", "POST"])
@requires("discipline_measures.manage")
def create_measure():
    """Add a measure, e.g. when a new decree changes the list."""
    return _edit_measure(DisciplineMeasure())


@bp.route("/admin/discipline-measures/<int:discipline_measure_id>", methods=["GET", "POST"])
@requires("discipline_measures.manage")
def edit_measure(discipline_measure_id):
    """Change a measure's validity, note or order, or take it out of use."""
    measure = DisciplineMeasure.get_or_none(DisciplineMeasure.id == discipline_measure_id)
    if measure is None:
        abort(404)
    return _edit_measure(measure)
