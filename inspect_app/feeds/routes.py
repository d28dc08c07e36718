"""The calendar feed (open to calendar programs, which carry no session) and its address."""
import hashlib

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale

from .. import clock
from ..errors import WorkflowError
from ..i18n import gettext as _
from ..web import current_actor, flash_error, public, requires
from . import ical, queries, services

bp = Blueprint("feeds", __name__)

# Calendar programs poll every few minutes to hours; this much staleness is harmless.
MAX_AGE_SECONDS = 300


def _feed_document(user, today):
    """The user's feed of today as iCalendar bytes.

    It is built on every request rather than kept: its SEQUENCE and LAST-MODIFIED come
    from the audit trail, which the figure cache does not track (cache.py's rule).
    """
    with force_locale(user.locale or "vi"):
        return ical.document(_("Inspections and deadlines: %(name)s", name=user.full_name),
                             queries.events_for(user, today))


@bp.route("/calendar/<token>.ics")
@public
def feed(token):
    """The iCalendar feed named by a private token; 404 for a wrong or revoked one.

    The 404 is a bare one: a calendar program shows no page, and the app's page would
    start a session for its language switch.
    """
    user = queries.owner_of(token)
    if user is None:
        return make_response("Not found\n", 404, {"Content-Type": "text/plain; charset=utf-8"})
    body = _feed_document(user, clock.today())
    etag = hashlib.sha256(body).hexdigest()[:32]
    if etag in request.if_none_match:
        response = make_response("", 304)
    else:
        response = make_response(body)
        response.mimetype = "text/calendar"
        response.charset = "utf-8"
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"private, max-age={MAX_AGE_SECONDS}"
    return response


def feed_url(token):
    """The absolute address of a feed."""
    base = current_app.config["BASE_URL"].rstrip("/")
    return base + url_for("feeds.feed", token=token)


@bp.route("/account/calendar-feed", methods=["POST"])
@requires("calendar_feed.own")
def create():
    """Create the user's feed address (a new one replaces the old); shown once."""
    try:
        token = services.create_feed(current_actor())
    except WorkflowError as error:
        flash_error(error)
        return redirect(url_for("auth.account"))
    return render_template("feeds/created.html", url=feed_url(token))


@bp.route("/account/calendar-feed/revoke", methods=["POST"])
@requires("calendar_feed.own")
def revoke():
    """End the user's feed address."""
    try:
        services.revoke_feed(current_actor())
    except WorkflowError as error:
        flash_error(error)
    else:
        flash(_("Your calendar feed address no longer works."), "success")
    return redirect(url_for("auth.account"))
