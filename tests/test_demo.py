"""The demo: Đắk Lắk today, with the seed's huyện Phú Hòa merged into it on 1 July 2025."""
import datetime as dt

import pytest
import time_machine

from inspect_app import clock, demo
from inspect_app.db import db
from inspect_app.models import (
    CASE_STATES,
    FINDING_STATES,
    INSPECTION_STATES,
    Checklist,
    DisciplineCase,
    Finding,
    Inspection,
    Reorganisation,
    Response,
    Unit,
    UnitSuccession,
)
from inspect_app.reports.queries import cached_staff_home
from tests.helpers import text

MERGED = {
    "TT-PHUHOA": {"X-PHUHOA1"}, "X-HOADINHDONG": {"X-PHUHOA1"}, "X-HOATHANG": {"X-PHUHOA1"},
    "X-HOAAN": {"X-PHUHOA1", "PH-TUYHOA"}, "X-HOATRI": {"X-PHUHOA1", "PH-TUYHOA"},
    "X-HOADINHTAY": {"X-PHUHOA2"}, "X-HOAHOI": {"X-PHUHOA2"}, "X-HOAQUANGBAC": {"X-PHUHOA2"},
    "X-HOAQUANGNAM": {"X-PHUHOA2"},
}
LOAD_DAY = dt.date(2026, 12, 2)
# A finding Xã Hòa An's inspection of 2024 recorded, resolved before the merger.
HOA_AN_2024 = "Hồ sơ công việc năm 2023 chưa lập đầy đủ"


def hanoi_morning(day):
    """09:00 in Hanoi on day, as an aware datetime."""
    return dt.datetime.combine(day, dt.time(9), tzinfo=clock.zone())


@pytest.fixture
def province(app):
    """The demo loaded on the test's database, the clock at a day of December 2026."""
    with time_machine.travel(hanoi_morning(LOAD_DAY), tick=False):
        demo.load()
        yield app


