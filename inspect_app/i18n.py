"""Language: Vietnamese by default, English per user or from the login page."""
from flask import current_app, request, session
from flask_babel import Babel
from flask_login import current_user

from . import clock

babel = Babel()


def select_locale():
    """The signed-in user's language, else the visitor's choice, else Vietnamese."""
    languages = current_app.config["LANGUAGES"]
    if current_user and getattr(current_user, "is_authenticated", False):
        if current_user.locale in languages:
            return current_user.locale
    chosen = session.get("lang") if request else None
    return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone():
    """Times are shown in APP_TIMEZONE."""
    return clock.zone().key


def init_app(app):
    """Attach Flask-Babel with the catalogs in inspect_app/translations."""
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
