"""The admin's pages for units: list, create, edit, deactivate, reorganise."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from peewee import JOIN

from ..i18n import gettext as _
from ..models import Unit, UnitKind
from ..web import bounded_int, current_actor, requires, run_step
from . import queries, services
from .forms import ReorganisationForm, UnitForm, UnitKindForm

bp = Blueprint("units", __name__)


def get_unit_or_404(unit_id):
    """The unit with this id, or 404."""
    unit = Unit.get_or_none(Unit.id == unit_id)
    if unit is None:
        abort(404)
    return unit


@bp.route("")
@requires("units.manage")
def index():
    """All units with their kind and parent."""
    show_inactive = request.args.get("all") == "1"
    Parent = Unit.alias()
    units = (Unit
             .select(Unit, UnitKind, Parent)
             .join(UnitKind)
             .switch(Unit)
             .join(Parent, on=(Unit.parent == Parent.id), join_type=JOIN.LEFT_OUTER)
             .order_by(UnitKind.label, Unit.sort_name))
    if not show_inactive:
        units = units.where(Unit.active)
    return render_template("units/index.html", units=units, show_inactive=show_inactive)


def _edit(unit):
    """Show and handle the unit form for a new or existing unit."""
    form = UnitForm(obj=unit if unit.id else None)
    if request.method == "GET" and unit.id:
        form.kind.data = unit.kind_id
        form.parent.data = unit.parent_id or 0
    others = services.active_units()
    if unit.id:
        others = others.where(Unit.id != unit.id)
    form.fill_choices(services.active_kinds(), others)

    def save(posted):
        """Save the unit as the form gives it."""
        parent = Unit.get_or_none(Unit.id == posted.parent.data) if posted.parent.data else None
        return services.save_unit(current_actor(), unit, posted.code.data, posted.name.data,
                                  UnitKind.get_by_id(posted.kind.data), parent, posted.email.data,
                                  posted.valid_from.data, posted.valid_to.data)
    replaced, replaced_by = queries.successions_of(unit) if unit.id else ([], [])
    return run_step(form, save, _("The unit has been saved."), url_for("units.index"),
                    lambda f: render_template("units/edit.html", form=f, unit=unit,
                                              replaced=replaced, replaced_by=replaced_by))


@bp.route("/new", methods=["GET", "POST"])
@requires("units.manage")
def create():
    """Create a unit."""
    return _edit(Unit())


@bp.route("/<int:unit_id>", methods=["GET", "POST"])
@requires("units.manage")
def edit(unit_id):
    """Edit a unit."""
    return _edit(get_unit_or_404(unit_id))


@bp.route("/<int:unit_id>/deactivate", methods=["POST"])
@requires("units.manage")
def deactivate(unit_id):
    """Take a unit out of use; its records stay."""
    services.set_unit_active(current_actor(), get_unit_or_404(unit_id), False)
    flash(_("The unit has been deactivated."), "success")
    return redirect(url_for("units.index"))


@bp.route("/<int:unit_id>/activate", methods=["POST"])
@requires("units.manage")
def activate(unit_id):
    """Put a unit back in use."""
    services.set_unit_active(current_actor(), get_unit_or_404(unit_id), True)
    flash(_("The unit has been reactivated."), "success")
    return redirect(url_for("units.index"))


# The per-item choice of a split: which new unit takes each open item of the unit that ends.
ASSIGNMENT_FIELD = "assign-{kind}-{id}"


def _open_items(form):
    """(findings, cases) of the unit that ends in a split, each to be given to a successor."""
    ids = form.predecessors.data or []
    if form.kind.data != "split" or not ids:
        return [], []
    return queries.passing_findings(ids), queries.passing_cases(ids)


def _assignments(findings, cases):
    """{(kind, id): successor id} as the posted per-item choices give them."""
    chosen = {}
    for kind, items in (("finding", findings), ("discipline_case", cases)):
        for item in items:
            value = request.form.get(ASSIGNMENT_FIELD.format(kind=kind, id=item.id),
                                     type=bounded_int)
            if value:
                chosen[(kind, item.id)] = value
    return chosen


@bp.route("/reorganise", methods=["GET", "POST"])
@requires("units.reorganise")
def reorganise():
    """Record a merge, split or renaming; a split asks which new unit takes each open item."""
    form = ReorganisationForm()
    units = list(services.active_units())
    form.fill_choices(units)
    findings, cases = _open_items(form)
    assigned = _assignments(findings, cases)

    def picked(ids):
        return [unit for unit in units if unit.id in set(ids or [])]

    def record(f):
        return services.reorganise(current_actor(), f.kind.data, f.on_date.data,
                                   picked(f.predecessors.data), picked(f.successors.data),
                                   f.note.data, assigned)
    return run_step(form, record, _("The reorganisation has been recorded; the open items "
                                    "have passed to the units that took over."),
                    url_for("units.index"),
                    lambda f: render_template("units/reorganise.html", form=f,
                                              findings=findings, cases=cases, assigned=assigned,
                                              successors=picked(f.successors.data),
                                              field_name=ASSIGNMENT_FIELD))


@bp.route("/kinds")
@requires("unit_kinds.manage")
def kinds():
    """All unit kinds."""
    return render_template("units/kinds.html",
                           kinds=UnitKind.select().order_by(UnitKind.label))


def _edit_kind(kind):
    """Show and handle the unit-kind form for a new or existing kind."""
    form = UnitKindForm(obj=kind if kind.id else None)
    return run_step(form, lambda f: services.save_unit_kind(current_actor(), kind, f.code.data,
                                                            f.label.data, f.active.data),
                    _("The unit kind has been saved."), url_for("units.kinds"),
                    lambda f: render_template("units/kind_edit.html", form=f, kind=kind))


@bp.route("/kinds/new", methods=["GET", "POST"])
@requires("unit_kinds.manage")
def create_kind():
    """Create a unit kind."""
    return _edit_kind(UnitKind())


@bp.route("/kinds/<int:kind_id>", methods=["GET", "POST"])
@requires("unit_kinds.manage")
def edit_kind(kind_id):
    """Edit a unit kind."""
    kind = UnitKind.get_or_none(UnitKind.id == kind_id)
    if kind is None:
        abort(404)
    return _edit_kind(kind)
