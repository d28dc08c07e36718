"""Language: Vietnamese by default, English per user or from the login page."""
from flask import current_app, request, session
from flask_babel import Babel
from flask_login import current_user

babel = Babel()


def select_locale():
    """The signed-in user's language, else the visitor's choice, else Vietnamese."""
    languages = current_app.config["LANGUAGES"]
    user = current_user._get_current_object() if request else None
    if getattr(user, "is_authenticated", False) and user.locale in languages:
        return user.locale
    chosen = session.get("lang") if request else None
    return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app):
    """Attach Flask-Babel with the catalogs in inspect_app/translations.

    Its time zone is BABEL_DEFAULT_TIMEZONE, which the factory sets to APP_TIMEZONE.
    """
    babel.init_app(app, locale_selector=select_locale)
