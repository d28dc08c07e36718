"""Disciplinary cases: opening, deadline and extension, decisions and other outcomes, history."""
import datetime as dt

import pytest
import time_machine

from inspect_app.discipline import services
from inspect_app.discipline.queries import measures_offered
from inspect_app.errors import WorkflowError
from inspect_app.models import AuditEvent, DisciplineCase, DisciplineCaseFinding
from tests.factories import make_finding, make_unit, make_user
from tests.helpers import (
    field_errors,
    flashes,
    input_value,
    location,
    sign_in,
    text,
    tr,
)

# 10:00 in Hanoi on 1 December 2026.
T0 = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.timezone.utc)
TODAY = dt.date(2026, 12, 1)
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def frozen_time():
    """Every test runs at T0 unless it moves the clock itself."""
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(app):
    """A commune, an inspector, and an open finding of the commune."""
    unit = make_unit("HOA-AN", "Xã Hòa An")
    inspector = make_user("thanhtra", role="inspector", full_name="Nguyễn Văn Thanh")
    finding = make_finding(unit=unit, code="KL-12/KL-UBND-3",
                           title="Công chức đi muộn, về sớm")
    return {"unit": unit, "inspector": inspector, "finding": finding}


def open_case(world, opened_on=TODAY - 10 * DAY, person_type="cong_chuc", findings=()):
    """A case opened by the world's inspector through the service."""
    return services.open_case(world["inspector"], "Nguyễn Văn Bình", "Công chức Văn phòng",
                              person_type, world["unit"], "Đi muộn nhiều lần.", opened_on,
                              findings)


def reload(case):
    """The case as stored now."""
    return DisciplineCase.get_by_id(case.id)


def stored_state():
    """The rows a refused action must leave unchanged."""
    return (list(DisciplineCase.select().order_by(DisciplineCase.id).tuples()),
            list(DisciplineCaseFinding.select().order_by(DisciplineCaseFinding.id).tuples()),
            list(AuditEvent.select().order_by(AuditEvent.id).tuples()))


def reprimand(day=TODAY):
    """Khiển trách for a công chức, as in force on day."""
    return next(m for m in measures_offered("cong_chuc", day) if m.code == "khien_trach")


def case_form(world, **changes):
    """The case form's fields."""
    data = {"official_name": "Nguyễn Văn Bình", "official_position": "Công chức Văn phòng",
            "person_type": "cong_chuc", "unit": world["unit"].id,
            "violation": "Đi muộn, về sớm nhiều lần.", "opened_on": "2026-11-20",
            "findings": "KL-12/KL-UBND-3"}
    data.update(changes)
    return data


# --- opening ---------------------------------------------------------------------------


def test_inspector_opens_a_case_with_a_90_day_deadline(app, client, world):
    sign_in(client, world["inspector"])
    response = client.post("/discipline/new", data=case_form(world))
    case = DisciplineCase.get(DisciplineCase.official_name == "Nguyễn Văn Bình")
    assert location(response) == f"/discipline/{case.id}"
    assert (case.status, case.opened_on, case.deadline, case.original_deadline) == \
        ("open", dt.date(2026, 11, 20), dt.date(2027, 2, 18), dt.date(2027, 2, 18))
    assert [link.finding_id for link in case.finding_links] == [world["finding"].id]
    assert case.created_by_id == world["inspector"].id
    event = AuditEvent.get(AuditEvent.entity == "discipline_case")
    assert (event.action, event.entity_id, event.changed_fields["findings"]) == \
        ("create", case.id, [world["finding"].id])
    page = text(client.get(location(response)))
    assert "Nguyễn Văn Bình" in page and "18/02/2027" in page and "KL-12/KL-UBND-3" in page


def test_recommending_from_a_finding_fills_the_new_case(app, client, world):
    world["finding"].official_name = "Trần Thị Cúc"
    world["finding"].official_position = "Công chức Tư pháp"
    world["finding"].save()
    sign_in(client, world["inspector"])
    finding_page = text(client.get(f"/findings/{world['finding'].id}"))
    assert tr(app, "Recommend considering responsibility") in finding_page
    assert f'href="/discipline/new?finding={world["finding"].id}"' in finding_page
    page = text(client.get(f"/discipline/new?finding={world['finding'].id}"))
    assert input_value(page, "findings") == "KL-12/KL-UBND-3"
    assert input_value(page, "official_name") == "Trần Thị Cúc"
    assert input_value(page, "opened_on") == TODAY.isoformat()
    assert f'<option selected value="{world["unit"].id}">' in page


