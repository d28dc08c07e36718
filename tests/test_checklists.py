"""Checklists on the pages: made from a template or a criteria set, answered without
scripts, conflicts shown field by field, draft findings from items, templates managed by
admins, and the on-site record (biên bản kiểm tra) as a page and a PDF."""
import io
from decimal import Decimal

import pytest

from inspect_app.checklists import services as checklists
from inspect_app.models import (
    AuditEvent,
    Checklist,
    ChecklistItem,
    ChecklistPhoto,
    ChecklistTemplateItem,
    Finding,
)
from tests.factories import (
    JPEG_BYTES,
    checklist_item,
    make_checklist,
    make_criteria_set,
    make_inspection,
    make_inspection_in_progress,
    make_template,
    make_user,
)
from tests.helpers import flashes, html_tree, pdf_text, race, sign_in, text, tr

BURST = 8


@pytest.fixture
def world(app):
    """An inspection in progress with a checklist, its lead, a member and the unit's head."""
    member = make_user(role="inspector", full_name="Trần Thị Thành Viên")
    lead = make_user(role="inspector", full_name="Nguyễn Văn Trưởng Đoàn")
    inspection = make_inspection_in_progress(lead=lead, members=[member])
    head = make_user(role="unit_head", unit=inspection.unit, full_name="Lê Văn Chủ Tịch")
    checklist = make_checklist(inspection)
    return {"inspection": inspection, "checklist": checklist, "lead": lead, "member": member,
            "head": head, "item": checklist_item(checklist, "1.1")}


def page_url(inspection):
    """The checklist page of an inspection."""
    return f"/inspections/{inspection.id}/checklist"


def item_url(inspection, item):
    """Where an item's form posts."""
    return f"{page_url(inspection)}/items/{item.id}"


# --- making a checklist ----------------------------------------------------------------


def test_a_checklist_copies_a_templates_tree_and_points(app, client):
    inspection = make_inspection(lead=make_user(role="inspector"))
    template = make_template()
    sign_in(client, inspection.lead)
    response = client.post(f"{page_url(inspection)}/new",
                           data={"template": template.id, "criteria_set": 0})
    assert response.status_code == 302
    checklist = Checklist.get(Checklist.inspection == inspection)
    rows = list(checklist.items.order_by(ChecklistItem.position))
    assert [(r.code, r.depth, r.is_section, r.max_points) for r in rows] == [
        ("1", 0, True, None), ("1.1", 1, False, Decimal("2.00")),
        ("1.2", 1, False, Decimal("3.00")), ("2", 0, True, None), ("2.1", 1, False, None)]
    assert rows[1].parent_id == rows[0].id
    assert (checklist.title, rows[1].version, rows[1].answer) == (template.name, 1, "")


def test_a_later_edit_of_the_template_never_changes_a_checklist(world):
    admin = make_user(role="admin")
    template_item = ChecklistTemplateItem.get(ChecklistTemplateItem.code == "1.1")
    checklists.save_template_item(admin, template_item.template, template_item, "1.1",
                                  "Nội dung đã sửa", max_points="4")
    checklists.save_template_item(admin, template_item.template, ChecklistTemplateItem(),
                                  "1.3", "Nội dung mới")
    item = checklist_item(world["checklist"], "1.1")
    assert (item.content, item.max_points) == ("Niêm yết công khai TTHC tại Bộ phận một cửa",
                                               Decimal("2.00"))
    assert world["checklist"].items.count() == 5


def test_a_checklist_from_a_criteria_set_answers_its_leaves(app):
    inspection = make_inspection_in_progress()
    criteria_set = make_criteria_set()
    checklist = checklists.create_checklist(inspection.lead, inspection,
                                            criteria_set=criteria_set)
    rows = {row.code: row for row in checklist.items}
    assert rows["1"].is_section and rows["1"].max_points is None
    assert not rows["1.1"].is_section and rows["1.1"].max_points == Decimal("4.00")
    assert rows["1.2.1"].parent_id == rows["1.2"].id and rows["1.2.1"].depth == 2
    assert checklist.source == criteria_set.name


def test_an_inspection_has_one_checklist_and_only_its_team_makes_it(app, world):
    with pytest.raises(checklists.WorkflowError) as refused:
        make_checklist(world["inspection"])
    assert refused.value.message == tr(app, "This inspection already has a checklist.")
    other = make_inspection(lead=make_user(role="inspector"))
    with pytest.raises(checklists.WorkflowError):
        checklists.create_checklist(make_user(role="inspector"), other, make_template())
    assert not Checklist.select().where(Checklist.inspection == other).exists()


# --- the page, without scripts ---------------------------------------------------------


