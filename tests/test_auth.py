"""Signing in and out, safe redirects, sessions and passwords (see also test_sessions.py
and test_login_throttle.py)."""
import pytest
from babel.messages.pofile import read_po

from inspect_app.models import LoginThrottle, User, UserSession
from tests.conftest import ROOT
from tests.factories import PASSWORD, make_user
from tests.helpers import field_errors, flashes, input_value, location, one_time_password, text, tr

NEW_PASSWORD = "mot-mat-khau-moi"


def login(client, username, password=PASSWORD, **extra):
    """Post the login form with client."""
    return client.post("/login", data={"username": username, "password": password, **extra})


def reload(user):
    """The user as stored now."""
    return User.get_by_id(user.id)


def wrong_credentials(app, locale="vi"):
    return tr(app, "Wrong username or password.", locale)


# --- signing in -------------------------------------------------------------------------


def test_login_with_correct_password_redirects_home_and_signs_in(client):
    make_user("canbo", full_name="Cán Bộ Một")
    response = login(client, "canbo")
    assert response.status_code == 302
    assert location(response) == "/"
    assert "Cán Bộ Một" in text(client.get("/"))


def test_login_username_is_case_and_space_insensitive(client):
    make_user("canbo")
    assert location(login(client, "  CanBo ")) == "/"


def test_login_records_last_login_and_clears_failures(client):
    user = make_user("canbo")
    login(client, "canbo", "sai-mat-khau")
    assert LoginThrottle.get(LoginThrottle.scope == "pair").failures == 1
    login(client, "canbo")
    assert not LoginThrottle.select().where(LoginThrottle.scope == "pair").exists()
    assert reload(user).last_login_at is not None


def test_vi_catalog_translates_the_wrong_credentials_message(app):
    """The generic sign-in error is in the Vietnamese catalog (once translated)."""
    with open(ROOT / "inspect_app/translations/vi/LC_MESSAGES/messages.po", "rb") as f:
        catalog = read_po(f)
    message = catalog.get("Wrong username or password.")
    assert message is not None, "msgid missing from the vi catalog"
    if message.string and not message.fuzzy:
        assert wrong_credentials(app) == message.string


def test_wrong_password_shows_generic_message_in_vietnamese(app, client):
    make_user("canbo")
    response = login(client, "canbo", "sai-mat-khau")
    assert response.status_code == 200
    page = text(response)
    assert '<html lang="vi">' in page
    assert wrong_credentials(app) in flashes(page)
    assert "_user_id" not in _session(client)


def test_wrong_password_shows_english_message_after_switching_to_english(client):
    make_user("canbo")
    client.post("/language", data={"lang": "en", "next": "/login"})
    page = text(login(client, "canbo", "sai-mat-khau"))
    assert "Wrong username or password." in flashes(page)


def test_unknown_username_gets_the_same_generic_message(app, client):
    make_user("canbo")
    known = flashes(text(login(client, "canbo", "sai-mat-khau")))
    unknown = flashes(text(login(client, "khongtontai", "sai-mat-khau")))
    assert unknown == known == [wrong_credentials(app)]


# --- the next parameter -------------------------------------------------------------------


def test_login_honours_a_local_next_path(client):
    make_user("quantri", role="admin")
    response = login(client, "quantri", next="/admin/users?role=admin")
    assert location(response) == "/admin/users?role=admin"


def test_login_page_carries_next_from_the_query_string(client):
    response = client.get("/admin/users")
    assert location(response) == "/login?next=/admin/users"
    page = text(client.get(location(response)))
    assert input_value(page, "next") == "/admin/users"


@pytest.mark.parametrize("target", [
    "//evil.example",
    "//evil.example/x",
    "https://evil.example/x",
    "http://evil.example",
    "/\\evil",
    "/\\/evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "/\tevil",
    "evil.example",
])
def test_login_rejects_an_offsite_next_and_goes_home(client, target):
    make_user("canbo")
    response = login(client, "canbo", next=target)
    assert location(response) == "/"


def test_signed_in_visit_to_login_ignores_offsite_next(client):
    make_user("canbo")
    login(client, "canbo")
    assert location(client.get("/login?next=//evil.example")) == "/"
    assert location(client.get("/login?next=/account")) == "/account"


# --- sessions ---------------------------------------------------------------------------


def _session(client):
    with client.session_transaction() as sess:
        return dict(sess)


