"""Failed sign-ins slow down (username, address) pairs and addresses, never lock accounts."""
import datetime as dt
import json
import threading

import time_machine

from inspect_app.auth import services, throttle
from inspect_app.db import db
from inspect_app.errors import WorkflowError
from inspect_app.models import AuditEvent, LoginThrottle, User
from tests.factories import PASSWORD, make_user
from tests.helpers import flashes, location, one_time_password, text, tr

T0 = dt.datetime(2030, 1, 15, 3, 0, tzinfo=dt.timezone.utc)  # 10:00 in Hanoi
ATTACKER, OFFICE = "203.0.113.66", "10.0.0.7"
WRONG = "sai-mat-khau"


def login_from(client, address, username, password=PASSWORD):
    """Post the login form as a browser at address."""
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def answer(response):
    """What a sign-in attempt showed: the status, where it went and the messages."""
    return response.status_code, location(response), flashes(text(response))


def wrong_credentials(app):
    return tr(app, "Wrong username or password.")


def wait_message(app, time):
    return tr(app, "Too many failed sign-ins. Please try again after %(time)s.", time=time)


def counters():
    """The stored counters as (scope, username, address, failures, blocked until)."""
    return sorted(LoginThrottle.select(LoginThrottle.scope, LoginThrottle.username,
                                       LoginThrottle.remote_addr, LoginThrottle.failures,
                                       LoginThrottle.blocked_until).tuples())


def throttle_events():
    """The throttle entries of the audit log, oldest first."""
    return list(AuditEvent.select()
                .where(AuditEvent.action == "throttle")
                .order_by(AuditEvent.id))


# --- the owner is not locked out ----------------------------------------------------------


def test_wrong_passwords_from_one_address_do_not_stop_the_right_one_from_another(app):
    make_user("canbo", full_name="Cán Bộ Một")
    attacker, owner = app.test_client(), app.test_client()
    with time_machine.travel(T0, tick=False):
        for _attempt in range(5):
            login_from(attacker, ATTACKER, "canbo", WRONG)

        assert location(login_from(owner, OFFICE, "canbo")) == "/"
        assert "Cán Bộ Một" in text(owner.get("/"))
        # The attacker's address waits, even with the right password.
        assert answer(login_from(attacker, ATTACKER, "canbo")) == (
            200, "", [wait_message(app, "10:01")])


def test_unknown_and_existing_usernames_get_identical_answers_throughout(app):
    make_user("canbo")
    known, unknown = app.test_client(), app.test_client()
    # Tried from two addresses so that each sequence has counters of its own.
    steps = [dt.timedelta(0)] * 6 + [dt.timedelta(seconds=30), dt.timedelta(0),
                                     dt.timedelta(minutes=1), dt.timedelta(minutes=2)]
    with time_machine.travel(T0, tick=False) as traveller:
        for number, step in enumerate(steps, start=1):
            traveller.shift(step)
            for_known = answer(login_from(known, "198.51.100.1", "canbo", WRONG))
            for_unknown = answer(login_from(unknown, "198.51.100.2", "khongtontai", WRONG))
            assert for_known == for_unknown, f"attempt {number}"

    stored = {name: [row[:1] + row[3:] for row in counters() if row[2] == address]
              for name, address in (("canbo", "198.51.100.1"),
                                    ("khongtontai", "198.51.100.2"))}
    assert stored["canbo"] == stored["khongtontai"]
    events = {}
    for event in throttle_events():
        changes = event.changed_fields
        events.setdefault(changes.pop("address"), []).append(
            {key: value for key, value in changes.items() if key != "username"})
    assert events["198.51.100.1"] == events["198.51.100.2"]
    assert len(events["198.51.100.1"]) == 4


def test_unknown_and_existing_usernames_cost_one_password_check_each(app, monkeypatch):
    make_user("canbo")
    checks = []
    real = services.check_password_hash

    def counted(hashed, password):
        checks.append(password)
        return real(hashed, password)

    monkeypatch.setattr(services, "check_password_hash", counted)
    monkeypatch.setattr(User, "check_password",
                        lambda self, password: counted(self.password_hash, password))
    for username in ("canbo", "khongtontai"):
        checks.clear()
        login_from(app.test_client(), OFFICE, username, WRONG)
        assert checks == [WRONG], username


# --- growing waits ------------------------------------------------------------------------


def test_the_wait_starts_at_the_fifth_failure_and_doubles_up_to_15_minutes(app):
    user = make_user("canbo")
    client = app.test_client()
    # (wait, the local time shown: its end rounded up to the minute), from 10:00:00.
    expected = [(dt.timedelta(seconds=30), "10:01"), (dt.timedelta(minutes=1), "10:02"),
                (dt.timedelta(minutes=2), "10:04"), (dt.timedelta(minutes=4), "10:08"),
                (dt.timedelta(minutes=8), "10:16"), (dt.timedelta(minutes=15), "10:31"),
                (dt.timedelta(minutes=15), "10:46")]
    with time_machine.travel(T0, tick=False) as traveller:
        for attempt in range(4):
            assert answer(login_from(client, ATTACKER, "canbo", WRONG)) == (
                200, "", [wrong_credentials(app)]), f"attempt {attempt + 1}"
        for wait, shown in expected:
            failed_at = dt.datetime.now(dt.timezone.utc)
            assert answer(login_from(client, ATTACKER, "canbo", WRONG)) == (
                200, "", [wait_message(app, shown)]), shown
            pair = LoginThrottle.get(LoginThrottle.scope == "pair")
            assert pair.blocked_until == (failed_at + wait).replace(tzinfo=None), shown
            # While waiting even the right password is refused, and nothing is counted.
            assert answer(login_from(client, ATTACKER, "canbo")) == (
                200, "", [wait_message(app, shown)]), shown
            traveller.move_to(failed_at + wait)
        assert LoginThrottle.get(LoginThrottle.scope == "pair").failures == 11

        assert location(login_from(client, ATTACKER, "canbo")) == "/"
    assert User.get_by_id(user.id).last_login_at is not None
    assert [row[0] for row in counters()] == ["address"], "the pair's failures are forgotten"


