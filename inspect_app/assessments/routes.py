"""Assessment round pages: the list, preparing and opening a round, survey points, the
ranking and its PDF, the export; a unit's sheet, scoring it field by field (the unit, then
the team in two rounds), evidence, explanations, and lost points to findings."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import clock, scoring, settings
from ..criteria import queries as criteria
from ..errors import WorkflowError
from ..formatting import format_points
from ..i18n import gettext as _
from ..kept_documents import send_document
from ..models import AssessmentRound, Category, CriteriaSet, Inspection, Unit, UnitKind, User
from ..pdf import documents
from ..policy import INSPECTOR, can
from ..web import current_actor, flash_error, requires, run_step
from . import exports, queries, services
from .forms import (
    EvidenceForm,
    FirstRoundForm,
    LostPointsForm,
    PageForm,
    PublishForm,
    RoundForm,
    SurveyImportForm,
    read_answers,
    read_survey,
)

bp = Blueprint("assessments", __name__)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def get_round_or_404(assessment_round_id, action="rounds.view"):
    """The round with this id if the user may see it (action), else 404."""
    assessment_round = queries.get_round(assessment_round_id)
    if assessment_round is None or not can(current_user, action, assessment_round):
        abort(404)
    return assessment_round


def get_sheet_or_404(assessment_id):
    """The sheet with this id if the user may see it (a unit head: their own), else 404."""
    sheet = queries.get_sheet(assessment_id)
    if sheet is None or not can(current_user, "sheets.view", sheet):
        abort(404)
    return sheet


def _require_team(sheet):
    """403 unless the user is on the sheet's appraisal team."""
    if not can(current_user, "sheets.appraise", sheet):
        abort(403)


def _require_unit(sheet):
    """403 unless the user answers for the sheet's unit (not for a unit it replaced)."""
    if not can(current_user, "sheets.self_assess", sheet):
        abort(403)


def _round_url(assessment_round):
    """A round's page."""
    return url_for("assessments.show", assessment_round_id=assessment_round.id)


def _sheet_url(sheet):
    """A sheet's page."""
    return url_for("assessments.sheet", assessment_id=sheet.id)


# --- rounds ----------------------------------------------------------------------------


@bp.route("/assessments")
@requires("assessments.list")
def index():
    """The rounds a user may see: all for staff (with their progress), else their unit's."""
    rounds = queries.rounds_for(current_user)
    return render_template("assessments/index.html", rounds=rounds,
                           progress=queries.progress([r.id for r in rounds])
                           if can(current_user, "rounds.view") else {})


def _round_form_choices(form):
    """Give a round form its choices."""
    form.fill_choices(criteria.published_sets(),
                      UnitKind.select().where(UnitKind.active).order_by(UnitKind.label),
                      Unit.select().where(Unit.active).order_by(Unit.sort_name),
                      User.select().where(User.role == INSPECTOR, User.active)
                      .order_by(User.sort_name))


def _selected(model, ids):
    """The rows of model with the given ids."""
    return list(model.select().where(model.id.in_(ids))) if ids else []


def _round_fields(form):
    """The service arguments of a round form."""
    return {"name": form.name.data, "year": form.year.data,
            "criteria_set": CriteriaSet.get_or_none(CriteriaSet.id == form.criteria_set.data),
            "survey_share": scoring.parse_points(form.survey_share.data),
            "self_deadline": form.self_deadline.data,
            "appraisal_from": form.appraisal_from.data, "appraisal_to": form.appraisal_to.data,
            "bands_text": form.bands.data, "kinds": _selected(UnitKind, form.kinds.data),
            "units": _selected(Unit, form.units.data), "team": _selected(User, form.team.data)}


def _edit_round(assessment_round):
    """Show and handle the round form of a new or prepared round."""
    # The stored round fills the form only when it is shown: a post is read as posted.
    form = RoundForm(obj=assessment_round if assessment_round.id and request.method == "GET"
                     else None)
    _round_form_choices(form)
    if request.method == "GET":
        if assessment_round.id:
            form.criteria_set.data = assessment_round.criteria_set_id
            form.survey_share.data = format_points(assessment_round.survey_share)
            form.bands.data = scoring.bands_text(queries.bands(assessment_round))
            form.units.data = [sheet.unit_id for sheet in assessment_round.sheets]
            form.team.data = [user.id for user in queries.team(assessment_round)]
        else:
            form.year.data, form.survey_share.data = clock.today().year, "30"
            form.bands.data = settings.get("cchc_rating_bands")
    return run_step(form, lambda f: services.save_round(current_actor(), assessment_round,
                                                        **_round_fields(f)),
                    _("The round has been saved."), _round_url,
                    lambda f: render_template("assessments/edit.html", form=f,
                                              assessment_round=assessment_round))


