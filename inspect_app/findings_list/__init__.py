"""The findings list: search, filters, pagination and Excel/CSV exports."""
from flask import Blueprint

bp = Blueprint("findings_list", __name__)

from . import routes  # noqa: E402,F401  (registers the views on bp)