def test_a_success_forgets_the_pairs_failures(app):
    make_user("canbo")
    client = app.test_client()
    for _attempt in range(4):
        login_from(client, OFFICE, "canbo", WRONG)
    assert location(login_from(client, OFFICE, "canbo")) == "/"
    again = app.test_client()
    for _attempt in range(4):
        assert answer(login_from(again, OFFICE, "canbo", WRONG))[2] == [wrong_credentials(app)]


def test_failures_older_than_the_window_no_longer_count(app):
    make_user("canbo")
    client = app.test_client()
    with time_machine.travel(T0, tick=False) as traveller:
        for _attempt in range(4):
            login_from(client, ATTACKER, "canbo", WRONG)
        traveller.shift(throttle.WINDOW)
        for _attempt in range(4):
            assert answer(login_from(client, ATTACKER, "canbo", WRONG))[2] == [
                wrong_credentials(app)]
        assert LoginThrottle.get(LoginThrottle.scope == "pair").failures == 4


def test_password_spraying_from_one_address_is_slowed_across_usernames(app):
    make_user("canbo")
    sprayer, owner = app.test_client(), app.test_client()
    with time_machine.travel(T0, tick=False):
        answers = [answer(login_from(sprayer, ATTACKER, f"nguoi{n}", "matkhau2030"))[2]
                   for n in range(throttle.FREE_FAILURES["address"])]
        assert answers[:-1] == [[wrong_credentials(app)]] * (len(answers) - 1)
        assert answers[-1] == [wait_message(app, "10:01")]
        # Every username from that address now waits, even with its right password ...
        assert answer(login_from(sprayer, ATTACKER, "canbo"))[2] == [
            wait_message(app, "10:01")]
        # ... while other addresses are untouched.
        assert location(login_from(owner, OFFICE, "canbo")) == "/"


def test_concurrent_wrong_passwords_all_count(app, monkeypatch):
    """Eight wrong passwords sent at the same moment count as eight failures."""
    make_user("canbo")
    attempts = 8
    all_checked = threading.Barrier(attempts)
    real_check = User.check_password

    def check_once_everyone_is_past_the_throttle(self, password):
        # Every attempt has passed the throttle check before any of them counts. A fix that
        # serialises whole sign-ins never fills the barrier: it breaks after 2 s and the
        # attempts go on one after another.
        try:
            all_checked.wait(timeout=2)
        except threading.BrokenBarrierError:
            pass
        return real_check(self, password)

    monkeypatch.setattr(User, "check_password", check_once_everyone_is_past_the_throttle)
    outcomes = []

    def attempt():
        db.connect(reuse_if_open=True)
        try:
            services.authenticate("canbo", WRONG, ATTACKER)
        except WorkflowError as error:
            outcomes.append(str(error))
        except Exception as error:  # noqa: BLE001
            outcomes.append(f"unexpected {error!r}")
        finally:
            db.close()

    threads = [threading.Thread(target=attempt) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == attempts and not any(o.startswith("unexpected") for o in outcomes)
    stored = {row[0]: row[3] for row in counters()}
    assert stored == {"pair": attempts, "address": attempts}
    pair = LoginThrottle.get(LoginThrottle.scope == "pair")
    assert pair.blocked_until is not None
    assert [e.changed_fields["failures"] for e in throttle_events()] == [5, 6, 7, 8]


# --- the audit log and the admin ----------------------------------------------------------


def test_a_throttle_is_recorded_in_the_audit_log_and_shown_on_its_page(app):
    make_user("quantri", role="admin")
    make_user("canbo")
    with time_machine.travel(T0, tick=False):
        for _attempt in range(5):
            login_from(app.test_client(), ATTACKER, "canbo", WRONG)
        event, = throttle_events()
        assert (event.actor, event.entity, event.entity_id) == (None, "login_throttle", None)
        assert event.remote_addr == ATTACKER
        assert json.loads(event.changes) == {
            "scope": "pair", "username": "canbo", "address": ATTACKER, "failures": 5,
            "blocked_until": "2030-01-15T03:00:30"}

        admin = app.test_client()
        assert location(login_from(admin, OFFICE, "quantri")) == "/"
        for url in ("/admin/audit", "/admin/audit?entity=login_throttle"):
            response = admin.get(url)
            assert response.status_code == 200, url
            page = text(response)
            assert (f'<td class="audit-action">{tr(app, "Blocked sign-in attempts for a while")}'
                    '</td>') in page, url
            assert tr(app, "Sign-in attempts") in page, url
            assert "canbo" in page and ATTACKER in page and "#None" not in page, url


def test_an_admin_password_reset_clears_the_usernames_throttles(app):
    make_user("quantri", role="admin")
    user = make_user("canbo")
    person, admin = app.test_client(), app.test_client()
    with time_machine.travel(T0, tick=False):
        for _attempt in range(5):
            login_from(person, ATTACKER, "canbo", WRONG)
        assert answer(login_from(person, ATTACKER, "canbo"))[2] == [wait_message(app, "10:01")]

        login_from(admin, OFFICE, "quantri")
        page = text(admin.post(f"/admin/users/{user.id}/reset-password"))

        assert [row[0] for row in counters()] == ["address"]
        assert location(login_from(person, ATTACKER, "canbo", one_time_password(page))) == \
            "/account/password"
