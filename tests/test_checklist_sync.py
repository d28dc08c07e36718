"""Syncing a checklist from laptops: each change once, in order, conflicts never silent.

A laptop sends batches {"changes": [...]} to /api/inspections/<id>/checklist/sync; every
change carries its own id (made on the laptop) and, for answers, the version of the item
it was made on. These tests send the batches a laptop sends, replay them, race them from
threads, and compare what is stored. They run on SQLite (`make test`) and PostgreSQL
(`make test-pg`).
"""
import base64
import uuid
from decimal import Decimal

import pytest

from inspect_app.models import (
    AuditEvent,
    ChecklistItem,
    ChecklistPhoto,
    Finding,
    Inspection,
    SyncChange,
)
from tests.factories import (
    JPEG_BYTES,
    PDF_BYTES,
    checklist_item,
    make_checklist,
    make_inspection_in_progress,
    make_user,
)
from tests.helpers import race, sign_in, tr

BURST = 8
REPLAYS = 100


@pytest.fixture
def world(app):
    """An inspection in progress with a checklist; its lead and a member of its team."""
    member = make_user(role="inspector", full_name="Trần Thị Thành Viên")
    lead = make_user(role="inspector", full_name="Nguyễn Văn Trưởng Đoàn")
    inspection = make_inspection_in_progress(lead=lead, members=[member])
    checklist = make_checklist(inspection)
    return {"inspection": inspection, "checklist": checklist, "lead": lead, "member": member,
            "item": checklist_item(checklist, "1.1"), "other": checklist_item(checklist, "1.2")}


def sync_url(inspection):
    """The sync endpoint of an inspection."""
    return f"/api/inspections/{inspection.id}/checklist/sync"


def answer(item, base_version=1, **fields):
    """An answer change made on base_version."""
    return {"id": str(uuid.uuid4()), "type": "answer", "item_id": item.id,
            "base_version": base_version, "fields": fields}


def photo(item, data=JPEG_BYTES, name="ảnh niêm yết.jpg", content_type="image/jpeg"):
    """A photo change."""
    return {"id": str(uuid.uuid4()), "type": "photo", "item_id": item.id, "name": name,
            "content_type": content_type, "data": base64.b64encode(data).decode("ascii")}


def finding(item, title="Chưa niêm yết đủ thủ tục", description="Thiếu 5 thủ tục"):
    """A draft finding change made from item."""
    return {"id": str(uuid.uuid4()), "type": "finding", "item_id": item.id,
            "fields": {"title": title, "description": description, "severity": "high"}}


def send(client, inspection, changes):
    """The JSON results of one batch (asserting a 200 answer)."""
    response = client.post(sync_url(inspection), json={"changes": changes})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["results"]


def fresh(item):
    """The item as stored now."""
    return ChecklistItem.get_by_id(item.id)


def events(action, item):
    """How many audit events of action the item has."""
    return (AuditEvent
            .select()
            .where(AuditEvent.entity == "checklist_item", AuditEvent.entity_id == item.id,
                   AuditEvent.action == action)
            .count())


# --- applied once, in order ------------------------------------------------------------


def test_a_batch_is_applied_in_order_each_change_raising_the_version(client, world):
    sign_in(client, world["member"])
    item = world["item"]
    results = send(client, world["inspection"], [
        answer(item, 1, answer="not_met", note="Thiếu bảng niêm yết", points=0.5),
        answer(item, 2, note="Thiếu bảng niêm yết ở quầy số 2")])
    assert [r["status"] for r in results] == ["applied", "applied"]
    stored = fresh(item)
    assert (stored.answer, stored.note, stored.points, stored.version) == (
        "not_met", "Thiếu bảng niêm yết ở quầy số 2", Decimal("0.50"), 3)
    assert stored.updated_by_id == world["member"].id
    assert results[1]["item"]["version"] == 3
    assert results[1]["item"]["updated_by"] == "Trần Thị Thành Viên"
    assert events("answer", item) == 2


def test_the_same_batch_sent_a_hundred_times_leaves_one_copy_of_each_change(app, client,
                                                                           world):
    sign_in(client, world["member"])
    item = world["item"]
    batch = [answer(item, 1, answer="not_met", note="Thiếu"), photo(item), finding(item)]
    first = send(client, world["inspection"], batch)
    assert [r["status"] for r in first] == ["applied", "applied", "applied"]
    for _ in range(REPLAYS):
        again = send(client, world["inspection"], batch)
        assert [r["status"] for r in again] == ["duplicate"] * 3
        # A replay answers what the first sending answered.
        assert [r["item"] for r in again] == [r["item"] for r in first]
    assert fresh(item).version == 2
    assert ChecklistPhoto.select().count() == 1
    assert Finding.select().where(Finding.inspection == world["inspection"]).count() == 1
    assert SyncChange.select().count() == 3
    assert events("answer", item) == 1
    assert fresh(item).finding_id == first[2]["finding"]["id"]


