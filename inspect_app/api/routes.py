"""/api/: an inspection's checklist as JSON, what to keep offline, and syncing changes.

Signed in with the session; writes carry the page's CSRF token in X-CSRFToken. Every
refusal is JSON {"error": message} with its status, never a page.
"""
from pathlib import Path

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from peewee import IntegrityError
from werkzeug.exceptions import HTTPException

from .. import clock
from ..checklists import queries, services
from ..checklists.routes import get_inspection_or_404
from ..errors import WorkflowError
from ..i18n import lazy_gettext as _l
from ..policy import can
from ..web import current_actor, requires

bp = Blueprint("api", __name__)

# The static files a laptop keeps: styles, scripts, fonts and icons (not font licences).
OFFLINE_STATIC = (".css", ".js", ".woff", ".woff2", ".ttf", ".svg", ".png", ".ico",
                  ".webmanifest")
ERRORS = {
    400: _l("The request could not be read."),
    401: _l("Please sign in again."),
    403: _l("You are not allowed to do this."),
    404: _l("Not found."),
    405: _l("This method is not allowed here."),
    413: _l("The request is too large. Send fewer changes at once."),
    500: _l("The server could not apply the changes; nothing was kept. Send them again."),
}


def _error(status, message=None):
    """The JSON answer of a refusal."""
    return jsonify(error=str(message or ERRORS.get(status, ERRORS[400]))), status


def _http_error(error):
    """Refusals and failures as JSON (a failure's details are in the log only)."""
    return _error(getattr(error, "code", None) or 500)


# By code: the app's own handlers for these codes would otherwise answer with a page.
for _code in ERRORS:
    bp.register_error_handler(_code, _http_error)
bp.register_error_handler(HTTPException, _http_error)


@bp.errorhandler(CSRFError)
def _csrf_error(error):
    """A missing or stale CSRF token: the page must be reloaded."""
    return _error(400, _l("The page has expired: reload it and try again."))


@bp.route("/inspections/<int:inspection_id>/checklist")
@requires("inspections.list")
def checklist(inspection_id):
    """The inspection's checklist with every item, its answer, photos and finding."""
    inspection = get_inspection_or_404(inspection_id)
    found = queries.get_checklist(inspection)
    if found is None:
        return _error(404, _l("This inspection has no checklist yet."))
    return jsonify(
        inspection={"id": inspection.id, "title": inspection.title,
                    "unit": {"id": inspection.unit.id, "name": inspection.unit.name},
                    "status": inspection.status},
        checklist={"id": found.id, "title": found.title},
        items=queries.item_dicts(queries.items(found), current_user),
        server_time=clock.now().isoformat())


def _static_urls():
    """The URLs of the static files a page offline needs."""
    root = Path(current_app.static_folder)
    return [url_for("static", filename=path.relative_to(root).as_posix())
            for path in sorted(root.rglob("*"))
            if path.is_file() and path.suffix.lower() in OFFLINE_STATIC]


@bp.route("/inspections/<int:inspection_id>/offline-manifest")
@requires("inspections.list")
def offline_manifest(inspection_id):
    """The same-origin URLs a laptop keeps to work on this inspection offline."""
    inspection = get_inspection_or_404(inspection_id)
    urls = [url_for("inspections.show", inspection_id=inspection.id),
            url_for("checklists.show", inspection_id=inspection.id),
            url_for("checklists.record", inspection_id=inspection.id)]
    if can(current_user, "reports.unit", inspection.unit):
        urls.append(url_for("reports.unit", code=inspection.unit.code))
    urls.append(url_for("findings.index", unit=inspection.unit_id))
    urls += [url_for("findings.show", finding_id=finding_id)
             for finding_id in queries.earlier_findings(inspection)]
    return jsonify(urls=urls + _static_urls())


@bp.route("/inspections/<int:inspection_id>/checklist/sync", methods=["POST"])
@requires("inspections.list")
def sync(inspection_id):
    """Apply a batch of changes made offline, in order, once each; the result of each."""
    inspection = get_inspection_or_404(inspection_id)
    if not can(current_user, "checklist.write", inspection):
        return _error(403, services.NOT_WRITER)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or "changes" not in body:
        return _error(400, _l("Send the changes as JSON: {\"changes\": [...]}."))
    try:
        results = services.apply_batch(current_actor(), inspection, body["changes"])
    except services.BatchError as error:
        return _error(422, error.message)
    except WorkflowError as error:
        return _error(409, error.message)
    except IntegrityError:
        # Another batch holding the same change id for another checklist won the race.
        return _error(409, _l("The changes collided with others: send them again."))
    return jsonify(results=results)
