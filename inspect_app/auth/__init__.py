"""Sign-in, sessions, passwords and the user's own account."""
from flask import Blueprint
from flask_login import LoginManager

from . import sessions

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
# The signed cookie carries the token of a server-side session, not the user's id.
login_manager.id_attribute = "get_session_token"


@login_manager.user_loader
def load_user(token):
    """The user of a live session, or None when it ended, expired or the user left."""
    return sessions.user_of(token)


from . import routes  # noqa: E402,F401  (registers the views on bp)
