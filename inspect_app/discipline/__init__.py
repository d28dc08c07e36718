"""Disciplinary cases against officials: measures by legal basis, deadlines, decisions."""
from flask import Blueprint

bp = Blueprint("discipline", __name__)

from . import routes  # noqa: E402,F401  (registers the views on bp)
