"""The checklist API under /api/: what it gives, who may write, and hostile input.

Every answer is JSON, refusals {"error": message} with their status; nothing a laptop (or
an attacker) sends makes the server fail with a 5xx, and a refused batch changes nothing.
"""
import base64
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspect_app.models import ChecklistItem, Finding, InspectionMember
from tests.factories import (
    JPEG_BYTES,
    checklist_item,
    make_checklist,
    make_finding,
    make_inspection_in_progress,
    make_user,
    record_draft,
)
from tests.helpers import csrf_token, db_state, sign_in, tr


@pytest.fixture
def world(app):
    """An inspection in progress with a checklist, its team, and people outside it."""
    member = make_user(role="inspector")
    inspection = make_inspection_in_progress(members=[member])
    checklist = make_checklist(inspection)
    return {"inspection": inspection, "checklist": checklist, "member": member,
            "lead": inspection.lead, "item": checklist_item(checklist, "1.1"),
            "head": make_user(role="unit_head", unit=inspection.unit),
            "outsider": make_user(role="inspector"), "leader": make_user(role="leader"),
            "admin": make_user(role="admin")}


def urls(inspection):
    """The three endpoints of an inspection."""
    base = f"/api/inspections/{inspection.id}"
    return {"checklist": f"{base}/checklist", "manifest": f"{base}/offline-manifest",
            "sync": f"{base}/checklist/sync"}


def change(item, **fields):
    """An answer change on version 1."""
    return {"id": str(uuid.uuid4()), "type": "answer", "item_id": item.id, "base_version": 1,
            "fields": fields or {"answer": "met"}}


# --- what it gives ---------------------------------------------------------------------


def test_the_checklist_gives_every_item_with_its_answer_photos_and_finding(client, world):
    sign_in(client, world["member"])
    item = world["item"]
    client.post(urls(world["inspection"])["sync"], json={"changes": [
        change(item, answer="not_met", note="Thiếu", points=1),
        {"id": str(uuid.uuid4()), "type": "photo", "item_id": item.id, "name": "a.jpg",
         "content_type": "image/jpeg", "data": base64.b64encode(JPEG_BYTES).decode()},
        {"id": str(uuid.uuid4()), "type": "finding", "item_id": item.id,
         "fields": {"title": "Thiếu niêm yết", "description": "Thiếu"}}]})
    body = client.get(urls(world["inspection"])["checklist"]).get_json()
    assert body["inspection"] == {"id": world["inspection"].id,
                                  "title": world["inspection"].title,
                                  "unit": {"id": world["inspection"].unit.id,
                                           "name": world["inspection"].unit.name},
                                  "status": "in_progress"}
    assert [row["code"] for row in body["items"]] == ["1", "1.1", "1.2", "2", "2.1"]
    row = next(row for row in body["items"] if row["id"] == item.id)
    assert (row["answer"], row["note"], row["points"], row["max_points"], row["version"]) == (
        "not_met", "Thiếu", 1.0, 2.0, 2)
    assert row["parent_id"] == checklist_item(world["checklist"], "1").id
    assert [photo["name"] for photo in row["photos"]] == ["a.jpg"]
    assert client.get(row["photos"][0]["url"]).data == JPEG_BYTES
    finding = Finding.get_by_id(row["finding"]["id"])
    assert (finding.status, finding.title, row["finding"]["url"]) == (
        "draft", "Thiếu niêm yết", f"/findings/{finding.id}")
    assert body["server_time"]


def test_a_unit_head_reads_the_checklist_but_never_learns_of_a_draft_finding(client, world):
    item = world["item"]
    draft = record_draft(world["inspection"], title="Tồn tại nháp")
    ChecklistItem.update(finding=draft).where(ChecklistItem.id == item.id).execute()
    sign_in(client, world["head"])
    rows = client.get(urls(world["inspection"])["checklist"]).get_json()["items"]
    assert next(row for row in rows if row["id"] == item.id)["finding"] is None
    assert "Tồn tại nháp" not in client.get(
        f"/inspections/{world['inspection'].id}/checklist").get_data(as_text=True)


def test_the_offline_manifest_lists_the_pages_and_static_files_to_keep(client, world):
    earlier = make_finding(unit=world["inspection"].unit, status="open")
    sign_in(client, world["member"])
    inspection_id = world["inspection"].id
    listed = client.get(urls(world["inspection"])["manifest"]).get_json()["urls"]
    for url in (f"/inspections/{inspection_id}", f"/inspections/{inspection_id}/checklist",
                f"/inspections/{inspection_id}/checklist/record",
                f"/reports/units/{world['inspection'].unit.code}",
                f"/findings?unit={world['inspection'].unit.id}", f"/findings/{earlier.id}",
                "/static/css/app.css", "/static/fonts/LiberationSerif-Regular.ttf"):
        assert url in listed
    assert all(url.startswith("/") for url in listed)
    for url in listed:
        assert client.get(url).status_code == 200, url


