"""GET /healthz for the load balancer: database, migrations, the scheduler's heartbeat.

503 when the database cannot be reached or migrations are pending: this worker cannot
serve. A heartbeat older than STALE_HEARTBEAT_SECONDS gives "degraded" with 200: the web
workers still serve, only the jobs wait, so the balancer keeps the node and monitoring
alerts.
No login needed; the answer names no user, count or version.
"""
import peewee
from flask import Blueprint, jsonify

from .. import schema
from ..db import db
from ..web import public
from .queries import heartbeat_age_seconds

bp = Blueprint("health", __name__)

STALE_HEARTBEAT_SECONDS = 300


def _answer(body, status):
    """The JSON answer, never cached."""
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/healthz")
@public
def healthz():
    """The health of this worker and its database, as JSON."""
    db.execute_sql("SELECT 1")
    if schema.pending_migrations():
        return _answer({"status": "unavailable", "database": "ok", "migrations": "pending",
                        "scheduler_heartbeat_age_seconds": None}, 503)
    age = heartbeat_age_seconds()
    status = "degraded" if age is not None and age > STALE_HEARTBEAT_SECONDS else "ok"
    return _answer({"status": status, "database": "ok", "migrations": "up to date",
                    "scheduler_heartbeat_age_seconds": age}, 200)


@bp.errorhandler(peewee.PeeweeException)
def database_unreachable(error):
    """The database failed (also when connecting before the view): 503, no details."""
    return _answer({"status": "unavailable", "database": "unreachable",
                    "migrations": "unknown", "scheduler_heartbeat_age_seconds": None}, 503)
