"""Findings: recording, remediation reports, review and extensions."""
from flask import Blueprint

bp = Blueprint("findings", __name__)

from . import routes  # noqa: E402,F401  (registers the views on bp)
