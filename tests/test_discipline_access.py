"""Who sees and handles disciplinary cases: staff all of them, a unit head their own, read-only."""
from io import BytesIO

import pytest
from openpyxl import load_workbook

from inspect_app.models import DisciplineCase, DisciplineCaseFinding
from tests.factories import PASSWORD, make_case, make_finding, make_unit, make_user
from tests.helpers import db_state, location, sign_in, text, tr

STAFF = ["admin", "inspector", "leader"]
STEPS = {"extend": {"extend-new_deadline": "2099-01-01", "extend-reason": "Lý do."},
         "decide": {"decide-decision_no": "1/QĐ", "decide-issuing_authority": "UBND"},
         "dismiss": {"dismiss-reason": "Lý do."},
         "defer": {"defer-ground": "illness"},
         "resume": {"resume-note": ""}}


@pytest.fixture
def cases(app):
    """A case of Xã Hòa An (from a finding) and one of Xã Hòa Hội."""
    hoa_an = make_unit("HOA-AN", "Xã Hòa An")
    hoa_hoi = make_unit("HOA-HOI", "Xã Hòa Hội")
    finding = make_finding(unit=hoa_an, code="KL-1/KL-UBND-1")
    own = make_case(unit=hoa_an, official_name="Nguyễn Văn Bình", findings=[finding])
    other = make_case(unit=hoa_hoi, official_name="Trần Thị Cúc")
    return {"hoa_an": hoa_an, "hoa_hoi": hoa_hoi, "finding": finding, "own": own,
            "other": other}


@pytest.mark.parametrize("role", STAFF)
def test_staff_see_every_case_with_its_actions(app, client, cases, role):
    sign_in(client, make_user("nhanvien", role=role))
    listing = text(client.get("/discipline"))
    assert "Nguyễn Văn Bình" in listing and "Trần Thị Cúc" in listing
    page = text(client.get(f"/discipline/{cases['other'].id}"))
    assert "Trần Thị Cúc" in page
    for step in ("extend", "decide", "dismiss", "defer"):
        assert f'action="/discipline/{cases["other"].id}/{step}"' in page
    assert client.get("/discipline/new").status_code == 200


@pytest.mark.parametrize("role", STAFF)
def test_staff_may_handle_a_case(app, client, cases, role):
    sign_in(client, make_user("nhanvien", role=role))
    response = client.post(f"/discipline/{cases['own'].id}/defer", data=STEPS["defer"])
    assert location(response) == f"/discipline/{cases['own'].id}"
    assert DisciplineCase.get_by_id(cases["own"].id).status == "deferred"


def test_unit_head_sees_only_their_units_cases_without_actions(app, client, cases):
    sign_in(client, make_user("truongxa", role="unit_head", unit=cases["hoa_an"]))
    listing = text(client.get("/discipline"))
    assert "Nguyễn Văn Bình" in listing and "Trần Thị Cúc" not in listing
    assert 'name="unit"' not in listing
    page = text(client.get(f"/discipline/{cases['own'].id}"))
    assert "Nguyễn Văn Bình" in page
    assert 'method="post" action="/discipline/' not in page
    assert f'href="/discipline/{cases["own"].id}/edit"' not in page
    assert 'href="/discipline"' in text(client.get("/"))


def test_unit_head_gets_404_for_another_units_case(app, client, cases):
    sign_in(client, make_user("truongxa", role="unit_head", unit=cases["hoa_an"]))
    assert client.get(f"/discipline/{cases['other'].id}").status_code == 404


def test_unit_head_cannot_open_edit_or_change_any_case(app, client, cases):
    sign_in(client, make_user("truongxa", role="unit_head", unit=cases["hoa_an"]))
    before = db_state()
    assert client.get("/discipline/new").status_code == 403
    assert client.get(f"/discipline/{cases['own'].id}/edit").status_code == 403
    for case in (cases["own"], cases["other"]):
        for step, data in STEPS.items():
            assert client.post(f"/discipline/{case.id}/{step}", data=data).status_code == 403
    assert db_state() == before


def test_unit_head_export_holds_only_their_units_cases(app, client, cases):
    sign_in(client, make_user("truongxa", role="unit_head", unit=cases["hoa_an"]))
    sheet = load_workbook(BytesIO(client.get("/discipline/export.xlsx").data)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["Nguyễn Văn Bình"]


def test_unit_head_does_not_see_the_cases_on_a_finding_page(app, client, cases):
    sign_in(client, make_user("truongxa", role="unit_head", unit=cases["hoa_an"]))
    page = text(client.get(f"/findings/{cases['finding'].id}"))
    assert "Nguyễn Văn Bình" not in page
    assert tr(app, "Recommend considering responsibility") not in page


def test_unit_head_without_a_unit_sees_no_cases(app, client, cases):
    user = make_user("khongdonvi", role="unit_head")
    user.unit = None
    user.save()
    client.post("/login", data={"username": "khongdonvi", "password": PASSWORD})
    assert client.get("/discipline").status_code == 403
    assert client.get(f"/discipline/{cases['own'].id}").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(app, client, cases):
    response = client.get(f"/discipline/{cases['own'].id}")
    assert location(response).startswith("/login")


@pytest.fixture
def foreign_links(cases):
    """The Hòa An case also linked, directly in the database as links stored before the
    unit rule, to a finding of Phòng Nội vụ and to a draft of Hòa An that has a code."""
    noi_vu = make_unit("P-NOIVU", "Phòng Nội vụ", kind_code="phong_ban")
    foreign = make_finding(unit=noi_vu, code="KL-7/KL-UBND-2",
                           title="Hồ sơ cán bộ lưu trữ chưa khoa học")
    draft = make_finding(unit=cases["hoa_an"], status="draft", code="KL-9/KL-UBND-1",
                         title="Dự thảo chưa ban hành")
    for finding in (foreign, draft):
        DisciplineCaseFinding.create(case=cases["own"], finding=finding)
    return [foreign, draft]


def test_unit_head_does_not_see_findings_they_may_not_see_through_their_case(
        app, client, cases, foreign_links):
    sign_in(client, make_user("truongxa", role="unit_head", unit=cases["hoa_an"]))
    page = text(client.get(f"/discipline/{cases['own'].id}"))
    assert "KL-1/KL-UBND-1" in page
    for finding in foreign_links:
        assert finding.code not in page and finding.title not in page
    sheet = load_workbook(BytesIO(client.get("/discipline/export.xlsx").data)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[5] for row in rows] == ["KL-1/KL-UBND-1"]


def test_staff_still_see_every_linked_finding(app, client, cases, foreign_links):
    sign_in(client, make_user("thanhtra", role="inspector"))
    page = text(client.get(f"/discipline/{cases['own'].id}"))
    for finding in [cases["finding"], *foreign_links]:
        assert f'href="/findings/{finding.id}">{finding.code}</a> {finding.title}' in page
    sheet = load_workbook(BytesIO(client.get("/discipline/export.xlsx").data)).active
    codes = {row[0]: row[5] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert codes["Nguyễn Văn Bình"] == "KL-1/KL-UBND-1, KL-7/KL-UBND-2, KL-9/KL-UBND-1"