def test_a_burst_of_the_same_batch_from_eight_threads_leaves_one_copy(app, world):
    item = world["item"]
    batch = [answer(item, 1, answer="met"), photo(item), finding(item)]
    responses = race(app, world["member"], lambda client: client.post(
        sync_url(world["inspection"]), json={"changes": batch}), BURST)
    assert [r.status_code for r in responses] == [200] * BURST
    statuses = sorted(tuple(r["status"] for r in response.get_json()["results"])
                      for response in responses)
    assert statuses == [("applied",) * 3] + [("duplicate",) * 3] * (BURST - 1)
    assert fresh(item).version == 2
    assert ChecklistPhoto.select().count() == 1
    assert Finding.select().where(Finding.inspection == world["inspection"]).count() == 1
    assert SyncChange.select().count() == 3


# --- conflicts -------------------------------------------------------------------------


def test_a_change_on_an_older_version_is_a_conflict_field_by_field(client, world):
    item = world["item"]
    sign_in(client, world["lead"])
    send(client, world["inspection"], [answer(item, 1, answer="met", note="Đủ niêm yết")])
    sign_in(client, world["member"])
    stale = answer(item, 1, answer="not_met", note="Thiếu niêm yết", points=1)
    [result] = send(client, world["inspection"], [stale])
    assert result["status"] == "conflict"
    fields = {row["field"]: row for row in result["conflict"]["fields"]}
    assert set(fields) == {"answer", "note", "points"}
    assert (fields["answer"]["mine"], fields["answer"]["theirs"]) == ("not_met", "met")
    assert (fields["note"]["mine"], fields["note"]["theirs"]) == ("Thiếu niêm yết",
                                                                  "Đủ niêm yết")
    assert fields["answer"]["changed_by"] == "Nguyễn Văn Trưởng Đoàn"
    assert fields["answer"]["changed_at"]
    # points were never set: nobody changed them yet
    assert (fields["points"]["theirs"], fields["points"]["changed_by"]) == (None, None)
    assert fields["note"]["label"] == tr(client.application, "Note")
    stored = fresh(item)
    assert (stored.answer, stored.note, stored.version) == ("met", "Đủ niêm yết", 2)
    assert SyncChange.get(SyncChange.client_id == stale["id"]).outcome == "conflict"


def test_a_stale_change_that_agrees_with_the_server_is_applied_without_writing(client,
                                                                               world):
    item = world["item"]
    sign_in(client, world["lead"])
    send(client, world["inspection"], [answer(item, 1, answer="met", note="Đủ")])
    sign_in(client, world["member"])
    [result] = send(client, world["inspection"], [answer(item, 1, answer="met")])
    assert result["status"] == "applied"
    assert fresh(item).version == 2
    assert events("answer", item) == 1


def resolve(item, conflict, choice, base_version, **fields):
    """The user's choice on a conflict."""
    return {"id": str(uuid.uuid4()), "type": "resolve", "item_id": item.id,
            "conflict_id": conflict["id"], "choice": choice, "base_version": base_version,
            "fields": fields}


def test_keep_mine_writes_my_values_and_the_choice_is_stored(client, world):
    item = world["item"]
    sign_in(client, world["lead"])
    send(client, world["inspection"], [answer(item, 1, answer="met")])
    sign_in(client, world["member"])
    stale = answer(item, 1, answer="not_met", note="Thiếu")
    send(client, world["inspection"], [stale])
    choice = resolve(item, stale, "mine", 2, answer="not_met", note="Thiếu")
    [result] = send(client, world["inspection"], [choice])
    assert (result["status"], result["choice"]) == ("applied", "mine")
    stored = fresh(item)
    assert (stored.answer, stored.note, stored.version) == ("not_met", "Thiếu", 3)
    event = (AuditEvent
             .get(AuditEvent.entity == "checklist_item", AuditEvent.entity_id == item.id,
                  AuditEvent.action == "resolve_conflict"))
    assert event.changed_fields == {"conflict": stale["id"], "choice": "mine"}
    assert SyncChange.get(SyncChange.client_id == choice["id"]).kind == "resolve"


def test_keep_theirs_changes_nothing_and_the_choice_is_stored(client, world):
    item = world["item"]
    sign_in(client, world["lead"])
    send(client, world["inspection"], [answer(item, 1, answer="met")])
    sign_in(client, world["member"])
    stale = answer(item, 1, answer="not_met")
    send(client, world["inspection"], [stale])
    [result] = send(client, world["inspection"], [resolve(item, stale, "theirs", 2)])
    assert (result["status"], result["choice"]) == ("applied", "theirs")
    assert (fresh(item).answer, fresh(item).version) == ("met", 2)
    assert events("resolve_conflict", item) == 1


def test_keep_mine_on_a_version_changed_again_is_a_new_conflict(client, world):
    item = world["item"]
    sign_in(client, world["lead"])
    send(client, world["inspection"], [answer(item, 1, answer="met")])
    sign_in(client, world["member"])
    stale = answer(item, 1, answer="not_met")
    send(client, world["inspection"], [stale])
    sign_in(client, world["lead"])
    send(client, world["inspection"], [answer(item, 2, answer="not_applicable")])
    sign_in(client, world["member"])
    [result] = send(client, world["inspection"],
                    [resolve(item, stale, "mine", 2, answer="not_met")])
    assert result["status"] == "conflict"
    assert result["conflict"]["fields"][0]["theirs"] == "not_applicable"
    assert fresh(item).answer == "not_applicable"