def test_login_renews_the_session(client):
    user = make_user("canbo")
    with client.session_transaction() as sess:
        sess["planted"] = "by-an-attacker"
    before = client.get_cookie("session").value
    login(client, "canbo")
    after = client.get_cookie("session").value
    assert after != before
    session = _session(client)
    assert "planted" not in session
    # The cookie names the user's one new server-side session (tests/test_sessions.py).
    assert session["_user_id"]
    assert UserSession.select().where(UserSession.user == user).count() == 1


def test_login_keeps_the_chosen_language(client):
    make_user("canbo")
    client.post("/language", data={"lang": "en", "next": "/login"})
    login(client, "canbo")
    assert _session(client)["lang"] == "en"


def test_password_change_ends_the_users_other_sessions(app):
    make_user("canbo", full_name="Cán Bộ Một")
    client_a, client_b = app.test_client(), app.test_client()
    assert location(login(client_a, "canbo")) == "/"
    assert location(login(client_b, "canbo")) == "/"

    response = client_a.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD})
    assert location(response) == "/"

    sent_to = location(client_b.get("/"))
    assert sent_to.startswith("/login")
    assert flashes(text(client_b.get(sent_to))) == [
        tr(app, "Your session has expired. Please sign in again.")]
    home_a = client_a.get("/")
    assert home_a.status_code == 200
    assert "Cán Bộ Một" in text(home_a)
    # The other browser signs in again with the new password only.
    assert flashes(text(login(client_b, "canbo"))) == [wrong_credentials(app)]
    assert location(login(client_b, "canbo", NEW_PASSWORD)) == "/"


def test_admin_deactivation_ends_the_users_sessions_and_blocks_login(app):
    make_user("quantri", role="admin")
    user = make_user("canbo")
    admin, person = app.test_client(), app.test_client()
    login(admin, "quantri")
    login(person, "canbo")
    assert person.get("/").status_code == 200

    response = admin.post(f"/admin/users/{user.id}/deactivate")
    assert location(response) == "/admin/users"
    assert reload(user).active is False

    sent_to = location(person.get("/"))
    assert sent_to.startswith("/login")
    person.get(sent_to)
    page = text(login(person, "canbo"))
    assert flashes(page) == [wrong_credentials(app)]
    assert location(person.get("/")).startswith("/login")


def test_admin_cannot_deactivate_own_account(app, client):
    admin = make_user("quantri", role="admin")
    login(client, "quantri")
    response = client.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True)
    assert tr(app, "You cannot deactivate your own account.") in flashes(text(response))
    assert reload(admin).active is True


def test_logout_is_post_only(app, client):
    make_user("canbo")
    login(client, "canbo")
    response = client.get("/logout")
    assert response.status_code == 405
    assert tr(app, "Action not allowed") in text(response)
    assert client.get("/").status_code == 200  # still signed in


def test_logout_ends_the_session(app, client):
    make_user("canbo")
    login(client, "canbo")
    response = client.post("/logout")
    assert location(response) == "/login"
    assert tr(app, "You have signed out.") in flashes(text(client.get("/login")))
    assert location(client.get("/")).startswith("/login")


# --- passwords --------------------------------------------------------------------------


@pytest.mark.real_password_hashing
def test_stored_password_hash_is_scrypt_with_the_default_work_factor(client):
    user = make_user("canbo")
    stored = reload(user)
    assert stored.password_hash.startswith("scrypt:")
    method = stored.password_hash.split("$", 1)[0]
    assert method == "scrypt:32768:8:1"
    assert PASSWORD not in stored.password_hash
    assert location(login(client, "canbo")) == "/"


def test_password_change_stores_a_new_scrypt_hash(client):
    user = make_user("canbo")
    login(client, "canbo")
    client.post("/account/password", data={"current_password": PASSWORD,
                                           "new_password": NEW_PASSWORD,
                                           "confirm_password": NEW_PASSWORD})
    stored = reload(user)
    assert stored.password_hash.startswith("scrypt:")
    assert stored.check_password(NEW_PASSWORD)
    assert not stored.check_password(PASSWORD)


def test_password_shorter_than_8_is_refused_and_not_stored(app, client):
    user = make_user("canbo")
    login(client, "canbo")
    response = client.post("/account/password", data={"current_password": PASSWORD,
                                                      "new_password": "ngan123",
                                                      "confirm_password": "ngan123"})
    assert response.status_code == 200
    assert field_errors(text(response), "new_password") == [
        tr(app, "The password must have at least %(n)d characters.", n=8)]
    assert reload(user).check_password(PASSWORD)
    assert client.get("/").status_code == 200


