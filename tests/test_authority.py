"""The authority over time: versions by date, edited by the admin, chosen by each document."""
import datetime as dt
import json

import pytest
import time_machine

from inspect_app import authority
from inspect_app.models import AuditEvent, AuthorityVersion
from inspect_app.pdf import documents
from inspect_app.reports.unit_report import unit_report
from tests.factories import (
    issue_findings,
    make_inspection_in_progress,
    make_issued_finding,
    make_unit,
    make_user,
    record_draft,
    set_authority,
)
from tests.helpers import field_errors, flashes, location, pdf_reader, pdf_text, sign_in, text, tr

# Districts ended on 30 June 2025; the province's department inspects from 1 July.
REORGANISED_ON = dt.date(2025, 7, 1)
TODAY = dt.datetime(2026, 12, 5, 3, 0, tzinfo=dt.timezone.utc)
DISTRICT = {"authority_name": "UBND huyện Phú Hòa", "parent_authority": "UBND tỉnh Phú Yên",
            "place_name": "Phú Hòa", "signer": "authority",
            "signature_title": "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
            "signer_name": "Trần Thị Lãnh"}
DEPARTMENT = {"authority_name": "Sở Nội vụ tỉnh Đắk Lắk",
              "parent_authority": "UBND tỉnh Đắk Lắk", "place_name": "Đắk Lắk",
              "signer": "authority", "signature_title": "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
              "signer_name": "Lê Thị Hương"}


def concluded_on(day, unit, number):
    """An inspection of unit whose conclusion number was issued on day, with one finding."""
    with time_machine.travel(dt.datetime.combine(day, dt.time(3)), tick=False):
        inspection = make_inspection_in_progress(unit=unit, start=day - dt.timedelta(days=9))
        record_draft(inspection, title="Hồ sơ giải quyết trễ hạn", deadline_days=30)
        issue_findings(inspection, number, day)
    return type(inspection).get_by_id(inspection.id)


@pytest.fixture
def history(app):
    """The district until 30/06/2025, the department from 1/07/2025."""
    set_authority(**DISTRICT)
    set_authority(REORGANISED_ON, **DEPARTMENT)


# --- which version is in force -----------------------------------------------------------


def test_each_day_takes_the_version_in_force_on_it(app, history):
    assert authority.in_force(dt.date(2020, 1, 1)).authority_name == "UBND huyện Phú Hòa"
    assert authority.in_force(dt.date(2025, 6, 30)).authority_name == "UBND huyện Phú Hòa"
    assert authority.in_force(REORGANISED_ON).authority_name == "Sở Nội vụ tỉnh Đắk Lắk"
    assert authority.in_force(dt.date(2026, 12, 5)).authority_name == "Sở Nội vụ tỉnh Đắk Lắk"
    assert [v.valid_from for v in authority.versions()] == [None, REORGANISED_ON]


def test_a_version_from_the_beginning_only_holds_for_every_day(app):
    set_authority(**DISTRICT)
    assert authority.in_force(dt.date(2026, 12, 5)).authority_name == "UBND huyện Phú Hòa"


# --- documents keep the version of their own date ---------------------------------------


def test_a_reprinted_2024_conclusion_keeps_its_2024_header(app):
    set_authority(**DISTRICT)
    unit = make_unit("X-HOAAN", "Xã Hòa An")
    old = concluded_on(dt.date(2024, 10, 10), unit, "45/KL-UBND")
    with time_machine.travel(dt.datetime(2024, 10, 10, 3), tick=False):
        printed_then = pdf_text(documents.conclusion_pdf(old))
    set_authority(REORGANISED_ON, **DEPARTMENT)
    recent = concluded_on(dt.date(2026, 3, 10), make_unit("X-PHUHOA1", "Xã Phú Hòa 1"),
                          "7/KL-SNV")
    with time_machine.travel(TODAY, tick=False):
        reprinted, data = pdf_text(documents.conclusion_pdf(old)), documents.conclusion_pdf(
            recent)
    assert reprinted == printed_then
    for expected in ("UBND TỈNH PHÚ YÊN", "UBND HUYỆN PHÚ HÒA", "TM. ỦY BAN NHÂN DÂN",
                     "Trần Thị Lãnh", tr(app, "%(place)s, day %(day)s month %(month)s year "
                                              "%(year)s", place="Phú Hòa", day="10",
                                         month="10", year=2024)):
        assert expected in reprinted
    assert "ĐẮK LẮK" not in reprinted and "Sở Nội vụ" not in reprinted
    text_2026 = pdf_text(data)
    for expected in ("UBND TỈNH ĐẮK LẮK", "SỞ NỘI VỤ TỈNH ĐẮK LẮK", "KT. GIÁM ĐỐC",
                     "PHÓ GIÁM ĐỐC", "Lê Thị Hương",
                     tr(app, "On the basis of the results, %(authority)s concludes as "
                             "follows:", authority="Sở Nội vụ tỉnh Đắk Lắk")):
        assert expected in text_2026
    assert "PHÚ HÒA" not in text_2026.split(tr(app, "INSPECTION CONCLUSION"))[0]
    assert pdf_reader(data).metadata.author == "Sở Nội vụ tỉnh Đắk Lắk"


