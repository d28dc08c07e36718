"""Sign-in, sessions, passwords and the user's own account."""
from flask import Blueprint
from flask_login import LoginManager

from ..models import User

bp = Blueprint("auth", __name__)
login_manager = LoginManager()


@login_manager.user_loader
def load_user(session_id):
    """The user of a session, unless deactivated or the session version moved on."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = User.get_or_none(User.id == int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


from . import routes  # noqa: E402,F401  (registers the views on bp)
