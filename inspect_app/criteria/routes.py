"""Criteria set pages: the list, a set's tree, its details and nodes while a draft, Excel
in and out, publishing, retiring, new versions and the comparison of two versions.

Every page that changes a set refuses once it is published: the services claim the set
as a draft, and the pages say so before showing a form.
"""
import io
from decimal import Decimal

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

from .. import scoring
from ..formatting import format_points
from ..i18n import gettext as _
from ..models import CriteriaNode, UnitKind
from ..web import bounded_int, current_actor, requires, run_step
from . import exports, queries, services
from .forms import CriteriaSetForm, ImportForm, NodeForm

bp = Blueprint("criteria", __name__)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def get_set_or_404(criteria_set_id):
    """The set with this id, or 404 (the view's rule lets only staff in)."""
    criteria_set = queries.get_set(criteria_set_id)
    if criteria_set is None:
        abort(404)
    return criteria_set


def get_node_or_404(criteria_set, criteria_node_id):
    """The set's node with this id, or 404."""
    node = queries.get_node(criteria_set, criteria_node_id)
    if node is None:
        abort(404)
    return node


def _set_url(criteria_set):
    """A set's page."""
    return url_for("criteria.show", criteria_set_id=criteria_set.id)


def _unless_draft(criteria_set):
    """A redirect to the set's page, saying why, unless the set is a draft."""
    if criteria_set.status == "draft":
        return None
    flash(_("A published or retired criteria set never changes: make a new version of it "
            "instead."), "warning")
    return redirect(_set_url(criteria_set))


def _kinds():
    """The unit kinds in use."""
    return list(UnitKind.select().where(UnitKind.active).order_by(UnitKind.label))


def _chosen_kinds(form):
    """The unit kinds a form chose."""
    ids = form.kinds.data or []
    return list(UnitKind.select().where(UnitKind.id.in_(ids))) if ids else []


def _set_fields(form):
    """The service arguments of a set's details form."""
    return {"name": form.name.data, "first_year": form.first_year.data,
            "last_year": form.last_year.data, "legal_basis": form.legal_basis.data,
            "step": Decimal(form.step.data), "kinds": _chosen_kinds(form)}


@bp.route("/criteria")
@requires("criteria.view")
def index():
    """Every criteria set, newest first."""
    return render_template("criteria/index.html", sets=queries.all_sets())


@bp.route("/criteria/new", methods=["GET", "POST"])
@requires("criteria.manage")
def create():
    """A new empty draft set, to fill node by node."""
    form = CriteriaSetForm()
    form.fill_choices(_kinds())
    return run_step(form, lambda f: services.create_set(current_actor(), **_set_fields(f)),
                    _("The criteria set has been created as a draft."), _set_url,
                    lambda f: render_template("criteria/edit.html", form=f, criteria_set=None))


@bp.route("/criteria/import", methods=["GET", "POST"])
@requires("criteria.manage")
def import_sheet():
    """A new draft set from an Excel workbook in the province's layout."""
    form = ImportForm()
    form.fill_choices(_kinds(), [s for s in queries.all_sets() if s.status != "draft"])

    def import_set(posted):
        predecessor = queries.get_set(posted.predecessor.data) if posted.predecessor.data \
            else None
        return services.import_set(current_actor(), exports.read_rows(posted.file.data),
                                   predecessor=predecessor,
                                   file_name=posted.file.data.filename,
                                   **_set_fields(posted))
    return run_step(form, import_set, _("The criteria set has been imported as a draft."),
                    _set_url, lambda f: render_template("criteria/import.html", form=f,
                                                        columns=exports.COLUMNS))


@bp.route("/criteria/<int:criteria_set_id>")
@requires("criteria.view")
def show(criteria_set_id):
    """A set's details, its tree, its history and what may be done with it."""
    criteria_set = get_set_or_404(criteria_set_id)
    tree = queries.nodes(criteria_set)
    problems = services.tree_problems(tree, criteria_set.step) \
        if criteria_set.status == "draft" else []
    return render_template("criteria/show.html", criteria_set=criteria_set, tree=tree,
                           total=queries.set_total(tree), kinds=queries.set_kinds(criteria_set),
                           leaves=queries.is_leaf_map(tree), problems=problems,
                           levels_text=lambda node: services.levels_text(queries.levels(node)),
                           timeline=queries.timeline(criteria_set))


@bp.route("/criteria/<int:criteria_set_id>/edit", methods=["GET", "POST"])
@requires("criteria.manage")
def edit(criteria_set_id):
    """Change a draft set's details."""
    criteria_set = get_set_or_404(criteria_set_id)
    refused = _unless_draft(criteria_set)
    if refused:
        return refused
    # The stored set fills the form only when it is shown: a post is read as posted.
    form = CriteriaSetForm(obj=criteria_set if request.method == "GET" else None)
    form.fill_choices(_kinds())
    if request.method == "GET":
        form.step.data = str(criteria_set.step.normalize())
        form.kinds.data = [kind.id for kind in queries.set_kinds(criteria_set)]
    return run_step(form, lambda f: services.update_set(current_actor(), criteria_set,
                                                        **_set_fields(f)),
                    _("The criteria set has been saved."), _set_url(criteria_set),
                    lambda f: render_template("criteria/edit.html", form=f,
                                              criteria_set=criteria_set))