@bp.route("/assessments/new", methods=["GET", "POST"])
@requires("rounds.manage")
def create():
    """Prepare a new round."""
    return _edit_round(AssessmentRound())


@bp.route("/assessments/<int:assessment_round_id>/edit", methods=["GET", "POST"])
@requires("rounds.manage")
def edit(assessment_round_id):
    """Change a round still being prepared."""
    assessment_round = get_round_or_404(assessment_round_id)
    if assessment_round.status != "draft":
        flash(_("An opened round can no longer be changed."), "warning")
        return redirect(_round_url(assessment_round))
    return _edit_round(assessment_round)


def _show_round(assessment_round, publish_form=None, survey_errors=None,
                import_form=None):
    """Render a round's page, with a form that was just posted."""
    sheets = queries.round_sheets(assessment_round)
    publish_form = publish_form or PublishForm(formdata=None)
    if publish_form.decision_date.data is None:
        publish_form.decision_date.data = clock.today()
    return render_template(
        "assessments/show.html", assessment_round=assessment_round, sheets=sheets,
        counts=queries.progress([assessment_round.id]).get(assessment_round.id, {"all": 0}),
        team=queries.team(assessment_round), bands=queries.bands(assessment_round),
        publish_form=publish_form, page_form=PageForm(formdata=None),
        survey_errors=survey_errors or {}, survey_values=request.form if survey_errors
        else None, import_form=import_form or SurveyImportForm(formdata=None))


@bp.route("/assessments/<int:assessment_round_id>")
@requires("rounds.view")
def show(assessment_round_id):
    """A round: its units' progress, survey points and the steps left."""
    return _show_round(get_round_or_404(assessment_round_id))


@bp.route("/assessments/<int:assessment_round_id>/open", methods=["POST"])
@requires("rounds.manage")
def open_round(assessment_round_id):
    """Open the self-assessment."""
    assessment_round = get_round_or_404(assessment_round_id)
    return run_step(None, lambda: services.open_round(current_actor(), assessment_round),
                    _("The round is open: the units have been told their deadline."),
                    _round_url(assessment_round))


@bp.route("/assessments/<int:assessment_round_id>/publish", methods=["POST"])
@requires("rounds.publish")
def publish(assessment_round_id):
    """Publish the round's results."""
    assessment_round = get_round_or_404(assessment_round_id)
    form = PublishForm()
    return run_step(form, lambda f: services.publish_round(
        current_actor(), assessment_round, f.decision_no.data, f.decision_date.data),
        _("The results have been published."),
        url_for("assessments.ranking", assessment_round_id=assessment_round.id),
        lambda f: _show_round(assessment_round, publish_form=f))


@bp.route("/assessments/<int:assessment_round_id>/survey", methods=["POST"])
@requires("rounds.manage")
def survey(assessment_round_id):
    """Record the survey points typed for the round's units."""
    assessment_round = get_round_or_404(assessment_round_id)
    values, errors = read_survey(request.form, queries.round_sheets(assessment_round))
    if errors:
        return _show_round(assessment_round, survey_errors=errors)
    try:
        services.record_survey_points(current_actor(), assessment_round, values)
    except WorkflowError as error:
        if error.field is None:
            flash_error(error)
            return redirect(_round_url(assessment_round))
        return _show_round(assessment_round, survey_errors={error.field: error.message})
    flash(_("The survey points have been saved."), "success")
    return redirect(_round_url(assessment_round))


@bp.route("/assessments/<int:assessment_round_id>/survey/import", methods=["POST"])
@requires("rounds.manage")
def import_survey(assessment_round_id):
    """Record survey points from a workbook: unit codes and points."""
    assessment_round = get_round_or_404(assessment_round_id)
    return run_step(SurveyImportForm(), lambda f: services.import_survey_points(
        current_actor(), assessment_round, exports.read_survey_rows(f.file.data)),
        _("The survey points have been imported."), _round_url(assessment_round),
        lambda f: _show_round(assessment_round, import_form=f))