def test_finding_page_lists_the_cases_opened_from_it(app, client, world):
    case = open_case(world, findings=[world["finding"]])
    sign_in(client, world["inspector"])
    page = text(client.get(f"/findings/{world['finding'].id}"))
    assert f'href="/discipline/{case.id}">Nguyễn Văn Bình</a>' in page


@pytest.mark.parametrize("changes, field, msgid", [
    ({"opened_on": "2026-12-02"}, "opened_on", "The opening date cannot be in the future."),
    ({"violation": "   "}, "violation", "This field is required."),
    ({"person_type": "nhan_vien"}, "person_type", "Not a valid choice."),
])
def test_opening_refuses_invalid_details(app, client, world, changes, field, msgid):
    sign_in(client, world["inspector"])
    before = stored_state()
    response = client.post("/discipline/new", data=case_form(world, **changes))
    assert response.status_code == 200
    assert field_errors(text(response), field) == [tr(app, msgid)]
    assert stored_state() == before


def test_opening_refuses_an_unknown_finding_code(app, client, world):
    sign_in(client, world["inspector"])
    before = stored_state()
    response = client.post("/discipline/new", data=case_form(
        world, findings="KL-12/KL-UBND-3, KL-99/KL-UBND-1"))
    assert field_errors(text(response), "findings") == [
        tr(app, "No finding has the code %(codes)s.", codes="KL-99/KL-UBND-1")]
    assert stored_state() == before


def test_opening_refuses_a_finding_of_another_unit(app, client, world):
    noi_vu = make_unit("P-NOIVU", "Phòng Nội vụ", kind_code="phong_ban")
    make_finding(unit=noi_vu, code="KL-7/KL-UBND-2")
    sign_in(client, world["inspector"])
    before = stored_state()
    response = client.post("/discipline/new", data=case_form(
        world, findings="KL-12/KL-UBND-3, KL-7/KL-UBND-2"))
    assert field_errors(text(response), "findings") == [tr(
        app, "Findings of another unit cannot be linked to a case of %(unit)s: %(codes)s.",
        unit="Xã Hòa An", codes="KL-7/KL-UBND-2")]
    assert stored_state() == before


def test_editing_refuses_to_move_a_case_away_from_its_findings_unit(world):
    case = open_case(world, findings=[world["finding"]])
    noi_vu = make_unit("P-NOIVU", "Phòng Nội vụ", kind_code="phong_ban")
    before = stored_state()
    with pytest.raises(WorkflowError) as refused:
        services.update_case(world["inspector"], case, case.official_name,
                             case.official_position, case.person_type, noi_vu, case.violation,
                             case.opened_on, [world["finding"]])
    assert refused.value.field == "findings"
    assert stored_state() == before


# --- editing ---------------------------------------------------------------------------


def test_correcting_the_opening_date_moves_the_deadlines_with_it(app, client, world):
    case = open_case(world, opened_on=dt.date(2026, 11, 1))
    services.extend_deadline(world["inspector"], case, dt.date(2027, 3, 3), "Phức tạp.")
    sign_in(client, world["inspector"])
    response = client.post(f"/discipline/{case.id}/edit", data=case_form(
        world, opened_on="2026-10-30", findings=""))
    assert location(response) == f"/discipline/{case.id}"
    stored = reload(case)
    # Two days earlier: Wednesday 03/03 becomes Monday 01/03; 90 days end on Thursday 28/01.
    assert (stored.deadline, stored.original_deadline) == \
        (dt.date(2027, 3, 1), dt.date(2027, 1, 28))
    assert list(stored.finding_links) == []
    assert AuditEvent.get(AuditEvent.action == "update").changed_fields["opened_on"] == \
        ["2026-11-01", "2026-10-30"]


def test_a_decided_case_cannot_be_edited(app, client, world):
    case = open_case(world)
    services.decide_case(world["inspector"], case, reprimand(), "1/QĐ", TODAY, "UBND xã")
    sign_in(client, world["inspector"])
    response = client.get(f"/discipline/{case.id}/edit")
    assert location(response) == f"/discipline/{case.id}"
    assert tr(app, "A decided or closed case can no longer be edited.") in flashes(
        text(client.get(location(response))))


# --- the processing time ---------------------------------------------------------------


def test_one_extension_with_a_reason_up_to_150_days(world):
    case = open_case(world, opened_on=dt.date(2026, 11, 1))
    services.extend_deadline(world["inspector"], case, dt.date(2027, 3, 31),
                             "Vụ việc phức tạp, cần xác minh thêm.")
    stored = reload(case)
    # 90 days end on Saturday 30/01/2027: article 148 carries them to Monday 01/02.
    assert (stored.deadline, stored.original_deadline, stored.extension_reason) == \
        (dt.date(2027, 3, 31), dt.date(2027, 2, 1), "Vụ việc phức tạp, cần xác minh thêm.")
    with pytest.raises(WorkflowError):
        services.extend_deadline(world["inspector"], reload(case), dt.date(2027, 3, 31),
                                 "Lần nữa.")
    assert AuditEvent.select().where(AuditEvent.action == "extend").count() == 1


