"""Vietnamese by default, English on request; complete catalog; dates as dd/mm/yyyy."""
import datetime as dt
import subprocess
import sys

import flask_babel
import pytest
import time_machine
from babel.messages.pofile import read_po
from flask import render_template_string

from inspect_app import clock
from inspect_app.db import db
from inspect_app.formatting import format_date, format_datetime
from inspect_app.models import User
from tests.conftest import ROOT
from tests.factories import PASSWORD, make_user
from tests.helpers import field_errors, location, sign_in, text, tr

VI_CATALOG = ROOT / "inspect_app" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The messages the code and templates use, extracted as `make extract-messages` does."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract",
                    "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext",
                    "-k", "_ln:1,2", "-k", "lazy_ngettext:1,2", "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with open(pot, "rb") as f:
        return read_po(f)


@pytest.fixture(scope="module")
def vi_catalog():
    with open(VI_CATALOG, "rb") as f:
        return read_po(f, locale="vi")


def _untranslated(message):
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return not all(s and s.strip() for s in strings)


def test_every_interface_message_has_a_vietnamese_translation(extracted, vi_catalog):
    problems = []
    for message in extracted:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
        translated = vi_catalog.get(message.id)
        if translated is None:
            problems.append(f"missing:      {msgid!r}")
        elif translated.fuzzy:
            problems.append(f"fuzzy:        {msgid!r}")
        elif _untranslated(translated):
            problems.append(f"untranslated: {msgid!r}")
    assert not problems, (f"{len(problems)} message(s) without a Vietnamese translation "
                          "(run `make extract-messages`, then translate):\n"
                          + "\n".join(problems))


def test_vietnamese_translations_keep_the_placeholders(vi_catalog):
    problems = [f"{message.id!r}: {'; '.join(str(e) for e in errors)}"
                for message, errors in vi_catalog.check() if errors]
    assert not problems, "\n".join(problems)


# --- choosing the language --------------------------------------------------------------


def test_login_page_is_vietnamese_by_default(client):
    page = text(client.get("/login"))
    assert '<html lang="vi">' in page
    assert "Đăng nhập" in page


def test_switching_to_english_on_the_login_page(client):
    response = client.post("/language", data={"lang": "en", "next": "/login"})
    assert location(response) == "/login"
    page = text(client.get("/login"))
    assert '<html lang="en">' in page
    assert "Sign in" in page and "Đăng nhập" not in page


def test_switching_back_to_vietnamese(client):
    client.post("/language", data={"lang": "en", "next": "/login"})
    client.post("/language", data={"lang": "vi", "next": "/login"})
    assert '<html lang="vi">' in text(client.get("/login"))


def test_language_choice_of_one_visitor_does_not_affect_another(app, client):
    client.post("/language", data={"lang": "en", "next": "/login"})
    other = app.test_client()
    assert '<html lang="vi">' in text(other.get("/login"))


def test_unknown_language_is_ignored(client):
    client.post("/language", data={"lang": "fr", "next": "/login"})
    assert '<html lang="vi">' in text(client.get("/login"))


def test_language_switch_refuses_an_offsite_next(client):
    response = client.post("/language", data={"lang": "en", "next": "//evil.example"})
    assert location(response) == "/login"


def test_signed_in_users_choice_is_stored_and_used(app, client):
    user = make_user("canbo", full_name="Cán Bộ Một", locale="vi")
    client.post("/login", data={"username": "canbo", "password": PASSWORD})
    page = text(client.get("/"))
    assert '<html lang="vi">' in page
    assert tr(app, "Sign out") in page and "Cán Bộ Một" in page

    response = client.post("/language", data={"lang": "en", "next": "/"})
    assert location(response) == "/"
    assert User.get_by_id(user.id).locale == "en"
    page = text(client.get("/"))
    assert '<html lang="en">' in page
    assert "Sign out" in page and "Cán Bộ Một" in page

    # A new session of the same user starts in the stored language.
    other = app.test_client()
    other.post("/login", data={"username": "canbo", "password": PASSWORD})
    assert '<html lang="en">' in text(other.get("/"))


def test_users_stored_language_wins_over_the_login_page_choice(client):
    make_user("canbo", locale="en")
    client.post("/language", data={"lang": "vi", "next": "/login"})
    client.post("/login", data={"username": "canbo", "password": PASSWORD})
    assert '<html lang="en">' in text(client.get("/"))


