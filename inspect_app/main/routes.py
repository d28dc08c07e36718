"""The home page: what the signed-in user works on."""
from flask import render_template

from ..web import requires
from . import bp


@bp.route("/")
@requires("home.view")
def home():
    """The home page for the signed-in user's role."""
    return render_template("main/home.html")