@bp.route("/assessments/<int:assessment_round_id>/ranking")
@requires("assessments.list")
def ranking(assessment_round_id):
    """The round's ranking with its bands (before publication: staff only, provisional)."""
    assessment_round = get_round_or_404(assessment_round_id, "ranking.view")
    result = queries.ranking(assessment_round)
    round_bands = queries.bands(assessment_round)
    return render_template("assessments/ranking.html", assessment_round=assessment_round,
                           result=result, bands=round_bands,
                           band_counts=queries.band_counts(result["rows"], round_bands))


def _pdf(kind, key, make, filename):
    """A kept PDF download built by make()."""
    return send_document(current_user, kind, key, lambda out: out.write(make()), filename,
                         documents.PDF_TYPE)


@bp.route("/assessments/<int:assessment_round_id>/ranking.pdf")
@requires("assessments.list")
def ranking_pdf(assessment_round_id):
    """The ranking as an official document (provisional before publication)."""
    assessment_round = get_round_or_404(assessment_round_id, "ranking.view")
    return _pdf("cchc ranking", [assessment_round.id, clock.today()],
                lambda: documents.ranking_pdf(assessment_round),
                documents.ranking_filename(assessment_round))


@bp.route("/assessments/<int:assessment_round_id>/export.xlsx")
@requires("rounds.view")
def export_xlsx(assessment_round_id):
    """The whole round as a workbook: units, then units and criteria."""
    assessment_round = get_round_or_404(assessment_round_id)
    return send_document(current_user, "cchc round xlsx",
                         [assessment_round.id, str(current_user.locale or "vi")],
                         lambda out: exports.write_xlsx(assessment_round, out),
                         f"chi-so-cchc-{assessment_round.id}.xlsx", XLSX_TYPE)


# --- a unit's sheet --------------------------------------------------------------------


def _sheet_actions(sheet, today):
    """What the current user may do on the sheet now."""
    stage = services.editing_stage(current_user, sheet, today)
    team = can(current_user, "sheets.appraise", sheet)
    return {"stage": stage, "submit": stage == "self", "explain": stage == "explanation",
            "first": stage == "first", "second": stage == "second",
            "findings": team and sheet.status == "final"}


def _show_sheet(sheet, first_form=None):
    """Render a sheet's page, with the round 1 form that was just posted."""
    view = queries.sheet_view(sheet, queries.visible_stages(sheet, current_user))
    today = clock.today()
    first_form = first_form or FirstRoundForm(formdata=None)
    return render_template("assessments/sheet.html", sheet=sheet, view=view,
                           actions=_sheet_actions(sheet, today), first_form=first_form,
                           asked=sum(1 for row in view.rows
                                     if row.score and row.score.explanation_asked),
                           missing=queries.missing_codes(view, "self"),
                           timeline=queries.timeline(sheet))


@bp.route("/assessments/sheets/<int:assessment_id>")
@requires("assessments.list")
def sheet(assessment_id):
    """A unit's sheet: self-assessment and appraisal side by side, per field and node."""
    return _show_sheet(get_sheet_or_404(assessment_id))


@bp.route("/assessments/sheets/<int:assessment_id>.pdf")
@requires("assessments.list")
def sheet_pdf(assessment_id):
    """The scoring sheet (phiếu chấm điểm) with the stages the user may see."""
    sheet = get_sheet_or_404(assessment_id)
    stages = queries.visible_stages(sheet, current_user)
    return _pdf("cchc sheet", [sheet.id, list(stages), clock.today()],
                lambda: documents.sheet_pdf(queries.sheet_view(sheet, stages)),
                documents.sheet_filename(sheet))


def _field_or_404(sheet, criteria_node_id):
    """A top-level node of the sheet's set, or 404."""
    node = criteria.get_node(sheet.assessment_round.criteria_set, criteria_node_id)
    if node is None or node.parent_id is not None:
        abort(404)
    return node


# Where a stage's inputs start from when it has no score yet: round 1 from the unit's
# score, round 2 from round 1's.
STARTS_FROM = {"first": "self", "second": "first"}


def _stored(score, stage):
    """(points, na, note) a NodeScore holds at a stage, or None when it holds nothing."""
    if score is None:
        return None
    points, na, note = (getattr(score, column) for column in services.STAGE_COLUMNS[stage])
    return None if points is None and not na and not note else (points, na, note)


