"""Server-side sessions: signing out ends them, they expire when idle and when too old."""
import datetime as dt
import hashlib

import pytest
import time_machine
from playhouse.test_utils import count_queries

from inspect_app.models import UserSession
from tests.factories import PASSWORD, make_user
from tests.helpers import flashes, location, text, tr

T0 = dt.datetime(2030, 1, 15, 3, 0, tzinfo=dt.timezone.utc)  # 10:00 in Hanoi
NEW_PASSWORD = "mot-mat-khau-moi"


def login(client, username, password=PASSWORD):
    """Post the login form with client."""
    return client.post("/login", data={"username": username, "password": password})


def signed_in_client(app, username="canbo"):
    """A new browser signed in as username."""
    client = app.test_client()
    assert location(login(client, username)) == "/"
    return client


def session_cookie(client):
    """The value of the client's session cookie."""
    return client.get_cookie("session").value


def token_of(client):
    """The session token the client's signed cookie carries."""
    with client.session_transaction() as session:
        return session["_user_id"]


def assert_sent_to_login_as_expired(app, client):
    """The next page asks the client to sign in again, saying the session expired."""
    response = client.get("/")
    assert location(response) == "/login?next=/"
    page = text(client.get(location(response)))
    assert flashes(page) == [tr(app, "Your session has expired. Please sign in again.")]
    # Said once: the stale session is gone from the cookie.
    assert location(client.get("/")) == "/login?next=/"
    assert flashes(text(client.get("/login"))) == []


def assert_signed_in(client):
    """The client still reaches its home page."""
    response = client.get("/")
    assert response.status_code == 200, location(response)


# --- signing out --------------------------------------------------------------------------


def test_a_cookie_copied_before_logout_stops_working_after_it(app):
    make_user("canbo")
    browser = signed_in_client(app)
    thief = app.test_client()
    thief.set_cookie("session", session_cookie(browser))
    assert_signed_in(thief)

    assert location(browser.post("/logout")) == "/login"

    assert_sent_to_login_as_expired(app, thief)
    assert UserSession.select().count() == 0


def test_each_browser_has_its_own_session_and_signing_out_ends_only_its_own(app):
    user = make_user("canbo")
    office, home = signed_in_client(app), signed_in_client(app)
    assert token_of(office) != token_of(home)
    assert UserSession.select().where(UserSession.user == user).count() == 2

    office.post("/logout")

    assert location(office.get("/")).startswith("/login")
    assert_signed_in(home)
    assert UserSession.select().where(UserSession.user == user).count() == 1


def test_the_cookie_carries_a_random_token_stored_only_as_its_hash(app):
    user = make_user("canbo")
    client = signed_in_client(app)
    token = token_of(client)
    assert len(token) >= 40 and str(user.id) != token
    record = UserSession.get(UserSession.user == user)
    assert record.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(UserSession.select().tuples()))


# --- idle and absolute limits -------------------------------------------------------------


def test_a_session_unused_for_two_hours_ends(app):
    make_user("canbo")
    with time_machine.travel(T0, tick=False) as traveller:
        client = signed_in_client(app)
        traveller.shift(dt.timedelta(hours=2))
        assert_sent_to_login_as_expired(app, client)
        # Signing in again works and starts a new session.
        assert location(login(client, "canbo")) == "/"
        assert_signed_in(client)


def test_activity_within_the_idle_time_keeps_the_session(app):
    make_user("canbo")
    with time_machine.travel(T0, tick=False) as traveller:
        client = signed_in_client(app)
        for _step in range(7):  # until 11:40 after signing in
            traveller.shift(dt.timedelta(minutes=100))
            assert_signed_in(client)
        record = UserSession.get()
        assert record.last_seen_at == dt.datetime(2030, 1, 15, 14, 40)


def test_a_session_ends_twelve_hours_after_sign_in_even_when_in_use(app):
    make_user("canbo")
    with time_machine.travel(T0, tick=False) as traveller:
        client = signed_in_client(app)
        for _step in range(7):
            traveller.shift(dt.timedelta(minutes=100))
            assert_signed_in(client)
        traveller.shift(dt.timedelta(minutes=20))  # 12 hours after signing in
        assert_sent_to_login_as_expired(app, client)


def test_last_seen_is_written_at_most_once_a_minute(app):
    make_user("canbo")
    with time_machine.travel(T0, tick=False) as traveller:
        client = signed_in_client(app)
        traveller.shift(dt.timedelta(seconds=59))
        assert_signed_in(client)
        assert UserSession.get().last_seen_at == T0.replace(tzinfo=None)
        traveller.shift(dt.timedelta(seconds=2))
        assert_signed_in(client)
        assert UserSession.get().last_seen_at == dt.datetime(2030, 1, 15, 3, 1, 1)


