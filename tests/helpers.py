"""Small helpers shared by the test modules: signing in, translations, page text, HTML
parsing, rows of the database, URL rules, PDFs read back and uploads."""
import html
import io
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

from flask_babel import force_locale, gettext
from pypdf import PdfReader
from werkzeug.datastructures import FileStorage

from inspect_app.models import ALL_MODELS, UserSession
from tests.factories import PASSWORD


def sign_in(client, user):
    """Sign client in as user (a User or a username), signing out whoever was in."""
    username = getattr(user, "username", user)
    client.post("/logout")
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert location(response) == "/", username


def tr(app, msgid, locale="vi", **variables):
    """msgid as the app shows it in locale (from the compiled catalog).

    Tests compare pages against this rather than hard-coded Vietnamese, so they keep
    working while the translator is still filling in the catalog.
    """
    with app.test_request_context(), force_locale(locale):
        return gettext(msgid, **variables)


def text(response):
    """A response body as text with HTML entities decoded."""
    return html.unescape(response.get_data(as_text=True))


def location(response):
    """The redirect target of a response (as sent, normally a relative path)."""
    return response.headers.get("Location", "")


class _Collector(HTMLParser):
    """Collect tags with their attributes, and the bodies of <script> elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.scripts = []
        self._in_script = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = {"attrs": dict(attrs), "body": ""}

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "script" and self._in_script is not None:
            self.scripts.append(self._in_script)
            self._in_script = None

    def handle_data(self, data):
        if self._in_script is not None:
            self._in_script["body"] += data


def parse(page):
    """(tags, scripts) of an HTML page: [(tag, attrs)], [{"attrs", "body"}]."""
    collector = _Collector()
    collector.feed(page)
    collector.close()
    return collector.tags, collector.scripts


def input_value(page, name):
    """The value of the first <input name=name> on a page, or None."""
    for tag, attrs in parse(page)[0]:
        if tag == "input" and attrs.get("name") == name:
            return attrs.get("value")
    return None


def csrf_token(page):
    """The CSRF token of the first form on a page."""
    return input_value(page, "csrf_token")


def field_errors(page, name):
    """The error messages shown beside the form field called name.

    Every field is rendered by macros/forms.html as <div class="mb-3"> holding the
    control and its <div class="invalid-feedback ..."> messages.
    """
    page = html.unescape(page)
    for block in re.split(r'<div class="mb-3">', page)[1:]:
        if re.search(r'\bname="%s"' % re.escape(name), block):
            return [m.strip() for m in re.findall(
                r'<div class="invalid-feedback[^"]*">(.*?)</div>', block, re.S)]
    raise AssertionError(f"no field {name!r} on the page")


def figures(page):
    """{name: text} of the cells marked data-figure on a page."""
    return dict(re.findall(r'data-figure="(\w+)">([^<]*)<', page))


def flashes(page):
    """The texts of the flashed messages (alerts) on a page."""
    page = html.unescape(page)
    return [m.strip() for m in re.findall(r'<div class="alert alert-\w+" role="alert">(.*?)</div>',
                                          page, re.S)]


def one_time_password(page):
    """The one-time password shown on the admin's one-time password page."""
    match = re.search(r'<p class="one-time-password[^"]*">(.*?)</p>', page, re.S)
    assert match, "no one-time password on the page"
    return html.unescape(match.group(1)).strip()


def settings_form_data(**changes):
    """Every registered setting's current value (as the settings form posts it), changed."""
    from inspect_app import settings

    return {**settings.all_values(), **changes}


def english(app, error):
    """A refusal's (WorkflowError's) message in English."""
    with app.test_request_context(), force_locale("en"):
        return str(error.message)


def db_state():
    """Every row of every table, to prove a refused request changed nothing.

    A session's last-seen time is left out: any request may refresh it (once a minute).
    """
    return {model.__name__: list(model
                                 .select(*[field for field in model._meta.sorted_fields
                                           if field is not UserSession.last_seen_at])
                                 .order_by(model._meta.primary_key)
                                 .tuples())
            for model in ALL_MODELS}