def _inputs(rows, stage, posted):
    """{node id: {points, na, note, ask, explanation}}: what each input of a scoring page
    shows (the values posted when a post is shown again)."""
    values = {}
    for row in rows:
        node_id, score = row.node.id, row.score
        if posted is not None:
            values[node_id] = {"points": posted.get(f"points-{node_id}", ""),
                               "na": posted.get(f"na-{node_id}") == "y",
                               "note": posted.get(f"note-{node_id}", ""),
                               "ask": posted.get(f"ask-{node_id}") == "y",
                               "explanation": posted.get(f"explanation-{node_id}", "")}
            continue
        own = _stored(score, stage) if stage in services.STAGE_COLUMNS else None
        given = own
        if stage in STARTS_FROM:
            given = own or _stored(score, STARTS_FROM[stage])
        points, na, note = given or (None, False, "")
        # A stage starting from another's points starts with a note of its own.
        values[node_id] = {"points": format_points(points) if points is not None else "",
                           "na": na, "note": note if own else "",
                           "ask": bool(score and score.explanation_asked),
                           "explanation": score.explanation if score else ""}
    return values


def _field_page(sheet, field, errors=None, posted=None):
    """Render the scoring page of one field of a sheet."""
    view = queries.sheet_view(sheet, queries.visible_stages(sheet, current_user))
    stage = services.editing_stage(current_user, sheet, clock.today())
    rows = view.rows_under(field.id)
    return render_template("assessments/field.html", sheet=sheet, view=view, field=field,
                           rows=rows, stage=stage, errors=errors or {},
                           inputs=_inputs(rows, stage, posted), levels=criteria.levels,
                           form=PageForm(formdata=None))


@bp.route("/assessments/sheets/<int:assessment_id>/fields/<int:criteria_node_id>")
@requires("assessments.list")
def field(assessment_id, criteria_node_id):
    """One field of a sheet, with the inputs of whoever may score it now."""
    sheet = get_sheet_or_404(assessment_id)
    return _field_page(sheet, _field_or_404(sheet, criteria_node_id))


@bp.route("/assessments/sheets/<int:assessment_id>/fields/<int:criteria_node_id>/scores",
          methods=["POST"])
@requires("assessments.list")
def save_field(assessment_id, criteria_node_id):
    """Score one field of a sheet: the unit, or the team in round 1 or 2, as it stands."""
    sheet = get_sheet_or_404(assessment_id)
    if not (can(current_user, "sheets.self_assess", sheet)
            or can(current_user, "sheets.appraise", sheet)):
        abort(403)
    node = _field_or_404(sheet, criteria_node_id)
    stage = services.editing_stage(current_user, sheet, clock.today())
    if stage is None:
        flash(_("You cannot change this sheet now."), "danger")
        return redirect(_sheet_url(sheet))
    rows = queries.sheet_view(sheet, ("self",)).rows_under(node.id)
    answers, errors = read_answers(request.form, rows, stage)
    if not errors:
        try:
            services.save_scores(current_actor(), sheet, answers)
        except WorkflowError as error:
            if error.field is None:
                flash_error(error)
                return redirect(_sheet_url(sheet))
            errors = {error.field: error.message}
    if errors:
        return _field_page(sheet, node, errors=errors, posted=request.form)
    flash(_("The scores have been saved."), "success")
    return redirect(_sheet_url(sheet) + f"#field-{node.id}")


def _evidence_node_or_404(sheet, criteria_node_id):
    """A node of the sheet's set, or 404."""
    node = criteria.get_node(sheet.assessment_round.criteria_set, criteria_node_id)
    if node is None:
        abort(404)
    return node


@bp.route("/assessments/sheets/<int:assessment_id>/nodes/<int:criteria_node_id>/evidence",
          methods=["GET", "POST"])
@requires("sheets.self_assess")
def evidence(assessment_id, criteria_node_id):
    """A node's evidence: add a file, cite one the unit sent, or name a document."""
    sheet = get_sheet_or_404(assessment_id)
    _require_unit(sheet)
    node = _evidence_node_or_404(sheet, criteria_node_id)
    form = EvidenceForm()
    form.fill_choices(queries.unit_attachments(sheet.unit))
    root = node
    while root.parent_id is not None:
        root = root.parent
    back = url_for("assessments.field", assessment_id=sheet.id, criteria_node_id=root.id)

    def add(posted):
        return services.add_evidence(current_actor(), sheet, node, posted.file.data,
                                     posted.attachment.data or None, posted.document_no.data,
                                     posted.document_date.data, posted.page.data)
    return run_step(form, add, _("The evidence has been added."), request.url,
                    lambda f: render_template(
                        "assessments/evidence.html", sheet=sheet, node=node, form=f,
                        back=back, pieces=[e for e in queries.sheet_evidence(sheet)
                                           if e.node_id == node.id]))