def test_two_members_answering_on_two_laptops_end_with_the_same_checklist(app, world):
    laptops = {}
    for name in ("lead", "member"):
        laptops[name] = app.test_client()
        sign_in(laptops[name], world[name])
    item, other = world["item"], world["other"]
    # Both worked offline from version 1; the member answers the same item differently.
    send(laptops["lead"], world["inspection"],
         [answer(item, 1, answer="met"), answer(other, 1, answer="met", points=3)])
    stale = answer(item, 1, answer="not_met", note="Thiếu")
    results = send(laptops["member"], world["inspection"],
                   [stale, answer(other, 1, note="Sổ ghi chép đầy đủ")])
    assert [r["status"] for r in results] == ["conflict", "conflict"]
    # The member keeps theirs for the first and, seeing the second, keeps mine.
    send(laptops["member"], world["inspection"],
         [resolve(item, stale, "theirs", 2),
          resolve(other, results[1], "mine", 2, note="Sổ ghi chép đầy đủ")])
    url = f"/api/inspections/{world['inspection'].id}/checklist"
    seen = [laptops[name].get(url).get_json()["items"] for name in ("lead", "member")]
    assert seen[0] == seen[1]
    answered = {row["id"]: row for row in seen[0]}
    assert answered[item.id]["answer"] == "met"
    assert (answered[other.id]["answer"], answered[other.id]["points"],
            answered[other.id]["note"]) == ("met", 3.0, "Sổ ghi chép đầy đủ")


# --- refusals and failures -------------------------------------------------------------


def test_refused_changes_are_rejected_and_recorded_while_the_rest_is_applied(client, world,
                                                                            app):
    sign_in(client, world["member"])
    foreign = make_checklist(make_inspection_in_progress(lead=world["lead"]))
    section = checklist_item(world["checklist"], "1")
    unscored = checklist_item(world["checklist"], "2.1")
    item = world["item"]
    bad = [answer(checklist_item(foreign, "1.1"), answer="met"),
           answer(section, answer="met"),
           answer(item, answer="yes"),
           answer(item, points=99),
           answer(unscored, points=1),
           answer(item, note=["not", "text"]),
           {**answer(item, answer="met"), "base_version": "1"},
           {"id": str(uuid.uuid4()), "type": "delete_everything", "item_id": item.id},
           photo(item, data=PDF_BYTES, name="ảnh.jpg"),
           photo(item, name="ảnh.gif", content_type="image/gif"),
           {**photo(item), "data": "not base64!"},
           {**finding(item), "fields": "Tiêu đề"}]
    good = answer(item, answer="met", note="Đủ")
    results = send(client, world["inspection"], [*bad, good])
    assert [r["status"] for r in results] == ["rejected"] * len(bad) + ["applied"]
    assert all(r["message"] for r in results[:-1])
    assert "item" not in results[0]
    assert fresh(item).answer == "met" and fresh(item).version == 2
    assert ChecklistPhoto.select().count() == 0
    assert SyncChange.select().where(SyncChange.outcome == "rejected").count() == len(bad)
    # the refusal is kept: sent again, it answers the same
    [again] = send(client, world["inspection"], [bad[2]])
    assert (again["status"], again["message"]) == ("duplicate", results[2]["message"])


def test_a_failure_mid_batch_keeps_nothing_and_the_batch_sent_again_applies_once(
        app, client, world, tmp_path):
    """The disk refuses the photo after the answer was written: the whole batch rolls
    back, ledger included, and the laptop keeps its changes and sends them again."""
    sign_in(client, world["member"])
    item = world["item"]
    batch = [answer(item, 1, answer="not_met", note="Thiếu"), photo(item)]
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    upload_dir = app.config["UPLOAD_DIR"]
    app.config.update(UPLOAD_DIR=str(blocked), PROPAGATE_EXCEPTIONS=False)
    response = client.post(sync_url(world["inspection"]), json={"changes": batch})
    assert response.status_code == 500
    assert response.get_json()["error"]
    assert (fresh(item).answer, fresh(item).version) == ("", 1)
    assert SyncChange.select().count() == 0
    assert events("answer", item) == 0
    app.config.update(UPLOAD_DIR=upload_dir)
    results = send(client, world["inspection"], batch)
    assert [r["status"] for r in results] == ["applied", "applied"]
    assert (fresh(item).answer, fresh(item).version) == ("not_met", 2)
    assert ChecklistPhoto.select().count() == 1


def test_sync_is_refused_while_the_inspection_is_not_in_progress(client, world):
    Inspection.update(status="concluded").where(
        Inspection.id == world["inspection"].id).execute()
    sign_in(client, world["member"])
    response = client.post(sync_url(world["inspection"]),
                           json={"changes": [answer(world["item"], answer="met")]})
    assert response.status_code == 409
    assert response.get_json()["error"] == tr(
        client.application,
        "The checklist can be answered only while the inspection is in progress.")
    assert fresh(world["item"]).version == 1
    assert SyncChange.select().count() == 0