@pytest.mark.parametrize("new_deadline, reason, field", [
    (dt.date(2027, 4, 1), "Phức tạp.", "new_deadline"),  # 151 days after opening
    (dt.date(2027, 1, 30), "Phức tạp.", "new_deadline"),  # not after the current deadline
    (None, "Phức tạp.", "new_deadline"),
    (dt.date(2027, 3, 1), "  ", "reason"),
])
def test_extension_refused_outside_the_rules(world, new_deadline, reason, field):
    case = open_case(world, opened_on=dt.date(2026, 11, 1))
    before = stored_state()
    with pytest.raises(WorkflowError) as refused:
        services.extend_deadline(world["inspector"], case, new_deadline, reason)
    assert refused.value.field == field
    assert stored_state() == before


def test_extension_beyond_150_days_shows_the_latest_date_beside_the_field(app, client, world):
    case = open_case(world, opened_on=dt.date(2026, 11, 1))
    sign_in(client, world["inspector"])
    response = client.post(f"/discipline/{case.id}/extend", data={
        "extend-new_deadline": "2027-04-01", "extend-reason": "Phức tạp."})
    assert field_errors(text(response), "extend-new_deadline") == [tr(
        app, "The processing time can be extended to %(date)s at the latest: 150 days after "
             "opening, not counting the days deferred.", date="31/03/2027")]


# --- outcomes --------------------------------------------------------------------------


def test_decision_is_recorded_through_the_case_page(app, client, world):
    case = open_case(world)
    sign_in(client, world["inspector"])
    response = client.post(f"/discipline/{case.id}/decide", data={
        "decide-measure": reprimand().id, "decide-decision_no": "45/QĐ-UBND",
        "decide-decision_date": "2026-11-28", "decide-issuing_authority": "UBND xã Hòa An"})
    assert location(response) == f"/discipline/{case.id}"
    stored = reload(case)
    assert (stored.status, stored.measure_id, stored.decision_no, stored.decision_date,
            stored.issuing_authority) == ("decided", reprimand().id, "45/QĐ-UBND",
                                          dt.date(2026, 11, 28), "UBND xã Hòa An")
    page = text(client.get(location(response)))
    assert tr(app, "The disciplinary decision has been recorded.") in flashes(page)
    assert "Khiển trách · 45/QĐ-UBND · 28/11/2026" in page
    assert 'action="/discipline/%d/decide"' % case.id not in page


@pytest.mark.parametrize("decision_no, day, field", [
    ("45/QĐ", TODAY + DAY, "decision_date"),
    ("45/QĐ", TODAY - 11 * DAY, "decision_date"),  # before the opening
    ("45/QĐ", None, "decision_date"),
    ("", TODAY, "decision_no"),
])
def test_decision_refused_with_a_bad_date_or_no_number(world, decision_no, day, field):
    case = open_case(world)
    before = stored_state()
    with pytest.raises(WorkflowError) as refused:
        services.decide_case(world["inspector"], case, reprimand(), decision_no, day, "UBND")
    assert refused.value.field == field
    assert stored_state() == before


def test_decision_needs_a_measure_and_an_issuing_authority(world):
    case = open_case(world)
    for measure, authority, field in ((None, "UBND", "measure"),
                                      (reprimand(), "", "issuing_authority")):
        with pytest.raises(WorkflowError) as refused:
            services.decide_case(world["inspector"], case, measure, "1/QĐ", TODAY, authority)
        assert refused.value.field == field
    assert reload(case).status == "open"


def test_dismissal_needs_a_reason(world):
    case = open_case(world)
    with pytest.raises(WorkflowError) as refused:
        services.dismiss_case(world["inspector"], case, " ")
    assert refused.value.field == "reason"
    services.dismiss_case(world["inspector"], case, "Đã khắc phục, chưa đến mức kỷ luật.")
    stored = reload(case)
    assert (stored.status, stored.outcome_reason, stored.outcome_on) == \
        ("dismissed", "Đã khắc phục, chưa đến mức kỷ luật.", TODAY)


def test_deferral_needs_a_legal_ground(world):
    case = open_case(world)
    with pytest.raises(WorkflowError) as refused:
        services.defer_case(world["inspector"], case, "holiday")
    assert refused.value.field == "ground"
    services.defer_case(world["inspector"], case, "criminal_proceedings", "Đang bị tạm giam.")
    stored = reload(case)
    assert (stored.status, stored.deferral_ground, stored.outcome_reason) == \
        ("deferred", "criminal_proceedings", "Đang bị tạm giam.")


