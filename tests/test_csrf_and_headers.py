"""CSRF protection, security headers, cookies, and pages free of external or inline code."""
from urllib.parse import urlsplit

import pytest

from inspect_app import settings, web
from inspect_app.models import AuditEvent, LoginThrottle
from tests.factories import PASSWORD, make_user
from tests.helpers import csrf_token, flashes, location, parse, settings_form_data, text, tr


@pytest.fixture
def app_config():
    """This module runs with CSRF protection on, as in production."""
    return {"WTF_CSRF_ENABLED": True}


def signed_in(client, username):
    """Sign in through the real login form (with its CSRF token)."""
    token = csrf_token(text(client.get("/login")))
    response = client.post("/login", data={"username": username, "password": PASSWORD,
                                           "csrf_token": token})
    assert location(response) == "/", "sign-in with a valid token failed"
    return client


def assert_csrf_refusal(app, response):
    assert response.status_code == 400
    page = text(response)
    assert tr(app, "The form has expired") in page
    assert tr(app, "For your security the form was not accepted and nothing was changed. "
                   "Go back, reload the page and send it again.") in page


# --- CSRF -------------------------------------------------------------------------------


def test_login_post_without_csrf_token_is_refused_and_changes_nothing(app, client):
    make_user("canbo")
    client.get("/login")
    response = client.post("/login", data={"username": "canbo", "password": "sai-mat-khau"})
    assert_csrf_refusal(app, response)
    assert LoginThrottle.select().count() == 0


def test_login_post_with_wrong_csrf_token_is_refused_and_changes_nothing(app, client):
    make_user("canbo")
    client.get("/login")
    response = client.post("/login", data={"username": "canbo", "password": "sai-mat-khau",
                                           "csrf_token": "not-the-token"})
    assert_csrf_refusal(app, response)
    assert LoginThrottle.select().count() == 0


def test_correct_login_without_csrf_token_does_not_sign_in(app, client):
    make_user("canbo")
    response = client.post("/login", data={"username": "canbo", "password": PASSWORD})
    assert_csrf_refusal(app, response)
    assert location(client.get("/")).startswith("/login")


def test_login_post_with_token_from_the_form_works(app, client):
    make_user("canbo")
    token = csrf_token(text(client.get("/login")))
    assert token
    response = client.post("/login", data={"username": "canbo", "password": "sai-mat-khau",
                                           "csrf_token": token})
    assert response.status_code == 200
    assert flashes(text(response)) == [tr(app, "Wrong username or password.")]
    assert LoginThrottle.get(LoginThrottle.scope == "pair").failures == 1
    signed_in(client, "canbo")


def test_token_from_another_browser_is_refused(app):
    make_user("canbo")
    other, client = app.test_client(), app.test_client()
    token = csrf_token(text(other.get("/login")))
    client.get("/login")
    response = client.post("/login", data={"username": "canbo", "password": PASSWORD,
                                           "csrf_token": token})
    assert_csrf_refusal(app, response)


def test_admin_settings_post_without_token_changes_nothing(app, client):
    make_user("quantri", role="admin")
    signed_in(client, "quantri")
    events = AuditEvent.select().count()
    for data in ({}, {"csrf_token": "forged"}):
        response = client.post("/admin/settings", data={**data, **settings_form_data(
            escalation_every_days="1", monthly_recipients="gia@mao.vn")})
        assert_csrf_refusal(app, response)
    assert settings.get("monthly_recipients") == ""
    assert AuditEvent.select().count() == events


def test_admin_settings_post_with_token_from_the_page_saves(app, client):
    make_user("quantri", role="admin")
    signed_in(client, "quantri")
    token = csrf_token(text(client.get("/admin/settings")))
    response = client.post("/admin/settings", data={"csrf_token": token, **settings_form_data(
        monthly_recipients="lanhdao@phuhoa.vn")})
    assert location(response) == "/admin/settings"
    assert settings.get("monthly_recipients") == "lanhdao@phuhoa.vn"


def test_logout_without_token_keeps_the_session(app, client):
    make_user("canbo")
    signed_in(client, "canbo")
    assert_csrf_refusal(app, client.post("/logout"))
    assert client.get("/").status_code == 200


def test_language_switch_without_token_is_refused(app, client):
    client.get("/login")
    assert_csrf_refusal(app, client.post("/language", data={"lang": "en"}))
    assert '<html lang="vi">' in text(client.get("/login"))


def test_every_post_form_on_a_page_carries_a_csrf_token(client):
    make_user("quantri", role="admin")
    other = make_user("canbo")
    signed_in(client, "quantri")
    for url in ("/", "/admin/users", f"/admin/users/{other.id}", "/admin/settings",
                "/admin/units", "/account", "/account/password"):
        tags, _ = parse(text(client.get(url)))
        forms = 0
        open_form = None
        for tag, attrs in tags:
            if tag == "form":
                if open_form is not None:
                    assert open_form["token"], f"{url}: a POST form has no csrf_token"
                is_post = attrs.get("method", "get").lower() == "post"
                open_form = {"token": not is_post}
                forms += is_post
            elif tag == "input" and attrs.get("name") == "csrf_token" and open_form:
                open_form["token"] = True
        if open_form is not None:
            assert open_form["token"], f"{url}: a POST form has no csrf_token"
        assert forms >= 1, url


# --- headers and cookies ----------------------------------------------------------------