def test_password_change_with_wrong_current_password_is_refused(app, client):
    user = make_user("canbo")
    login(client, "canbo")
    response = client.post("/account/password", data={"current_password": "khong-dung",
                                                      "new_password": NEW_PASSWORD,
                                                      "confirm_password": NEW_PASSWORD})
    assert field_errors(text(response), "current_password") == [
        tr(app, "The current password is not correct.")]
    assert reload(user).check_password(PASSWORD)


def test_password_change_with_mismatched_repeat_is_refused(app, client):
    user = make_user("canbo")
    login(client, "canbo")
    response = client.post("/account/password", data={"current_password": PASSWORD,
                                                      "new_password": NEW_PASSWORD,
                                                      "confirm_password": NEW_PASSWORD + "x"})
    assert field_errors(text(response), "confirm_password") == [
        tr(app, "The two new passwords do not match.")]
    assert reload(user).check_password(PASSWORD)


def _reset_by_admin(app, user, with_response=False):
    """Sign an admin in on a client of their own and reset user's password."""
    make_user("quantri", role="admin")
    admin = app.test_client()
    login(admin, "quantri")
    response = admin.post(f"/admin/users/{user.id}/reset-password")
    assert response.status_code == 200
    password = one_time_password(text(response))
    return (admin, password, response) if with_response else (admin, password)


def test_admin_reset_shows_a_one_time_password_once(app):
    user = make_user("canbo")
    admin, password, response = _reset_by_admin(app, user, with_response=True)
    assert len(password) >= 8
    stored = reload(user)
    assert stored.check_password(password)
    assert stored.must_change_password is True
    assert stored.password_hash.startswith("scrypt:")
    # The page holding it is not kept by the browser or a proxy cache.
    assert "no-store" in response.headers.get("Cache-Control", "")
    # Not shown again anywhere the admin goes next.
    for url in ("/admin/users", f"/admin/users/{user.id}", "/admin/audit"):
        page = admin.get(url)
        assert page.status_code == 200
        assert password not in text(page), url
    # Not reachable by GET (no way to show it again by reloading).
    assert admin.get(f"/admin/users/{user.id}/reset-password").status_code == 405


def test_admin_reset_ends_the_users_current_session(app):
    user = make_user("canbo")
    person = app.test_client()
    login(person, "canbo")
    _reset_by_admin(app, user)
    assert location(person.get("/")).startswith("/login")


def test_user_must_change_a_reset_password_before_using_the_app(app):
    user = make_user("canbo", full_name="Cán Bộ Một")
    _, password = _reset_by_admin(app, user)
    person = app.test_client()

    response = login(person, "canbo", password)
    assert location(response) == "/account/password"

    gated = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in (
                "static", "auth.login", "auth.change_password", "health.healthz",
                "feeds.feed", "main.service_worker"):
            continue
        url = rule.build({name: 1 for name in rule.arguments})[1]
        response = person.get(url)
        # The laptop's API cannot follow a redirect: it is told to sign in again (401).
        if url.startswith("/api/") and response.status_code == 401:
            continue
        if location(response) != "/account/password":
            gated.append(url)
    assert gated == [], "pages reachable while the password is due"
    assert location(person.post("/account", data={"email": "x@example.vn",
                                                   "locale": "vi"})) == "/account/password"
    assert reload(user).email == ""

    page = text(person.get("/account/password"))
    assert tr(app, "Your password was set by an administrator. "
                   "Choose your own password to continue.") in page

    response = person.post("/account/password", data={"current_password": password,
                                                      "new_password": NEW_PASSWORD,
                                                      "confirm_password": NEW_PASSWORD})
    assert location(response) == "/"
    home = person.get("/")
    assert home.status_code == 200
    assert "Cán Bộ Một" in text(home)
    stored = reload(user)
    assert stored.must_change_password is False
    assert stored.check_password(NEW_PASSWORD)


def test_user_with_password_due_can_still_sign_out(app):
    user = make_user("canbo")
    _, password = _reset_by_admin(app, user)
    person = app.test_client()
    login(person, "canbo", password)
    assert location(person.post("/logout")) == "/login"
    assert location(person.get("/account/password")).startswith("/login")