def url_rules(app):
    """Every rule but static, with the methods it accepts (HEAD and OPTIONS aside)."""
    return sorted(((rule, sorted(rule.methods - {"HEAD", "OPTIONS"}))
                   for rule in app.url_map.iter_rules() if rule.endpoint != "static"),
                  key=lambda item: item[0].rule)


def pdf_reader(data):
    """A pypdf reader of PDF bytes."""
    assert data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(data))


def page_texts(data):
    """Each page's text with runs of white space made single spaces."""
    return [" ".join(page.extract_text().split()) for page in pdf_reader(data).pages]


def pdf_text(data):
    """The whole document's text, white space made single spaces."""
    return " ".join(page_texts(data))


def text_runs(data):
    """Each page's runs of text as [(text, x, y)], x and y in points from the bottom left."""
    pages = []
    for page in pdf_reader(data).pages:
        runs = []

        def visit(text, cm, tm, _font, _size, runs=runs):
            if text.strip():
                # The text matrix's origin, through the current transformation matrix.
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                runs.append((text.strip(), x, y))

        page.extract_text(visitor_text=visit)
        pages.append(runs)
    return pages


def upload(name, data):
    """A file as the browser sends it."""
    return FileStorage(stream=io.BytesIO(data), filename=name)


def stored_files(app):
    """The files in the upload folder."""
    folder = Path(app.config["UPLOAD_DIR"])
    return sorted(folder.iterdir()) if folder.exists() else []


def audit_rows(page):
    """The audit table's rows as dicts of the visible columns."""
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [re.sub(r"<[^>]+>", " ", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        cells = [" ".join(c.split()) for c in cells]
        if len(cells) == 5:
            rows.append(dict(zip(("time", "user", "action", "object", "changes"), cells)))
    return rows


def sign_in_page(page, username, password=PASSWORD):
    """Sign in a browser page (Playwright) on the login page."""
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[action^='/login'] button[type=submit]")
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
             "source", "track", "wbr"}


class Element:
    """An element of a page: its tag, attributes, children and text."""

    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children, self.parts = tag, attrs, parent, [], []

    def __getitem__(self, name):
        return self.attrs[name]

    def text(self):
        """The element's text, white space made single spaces."""
        return " ".join("".join(part if isinstance(part, str) else part.text()
                                for part in self.parts).split())

    def all(self, tag=None, **attrs):
        """Every element below this one with tag and these attributes (class_ for class:
        one of its classes)."""
        found = []
        for child in self.children:
            classes = (child.attrs.get("class") or "").split()
            if (tag in (None, child.tag)
                    and all((value in classes) if name == "class_"
                            else child.attrs.get(name.replace("_", "-")) == value
                            for name, value in attrs.items())):
                found.append(child)
            found += child.all(tag, **attrs)
        return found

    def one(self, tag=None, **attrs):
        """The first element below with tag and these attributes, or None."""
        found = self.all(tag, **attrs)
        return found[0] if found else None


class _TreeBuilder(HTMLParser):
    """Build the tree of Elements of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("document", {})

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: "" if v is None else v for k, v in attrs}, self.current)
        self.current.children.append(element)
        self.current.parts.append(element)
        if tag not in VOID_TAGS:
            self.current = element

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.parts.append(data)


def html_tree(page):
    """The page as a tree of Elements (find with .all() and .one())."""
    builder = _TreeBuilder()
    builder.feed(page)
    builder.close()
    return builder.root


def race(app, user, send, times=8):
    """send(client) from `times` threads at once, each client signed in as user with the
    same session cookie (a double click, a retried request); their responses."""
    signed_in = app.test_client()
    sign_in(signed_in, user)
    cookie = signed_in.get_cookie("session").value
    start = threading.Barrier(times)

    def one(_):
        client = app.test_client()
        client.set_cookie("session", cookie)
        start.wait()
        return send(client)

    with ThreadPoolExecutor(max_workers=times) as pool:
        return list(pool.map(one, range(times)))
