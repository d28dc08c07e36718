"""Calendar feeds: a private address per user, the iCalendar document read back with the
`icalendar` package and imported by a real client (Debian's khal), what each role's feed
holds, and a moved deadline keeping its UID while its SEQUENCE rises."""
import datetime as dt
import hashlib
import os
import re
import shutil
import subprocess

import pytest
import time_machine
from icalendar import Calendar

from inspect_app.findings.services import decide_extension, request_extension
from inspect_app.models import AuditEvent, CalendarFeed, Finding, InspectionMember
from tests.factories import (
    PASSWORD,
    make_case,
    make_concluded_inspection,
    make_finding,
    make_unit,
    make_user,
)
from tests.helpers import text

# 10:00 in Hanoi on Tuesday 10 February 2026, before the Tết break (14 to 22 February).
NOW = dt.datetime(2026, 2, 10, 3, 0, tzinfo=dt.timezone.utc)
TODAY = dt.date(2026, 2, 10)
FEED_URL = re.compile(r"http://testserver/calendar/([A-Za-z0-9_-]+)\.ics")
KHAL = shutil.which("khal")


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(app):
    """Units A and B with heads; A's inspection led by an inspector with a member; a leader.

    Unit A: a finding due in 15 working days (10/03/2026), a resolved one, a case.
    Unit B: a finding 20 days overdue (escalated), inspected by another team.
    """
    unit_a, unit_b = make_unit("X-HOAAN", "Xã Hòa An"), make_unit("X-HOAHOI", "Xã Hòa Hội")
    people = {"head_a": make_user("truonga", role="unit_head", unit=unit_a),
              "head_b": make_user("truongb", role="unit_head", unit=unit_b),
              "lead": make_user("truongdoan", role="inspector"),
              "member": make_user("thanhvien", role="inspector"),
              "outsider": make_user("nguoingoai", role="inspector"),
              "leader": make_user("lanhdao", role="leader")}
    inspection_a = make_concluded_inspection(unit_a, title="Kiểm tra CCHC Hòa An",
                                             start=dt.date(2026, 1, 12),
                                             end=dt.date(2026, 1, 14), lead=people["lead"])
    InspectionMember.create(inspection=inspection_a, user=people["member"])
    due = make_finding(unit_a, inspection=inspection_a, deadline=dt.date(2026, 3, 10),
                       code="KL-1/KL-UBND-1", title="Hồ sơ giải quyết trễ hạn")
    Finding.update(deadline_unit="working_days", deadline_from=TODAY, deadline_days=15) \
        .where(Finding.id == due.id).execute()
    resolved = make_finding(unit_a, inspection=inspection_a, status="resolved",
                            deadline=dt.date(2026, 3, 2), code="KL-1/KL-UBND-2")
    escalated = make_finding(unit_b, deadline=dt.date(2026, 1, 21), code="KL-2/KL-UBND-1",
                             title="Chưa niêm yết thủ tục")
    case = make_case(unit=unit_a, official_name="Nguyễn Văn Tám", opened_on=TODAY)
    return {**people, "inspection_a": inspection_a, "due": due, "resolved": resolved,
            "escalated": escalated, "case": case}


def sign_in(client, user):
    """Sign client in as user."""
    client.post("/logout")
    assert client.post("/login", data={"username": user.username,
                                       "password": PASSWORD}).status_code == 302


def new_feed(client, user):
    """Create user's feed address on the account page; return its token."""
    sign_in(client, user)
    page = text(client.post("/account/calendar-feed"))
    [token] = FEED_URL.findall(page)
    client.post("/logout")
    return token


def fetch(client, token, headers=None):
    """The feed as a calendar program reads it: a client of its own, no cookie, no session."""
    return client.application.test_client().get(f"/calendar/{token}.ics", headers=headers)


def events(client, token):
    """{UID: VEVENT} of the feed, parsed with the icalendar package."""
    response = fetch(client, token)
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.data)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


# --- the address ---------------------------------------------------------------------------


