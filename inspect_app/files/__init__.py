"""Downloads of uploaded files, after a permission check."""
from flask import Blueprint

bp = Blueprint("files", __name__)

from . import routes  # noqa: E402,F401  (registers the views on bp)
