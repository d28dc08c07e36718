"""Language: Vietnamese by default, English per user or from the login page.

The app translates through this module's gettext family rather than Flask-Babel's: theirs
looks the locale and the catalog up anew on every string (a page asks for hundreds), ours
keeps the catalog beside the locale it belongs to for as long as that locale is in force
(a request, or a force_locale block for an e-mail in the recipient's language).
"""
from flask import current_app, g, request, session
from flask_babel import Babel, get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

babel = Babel()


def select_locale():
    """The signed-in user's language, else the visitor's choice, else Vietnamese."""
    languages = current_app.config["LANGUAGES"]
    user = current_user._get_current_object() if request else None
    if getattr(user, "is_authenticated", False) and user.locale in languages:
        return user.locale
    chosen = session.get("lang") if request else None
    return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def _babel_state():
    """Flask-Babel's state of this app context (its locale in force), or None."""
    return g.get("_flask_babel") if g else None


def translations():
    """The catalog of the locale in force; Flask-Babel's, looked up once per locale."""
    state = _babel_state()
    kept = getattr(state, "kept_translations", None)
    # force_locale swaps the Locale object in and back: the same object, the same catalog.
    if kept is not None and kept[0] is getattr(state, "babel_locale", None):
        return kept[1]
    catalog = get_translations()  # selects the locale, and makes the state if need be
    state = _babel_state()
    if state is not None and getattr(state, "babel_locale", None) is not None:
        state.kept_translations = (state.babel_locale, catalog)
    return catalog


def gettext(string, **variables):
    """string in the locale in force, with %(name)s variables filled in."""
    text = translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular, plural, num, **variables):
    """The singular or plural form for num in the locale in force; %(num)d is num."""
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def lazy_gettext(string, **variables):
    """gettext when the string is used: for texts defined at import (labels, forms)."""
    return LazyString(gettext, string, **variables)


def lazy_ngettext(singular, plural, num, **variables):
    """ngettext when the string is used."""
    return LazyString(ngettext, singular, plural, num, **variables)


def template_callables(catalog):
    """Templates' _(), gettext() and ngettext() on catalog: Jinja's new-style gettext
    (in an HTML template the text is markup and its variables are escaped into it), each
    text in one call instead of the three of Jinja's extension."""

    @pass_eval_context
    def template_gettext(eval_ctx, string, **variables):
        text = catalog.ugettext(string)
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    @pass_eval_context
    def template_ngettext(eval_ctx, singular, plural, num, **variables):
        variables.setdefault("num", num)
        text = catalog.ungettext(singular, plural, num)
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    return {"_": template_gettext, "gettext": template_gettext, "ngettext": template_ngettext}


class _CurrentCatalog:
    """The catalog of the locale in force when a text is asked for (templates' globals,
    for what renders without the app's context processor: imported macros)."""

    def ugettext(self, string):
        return translations().ugettext(string)

    def ungettext(self, singular, plural, num):
        return translations().ungettext(singular, plural, num)


def init_app(app):
    """Attach Flask-Babel with the catalogs in inspect_app/translations.

    Its time zone is BABEL_DEFAULT_TIMEZONE, which the factory sets to APP_TIMEZONE.
    Templates translate through template_callables: bound to the page's catalog by the
    context processor (inspect_app.web), to the catalog in force as globals.
    """
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.update(template_callables(_CurrentCatalog()))