def sign_in(client, username):
    """Sign client in with a demo account."""
    response = client.post("/login", data={"username": username,
                                           "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302, username


def test_ten_units_of_every_kind_have_findings_in_every_state(province):
    issued = (Unit
              .select(Unit.code, Unit.kind)
              .join(Finding, on=(Finding.responsible_unit == Unit.id))
              .where(Unit.active, Finding.status != "draft")
              .distinct())
    assert len(issued) >= 10
    assert {unit.kind.code for unit in issued} == {"xa", "phuong", "so_nganh"}
    assert {f.status for f in Finding.select(Finding.status)} == set(FINDING_STATES)
    assert {i.status for i in Inspection.select(Inspection.status)} == set(INSPECTION_STATES)
    assert {c.status for c in DisciplineCase.select(DisciplineCase.status)} == set(CASE_STATES)


def test_the_staff_home_charts_ten_units_and_ranks_only_todays(province, client):
    figures = cached_staff_home(clock.today())
    assert len(figures["chart_rows"]) >= 10
    assert len(figures["ranking"]) >= 5
    ranked = Unit.select().where(Unit.id.in_([row["unit_id"] for row in figures["ranking"]]))
    assert all(unit.active for unit in ranked)  # the history was resolved in its own year
    sign_in(client, "lanhdao")
    home = text(client.get("/"))
    for row in figures["chart_rows"]:
        assert row["unit_name"] in home


def test_the_districts_communes_ended_on_30_june_2025_and_passed_to_their_successors(
        province):
    assert [r.on_date for r in Reorganisation.select()] == [demo.MERGE_DAY] * 4
    for code, successors in MERGED.items():
        commune = Unit.get(Unit.code == code)
        assert not commune.active, code
        assert commune.valid_to == dt.date(2025, 6, 30), code
        links = UnitSuccession.select().where(UnitSuccession.predecessor == commune)
        assert {link.successor.code for link in links} == successors, code
    for code in demo.DISTRICT_OFFICES:
        office = Unit.get(Unit.code == code)
        assert not office.active and office.valid_to == dt.date(2025, 6, 30), code
    for code, *_ in demo.PROVINCE_UNITS:
        unit = Unit.get(Unit.code == code)
        assert unit.active and unit.valid_from == demo.MERGE_DAY, code


def test_the_open_items_of_the_merged_communes_went_to_their_successors(province):
    predecessors = Unit.select().where(Unit.code.in_(list(MERGED)))
    assert not (Finding
                .select()
                .where(Finding.responsible_unit.in_(predecessors),
                       Finding.status.not_in(("resolved", "cancelled")))
                .exists())
    inherited = DisciplineCase.get(DisciplineCase.official_name == "Đặng Thị Hoa")
    assert (inherited.unit.code, inherited.status) == ("X-PHUHOA1", "deferred")
    east = Finding.get(Finding.title == demo.TO_TUY_HOA[0])
    assert (east.responsible_unit.code, east.inspection.unit.code) == ("PH-TUYHOA", "X-HOAAN")


def test_hoaan_heads_phu_hoa_1_and_reads_hoa_an_history(province, client):
    sign_in(client, "hoaan")
    old = Finding.get(Finding.title == HOA_AN_2024)
    assert old.responsible_unit.code == "X-HOAAN"
    assert old.inspection.conclusion_date.year == 2024
    assert old.resolved_at.date() == dt.date(2024, 4, 29)
    home = text(client.get("/"))
    assert "Xã Phú Hòa 1" in home
    assert HOA_AN_2024 in text(client.get("/findings?status=resolved"))
    assert HOA_AN_2024 in text(client.get(f"/findings/{old.id}"))
    assert "Phạm Văn Em" in text(client.get("/discipline"))
    assert client.get("/reports/units/X-HOAAN").status_code == 200


def test_another_units_head_does_not_read_hoa_an_history(province, client):
    sign_in(client, "tayhoa")
    old = Finding.get(Finding.title == HOA_AN_2024)
    assert client.get(f"/findings/{old.id}").status_code == 404
    assert HOA_AN_2024 not in text(client.get("/findings?status=resolved"))


def test_staff_filtering_on_phu_hoa_1_find_what_was_filed_against_hoa_an(province, client):
    sign_in(client, "thanhtra")
    phu_hoa_1 = Unit.get(Unit.code == "X-PHUHOA1")
    assert HOA_AN_2024 in text(client.get(f"/findings?unit={phu_hoa_1.id}&status=resolved"))
    only = text(client.get(f"/findings?unit={phu_hoa_1.id}&status=resolved&unit_only=y"))
    assert HOA_AN_2024 not in only


def test_the_monthly_summary_of_july_2025_names_the_merged_communes(province, client):
    sign_in(client, "lanhdao")
    page = text(client.get("/reports/monthly/2025-07"))
    for name in ("Xã Hòa An", "Xã Hòa Quang Nam", "Xã Phú Hòa 2", "Phường Tuy Hòa"):
        assert name in page


def load_on(make_app, name, day):
    """Load the demo on a new database with the clock at day; {key: date} of what it holds."""
    app = make_app(name, migrated=True)
    with app.app_context(), time_machine.travel(hanoi_morning(day), tick=False):
        db.connect(reuse_if_open=True)
        demo.load()
        dates = {(i.unit.code, i.title, "start"): i.start_date for i in Inspection.select()}
        dates.update({(i.conclusion_no, "concluded"): i.conclusion_date
                      for i in Inspection.select().where(Inspection.conclusion_no != "")})
        dates.update({(r.finding.title, "report", r.id): r.submitted_on
                      for r in Response.select()})
        dates.update({(c.official_name, "opened"): c.opened_on
                      for c in DisciplineCase.select()})
        db.close()
    return dates


def test_todays_dates_follow_the_load_day_and_the_history_keeps_its_own(make_app):
    first_day, second_day = dt.date(2026, 9, 14), dt.date(2027, 3, 2)
    first = load_on(make_app, "first.db", first_day)
    second = load_on(make_app, "second.db", second_day)
    assert first.keys() == second.keys()
    shift = second_day - first_day
    moved = {key for key in first if second[key] - first[key] == shift}
    kept = {key for key in first if first[key] == second[key]}
    assert moved | kept == set(first)
    assert ("X-PHUHOA1", "Kiểm tra công tác cải cách hành chính và kỷ luật, kỷ cương",
            "start") in moved
    assert ("Trần Thị Cúc", "opened") in moved
    assert ("X-HOAAN", "Kiểm tra công tác văn thư, lưu trữ", "start") in kept
    assert ("18/KL-UBND", "concluded") in kept and ("12/KL-SNV", "concluded") in moved
    assert all(first[key] < demo.MERGE_DAY + dt.timedelta(days=60) for key in kept)
    assert all(first[key] > first_day - dt.timedelta(days=210) for key in moved)


def test_the_clock_held_reads_the_moment_given_and_lets_go_after(app):
    moment = dt.datetime(2024, 4, 29, 1, 30)
    with clock.held_at(moment):
        assert clock.now() == moment
        assert clock.today() == dt.date(2024, 4, 29)
        assert clock.local_now().hour == 8
    assert clock.today() != dt.date(2024, 4, 29)


def test_the_inspection_in_progress_has_a_checklist_partly_answered(province, client):
    sign_in(client, "thanhtra")
    checklist = Checklist.get(Checklist.title == "Kiểm tra công vụ tại Bộ phận Một cửa")
    rows = client.get(f"/api/inspections/{checklist.inspection_id}/checklist").get_json()
    answers = {row["code"]: (row["answer"], row["points"]) for row in rows["items"]}
    assert rows["inspection"]["status"] == "in_progress"
    assert answers["1.1"] == ("met", 2.0) and answers["1.2"] == ("not_met", 0.5)
    assert answers["1.3"] == ("", None)