def test_reports_name_the_authority_of_their_own_date(app, history):
    unit = make_unit("X-HOAAN", "Xã Hòa An")
    make_issued_finding(unit, dt.date(2024, 9, 2), dt.date(2024, 10, 20))
    with time_machine.travel(TODAY, tick=False):
        october_2024 = documents.monthly_summary_pdf(2024, 10)
        october_2026 = documents.monthly_summary_pdf(2026, 10)
        report = documents.report_pdf(unit_report(unit, dt.date(2026, 12, 5)))
    assert pdf_reader(october_2024).metadata.author == "UBND huyện Phú Hòa"
    assert "UBND HUYỆN PHÚ HÒA" in pdf_text(october_2024).upper()
    for data in (october_2026, report):
        assert pdf_reader(data).metadata.author == "Sở Nội vụ tỉnh Đắk Lắk"
        assert "PHÚ HÒA" not in pdf_text(data).upper().split("XÃ HÒA AN")[0]


# --- the admin's page -------------------------------------------------------------------


@pytest.fixture
def admin(client):
    """A signed-in administrator."""
    user = make_user("quantri", role="admin")
    sign_in(client, user)
    return user


def version_form(**changes):
    """The department's version from 1 July 2025, as the form posts it."""
    return {"valid_from": REORGANISED_ON.isoformat(), **DEPARTMENT, **changes}


def test_the_admin_adds_a_version_and_it_is_audited(app, client, admin):
    set_authority(**DISTRICT)
    response = client.post("/admin/authority/new", data=version_form(
        authority_name="  Sở Nội vụ tỉnh Đắk Lắk ",
        signature_title="KT. GIÁM ĐỐC\r\n\r\n  PHÓ GIÁM ĐỐC  "))
    assert location(response) == "/admin/authority"
    version = AuthorityVersion.get(AuthorityVersion.valid_from == REORGANISED_ON)
    assert version.authority_name == "Sở Nội vụ tỉnh Đắk Lắk"
    assert version.signature_title == "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    [event] = AuditEvent.select().where(AuditEvent.entity == "authority_version",
                                        AuditEvent.entity_id == version.id)
    assert event.action == "create" and event.actor_id == admin.id
    assert json.loads(event.changes)["authority_name"] == [None, "Sở Nội vụ tỉnh Đắk Lắk"]
    page = text(client.get("/admin/authority"))
    assert tr(app, "The authority's names have been saved.") in flashes(page)
    assert page.index("UBND huyện Phú Hòa") < page.index("Sở Nội vụ tỉnh Đắk Lắk")
    assert "01/07/2025" in page


def test_the_admin_corrects_the_version_from_the_beginning(app, client, admin):
    base = authority.base()
    page = text(client.get(f"/admin/authority/{base.id}"))
    assert 'name="valid_from"' not in page
    client.post(f"/admin/authority/{base.id}", data={**DISTRICT, "valid_from": ""})
    assert authority.base().authority_name == "UBND huyện Phú Hòa"
    [event] = AuditEvent.select().where(AuditEvent.entity == "authority_version",
                                        AuditEvent.entity_id == base.id)
    assert event.action == "update"
    assert json.loads(event.changes)["signer"] == ["team", "authority"]


@pytest.mark.parametrize("changes, field, message", [
    ({"valid_from": ""}, "valid_from", "This field is required."),
    ({"valid_from": "2024-01-01"}, "valid_from", "Another version is in force from this day."),
    ({"signature_title": ""}, "signature_title",
     "An authority signs with its signature block and the signer's name."),
    ({"signer_name": " "}, "signature_title",
     "An authority signs with its signature block and the signer's name."),
])
def test_a_version_the_admin_gets_wrong_is_refused(app, client, admin, changes, field,
                                                    message):
    set_authority(dt.date(2024, 1, 1), **DISTRICT)
    before = AuthorityVersion.select().count()
    page = text(client.post("/admin/authority/new", data=version_form(**changes)))
    assert tr(app, message) in field_errors(page, field)
    assert AuthorityVersion.select().count() == before


def test_the_version_from_the_beginning_takes_no_date(app, client, admin):
    base = authority.base()
    page = text(client.post(f"/admin/authority/{base.id}",
                            data=version_form(valid_from="2025-07-01")))
    assert tr(app, "The first version holds from the beginning: it has no date.") in (
        flashes(page))
    assert authority.base().valid_from is None
    assert authority.base().authority_name == ""


def test_a_team_signs_without_a_signature_block(app, client, admin):
    response = client.post("/admin/authority/new", data=version_form(
        signer="team", signature_title="", signer_name=""))
    assert location(response) == "/admin/authority"
    assert authority.in_force(REORGANISED_ON).signer == "team"


def test_an_unknown_version_is_not_found(client, admin):
    assert client.get("/admin/authority/9999").status_code == 404
