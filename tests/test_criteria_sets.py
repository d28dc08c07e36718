"""Criteria sets of the CCHC index: the tree's rules, publishing, immutability, Excel in
and out, new versions and their comparison."""
import io
import re
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from inspect_app.criteria import queries, services
from inspect_app.errors import WorkflowError
from inspect_app.models import CriteriaNode, CriteriaSet, UnitKind
from tests.factories import SMALL_SET_ROWS, make_criteria_set, make_user
from tests.helpers import db_state, english, flashes, sign_in, text, url_rules

HEADINGS = ["Mã", "Nội dung", "Điểm tối đa", "Cách chấm", "Hướng dẫn chấm",
            "Tài liệu kiểm chứng", "Áp dụng cho", "Được đánh giá không áp dụng", "Loại"]
KEYS = ["code", "content", "max_points", "scoring", "guidance", "evidence", "applies_to",
        "na_allowed", "kind"]


def workbook(rows, title_rows=("BỘ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH CẤP XÃ",), headings=HEADINGS):
    """An .xlsx in the province's layout: a title, the headings, a row per node."""
    book = Workbook()
    sheet = book.active
    for title in title_rows:
        sheet.append([title])
    sheet.append(headings)
    for row in rows:
        sheet.append([row.get(key, "") for key in KEYS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_form(app, data, name="Bộ chỉ số CCHC cấp xã 2026", **extra):
    """The import form's fields with the workbook attached."""
    kinds = [k.id for k in UnitKind.select().where(UnitKind.code.in_(("xa", "phuong")))]
    return {"name": name, "first_year": "2026", "last_year": "", "legal_basis": "QĐ 876",
            "step": "0.25", "kinds": kinds, "predecessor": "0",
            "file": (io.BytesIO(data), "bo-tieu-chi.xlsx"), **extra}


@pytest.fixture
def admin(app):
    """The administrator who manages criteria sets."""
    return make_user("quantri", role="admin")


def test_an_imported_sheet_becomes_a_draft_tree(app, client, admin):
    sign_in(client, admin)
    response = client.post("/criteria/import", data=import_form(app, workbook(SMALL_SET_ROWS)),
                           content_type="multipart/form-data")
    criteria_set = CriteriaSet.get()
    assert response.headers["Location"] == f"/criteria/{criteria_set.id}"
    tree = queries.nodes(criteria_set)
    assert [n.code for n in tree] == ["1", "1.1", "1.2", "1.2.1", "1.2.2", "2", "2.1", "2.2",
                                      "K", "K.1", "T", "T.1", "T.2"]
    by_code = {n.code: n for n in tree}
    assert by_code["1.2.1"].parent_id == by_code["1.2"].id and by_code["1.2.1"].depth == 2
    assert queries.levels(by_code["1.2.1"]) == [("Đầy đủ, đúng hạn", Decimal(3)),
                                               ("Chậm", Decimal("1.5")),
                                               ("Không thực hiện", Decimal(0))]
    assert by_code["1.2.2"].na_allowed and by_code["2.2"].applies_to == "phuong"
    assert by_code["T"].kind == "bonus" and by_code["K.1"].kind == "penalty"
    assert by_code["1.1"].evidence == "Kế hoạch CCHC"
    assert criteria_set.status == "draft" and queries.set_total(tree) == 20
    page = text(client.get(f"/criteria/{criteria_set.id}"))
    assert "Báo cáo chuyên đề" in page and "Đầy đủ, đúng hạn: 3; Chậm: 1,5" in page


@pytest.mark.parametrize("change, row, words", [
    ({"1.1": {"max_points": "5"}}, 3, ["1", "10", "11"]),
    ({"1.2.1": {"code": "1.9.1"}}, 6, ["1.9"]),
    ({"2.1": {"max_points": "năm"}}, 9, []),
    ({"1.1": {"content": ""}}, 4, []),
    ({"2.2": {"applies_to": "Thôn"}}, 10, ["Thôn"]),
    ({"2.1": {"code": "1.1"}}, 9, ["1.1"]),
    ({"1.2.1": {"scoring": "Đầy đủ: 2; Chậm: 1"}}, 6, ["3"]),
    ({"2.1": {"max_points": "4,9"}}, 9, ["4,9", "0,25"]),
    ({"1.2.2": {"na_allowed": "tùy"}}, 7, []),
])
def test_a_sheet_with_a_mistake_is_refused_whole_naming_its_row(app, client, admin, change,
                                                                  row, words):
    rows = [{**r, **change.get(r["code"], {})} for r in SMALL_SET_ROWS]
    sign_in(client, admin)
    before = db_state()
    response = client.post("/criteria/import", data=import_form(app, workbook(rows)),
                           content_type="multipart/form-data")
    assert response.status_code == 200
    page = text(response)
    # The data start on row 3, below the title and the headings.
    problems = re.findall(rf"<li>(?:Row|Dòng) {row}: (.*?)</li>", page)
    assert problems, page
    assert all(word in " ".join(problems) for word in words)
    assert db_state() == before


def test_every_problem_of_a_sheet_is_listed(app, admin):
    rows = [{**r, "max_points": "x"} if r["code"] in ("1.1", "2.1") else r
            for r in SMALL_SET_ROWS]
    with pytest.raises(WorkflowError) as refused:
        make_criteria_set(rows, actor=admin)
    rows_named = [english(app, WorkflowError(d)).split(":")[0] for d in refused.value.details]
    assert "Row 3" in rows_named and "Row 8" in rows_named
    assert CriteriaSet.select().count() == 0


def test_a_workbook_without_the_headings_or_not_a_workbook_is_refused(app, client, admin):
    sign_in(client, admin)
    no_headings = workbook(SMALL_SET_ROWS, headings=["Số", "Tiêu chí con", "Thang điểm"])
    for data in (no_headings, b"%PDF-1.4 no workbook"):
        response = client.post("/criteria/import", data=import_form(app, data),
                               content_type="multipart/form-data")
        assert response.status_code == 200
    assert CriteriaSet.select().count() == 0


def test_publishing_checks_that_each_parent_is_the_sum_of_its_children(app, admin):
    criteria_set = make_criteria_set(publish=False, actor=admin)
    node = CriteriaNode.get(CriteriaNode.code == "2.1")
    node.max_points = Decimal(4)
    node.save()
    with pytest.raises(WorkflowError) as refused:
        services.publish_set(admin, criteria_set)
    assert any("2" in str(d) and "9" in str(d) for d in refused.value.details)
    assert CriteriaSet.get_by_id(criteria_set.id).status == "draft"


def test_a_published_set_cannot_be_changed_by_any_service(app, admin):
    criteria_set = make_criteria_set(actor=admin)
    node = CriteriaNode.get(CriteriaNode.code == "1.1")
    draft = services.NodeDraft("1.1", "Đổi", Decimal(4))
    kinds = queries.set_kinds(criteria_set)
    attempts = [
        lambda: services.update_set(admin, criteria_set, "Đổi tên", 2026, 2026, "", Decimal(1),
                                    kinds),
        lambda: services.save_node(admin, criteria_set, node, draft),
        lambda: services.save_node(admin, criteria_set, CriteriaNode(),
                                   services.NodeDraft("3", "Mới", Decimal(1))),
        lambda: services.delete_node(admin, node),
        lambda: services.publish_set(admin, criteria_set),
    ]
    before = db_state()
    for attempt in attempts:
        with pytest.raises(WorkflowError):
            attempt()
    assert db_state() == before


def test_a_published_set_cannot_be_changed_by_any_route(app, client, admin):
    criteria_set = make_criteria_set(actor=admin)
    node = CriteriaNode.get(CriteriaNode.code == "1.1")
    sign_in(client, admin)
    ids = {"criteria_set_id": criteria_set.id, "criteria_node_id": node.id}
    changing = [rule for rule, methods in url_rules(app) if rule.endpoint.startswith("criteria.")
                and "POST" in methods
                and rule.endpoint not in ("criteria.import_sheet", "criteria.create",
                                          "criteria.new_version", "criteria.retire")]
    assert len(changing) >= 5
    form = {"name": "Đổi", "first_year": "2026", "step": "1", "code": "1.1",
            "content": "Đổi", "max_points": "4", "kind": "regular", "scoring": "range",
            "kinds": [k.id for k in UnitKind.select()]}
    before = db_state()
    for rule in changing:
        url = rule.build({name: ids[name] for name in rule.arguments})[1]
        response = client.post(url, data=form, follow_redirects=True)
        assert response.status_code == 200, url
        assert any("never changes" in f or "không thay đổi" in f
                   for f in flashes(text(response))), url
    assert db_state() == before


def test_the_export_reads_back_as_the_same_set(app, client, admin):
    criteria_set = make_criteria_set(actor=admin)
    sign_in(client, admin)
    response = client.get(f"/criteria/{criteria_set.id}/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADINGS
    assert rows[4][:4] == ("1.2.1", "Báo cáo định kỳ", "3",
                           "Đầy đủ, đúng hạn: 3; Chậm: 1,5; Không thực hiện: 0")
    response = client.post("/criteria/import", data=import_form(
        app, response.data, name="Bản sao"), content_type="multipart/form-data")
    copy = CriteriaSet.get(CriteriaSet.name == "Bản sao")
    fields = ("code", "content", "max_points", "scoring", "levels", "evidence",
              "applies_to", "na_allowed", "kind", "depth")
    assert [[getattr(n, f) for f in fields] for n in queries.nodes(copy)] == \
        [[getattr(n, f) for f in fields] for n in queries.nodes(criteria_set)]


def test_a_new_version_is_compared_node_by_node(app, client, admin):
    older = make_criteria_set(actor=admin, year=2025)
    newer = services.new_version(admin, older)
    assert newer.predecessor_id == older.id and newer.first_year == 2026
    kinds = {k.code for k in queries.set_kinds(newer)}
    by_code = {n.code: n for n in queries.nodes(newer)}
    services.save_node(admin, newer, by_code["1.1"], services.NodeDraft(
        "1.1", "Kế hoạch CCHC năm, ban hành đúng hạn", Decimal(3),
        previous_id=by_code["1.1"].previous_id))
    services.save_node(admin, newer, CriteriaNode(), services.NodeDraft(
        "1.3", "Kiểm tra CCHC", Decimal(1)))
    services.delete_node(admin, by_code["2.2"])
    assert kinds == {"xa", "phuong"}
    comparison = queries.compare(older, newer)
    assert [n.code for n in comparison.added] == ["1.3"]
    assert [n.code for n in comparison.removed] == ["2.2"]
    assert [(o.code, d) for o, _n, d in comparison.moved] == [("1.1", Decimal(-1))]
    sign_in(client, admin)
    page = text(client.get(f"/criteria/{newer.id}/compare?with={older.id}"))
    assert "Kiểm tra CCHC" in page and "Giải quyết hồ sơ đúng hạn" in page


def test_a_version_imported_from_a_sheet_is_mapped_by_code_then_content(app, admin):
    older = make_criteria_set(actor=admin, year=2025)
    renamed = [{**r, "code": "2.3"} if r["code"] == "2.2" else r for r in SMALL_SET_ROWS]
    newer = make_criteria_set(renamed, actor=admin, predecessor=older, publish=False)
    old = {n.code: n.id for n in queries.nodes(older)}
    links = {n.code: n.previous_id for n in queries.nodes(newer)}
    assert links["1.2.1"] == old["1.2.1"]
    assert links["2.3"] == old["2.2"]  # same content, new code


def test_only_admins_manage_sets(app):
    inspector = make_user(role="inspector")
    with pytest.raises(WorkflowError):
        make_criteria_set(actor=inspector)
    assert CriteriaSet.select().count() == 0
