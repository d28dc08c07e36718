"""Checklist pages: an inspection's checklist answered item by item (scripts optional), the
conflict shown when the item changed meanwhile, draft findings from items, and the
on-site record (biên bản kiểm tra) as a printable page.
"""
import io

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..criteria.queries import published_sets
from ..errors import WorkflowError
from ..models import ChecklistTemplate, CriteriaSet, Inspection, Unit
from ..pdf import documents
from ..policy import can
from ..web import apply_form_error, current_actor, flash_error, requires
from . import queries, services
from .forms import ChecklistItemForm, ChecklistSourceForm

bp = Blueprint("checklists", __name__)


def get_inspection_or_404(inspection_id):
    """The inspection with this id if the current user may see its checklist, else 404."""
    inspection = (Inspection
                  .select(Inspection, Unit)
                  .join(Unit)
                  .where(Inspection.id == inspection_id)
                  .first())
    if inspection is None or not can(current_user, "checklist.view", inspection):
        abort(404)
    return inspection


def _require_writer(inspection):
    """Refuse (403) anyone not on the inspection's team."""
    if not can(current_user, "checklist.write", inspection):
        abort(403)


def _checklist_url(inspection, item_id=None):
    """The checklist page, at an item when given."""
    anchor = f"item-{item_id}" if item_id else None
    return url_for("checklists.show", inspection_id=inspection.id, _anchor=anchor)


def _source_form():
    """The form making a checklist, offering the active templates and published sets."""
    form = ChecklistSourceForm()
    form.template.choices = [(0, "—")] + [(t.id, t.name) for t in queries.active_templates()]
    form.criteria_set.choices = [(0, "—")] + [(s.id, s.name) for s in published_sets()]
    return form


def _page(inspection, source_form=None, conflict=None):
    """The checklist page; conflict: (item id, posted form, conflict) to show on its item."""
    checklist = queries.get_checklist(inspection)
    rows = queries.items(checklist) if checklist else []
    return render_template(
        "checklists/show.html", inspection=inspection, checklist=checklist,
        items=rows, item_data={row["id"]: row for row in queries.item_dicts(rows, current_user)},
        may_write=can(current_user, "checklist.write", inspection),
        source_form=source_form or _source_form(), conflict=conflict)


@bp.route("/inspections/<int:inspection_id>/checklist")
@requires("inspections.list")
def show(inspection_id):
    """The inspection's checklist, or the form that makes it."""
    return _page(get_inspection_or_404(inspection_id))


@bp.route("/inspections/<int:inspection_id>/checklist", methods=["POST"])
@requires("inspections.list")
def create(inspection_id):
    """Make the checklist from the chosen template or criteria set."""
    inspection = get_inspection_or_404(inspection_id)
    _require_writer(inspection)
    form = _source_form()
    if not form.validate_on_submit():
        return _page(inspection, form)
    template = ChecklistTemplate.get_or_none(ChecklistTemplate.id == form.template.data)
    criteria_set = CriteriaSet.get_or_none(CriteriaSet.id == form.criteria_set.data)
    try:
        services.create_checklist(current_actor(), inspection, template, criteria_set)
    except WorkflowError as error:
        apply_form_error(form, error)
        return _page(inspection, form)
    flash(_("The checklist has been made."), "success")
    return redirect(_checklist_url(inspection))


def _posted_fields(form):
    """The answer fields the item's form sets."""
    return {"answer": form.answer.data or "", "note": form.note.data or "",
            "points": form.points.data or None}


@bp.route("/inspections/<int:inspection_id>/checklist/items/<int:item_id>",
          methods=["POST"])
@requires("inspections.list")
def answer(inspection_id, item_id):
    """Save an item's answer and photos; show the conflict if it changed meanwhile."""
    inspection = get_inspection_or_404(inspection_id)
    _require_writer(inspection)
    form = ChecklistItemForm()
    if not form.validate_on_submit():
        flash(_("The answer could not be read: check the points and the note."), "danger")
        return redirect(_checklist_url(inspection, item_id))
    photos = [photo for photo in form.photos.data or () if photo and photo.filename]
    try:
        status, conflict = services.save_item(current_actor(), inspection, item_id,
                                              _posted_fields(form), form.version.data,
                                              photos, form.choice.data)
    except WorkflowError as error:
        flash_error(error)
        return redirect(_checklist_url(inspection, item_id))
    if status == "conflict":
        return _page(inspection, conflict=(item_id, form, conflict))
    flash(_("The answer has been saved."), "success")
    return redirect(_checklist_url(inspection, item_id))


@bp.route("/inspections/<int:inspection_id>/checklist/items/<int:item_id>/finding",
          methods=["POST"])
@requires("inspections.list")
def finding(inspection_id, item_id):
    """Make the draft finding of a not-met item and open it."""
    inspection = get_inspection_or_404(inspection_id)
    _require_writer(inspection)
    try:
        made = services.finding_from_item(current_actor(), inspection, item_id)
    except WorkflowError as error:
        flash_error(error)
        return redirect(_checklist_url(inspection, item_id))
    flash(_("A draft finding has been made from the item."), "success")
    return redirect(url_for("findings.show", finding_id=made.id))


@bp.route("/inspections/<int:inspection_id>/checklist/record")
@requires("inspections.list")
def record(inspection_id):
    """The on-site record (biên bản kiểm tra) as a printable page."""
    inspection = get_inspection_or_404(inspection_id)
    checklist = queries.get_checklist(inspection)
    if checklist is None:
        abort(404)
    return render_template("checklists/record.html", **queries.record(inspection, checklist))


@bp.route("/inspections/<int:inspection_id>/checklist/record.pdf")
@requires("inspections.list")
def record_pdf(inspection_id):
    """The on-site record as an official PDF, from the answers the server holds."""
    inspection = get_inspection_or_404(inspection_id)
    checklist = queries.get_checklist(inspection)
    if checklist is None:
        abort(404)
    data = documents.checklist_record_pdf(inspection, checklist)
    return send_file(io.BytesIO(data), mimetype=documents.PDF_TYPE, as_attachment=True,
                     download_name=documents.record_filename(inspection))
