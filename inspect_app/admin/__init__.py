"""The admin's pages: users, settings and the audit trail."""
from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import routes  # noqa: E402,F401  (registers the views on bp)
