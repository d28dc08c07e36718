"""The admin's pages: users, settings, the audit trail and the outbox."""
from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import outbox, routes  # noqa: E402,F401  (registers the views on bp)