def test_resuming_a_deferred_case_does_not_count_the_days_deferred(world, frozen_time):
    case = open_case(world, opened_on=dt.date(2026, 11, 1))
    services.defer_case(world["inspector"], case, "illness")
    frozen_time.move_to(T0 + dt.timedelta(days=40))
    services.resume_case(world["inspector"], reload(case), "Đã đi làm trở lại.")
    stored = reload(case)
    assert (stored.status, stored.paused_days, stored.deadline, stored.deferral_ground) == \
        ("open", 40, dt.date(2027, 1, 30) + 40 * DAY, "")
    # The 150-day limit of an extension moves by the same days.
    services.extend_deadline(world["inspector"], stored, dt.date(2027, 3, 31) + 40 * DAY,
                             "Phức tạp.")
    assert reload(case).deadline == dt.date(2027, 5, 10)


@pytest.mark.parametrize("outcome", ["decided", "dismissed"])
def test_decided_and_dismissed_cases_are_final(world, outcome):
    case = open_case(world)
    if outcome == "decided":
        services.decide_case(world["inspector"], case, reprimand(), "1/QĐ", TODAY, "UBND")
    else:
        services.dismiss_case(world["inspector"], case, "Không vi phạm.")
    case = reload(case)
    before = stored_state()
    steps = [
        lambda: services.decide_case(world["inspector"], case, reprimand(), "2/QĐ", TODAY, "U"),
        lambda: services.dismiss_case(world["inspector"], case, "Lý do."),
        lambda: services.defer_case(world["inspector"], case, "illness"),
        lambda: services.resume_case(world["inspector"], case),
        lambda: services.extend_deadline(world["inspector"], case, TODAY + 100 * DAY, "Lý do."),
        lambda: services.update_case(world["inspector"], case, "Tên khác", "", "cong_chuc",
                                     world["unit"], "Vi phạm.", case.opened_on),
    ]
    for step in steps:
        with pytest.raises(WorkflowError):
            step()
    assert stored_state() == before


def test_only_a_deferred_case_resumes_and_a_deferred_case_is_not_decided(world):
    case = open_case(world)
    with pytest.raises(WorkflowError):
        services.resume_case(world["inspector"], case)
    services.defer_case(world["inspector"], case, "pregnancy_childcare")
    case = reload(case)
    for step in (lambda: services.decide_case(world["inspector"], case, reprimand(), "1/QĐ",
                                              TODAY, "UBND"),
                 lambda: services.dismiss_case(world["inspector"], case, "Lý do."),
                 lambda: services.defer_case(world["inspector"], case, "illness"),
                 lambda: services.extend_deadline(world["inspector"], case,
                                                  TODAY + 100 * DAY, "Lý do.")):
        with pytest.raises(WorkflowError):
            step()
    assert reload(case).status == "deferred"


def test_a_refused_step_on_the_page_is_explained(app, client, world):
    case = open_case(world)
    services.defer_case(world["inspector"], case, "illness")
    sign_in(client, world["inspector"])
    response = client.post(f"/discipline/{case.id}/dismiss", data={"dismiss-reason": "Lý do."})
    assert tr(app, "Only an open case can be closed without a measure.") in \
        flashes(text(response))
    assert reload(case).status == "deferred"


# --- history ---------------------------------------------------------------------------


def test_case_page_shows_every_step_in_its_history(app, client, world, frozen_time):
    case = open_case(world, opened_on=dt.date(2026, 11, 1))
    services.extend_deadline(world["inspector"], case, dt.date(2027, 3, 3), "Cần xác minh.")
    services.defer_case(world["inspector"], reload(case), "illness", "Nằm viện.")
    frozen_time.move_to(T0 + 5 * DAY)
    services.resume_case(world["inspector"], reload(case))
    services.dismiss_case(world["inspector"], reload(case), "Không đủ căn cứ.")
    sign_in(client, world["inspector"])
    page = text(client.get(f"/discipline/{case.id}"))
    timeline = page.split('class="list-unstyled case-timeline"', 1)[1].split("</ol>", 1)[0]
    expected = [tr(app, "Opened the case"), tr(app, "Extended the processing time"),
                "Cần xác minh.", tr(app, "Deferred the case"),
                tr(app, "Illness or medical treatment"), "Nằm viện.",
                tr(app, "Resumed the case"), "08/03/2027",
                tr(app, "Closed the case without a disciplinary measure"), "Không đủ căn cứ."]
    positions = [timeline.index(item) for item in expected]
    assert positions == sorted(positions)
    assert timeline.count("Nguyễn Văn Thanh") == 5