def test_the_address_is_shown_once_stored_hashed_replaced_and_revoked(app, client, world):
    head = world["head_a"]
    sign_in(client, head)
    assert "/account/calendar-feed" in text(client.get("/account"))
    first = text(client.post("/account/calendar-feed"))
    [token] = FEED_URL.findall(first)
    stored = CalendarFeed.get(CalendarFeed.user == head)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() != token
    account = text(client.get("/account"))
    assert token not in account and "/account/calendar-feed/revoke" in account

    [second] = FEED_URL.findall(text(client.post("/account/calendar-feed")))
    assert second != token
    assert fetch(client, token).status_code == 404
    assert fetch(client, second).status_code == 200

    client.post("/account/calendar-feed/revoke")
    assert fetch(client, second).status_code == 404
    assert CalendarFeed.select().count() == 0
    actions = [event.action for event in AuditEvent.select().where(
        AuditEvent.entity == "calendar_feed").order_by(AuditEvent.id)]
    assert actions == ["create", "replace", "delete"]


def test_the_feed_needs_no_session_and_a_wrong_token_learns_nothing(app, client, world):
    token = new_feed(client, world["head_a"])
    response = fetch(client, token)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"].startswith("private")
    # A wrong token and a revoked one get the same bare answer, and no session either.
    wrong = fetch(client, token[:-1] + ("y" if token.endswith("x") else "x"))
    sign_in(client, world["head_a"])
    client.post("/account/calendar-feed/revoke")
    revoked = fetch(client, token)
    assert (wrong.status_code, revoked.status_code) == (404, 404)
    assert wrong.data == revoked.data == b"Not found\n"
    assert "Set-Cookie" not in wrong.headers and "Set-Cookie" not in revoked.headers


def test_an_unchanged_feed_is_answered_without_a_body(app, client, world):
    token = new_feed(client, world["head_a"])
    first = fetch(client, token)
    again = fetch(client, token, headers={"If-None-Match": first.headers["ETag"]})
    assert (again.status_code, again.data) == (304, b"")


def test_a_deactivated_users_feed_stops(app, client, world):
    token = new_feed(client, world["head_a"])
    world["head_a"].active = False
    world["head_a"].save()
    assert fetch(client, token).status_code == 404


# --- the document ----------------------------------------------------------------------------


def test_the_feed_is_valid_icalendar_with_all_day_events(app, client, world):
    token = new_feed(client, world["lead"])
    raw = fetch(client, token).data
    calendar = Calendar.from_ical(raw)
    assert (str(calendar["VERSION"]), str(calendar["METHOD"])) == ("2.0", "PUBLISH")
    assert calendar["PRODID"]
    assert Calendar.from_ical(calendar.to_ical()) == calendar
    found = events(client, token)
    assert found
    for event in found.values():
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "URL", "SEQUENCE",
                         "LAST-MODIFIED"):
            assert required in event, required
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is dt.date and type(end) is dt.date and end > start
    # Lines are folded at 75 octets, as RFC 5545 asks.
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))


def test_an_inspector_sees_the_teams_inspection_and_its_findings_deadlines(app, client,
                                                                         world):
    for person in ("lead", "member"):
        found = events(client, new_feed(client, world[person]))
        inspection = found[f"inspection-{world['inspection_a'].id}-dates@testserver"]
        assert (inspection.decoded("DTSTART"), inspection.decoded("DTEND")) == \
            (dt.date(2026, 1, 12), dt.date(2026, 1, 15))
        assert str(inspection["SUMMARY"]) == "Kiểm tra: Kiểm tra CCHC Hòa An (Xã Hòa An)"
        assert set(found) == {f"inspection-{world['inspection_a'].id}-dates@testserver",
                              f"finding-{world['due'].id}-deadline@testserver"}
    assert events(client, new_feed(client, world["outsider"])) == {}


