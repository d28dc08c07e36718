"""Request plumbing shared by every area: sign-in gate, policy decorator, headers, errors."""
import functools
import math
from urllib.parse import urlsplit

from flask import (
    abort,
    current_app,
    flash,
    g,
    has_request_context,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.routing import IntegerConverter

from . import audit, deadlines, i18n, labels, workdays
from .errors import WorkflowError
from .i18n import lazy_gettext as _l
from .kept_documents import RETRY_AFTER_SECONDS, DocumentBusy
from .policy import can

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")

# Endpoints reachable without signing in, and those allowed while a new password is due.
# Calendar programs read a feed with its private token and no session.
PUBLIC_ENDPOINTS = {"static", "auth.login", "auth.set_language", "health.healthz",
                    "feeds.feed", "main.service_worker"}
PASSWORD_DUE_ENDPOINTS = PUBLIC_ENDPOINTS | {"auth.change_password", "auth.logout"}

# Ids are signed 64-bit integers in SQLite and PostgreSQL: a larger number names nothing,
# and the database drivers refuse it, so it is turned away before any query.
MAX_ID = 2**63 - 1
# More pages than any list has, and few enough that a page's row offset fits an integer.
MAX_PAGE = 10**9


class IdConverter(IntegerConverter):
    """The app's `<int:...>` in URL rules: an id from 1 to MAX_ID, anything else is 404."""

    def __init__(self, map, **options):
        super().__init__(map, **{"min": 1, "max": MAX_ID, **options})


def bounded_int(text):
    """An id read from a query string or a choice (0 meaning none); ValueError past MAX_ID.

    As the `type` of request.args.get an id out of range reads as absent; as a select's
    `coerce` it is refused with the field's message.
    """
    value = int(text)
    if not 0 <= value <= MAX_ID:
        raise ValueError(f"not an id: {text}")
    return value


def page_number(last=MAX_PAGE):
    """The page asked for in the query string, moved to the nearest of pages 1..last."""
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        return 1
    return max(min(page, last, MAX_PAGE), 1)


class Pager:
    """One page of a list: its rows, its number, and the way to the others.

    A list counted on every page knows its pages and total; one too long for that knows
    only whether more rows follow (has_more).
    """

    def __init__(self, rows, page, pages=None, total=None, has_more=False):
        self.rows, self.page, self.pages, self.total = rows, page, pages, total
        self.has_more = page < pages if pages is not None else has_more

    @property
    def has_previous(self):
        """Whether pages come before this one."""
        return self.page > 1

    def url(self, page):
        """The URL of the list at page, with the other query arguments as they are."""
        return url_for(request.endpoint,
                       **{**request.view_args, **request.args.to_dict(), "page": page})


def paginate(rows_of, per_page, count, probe=False):
    """The page of a list the query string asks for, as a Pager; past the end, the last page.

    rows_of(page) reads the rows of a page of per_page rows, count() how many the list has.
    A list too long to count on every page (probe) has rows_of read one row more than a
    page, to know whether more follow, and is counted only when asked for a page past its
    end, to find the last page.
    """
    if not probe:
        total = count()
        pages = max(1, math.ceil(total / per_page))
        page = page_number(pages)
        return Pager(rows_of(page), page, pages=pages, total=total)
    page = page_number()
    rows = rows_of(page)
    if not rows and page > 1:
        page = max(1, math.ceil(count() / per_page))
        rows = rows_of(page)
    return Pager(rows[:per_page], page, has_more=len(rows) > per_page)


def paginate_query(query, per_page, probe=False):
    """paginate() a peewee query in its order, counting it as it stands."""
    limit = per_page + 1 if probe else per_page
    return paginate(lambda page: list(query.offset((page - 1) * per_page).limit(limit)),
                    per_page, query.count, probe)


def public(view):
    """Mark a view as open to anonymous visitors (its policy decision)."""
    view.policy = "public"
    return view


def requires(action):
    """Refuse the view with 403 unless the current user can perform action."""
    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if not can(current_actor(), action):
                abort(403)
            return view(*args, **kwargs)
        wrapped.policy = action
        return wrapped
    return decorator


def current_actor():
    """The signed-in user as a model instance, for the services and the audit trail."""
    return current_user._get_current_object()


def flash_error(error):
    """Show a refused action's message to the user, and each problem behind it."""
    flash(str(error.message), "danger")
    for detail in error.details:
        flash(str(detail), "danger")


def renew_session():
    """Empty the session but for the chosen language (signing in, a session that ended)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def _require_sign_in():
    """Send anonymous visitors to the login page, and due passwords to the change page."""
    endpoint = request.endpoint or ""
    if endpoint in PUBLIC_ENDPOINTS:
        return None
    user = current_actor()
    if request.blueprint == "api" and (not user.is_authenticated or user.must_change_password):
        # A laptop's script cannot follow a redirect to the login page: say why it failed.
        return jsonify(error=str(_l("Please sign in again."))), 401
    if not user.is_authenticated:
        if session.get("_user_id"):
            # The cookie names a session the server ended: idle, too old, or signed out.
            renew_session()
            flash(str(_l("Your session has expired. Please sign in again.")), "warning")
        if request.method == "GET":
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return redirect(url_for("auth.login"))
    if user.must_change_password and endpoint not in PASSWORD_DUE_ENDPOINTS:
        flash(str(_l("Please choose a new password before you continue.")), "warning")
        return redirect(url_for("auth.change_password"))
    return None


def _remember_remote_addr():
    """Let the audit trail know the client's address for this request."""
    audit.remote_addr.set(request.remote_addr or "")


def _security_headers(response):
    """Add the security headers to every response."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if getattr(current_actor(), "is_authenticated", False):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _error_page(template, status):
    """An error handler rendering a friendly page."""
    def handler(error):
        return render_template(template), status
    return handler


def _server_error(error):
    """Flask has logged the failure in full; show the user only a friendly page."""
    return render_template("errors/500.html"), 500


def _csrf_error(error):
    """A missing or stale CSRF token: explain, change nothing."""
    return render_template("errors/csrf.html"), 400


def _document_busy(error):
    """The user's previous document is still being built: say so, and when to try again."""
    return (render_template("errors/busy.html"), 429,
            {"Retry-After": str(RETRY_AFTER_SECONDS)})


def _workflow_error(error):
    """A refused action that no view caught: flash it and go back."""
    flash_error(error)
    return redirect(request.referrer or url_for("main.home"))


# The main menu: links (endpoint, label, the action that shows it) and groups (label,
# links) shown as dropdowns, so the administrator's menu fits one line at 1280 px. Areas
# add their entries; a group with a single link the user may follow shows as that link.
NAV_MENU = [
    ("inspections.index", _l("Inspections"), "inspections.list"),
    ("inspections.plans", _l("Plans"), "plans.view"),
    ("findings.index", _l("Findings"), "findings.list"),
    ("findings.review_queue", _l("Review queue"), "dashboard.view"),
    ("reports.index", _l("Reports"), "reports.view"),
    ("discipline.index", _l("Discipline"), "discipline.view"),
    (_l("CCHC index"), [
        ("assessments.index", _l("CCHC index"), "assessments.list"),
        ("criteria.index", _l("CCHC criteria"), "criteria.view"),
    ]),
    (_l("Catalogues"), [
        ("units.index", _l("Units"), "units.manage"),
        ("admin.categories", _l("Categories"), "categories.manage"),
        ("discipline.measures", _l("Disciplinary measures"), "discipline_measures.manage"),
        ("admin.authority_versions", _l("Authority"), "settings.manage"),
        ("workcalendar.index", _l("Working calendar"), "work_calendar.manage"),
        ("checklists.templates", _l("Checklist templates"), "checklist_templates.manage"),
    ]),
    (_l("System"), [
        ("admin.users", _l("Users"), "users.manage"),
        ("admin.settings_page", _l("Settings"), "settings.manage"),
        ("admin.audit_log", _l("Audit log"), "audit.view"),
        ("admin.outbox", _l("Outbox"), "outbox.manage"),
    ]),
]


# URLs built for pages, kept per app: a page builds the same ones on every request (its
# menu, its static files, its rows' links) and werkzeug builds each anew.
BUILT_URLS_KEPT = 20_000


def _kept_url(built, root, endpoint, values):
    """The URL of endpoint with values under the script root, from built or built now.

    Relative endpoints, the options (_external, _anchor...) and values that cannot be
    keys are built every time.
    """
    if endpoint[:1] == ".":
        return url_for(endpoint, **values)
    try:
        key = (root, endpoint, tuple(values.items()), tuple(map(type, values.values())))
        return built[key]
    except TypeError:
        return url_for(endpoint, **values)
    except KeyError:
        url = url_for(endpoint, **values)
        if not any(name[:1] == "_" for name in values):
            if len(built) >= BUILT_URLS_KEPT:
                built.clear()
            built[key] = url
        return url


def page_url(endpoint, **values):
    """url_for inside a request, each URL built once per script root, endpoint and values."""
    if not has_request_context():
        return url_for(endpoint, **values)
    return _kept_url(current_app.extensions["built_urls"], request.script_root, endpoint,
                     values)


def _page_url_of_request():
    """page_url bound to this request's script root and its app's built URLs."""
    built, root = current_app.extensions["built_urls"], request.script_root

    def url_for_page(endpoint, **values):
        return _kept_url(built, root, endpoint, values)
    return url_for_page


def menu_mark(url, path):
    """aria-current of a menu link on the page at path: "page" on its own page, "true" on
    a page inside its section (a finding under Findings), None elsewhere."""
    if path == url:
        return "page"
    if url != "/" and path.startswith(url + "/"):
        return "true"
    return None


class MenuEntry:
    """A link of the main menu (url), or a group of links shown as a dropdown (links);
    current is its aria-current mark. Attributes rather than keys: templates read them
    on every page, and Jinja looks a name up as an attribute first."""

    __slots__ = ("label", "url", "links", "current")

    def __init__(self, label, url=None, links=None, current=None):
        self.label, self.url, self.links, self.current = label, url, links, current


def _menu_link(endpoint, label):
    """A menu link, marked when the page is its own or in its section."""
    url = page_url(endpoint)
    return MenuEntry(str(label), url=url, current=menu_mark(url, request.path))


def _menu():
    """The main menu of the signed-in user (MenuEntry links and groups), its labels in
    the user's language; its policy checks made once per request."""
    if "main_menu" in g:
        return g.main_menu
    user = current_actor()
    menu = []
    for entry in NAV_MENU:
        if isinstance(entry[1], list):
            links = [_menu_link(endpoint, label) for endpoint, label, action in entry[1]
                     if can(user, action)]
            if len(links) == 1:
                menu.append(links[0])
            elif links:
                menu.append(MenuEntry(str(entry[0]), links=links,
                                      current=next((link.current for link in links
                                                    if link.current), None)))
        elif can(user, entry[2]):
            menu.append(_menu_link(entry[0], entry[1]))
    g.main_menu = menu
    return menu


def _template_helpers():
    """Functions every template may call, bound once per page to the request's user, its
    language's catalog and its script root, rather than looked up at each call (a page
    makes hundreds)."""
    user = current_actor()

    def current_locale():
        return str(get_locale() or "vi")

    helpers = {"can": lambda action, obj=None: can(user, action, obj),
               "main_menu": _menu, "current_locale": current_locale,
               **i18n.template_callables(i18n.translations())}
    if has_request_context():
        helpers["url_for"] = _page_url_of_request()
    return helpers


def init_app(app):
    """Install the id converter, request hooks, headers, template helpers and error pages.

    Called before the blueprints are registered: a URL rule takes its converters when added.
    """
    app.url_map.converters["int"] = IdConverter
    app.context_processor(_template_helpers)
    # Pages and e-mails (rendered outside requests too) name states the same way.
    app.jinja_env.globals["labels"] = labels
    app.extensions["built_urls"] = {}
    app.jinja_env.globals["url_for"] = page_url
    app.before_request(_remember_remote_addr)
    app.before_request(_require_sign_in)
    app.after_request(_security_headers)
    app.register_error_handler(403, _error_page("errors/403.html", 403))
    app.register_error_handler(404, _error_page("errors/404.html", 404))
    app.register_error_handler(405, _error_page("errors/405.html", 405))
    app.register_error_handler(413, _error_page("errors/413.html", 413))
    app.register_error_handler(500, _server_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(DocumentBusy, _document_busy)
    app.register_error_handler(WorkflowError, _workflow_error)


def safe_next(target, default_endpoint="main.home"):
    """target when it is a local path on this site, else the default page."""
    if target and target.startswith("/") and not target.startswith("//") \
            and "\\" not in target and not any(ord(c) < 32 for c in target):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for(default_endpoint)


def flash_deadline_move(basis, deadline):
    """Tell the user when the date given, or a period's last day, fell on a day off."""
    notice = deadlines.move_notice(workdays.load(), basis, deadline) if basis else None
    if notice:
        flash(notice, "warning")


def apply_form_error(form, error):
    """Show a service's refusal beside its field when it names one, else as a flash."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = list(field.errors) + [str(error.message)]
        form.problems = [str(detail) for detail in error.details]
    else:
        flash_error(error)


def run_step(form, call, done, back, page=None):
    """Answer a page that changes something: validate, call the service, say how it went.

    form is the posted form, or None for a button without fields. call(form), or call()
    without a form, runs the service. On success the message done is flashed and the user
    goes to back: a URL, or a function of what call returned that gives one (a new record's
    page). A form that is not valid, or that the service refuses, is shown again by
    page(form) with its errors, a refusal beside the field it names; without a form the
    refusal is flashed and the user goes back.
    """
    if form is not None and not form.validate_on_submit():
        return page(form)
    try:
        result = call() if form is None else call(form)
    except WorkflowError as error:
        if form is None:
            flash_error(error)
            return redirect(back)
        apply_form_error(form, error)
        return page(form)
    flash(done, "success")
    return redirect(back(result) if callable(back) else back)