def test_a_request_reads_its_session_and_user_in_one_query(app):
    """The password page reads nothing else, so its queries are the session's cost."""
    make_user("canbo")
    with time_machine.travel(T0, tick=False) as traveller:
        client = signed_in_client(app)
        with count_queries() as counted:
            assert client.get("/account/password").status_code == 200
        assert counted.count == 1
        traveller.shift(dt.timedelta(minutes=2))
        with count_queries() as counted:
            assert client.get("/account/password").status_code == 200
        assert counted.count == 2, "the read and, once a minute, the last-seen time"


def test_the_cookie_set_at_sign_in_lives_as_long_as_the_session_and_is_not_reissued(app):
    make_user("canbo")
    with time_machine.travel(T0, tick=False) as traveller:
        client = app.test_client()
        response = login(client, "canbo")
        cookie = next(value for name, value in response.headers.items()
                      if name == "Set-Cookie" and value.startswith("session="))
        assert "Expires=Tue, 15 Jan 2030 15:00:00 GMT" in cookie  # 12 hours on
        client.get("/")  # the first page stores the form token: the session changed
        traveller.shift(dt.timedelta(minutes=30))
        page = client.get("/")
        assert page.status_code == 200 and "Set-Cookie" not in page.headers


def test_signing_in_removes_expired_sessions(app):
    make_user("canbo")
    make_user("thanhtra")
    with time_machine.travel(T0, tick=False) as traveller:
        signed_in_client(app, "canbo")
        traveller.shift(dt.timedelta(hours=2))
        signed_in_client(app, "thanhtra")
    assert [s.user.username for s in UserSession.select()] == ["thanhtra"]


class TestConfiguredLimits:
    """SESSION_IDLE_MINUTES and SESSION_MAX_HOURS replace the defaults."""

    @pytest.fixture
    def app_config(self):
        return {"SESSION_IDLE_MINUTES": 30, "SESSION_MAX_HOURS": 1}

    def test_shorter_idle_and_absolute_limits_apply(self, app):
        make_user("canbo")
        assert app.permanent_session_lifetime == dt.timedelta(hours=1)
        with time_machine.travel(T0, tick=False) as traveller:
            client = signed_in_client(app)
            traveller.shift(dt.timedelta(minutes=29))
            assert_signed_in(client)
            traveller.shift(dt.timedelta(minutes=29))
            assert_signed_in(client)
            traveller.shift(dt.timedelta(minutes=2))  # an hour after signing in
            assert_sent_to_login_as_expired(app, client)
            assert location(login(client, "canbo")) == "/"
            traveller.shift(dt.timedelta(minutes=30))
            assert_sent_to_login_as_expired(app, client)


def test_session_limits_are_read_from_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "45")
    monkeypatch.setenv("SESSION_MAX_HOURS", "8")
    configured = make_app("env.db")
    assert configured.config["SESSION_IDLE_MINUTES"] == 45
    assert configured.config["SESSION_MAX_HOURS"] == 8
    assert configured.permanent_session_lifetime == dt.timedelta(hours=8)
    monkeypatch.delenv("SESSION_IDLE_MINUTES")
    monkeypatch.delenv("SESSION_MAX_HOURS")
    defaults = make_app("defaults.db")
    assert defaults.config["SESSION_IDLE_MINUTES"] == 120
    assert defaults.permanent_session_lifetime == dt.timedelta(hours=12)


# --- the account's events end every session -----------------------------------------------


def test_password_change_ends_the_other_sessions_and_keeps_this_browser_signed_in(app):
    user = make_user("canbo")
    this, other = signed_in_client(app), signed_in_client(app)
    before = token_of(this)
    response = this.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD})
    assert location(response) == "/"
    assert_signed_in(this)
    assert token_of(this) != before
    assert_sent_to_login_as_expired(app, other)
    assert UserSession.select().where(UserSession.user == user).count() == 1


def test_deactivation_ends_every_session_of_the_account(app):
    make_user("quantri", role="admin")
    user = make_user("canbo")
    admin = signed_in_client(app, "quantri")
    browsers = [signed_in_client(app), signed_in_client(app)]
    admin.post(f"/admin/users/{user.id}/deactivate")
    for browser in browsers:
        assert location(browser.get("/")).startswith("/login")
    assert UserSession.select().where(UserSession.user == user).count() == 0
    assert_signed_in(admin)
