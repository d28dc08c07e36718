"""The audit log in words: action names, objects by name with a link, labels and values."""
import re
from pathlib import Path

import pytest
from playhouse.test_utils import count_queries

import inspect_app
from inspect_app import audit, labels
from inspect_app.checklists import services as checklists
from tests.factories import (
    checklist_item,
    make_checklist,
    make_finding,
    make_inspection,
    make_inspection_in_progress,
    make_unit,
    make_user,
)
from tests.helpers import audit_rows, sign_in, text


@pytest.fixture
def admin(client):
    """A signed-in administrator."""
    user = make_user("quantri", role="admin", full_name="Quản Trị")
    sign_in(client, user)
    return user


def test_a_report_reads_as_words_with_the_finding_by_name(client, admin):
    commune = make_unit("X-HOAAN", "Xã Hòa An")
    head = make_user("chutich", role="unit_head", unit=commune, full_name="Trần Thị Bình")
    finding = make_finding(commune, title="Chưa niêm yết thủ tục hành chính")
    audit.record(head, "submit_report", finding, {"status": ["open", "submitted"]})
    page = text(client.get("/admin/audit?entity=finding"))
    [row] = [r for r in audit_rows(page) if r["user"] == "Trần Thị Bình"]
    assert row == {"time": row["time"], "user": "Trần Thị Bình",
                   "action": "Đã gửi báo cáo kết quả khắc phục",
                   "object": "Tồn tại, hạn chế: Chưa niêm yết thủ tục hành chính",
                   "changes": "Trạng thái : Đang khắc phục → Chờ đánh giá"}
    assert f'href="/findings/{finding.id}">Chưa niêm yết thủ tục hành chính</a>' in page
    for code in ("submit_report", "finding #", "open", "submitted"):
        assert code not in " ".join(row.values())


def test_dates_people_and_empty_values_are_shown_as_people_read_them(client, admin):
    lead = make_user("truongdoan", role="inspector", full_name="Nguyễn Văn Thanh")
    member = make_user("thanhvien", role="inspector", full_name="Đỗ Thị Mai")
    inspection = make_inspection(make_unit("X-HOAAN", "Xã Hòa An"),
                                 title="Kiểm tra công tác CCHC")
    audit.record(admin, "update", inspection, {"decision_date": [None, "2026-10-05"],
                                               "lead": [None, lead.id],
                                               "members": [[], [lead.id, member.id]],
                                               "decision_no": ["12/QĐ", ""]})
    [row] = [r for r in audit_rows(text(client.get("/admin/audit?entity=inspection")))
             if r["action"] == "Sửa"]
    assert row["object"] == "Cuộc kiểm tra: Kiểm tra công tác CCHC"
    changes = row["changes"]
    assert "Ngày quyết định : trống → 05/10/2026" in changes
    assert "Trưởng đoàn : trống → Nguyễn Văn Thanh" in changes
    assert "Thành viên đoàn : trống → Nguyễn Văn Thanh, Đỗ Thị Mai" in changes
    assert "Số quyết định : 12/QĐ → trống" in changes
    assert not re.search(r"None|True|False|2026-10-05", changes)


def test_the_object_filter_names_objects_in_words(client, admin):
    make_unit("X-HOAAN", "Xã Hòa An")
    page = text(client.get("/admin/audit"))
    assert '<option value="unit">Đơn vị</option>' in page
    assert '<option value="users">Người dùng</option>' in page


def test_a_page_of_events_names_its_objects_with_a_query_per_kind(client, admin):
    commune = make_unit("X-HOAAN", "Xã Hòa An")
    lead = make_user("truongdoan", role="inspector", full_name="Nguyễn Văn Thanh")

    def record_findings(count):
        for number in range(count):
            finding = make_finding(commune, title=f"Tồn tại {number}")
            audit.record(admin, "update", finding, {"responsible_unit": [None, commune.id]})
            inspection = make_inspection(commune, title=f"Kiểm tra {number}")
            audit.record(admin, "update", inspection, {"lead": [None, lead.id]})

    record_findings(2)
    with count_queries() as few:
        client.get("/admin/audit")
    record_findings(10)
    with count_queries() as many:
        page = text(client.get("/admin/audit"))
    assert "Tồn tại 9" in page and "Nguyễn Văn Thanh" in page
    assert many.count == few.count


def test_every_action_the_code_records_has_a_name():
    recorded = set()
    for path in Path(inspect_app.__file__).parent.rglob("*.py"):
        recorded |= set(re.findall(r'audit\.record\([^,]+, *"([a-z_]+)"', path.read_text()))
    named = set(labels.AUDIT_ACTION)
    for actions in labels.AUDIT_ACTIONS_OF.values():
        named |= set(actions)
    assert "answer" in recorded and "resolve_conflict" in recorded
    assert recorded - named == set()


def test_a_checklist_answer_and_its_conflict_read_as_words(client, admin):
    inspection = make_inspection_in_progress(make_unit("X-HOAAN", "Xã Hòa An"))
    checklist = make_checklist(inspection)
    item = checklist_item(checklist, "1.1")
    checklists.apply_batch(inspection.lead, inspection, [
        {"id": "c-1", "type": "answer", "item_id": item.id, "base_version": 1,
         "fields": {"answer": "not_met"}},
        {"id": "c-2", "type": "answer", "item_id": item.id, "base_version": 1,
         "fields": {"answer": "met"}},
        {"id": "c-3", "type": "resolve", "item_id": item.id, "conflict_id": "c-2",
         "choice": "theirs", "base_version": 2, "fields": {"answer": "met"}}])
    rows = audit_rows(text(client.get("/admin/audit?entity=checklist_item")))
    assert [(row["action"], row["changes"]) for row in rows] == [
        ("Xử lý xung đột giữa hai phiên bản",
         "Thay đổi bị xung đột : c-2 Lựa chọn : Giữ bản trên máy chủ"),
        ("Trả lời nội dung kiểm tra", "Kết quả : trống → Không đạt")]
    assert all(row["object"].startswith("Nội dung phiếu kiểm tra") for row in rows)
