"""Annual plans and inspections: team, schedule, status, conclusion and files."""
from flask import Blueprint

bp = Blueprint("inspections", __name__)

from . import plan_routes, routes  # noqa: E402,F401  (registers the views on bp)
