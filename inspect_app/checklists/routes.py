"""Checklist pages: an inspection's checklist answered item by item (scripts optional), the
conflict shown when the item changed meanwhile, draft findings from items, and the
on-site record (biên bản kiểm tra) as a printable page.
"""
import io

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user

from ..criteria.queries import published_sets
from ..errors import WorkflowError
from ..formatting import format_points
from ..i18n import gettext as _
from ..models import ChecklistTemplate, ChecklistTemplateItem, CriteriaSet, Inspection, Unit
from ..pdf import documents
from ..policy import can
from ..web import apply_form_error, current_actor, flash_error, requires, run_step
from . import queries, services
from .forms import ChecklistItemForm, ChecklistSourceForm, TemplateForm, TemplateItemForm

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


# Making a checklist has its own address: a POST rule on the page's own path answers an
# out-of-range id with 405 instead of 404 (werkzeug's matcher; tests/test_out_of_range.py).
@bp.route("/inspections/<int:inspection_id>/checklist/new", methods=["POST"])
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


# --- templates (admins) ----------------------------------------------------------------


def get_template_or_404(template_id):
    """The template with this id, else 404."""
    template = ChecklistTemplate.get_or_none(ChecklistTemplate.id == template_id)
    if template is None:
        abort(404)
    return template


def _template_url(template):
    """A template's page."""
    return url_for("checklists.template", template_id=template.id)


def _template_page(template, form, item_form=None):
    """A template's page: its details form, its tree and the form adding an item."""
    return render_template("checklists/template.html", template=template, form=form,
                           items=queries.template_items(template) if template else [],
                           item_form=item_form or TemplateItemForm())


def _save_template(template, form):
    """Save the template's details from form."""
    return services.save_template(current_actor(), template, form.name.data,
                                  form.description.data, form.active.data)


@bp.route("/admin/checklist-templates", methods=["GET", "POST"])
@requires("checklist_templates.manage")
def templates():
    """Every template, and the form making a new one."""
    form = TemplateForm()
    if request.method == "GET":
        return render_template("checklists/templates.html", form=form,
                               templates=queries.all_templates())
    return run_step(form, lambda f: _save_template(ChecklistTemplate(), f),
                    _("The template has been made: add its sections and items."),
                    _template_url,
                    lambda f: render_template("checklists/templates.html", form=f,
                                              templates=queries.all_templates()))


@bp.route("/admin/checklist-templates/<int:template_id>", methods=["GET", "POST"])
@requires("checklist_templates.manage")
def template(template_id):
    """A template: its details, its tree of sections and items."""
    found = get_template_or_404(template_id)
    form = TemplateForm(obj=found)
    return run_step(form, lambda f: _save_template(found, f),
                    _("The template has been saved."), _template_url(found),
                    lambda f: _template_page(found, f))


def _save_item(template, item, form):
    """Save a template item from form."""
    return services.save_template_item(current_actor(), template, item, form.code.data,
                                       form.content.data, form.guidance.data,
                                       form.max_points.data)


@bp.route("/admin/checklist-templates/<int:template_id>/items", methods=["POST"])
@requires("checklist_templates.manage")
def create_template_item(template_id):
    """Add a section or an item to a template."""
    found = get_template_or_404(template_id)
    return run_step(TemplateItemForm(), lambda f: _save_item(found, ChecklistTemplateItem(), f),
                    _("The item has been added."), _template_url(found),
                    lambda f: _template_page(found, TemplateForm(obj=found), f))


def get_template_item_or_404(template, item_id):
    """The template's item with this id, else 404."""
    item = ChecklistTemplateItem.get_or_none(ChecklistTemplateItem.id == item_id,
                                             ChecklistTemplateItem.template == template)
    if item is None:
        abort(404)
    return item


@bp.route("/admin/checklist-templates/<int:template_id>/items/<int:template_item_id>",
          methods=["GET", "POST"])
@requires("checklist_templates.manage")
def template_item(template_id, template_item_id):
    """Change a section or item of a template."""
    found = get_template_or_404(template_id)
    item = get_template_item_or_404(found, template_item_id)
    form = TemplateItemForm(obj=item)
    if request.method == "GET" and item.max_points is not None:
        form.max_points.data = format_points(item.max_points)
    return run_step(form, lambda f: _save_item(found, item, f),
                    _("The item has been saved."), _template_url(found),
                    lambda f: render_template("checklists/template_item.html",
                                              template=found, item=item, form=f))


@bp.route("/admin/checklist-templates/<int:template_id>/items/<int:template_item_id>/delete",
          methods=["POST"])
@requires("checklist_templates.manage")
def delete_template_item(template_id, template_item_id):
    """Remove a section or item of a template, with its parts."""
    found = get_template_or_404(template_id)
    item = get_template_item_or_404(found, template_item_id)
    return run_step(None, lambda: services.delete_template_item(current_actor(), item),
                    _("The item has been removed."), _template_url(found))