def test_the_page_gives_each_item_the_form_the_browser_half_builds_on(client, world):
    sign_in(client, world["member"])
    page = html_tree(client.get(page_url(world["inspection"])).get_data(as_text=True))
    item = world["item"]
    form = page.one("form", class_="checklist-item", data_item_id=str(item.id))
    assert form["data-version"] == "1"
    assert form["action"] == item_url(world["inspection"], item)
    assert {field["name"] for field in form.all("input") + form.all("textarea")} >= {
        "answer", "note", "points", "version", "photos", "csrf_token"}
    assert form.one("input", name="photos")["accept"] == "image/jpeg,image/png"
    body = page.one("body")
    assert body["data-inspection-id"] == str(world["inspection"].id)
    assert body["data-sync-url"].endswith("/checklist/sync")
    assert body["data-label-not-synced"] == tr(client.application, "not synced")
    for button in ("prepare-offline", "sync-now"):
        assert "hidden" in page.one(id=button).attrs
    assert page.one(id="sync-status")["role"] == "status"
    # sections are headings, never answered
    assert not page.all("form", data_item_id=str(checklist_item(world["checklist"], "1").id))


def test_an_answer_posted_without_scripts_is_saved_with_its_photo(client, world):
    sign_in(client, world["member"])
    item = world["item"]
    response = client.post(item_url(world["inspection"], item), data={
        "answer": "not_met", "note": "Thiếu bảng niêm yết", "points": "1,5", "version": "1",
        "photos": [(io.BytesIO(JPEG_BYTES), "bảng niêm yết.jpg")]},
        content_type="multipart/form-data")
    assert response.status_code == 302
    stored = ChecklistItem.get_by_id(item.id)
    assert (stored.answer, stored.note, stored.points, stored.version) == (
        "not_met", "Thiếu bảng niêm yết", Decimal("1.50"), 2)
    photo = ChecklistPhoto.get(ChecklistPhoto.item == item)
    page = text(client.get(page_url(world["inspection"])))
    assert f'/attachments/{photo.attachment_id}' in page
    assert tr(client.application, "The answer has been saved.") in page


def test_points_beyond_the_items_maximum_are_refused(client, world):
    sign_in(client, world["member"])
    response = client.post(item_url(world["inspection"], world["item"]),
                           data={"answer": "met", "points": "5", "version": "1"},
                           follow_redirects=True)
    assert tr(client.application, "Give points from 0 to %(max)s.", max="2") in \
        flashes(text(response))
    assert ChecklistItem.get_by_id(world["item"].id).version == 1


def test_a_stale_form_shows_the_conflict_and_keep_mine_is_stored(client, world):
    item = world["item"]
    checklists.save_item(world["lead"], world["inspection"], item.id,
                         {"answer": "met", "note": "Đủ"}, 1)
    sign_in(client, world["member"])
    response = client.post(item_url(world["inspection"], item),
                           data={"answer": "not_met", "note": "Thiếu", "version": "1"})
    assert response.status_code == 200
    conflict = html_tree(response.get_data(as_text=True)).one(class_="checklist-conflict")
    rows = {row["data-field"]: row for row in conflict.all("tr", class_="conflict-field")}
    assert rows["note"].one(class_="conflict-mine").text() == "Thiếu"
    assert rows["note"].one(class_="conflict-theirs").text() == "Đủ"
    assert "Nguyễn Văn Trưởng Đoàn" in rows["answer"].text()
    assert ChecklistItem.get_by_id(item.id).answer == "met"
    kept = client.post(item_url(world["inspection"], item),
                       data={"answer": "not_met", "note": "Thiếu", "version": "2",
                             "choice": "mine"})
    assert kept.status_code == 302
    assert (ChecklistItem.get_by_id(item.id).answer,
            ChecklistItem.get_by_id(item.id).note) == ("not_met", "Thiếu")
    assert AuditEvent.get(AuditEvent.action == "resolve_conflict").changed_fields == {
        "choice": "mine"}


def test_keep_theirs_on_the_page_changes_nothing_and_is_stored(client, world):
    item = world["item"]
    checklists.save_item(world["lead"], world["inspection"], item.id, {"answer": "met"}, 1)
    sign_in(client, world["member"])
    client.post(item_url(world["inspection"], item),
                data={"answer": "not_met", "version": "1", "choice": "theirs"})
    assert (ChecklistItem.get_by_id(item.id).answer,
            ChecklistItem.get_by_id(item.id).version) == ("met", 2)
    assert AuditEvent.get(AuditEvent.action == "resolve_conflict").changed_fields == {
        "choice": "theirs"}


# --- draft findings from items ---------------------------------------------------------


