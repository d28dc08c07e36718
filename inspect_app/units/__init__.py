"""Units (communes, wards, offices) and their kinds, managed by the admin."""
from flask import Blueprint

bp = Blueprint("units", __name__)

from . import routes  # noqa: E402,F401  (registers the views on bp)