def test_account_page_changes_the_language(client):
    user = make_user("canbo", locale="vi")
    client.post("/login", data={"username": "canbo", "password": PASSWORD})
    response = client.post("/account", data={"email": "", "locale": "en"})
    assert location(response) == "/account"
    assert User.get_by_id(user.id).locale == "en"
    assert '<html lang="en">' in text(client.get("/account"))


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_form_errors_appear_in_the_users_language(app, client, locale):
    make_user("canbo", locale=locale)
    client.post("/login", data={"username": "canbo", "password": PASSWORD})

    page = text(client.post("/account/password", data={}))
    assert field_errors(page, "current_password") == [
        tr(app, "This field is required.", locale)]

    page = text(client.post("/account", data={"email": "khong-phai-email", "locale": locale}))
    assert field_errors(page, "email") == [tr(app, "Invalid email address.", locale)]

    page = text(client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "ngan", "confirm_password": "ngan"}))
    assert field_errors(page, "new_password") == [
        tr(app, "The password must have at least %(n)d characters.", locale, n=8)]
    if locale == "en":
        assert field_errors(page, "new_password") == [
            "The password must have at least 8 characters."]


def test_wtforms_builtin_messages_follow_the_users_language(app, client):
    """A WTForms message the app did not write (bad choice) is translated too."""
    make_user("canbo", locale="vi")
    client.post("/login", data={"username": "canbo", "password": PASSWORD})
    page = text(client.post("/account", data={"email": "", "locale": "xx"}))
    assert field_errors(page, "locale") == [tr(app, "Not a valid choice.")]


# --- dates ------------------------------------------------------------------------------


def test_date_filter_writes_day_month_year(app):
    with app.test_request_context():
        assert render_template_string("{{ d|date }}", d=dt.date(2026, 3, 5)) == "05/03/2026"
        assert render_template_string("{{ d|date }}", d=None) == ""


def test_date_filter_shows_a_stored_utc_moment_on_its_local_date(app):
    # 18:30 UTC on 4 March is 01:30 on 5 March in Hanoi.
    moment = dt.datetime(2026, 3, 4, 18, 30)
    with app.test_request_context():
        assert render_template_string("{{ m|date }}", m=moment) == "05/03/2026"
        assert render_template_string("{{ m|datetime }}", m=moment) == "05/03/2026 01:30"


def test_another_app_timezone_sets_the_dates_shown_and_today(make_app, monkeypatch):
    monkeypatch.setattr(clock, "_zone", clock.zone())  # the zone of the other tests' apps
    app = make_app("new-york.db", migrated=True, APP_TIMEZONE="America/New_York")
    # 03:00 UTC on 1 March is 22:00 on 28 February in New York (10:00 on 1 March in Hanoi).
    moment = dt.datetime(2026, 3, 1, 3, 0)
    with time_machine.travel(moment.replace(tzinfo=dt.timezone.utc), tick=False), \
            app.app_context():
        db.connect(reuse_if_open=True)
        make_user("lanhdao", role="leader")
        assert clock.today() == dt.date(2026, 2, 28)
        with app.test_request_context():
            assert render_template_string("{{ m|datetime }}", m=moment) == "28/02/2026 22:00"
            assert flask_babel.format_datetime(moment, "dd/MM/yyyy HH:mm") == "28/02/2026 22:00"
        client = app.test_client()
        sign_in(client, "lanhdao")
        assert tr(app, "Overview on %(day)s", day="28/02/2026") in text(client.get("/"))
        db.close()


def test_date_formatting_does_not_depend_on_the_language():
    assert format_date(dt.date(2026, 12, 31)) == "31/12/2026"
    assert format_datetime(dt.datetime(2026, 12, 31, 16, 59)) == "31/12/2026 23:59"


# --- the catalog kept per locale ----------------------------------------------------------


def test_an_email_in_the_recipients_language_inside_an_english_request(app):
    """The catalog kept for the request's locale is not used while another is forced."""
    from inspect_app.i18n import gettext

    english, vietnamese = tr(app, "Sign out", "en"), tr(app, "Sign out", "vi")
    assert english != vietnamese
    with app.test_request_context("/"), flask_babel.force_locale("en"):
        assert gettext("Sign out") == english
        with flask_babel.force_locale("vi"):
            assert gettext("Sign out") == vietnamese
            assert render_template_string('{{ _("Sign out") }}') == vietnamese
        assert gettext("Sign out") == english
        assert render_template_string('{{ _("Sign out") }}') == english


def test_a_signed_in_pages_texts_follow_a_language_change_at_once(app, client):
    make_user("canbo", locale="vi")
    client.post("/login", data={"username": "canbo", "password": PASSWORD})
    assert tr(app, "Sign out", "vi") in text(client.get("/"))
    client.post("/language", data={"lang": "en", "next": "/"})
    page = text(client.get("/"))
    assert "Sign out" in page and tr(app, "Sign out", "vi") not in page


def test_template_texts_escape_their_variables_in_html_only(app):
    source = ('{{ _("Unit: %(name)s", name=name) }} '
              '{{ ngettext("%(num)d item", "%(num)d items", 2) }}')
    with app.test_request_context(), flask_babel.force_locale("en"):
        assert render_template_string(source, name="A & B") == "Unit: A &amp; B 2 items"
        plain = app.jinja_env.overlay(autoescape=False).from_string(source)
        assert plain.render(name="A & B") == "Unit: A & B 2 items"