# --- who may write ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["head", "outsider", "leader", "admin"])
def test_only_the_team_writes_the_checklist(client, world, who):
    sign_in(client, world[who])
    before = db_state()
    response = client.post(urls(world["inspection"])["sync"],
                           json={"changes": [change(world["item"])]})
    assert response.status_code == 403
    assert response.get_json()["error"] == tr(
        client.application, "Only the inspection team can change its checklist.")
    assert db_state() == before


def test_a_member_added_to_the_team_may_write(client, world):
    InspectionMember.create(inspection=world["inspection"], user=world["outsider"])
    sign_in(client, world["outsider"])
    response = client.post(urls(world["inspection"])["sync"],
                           json={"changes": [change(world["item"])]})
    assert response.get_json()["results"][0]["status"] == "applied"


def test_another_units_head_learns_nothing(client, world):
    sign_in(client, make_user(role="unit_head"))
    for url in urls(world["inspection"]).values():
        response = client.get(url) if not url.endswith("sync") else client.post(url, json={})
        assert response.status_code == 404
        assert response.get_json()["error"]


def test_a_signed_out_laptop_is_told_to_sign_in_with_json(client, world):
    response = client.post(urls(world["inspection"])["sync"],
                           json={"changes": [change(world["item"])]})
    assert response.status_code == 401
    assert response.get_json()["error"] == tr(client.application, "Please sign in again.")
    assert ChecklistItem.get_by_id(world["item"].id).version == 1


class TestCsrf:
    """With CSRF protection on, as in production: the page's token in X-CSRFToken."""

    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_a_batch_needs_the_pages_csrf_token_in_its_header(self, client, world):
        token = csrf_token(client.get("/login").get_data(as_text=True))
        client.post("/login", data={"username": world["member"].username,
                                    "password": "matkhau123", "csrf_token": token})
        page = client.get(f"/inspections/{world['inspection'].id}/checklist")
        token = page.get_data(as_text=True).split('name="csrf-token" content="')[1]
        token = token.split('"')[0]
        url = urls(world["inspection"])["sync"]
        refused = client.post(url, json={"changes": [change(world["item"])]})
        assert refused.status_code == 400 and refused.get_json()["error"]
        assert ChecklistItem.get_by_id(world["item"].id).version == 1
        accepted = client.post(url, json={"changes": [change(world["item"])]},
                               headers={"X-CSRFToken": token})
        assert accepted.get_json()["results"][0]["status"] == "applied"


# --- hostile input ---------------------------------------------------------------------


@pytest.mark.parametrize("body, status", [
    (b"{not json", 400),
    (b"[]", 400),
    (b'{"changes": "all"}', 422),
    (b'{"changes": [{"type": "answer"}]}', 422),
    (b'{"changes": [{"id": 12}]}', 422),
    (('{"changes": [{"id": "%s"}]}' % ("x" * 65)).encode(), 422),
    (('{"changes": [%s]}' % ",".join(['{"id": "a"}'] * 501)).encode(), 422),
    (b'{"changes": [null]}', 422),
    (b'{"changes": [{"id": "a\\u0000b", "type": "answer"}]}', 422),
])
def test_a_batch_that_is_not_one_is_refused_whole(client, world, body, status):
    sign_in(client, world["member"])
    before = db_state()
    response = client.post(urls(world["inspection"])["sync"], data=body,
                           content_type="application/json")
    assert response.status_code == status
    assert response.get_json()["error"]
    assert db_state() == before


def test_a_body_over_the_upload_limit_is_refused_with_413(client, world, app):
    sign_in(client, world["member"])
    limit = app.config["MAX_CONTENT_LENGTH"]
    huge = {"changes": [{**change(world["item"]), "fields": {"note": "x" * limit}}]}
    response = client.post(urls(world["inspection"])["sync"], json=huge)
    assert response.status_code == 413
    assert response.get_json()["error"]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=80),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=12)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_hostile_changes_never_fail_the_server(app, world, data):
    client = app.test_client()
    sign_in(client, world["member"])
    item_ids = [world["item"].id, checklist_item(world["checklist"], "1").id, 0, 10**12]
    hostile = data.draw(st.fixed_dictionaries({
        "id": st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1,
                      max_size=64),
        "type": st.sampled_from(["answer", "photo", "finding", "resolve", "other"]),
        "item_id": st.one_of(st.sampled_from(item_ids), JSON_VALUES),
        "base_version": st.one_of(st.integers(), JSON_VALUES),
        "fields": st.one_of(st.fixed_dictionaries({}, optional={
            "answer": st.one_of(st.sampled_from(["met", "not_met", ""]), JSON_VALUES),
            "note": JSON_VALUES, "points": JSON_VALUES, "title": JSON_VALUES,
            "severity": JSON_VALUES}), JSON_VALUES),
        "name": JSON_VALUES, "content_type": JSON_VALUES, "data": JSON_VALUES,
        "conflict_id": JSON_VALUES, "choice": JSON_VALUES}))
    response = client.post(urls(world["inspection"])["sync"], json={"changes": [hostile]})
    assert response.status_code == 200, response.get_data(as_text=True)
    [result] = response.get_json()["results"]
    assert result["status"] in ("applied", "duplicate", "conflict", "rejected")