def test_a_unit_head_sees_the_units_deadlines_explained_and_its_cases(app, client, world):
    found = events(client, new_feed(client, world["head_a"]))
    assert set(found) == {f"finding-{world['due'].id}-deadline@testserver",
                          f"discipline_case-{world['case'].id}-deadline@testserver"}
    due = found[f"finding-{world['due'].id}-deadline@testserver"]
    assert due.decoded("DTSTART") == dt.date(2026, 3, 10)
    assert str(due["SUMMARY"]) == "Hạn khắc phục KL-1/KL-UBND-1: Hồ sơ giải quyết trễ hạn"
    assert str(due["URL"]) == f"http://testserver/findings/{world['due'].id}"
    assert "15 ngày làm việc kể từ 10/02/2026: đến hết 10/03/2026 (không tính 14–22/02 " \
        "nghỉ Tết Nguyên Đán)" in str(due["DESCRIPTION"])
    case = found[f"discipline_case-{world['case'].id}-deadline@testserver"]
    assert "Nguyễn Văn Tám" in str(case["SUMMARY"])
    # Unit B's head sees none of unit A's, nor its official's name.
    other = fetch(client, new_feed(client, world["head_b"])).data.decode()
    assert "Nguyễn Văn Tám" not in other and "KL-1/KL-UBND" not in other


def test_a_leader_sees_only_the_items_escalated(app, client, world):
    found = events(client, new_feed(client, world["leader"]))
    assert set(found) == {f"finding-{world['escalated'].id}-deadline@testserver"}
    assert str(found[f"finding-{world['escalated'].id}-deadline@testserver"]["SUMMARY"]) == \
        "Quá hạn: Hạn khắc phục KL-2/KL-UBND-1: Chưa niêm yết thủ tục"


def test_a_moved_deadline_keeps_its_uid_and_raises_sequence_and_last_modified(
        app, client, world, frozen_time):
    token = new_feed(client, world["head_a"])
    uid = f"finding-{world['due'].id}-deadline@testserver"
    before = events(client, token)[uid]
    frozen_time.shift(dt.timedelta(hours=2))
    finding = Finding.get_by_id(world["due"].id)
    extension = request_extension(world["head_a"], finding, dt.date(2026, 3, 24), "Chờ kinh phí")
    decide_extension(world["lead"], extension, True)
    after = events(client, token)[uid]
    assert after.decoded("DTSTART") == dt.date(2026, 3, 24)
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("LAST-MODIFIED") > before.decoded("LAST-MODIFIED")


# --- a real client ---------------------------------------------------------------------------


@pytest.fixture
def khal():
    """Debian's khal; CI installs it (.ci/run), so there its absence is a failure."""
    if KHAL is None:
        if os.environ.get("CI") == "true":
            pytest.fail("khal is missing: .ci/run must install Debian's khal")
        pytest.skip("khal is not installed (apt-get install khal); CI runs this test")
    return KHAL


def run_khal(khal, tmp_path, *args):
    """khal with a calendar folder and a configuration of its own under tmp_path."""
    environment = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"),
                   "XDG_CONFIG_HOME": str(tmp_path / "config"), "TZ": "Asia/Ho_Chi_Minh"}
    result = subprocess.run([khal, "-c", str(tmp_path / "khal.conf"), *args],
                            capture_output=True, text=True, env=environment, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_khal_imports_the_feed_and_lists_its_events(app, client, world, khal, tmp_path):
    (tmp_path / "calendar").mkdir()
    (tmp_path / "khal.conf").write_text(
        "[calendars]\n[[kiemtra]]\n"
        f"path = {tmp_path / 'calendar'}\ntype = calendar\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\n"
        "longdateformat = %Y-%m-%d\ndatetimeformat = %Y-%m-%d %H:%M\n"
        "longdatetimeformat = %Y-%m-%d %H:%M\n")
    feed = tmp_path / "feed.ics"
    feed.write_bytes(fetch(client, new_feed(client, world["head_a"])).data)
    run_khal(khal, tmp_path, "import", "--batch", "-a", "kiemtra", str(feed))
    listed = run_khal(khal, tmp_path, "list", "--format", "{start-date} {title}",
                      "2026-02-01", "120d")
    assert "2026-03-10 Hạn khắc phục KL-1/KL-UBND-1: Hồ sơ giải quyết trễ hạn" in listed
    case_deadline = world["case"].deadline.isoformat()
    assert f"{case_deadline} Hạn xử lý kỷ luật vụ việc #{world['case'].id}: Nguyễn Văn Tám" \
        in listed
    assert len(list((tmp_path / "calendar").glob("*.ics"))) == 2