def test_a_not_met_item_becomes_a_draft_finding_once_and_shows_its_link(client, world):
    item = world["item"]
    checklists.save_item(world["member"], world["inspection"], item.id,
                         {"answer": "not_met", "note": "Chưa niêm yết 5 thủ tục"}, 1)
    sign_in(client, world["member"])
    response = client.post(f"{item_url(world['inspection'], item)}/finding")
    finding = Finding.get(Finding.inspection == world["inspection"])
    assert response.headers["Location"] == f"/findings/{finding.id}"
    assert (finding.status, finding.title, finding.description, finding.responsible_unit_id) \
        == ("draft", item.content, "Chưa niêm yết 5 thủ tục", world["inspection"].unit_id)
    assert ChecklistItem.get_by_id(item.id).finding_id == finding.id
    again = client.post(f"{item_url(world['inspection'], item)}/finding",
                        follow_redirects=True)
    assert tr(client.application, "A finding has already been made from this item.") in \
        flashes(text(again))
    assert Finding.select().where(Finding.inspection == world["inspection"]).count() == 1
    page = html_tree(client.get(page_url(world["inspection"])).get_data(as_text=True))
    assert page.one(class_="checklist-finding").one("a")["href"] == f"/findings/{finding.id}"


def test_a_burst_of_finding_posts_makes_one_finding(app, world):
    item = world["item"]
    checklists.save_item(world["member"], world["inspection"], item.id,
                         {"answer": "not_met"}, 1)
    responses = race(app, world["member"], lambda client: client.post(
        f"{item_url(world['inspection'], item)}/finding"), BURST)
    assert {r.status_code for r in responses} == {302}
    assert Finding.select().where(Finding.inspection == world["inspection"]).count() == 1
    assert AuditEvent.select().where(AuditEvent.action == "make_finding").count() == 1


def test_a_met_item_does_not_become_a_finding(client, world):
    sign_in(client, world["member"])
    client.post(f"{item_url(world['inspection'], world['item'])}/finding")
    assert not Finding.select().where(Finding.inspection == world["inspection"]).exists()


# --- templates -------------------------------------------------------------------------


def test_an_admin_builds_a_templates_tree_by_codes(client, app):
    sign_in(client, make_user(role="admin"))
    made = client.post("/admin/checklist-templates",
                       data={"name": "Kiểm tra Bộ phận một cửa", "active": "y"})
    url = made.headers["Location"]
    for code, content, points in (("1", "Bộ phận Một cửa", ""),
                                  ("1.2", "Sổ theo dõi hồ sơ", "2,5"),
                                  ("1.1", "Niêm yết công khai TTHC", "")):
        assert client.post(f"{url}/items", data={"code": code, "content": content,
                                                 "max_points": points}).status_code == 302
    refused = client.post(f"{url}/items", data={"code": "3.1", "content": "Không có cha"})
    assert tr(app, "No item has the code %(parent)s, under which %(code)s belongs.",
              parent="3", code="3.1") in text(refused)
    page = html_tree(client.get(url).get_data(as_text=True))
    assert [li.text().split(" ")[0] for li in page.all("li", class_="template-item")] == [
        "1.", "1.1.", "1.2."]
    assert ChecklistTemplateItem.get(ChecklistTemplateItem.code == "1.2").max_points == \
        Decimal("2.50")


# --- the on-site record ----------------------------------------------------------------


def test_the_record_pdf_lists_items_not_met_the_team_and_signature_lines(client, world):
    item = world["item"]
    checklists.save_item(world["member"], world["inspection"], item.id,
                         {"answer": "not_met", "note": "Thiếu bảng niêm yết"}, 1)
    sign_in(client, world["member"])
    response = client.get(f"{page_url(world['inspection'])}/record.pdf")
    assert response.mimetype == "application/pdf"
    document = pdf_text(response.data)
    for words in ("BIÊN BẢN KIỂM TRA", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                  "III. CÁC NỘI DUNG KHÔNG ĐẠT",
                  "1.1. Niêm yết công khai TTHC tại Bộ phận một cửa: Thiếu bảng niêm yết",
                  "Nguyễn Văn Trưởng Đoàn", "Trần Thị Thành Viên", "Lê Văn Chủ Tịch",
                  "ĐẠI DIỆN ĐƠN VỊ", "ĐẠI DIỆN ĐOÀN KIỂM TRA"):
        assert words in document, words
    assert "Sổ theo dõi hồ sơ" not in document


def test_the_printable_record_marks_each_answer_for_the_offline_copy(client, world):
    checklists.save_item(world["member"], world["inspection"], world["item"].id,
                         {"answer": "met", "note": "Đủ"}, 1)
    sign_in(client, world["head"])
    page = html_tree(client.get(f"{page_url(world['inspection'])}/record")
                     .get_data(as_text=True))
    row = page.one("tr", data_item_id=str(world["item"].id))
    assert row.one(class_="record-answer").text() == tr(client.application, "Met")
    assert row.one(class_="record-note").text() == "Đủ"
    assert "Lê Văn Chủ Tịch" in page.one(class_="record-representatives").text()
    assert "Nguyễn Văn Trưởng Đoàn" in page.one(class_="record-team").text()