def _node_draft(form):
    """The NodeDraft a node form gives."""
    levels = services.parse_levels(form.levels.data) if form.scoring.data == "levels" else []
    return services.NodeDraft(
        code=(form.code.data or "").strip(), content=(form.content.data or "").strip(),
        max_points=scoring.parse_points(form.max_points.data), kind=form.kind.data,
        scoring=form.scoring.data, levels=levels or [],
        guidance=(form.guidance.data or "").strip(),
        evidence=(form.evidence.data or "").strip(), applies_to=form.applies_to.data or [],
        na_allowed=form.na_allowed.data, previous_id=form.previous.data or None)


def _edit_node(criteria_set, node):
    """Show and handle the node form of a draft set."""
    refused = _unless_draft(criteria_set)
    if refused:
        return refused
    form = NodeForm(obj=node if node.id and request.method == "GET" else None)
    form.fill_choices(queries.set_kinds(criteria_set),
                      queries.predecessor_candidates(criteria_set))
    if request.method == "GET" and node.id:
        form.max_points.data = format_points(node.max_points)
        form.levels.data = services.levels_text(queries.levels(node))
        form.applies_to.data = queries.applies_to(node)
        form.previous.data = node.previous_id or 0
    return run_step(form, lambda f: services.save_node(current_actor(), criteria_set, node,
                                                       _node_draft(f)),
                    _("The node has been saved."), _set_url(criteria_set),
                    lambda f: render_template("criteria/node_edit.html", form=f,
                                              criteria_set=criteria_set, node=node))


@bp.route("/criteria/<int:criteria_set_id>/nodes/new", methods=["GET", "POST"])
@requires("criteria.manage")
def create_node(criteria_set_id):
    """Add a node to a draft set."""
    criteria_set = get_set_or_404(criteria_set_id)
    node = CriteriaNode()
    parent = request.args.get("parent", type=bounded_int)
    if request.method == "GET" and parent:
        above = queries.get_node(criteria_set, parent)
        if above is not None:
            node.code, node.kind = f"{above.code}.", above.kind
    return _edit_node(criteria_set, node)


@bp.route("/criteria/<int:criteria_set_id>/nodes/<int:criteria_node_id>",
          methods=["GET", "POST"])
@requires("criteria.manage")
def edit_node(criteria_set_id, criteria_node_id):
    """Change a node of a draft set."""
    criteria_set = get_set_or_404(criteria_set_id)
    return _edit_node(criteria_set, get_node_or_404(criteria_set, criteria_node_id))


@bp.route("/criteria/<int:criteria_set_id>/nodes/<int:criteria_node_id>/delete",
          methods=["POST"])
@requires("criteria.manage")
def delete_node(criteria_set_id, criteria_node_id):
    """Remove a node of a draft set, with its parts."""
    criteria_set = get_set_or_404(criteria_set_id)
    node = get_node_or_404(criteria_set, criteria_node_id)
    return run_step(None, lambda: services.delete_node(current_actor(), node),
                    _("The node has been removed."), _set_url(criteria_set))


@bp.route("/criteria/<int:criteria_set_id>/publish", methods=["POST"])
@requires("criteria.manage")
def publish(criteria_set_id):
    """Publish a draft set: from now on it never changes."""
    criteria_set = get_set_or_404(criteria_set_id)
    return run_step(None, lambda: services.publish_set(current_actor(), criteria_set),
                    _("The criteria set has been published."), _set_url(criteria_set))


@bp.route("/criteria/<int:criteria_set_id>/retire", methods=["POST"])
@requires("criteria.manage")
def retire(criteria_set_id):
    """Retire a published set: no new round may use it."""
    criteria_set = get_set_or_404(criteria_set_id)
    return run_step(None, lambda: services.retire_set(current_actor(), criteria_set),
                    _("The criteria set has been retired."), _set_url(criteria_set))


@bp.route("/criteria/<int:criteria_set_id>/new-version", methods=["POST"])
@requires("criteria.manage")
def new_version(criteria_set_id):
    """A draft copy of the set, to become its next version."""
    criteria_set = get_set_or_404(criteria_set_id)
    return run_step(None, lambda: services.new_version(current_actor(), criteria_set),
                    _("A new version has been made as a draft."), _set_url)


@bp.route("/criteria/<int:criteria_set_id>/compare")
@requires("criteria.view")
def compare(criteria_set_id):
    """What changed from another set (by default the predecessor) to this one."""
    newer = get_set_or_404(criteria_set_id)
    other_id = request.args.get("with", type=bounded_int) or newer.predecessor_id
    older = queries.get_set(other_id) if other_id else None
    others = [s for s in queries.all_sets() if s.id != newer.id]
    if older is None or older.id == newer.id:
        return render_template("criteria/compare.html", newer=newer, older=None,
                               others=others, comparison=None)
    return render_template("criteria/compare.html", newer=newer, older=older, others=others,
                           comparison=queries.compare(older, newer))


@bp.route("/criteria/<int:criteria_set_id>/export.xlsx")
@requires("criteria.view")
def export_xlsx(criteria_set_id):
    """The set as a workbook in the layout the import reads."""
    criteria_set = get_set_or_404(criteria_set_id)
    out = io.BytesIO()
    exports.write_xlsx(criteria_set, out)
    out.seek(0)
    return send_file(out, mimetype=XLSX_TYPE, as_attachment=True,
                     download_name=f"bo-tieu-chi-{criteria_set.id}.xlsx")