@bp.route("/assessments/sheets/<int:assessment_id>/evidence/<int:assessment_evidence_id>/delete",
          methods=["POST"])
@requires("sheets.self_assess")
def remove_evidence(assessment_id, assessment_evidence_id):
    """Remove a piece of evidence added at the sheet's current stage."""
    sheet = get_sheet_or_404(assessment_id)
    _require_unit(sheet)
    piece = next((e for e in queries.sheet_evidence(sheet) if e.id == assessment_evidence_id),
                 None)
    if piece is None:
        abort(404)
    return run_step(None, lambda: services.remove_evidence(current_actor(), sheet, piece),
                    _("The evidence has been removed."),
                    url_for("assessments.evidence", assessment_id=sheet.id,
                            criteria_node_id=piece.node_id))


@bp.route("/assessments/sheets/<int:assessment_id>/submit", methods=["POST"])
@requires("sheets.self_assess")
def submit(assessment_id):
    """Send the unit's self-assessment to the appraisal team."""
    sheet = get_sheet_or_404(assessment_id)
    _require_unit(sheet)
    return run_step(None, lambda: services.submit_self_assessment(current_actor(), sheet),
                    _("The self-assessment has been sent to the appraisal team."),
                    _sheet_url(sheet))


@bp.route("/assessments/sheets/<int:assessment_id>/first-round", methods=["POST"])
@requires("sheets.appraise")
def finish_first_round(assessment_id):
    """End appraisal round 1, asking for explanations on the nodes marked."""
    sheet = get_sheet_or_404(assessment_id)
    _require_team(sheet)
    return run_step(FirstRoundForm(), lambda f: services.finish_first_appraisal(
        current_actor(), sheet, f.explanation_deadline.data),
        _("Appraisal round 1 is finished."), _sheet_url(sheet),
        lambda f: _show_sheet(sheet, first_form=f))


@bp.route("/assessments/sheets/<int:assessment_id>/explain", methods=["POST"])
@requires("sheets.self_assess")
def explain(assessment_id):
    """Send the unit's explanation to the team."""
    sheet = get_sheet_or_404(assessment_id)
    _require_unit(sheet)
    return run_step(None, lambda: services.submit_explanation(current_actor(), sheet),
                    _("The explanation has been sent to the appraisal team."),
                    _sheet_url(sheet))


@bp.route("/assessments/sheets/<int:assessment_id>/second-round", methods=["POST"])
@requires("sheets.appraise")
def finish_second_round(assessment_id):
    """Appraisal round 2: fix the final scores."""
    sheet = get_sheet_or_404(assessment_id)
    _require_team(sheet)
    return run_step(None, lambda: services.finish_second_appraisal(current_actor(), sheet),
                    _("The final scores are fixed."), _sheet_url(sheet))


@bp.route("/assessments/sheets/<int:assessment_id>/findings", methods=["GET", "POST"])
@requires("sheets.appraise")
def findings(assessment_id):
    """Turn the points the appraisal took off into draft findings, in one action."""
    sheet = get_sheet_or_404(assessment_id)
    _require_team(sheet)
    view = queries.sheet_view(sheet, ("self", "final"))
    lost = [row for row in view.rows if row.leaf and row.lost > 0]
    open_rows = [row for row in lost if row.score.finding_id is None]
    form = LostPointsForm()
    inspections = list(Inspection.select().where(Inspection.unit == sheet.unit_id,
                                                 Inspection.status == "in_progress")
                       .order_by(Inspection.start_date.desc()))
    form.fill_choices(open_rows, Category.select().where(Category.active)
                      .order_by(Category.code), inspections)
    if request.method == "GET":
        form.nodes.data = [row.node.id for row in open_rows]

    def turn(posted):
        inspection = next((i for i in inspections if i.id == posted.inspection.data), None)
        category = Category.get_or_none(Category.id == posted.category.data)
        return services.lost_points_findings(current_actor(), sheet, posted.nodes.data,
                                             category, posted.severity.data, inspection)
    return run_step(form, turn, _("The draft findings have been recorded."),
                    lambda result: url_for("inspections.show", inspection_id=result[0].id),
                    lambda f: render_template("assessments/findings.html", sheet=sheet,
                                              form=f, lost=lost))