def _sample_responses(client):
    """Responses of many kinds: pages, redirects, errors, static files, CSRF refusals."""
    make_user("canbo")
    yield "login page", client.get("/login")
    yield "redirect to login", client.get("/")
    yield "static file", client.get("/static/css/app.css")
    yield "csrf refusal", client.post("/login", data={"username": "x", "password": "y"})
    signed_in(client, "canbo")
    yield "home", client.get("/")
    yield "forbidden", client.get("/admin/users")
    yield "not found", client.get("/khong-co-trang-nay")
    yield "method not allowed", client.get("/logout")


def test_every_response_carries_the_security_headers(client):
    for name, response in _sample_responses(client):
        csp = response.headers.get("Content-Security-Policy", "")
        assert csp, name
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, name
        assert "frame-ancestors 'none'" in csp, name
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
        assert directives.get("script-src") == "'self'", name
        assert "default-src" in directives, name
        assert response.headers.get("X-Content-Type-Options") == "nosniff", name
        assert response.headers.get("Referrer-Policy"), name


def test_signed_in_pages_are_not_cached(client):
    make_user("canbo")
    signed_in(client, "canbo")
    assert "no-store" in client.get("/").headers.get("Cache-Control", "")


def _session_cookie_header(response):
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, "no session cookie was set"
    return [part.strip().lower() for part in cookies[-1].split(";")]


def test_session_cookie_is_httponly_and_samesite_lax(client):
    make_user("canbo")
    token = csrf_token(text(client.get("/login")))
    response = client.post("/login", data={"username": "canbo", "password": PASSWORD,
                                           "csrf_token": token})
    parts = _session_cookie_header(response)
    assert "httponly" in parts
    assert "samesite=lax" in parts


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True,
                                         "SESSION_COOKIE_SECURE": True}])
def test_session_cookie_is_secure_when_configured(client):
    make_user("canbo")
    client.get("/login")
    token = csrf_token(text(client.get("/login")))
    response = client.post("/login", data={"username": "canbo", "password": PASSWORD,
                                           "csrf_token": token},
                           base_url="https://testserver")
    parts = _session_cookie_header(response)
    assert "secure" in parts and "httponly" in parts and "samesite=lax" in parts


# --- no external hosts, no inline code --------------------------------------------------


def _assert_self_contained(client, page, name):
    tags, scripts = parse(page)
    for tag, attrs in tags:
        for attr in ("src", "href", "action", "formaction", "srcset", "data"):
            value = attrs.get(attr)
            if value is None:
                continue
            parts = urlsplit(value)
            assert parts.scheme in ("", "http", "https") and parts.netloc in ("", "localhost"), \
                f"{name}: <{tag} {attr}={value!r}> points outside the site"
            assert not value.startswith("//"), f"{name}: protocol-relative {value!r}"
        handlers = [a for a in attrs if a.startswith("on")]
        assert not handlers, f"{name}: inline event handler on <{tag}>: {handlers}"
        assert "style" not in attrs, f"{name}: inline style on <{tag}> (blocked by the CSP)"
        assert tag != "style", f"{name}: inline <style> element (blocked by the CSP)"
    assert scripts, f"{name}: expected the bundled script"
    for script in scripts:
        assert script["attrs"].get("src"), f"{name}: a <script> without src"
        assert not script["body"].strip(), f"{name}: inline script body"
        assert client.get(script["attrs"]["src"]).status_code == 200
    for tag, attrs in tags:
        if tag == "link" and attrs.get("rel") == "stylesheet":
            assert client.get(attrs["href"]).status_code == 200, attrs["href"]


def test_login_and_home_pages_use_only_local_resources_and_no_inline_code(client):
    _assert_self_contained(client, client.get("/login").get_data(as_text=True), "login")
    make_user("quantri", role="admin")
    signed_in(client, "quantri")
    _assert_self_contained(client, client.get("/").get_data(as_text=True), "home")


def test_not_found_page_is_friendly_and_in_vietnamese(app, client):
    make_user("canbo")
    signed_in(client, "canbo")
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    page = text(response)
    assert '<html lang="vi">' in page
    assert tr(app, "Page not found") in page
    assert tr(app, "The page you asked for does not exist or is not available to you.") in page
    assert tr(app, "Back to the home page") in page
    assert "Not Found" not in page  # not Werkzeug's bare English page


def test_not_found_for_a_missing_record_is_the_friendly_page(app, client):
    make_user("quantri", role="admin")
    signed_in(client, "quantri")
    response = client.get("/admin/users/99999")
    assert response.status_code == 404
    assert tr(app, "Page not found") in text(response)


def test_server_error_shows_a_friendly_page_with_the_security_headers(app, client,
                                                                      monkeypatch):
    def boom():
        raise RuntimeError("secret internals: /work/main/inspect_app")

    boom.policy = "public"
    app.add_url_rule("/boom-for-test", "boom_for_test", boom)
    monkeypatch.setattr("inspect_app.web.PUBLIC_ENDPOINTS",
                        web.PUBLIC_ENDPOINTS | {"boom_for_test"})
    app.config["PROPAGATE_EXCEPTIONS"] = False  # behave as in production
    response = client.get("/boom-for-test")
    assert response.status_code == 500
    page = text(response)
    assert tr(app, "Something went wrong") in page
    assert "secret internals" not in page and "Traceback" not in page
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True, "MAX_UPLOAD_MB": 0}])
def test_too_large_request_shows_a_friendly_page(app, client):
    response = client.post("/login", data={"username": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert tr(app, "File too large") in text(response)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
