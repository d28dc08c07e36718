"""Disciplinary measures: which apply by person type and decision date, and their admin page."""
import datetime as dt
import re

import pytest
import time_machine

from inspect_app.discipline import services
from inspect_app.discipline.queries import measures_offered
from inspect_app.errors import WorkflowError
from inspect_app.models import AuditEvent, DisciplineCase, DisciplineMeasure
from tests.factories import make_case, make_user
from tests.helpers import field_errors, location, sign_in, text, tr

# 10:00 in Hanoi on 1 December 2026.
T0 = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.timezone.utc)
DECREE_112 = "Nghị định 112/2020/NĐ-CP (sửa đổi bởi Nghị định 71/2023/NĐ-CP)"
DECREE_172 = "Nghị định 172/2025/NĐ-CP"


@pytest.fixture(autouse=True)
def frozen_time():
    """Every test runs at T0."""
    with time_machine.travel(T0, tick=False):
        yield


def offered(person_type, day):
    """{measure name: legal basis} offered for person_type on day."""
    return {m.name: m.legal_basis for m in measures_offered(person_type, day)}


def measure(code, person_type, basis):
    """A seeded measure."""
    return DisciplineMeasure.get(DisciplineMeasure.code == code,
                                 DisciplineMeasure.person_type == person_type,
                                 DisciplineMeasure.legal_basis == basis)


def option_labels(page, select_name):
    """The labels of the options of the <select name=select_name> on page."""
    select = re.search(r'<select[^>]*name="%s"[^>]*>(.*?)</select>' % re.escape(select_name),
                       page, re.S)
    assert select, f"no select {select_name!r}"
    return [label.strip() for label in re.findall(r"<option[^>]*>(.*?)</option>",
                                                  select.group(1), re.S)]


# --- which measures apply --------------------------------------------------------------


def test_cong_chuc_decided_in_2024_may_get_a_salary_step_demotion_under_decree_112(app):
    measures = offered("cong_chuc", dt.date(2024, 5, 10))
    assert measures["Hạ bậc lương"] == DECREE_112
    assert measures["Giáng chức"] == DECREE_112
    assert set(measures.values()) == {DECREE_112}


def test_cong_chuc_decided_in_2026_gets_only_the_decree_172_measures(app):
    measures = offered("cong_chuc", dt.date(2026, 3, 2))
    assert "Hạ bậc lương" not in measures and "Giáng chức" not in measures
    assert {"Khiển trách", "Cảnh cáo", "Cách chức", "Buộc thôi việc"} == set(measures)
    assert set(measures.values()) == {DECREE_172}


@pytest.mark.parametrize("day", [dt.date(2021, 1, 4), dt.date(2024, 5, 10),
                                 dt.date(2025, 7, 1), dt.date(2026, 3, 2)])
def test_vien_chuc_never_gets_a_salary_step_demotion(app, day):
    measures = offered("vien_chuc", day)
    assert "Hạ bậc lương" not in measures and "Giáng chức" not in measures
    assert set(measures.values()) == {DECREE_112}
    assert "Buộc thôi việc" in measures


@pytest.mark.parametrize("person_type", ["can_bo", "cong_chuc"])
def test_decree_172_takes_over_on_1_july_2025(app, person_type):
    assert set(offered(person_type, dt.date(2025, 6, 30)).values()) == {DECREE_112}
    assert set(offered(person_type, dt.date(2025, 7, 1)).values()) == {DECREE_172}


def test_bai_nhiem_is_for_can_bo_only(app):
    for day in (dt.date(2024, 1, 2), dt.date(2026, 1, 2)):
        assert "Bãi nhiệm" in offered("can_bo", day)
        assert "Bãi nhiệm" not in offered("cong_chuc", day)
        assert "Bãi nhiệm" not in offered("vien_chuc", day)


def test_cach_chuc_under_decree_172_notes_that_it_is_for_leaders_only(app):
    removal = measure("cach_chuc", "cong_chuc", DECREE_172)
    assert "lãnh đạo, quản lý" in removal.note


def test_a_measure_out_of_use_is_not_offered(app):
    reprimand = measure("khien_trach", "cong_chuc", DECREE_172)
    reprimand.active = False
    reprimand.save()
    assert "Khiển trách" not in offered("cong_chuc", dt.date(2026, 3, 2))


# --- the decision checks the measure against its date ----------------------------------


@pytest.fixture
def inspector(app):
    return make_user("thanhtra", role="inspector")


def decide(inspector, case, chosen, day):
    """Record a decision on case with the measure chosen, dated day."""
    return services.decide_case(inspector, case, chosen, "12/QĐ-UBND", day, "UBND xã Hòa An")


def test_decision_in_2024_imposes_a_salary_step_demotion_on_a_cong_chuc(inspector):
    case = make_case(person_type="cong_chuc", opened_on=dt.date(2024, 3, 1))
    decide(inspector, case, measure("ha_bac_luong", "cong_chuc", DECREE_112),
           dt.date(2024, 5, 10))
    stored = DisciplineCase.get_by_id(case.id)
    assert (stored.status, stored.measure.name, stored.decision_date) == \
        ("decided", "Hạ bậc lương", dt.date(2024, 5, 10))


def test_decision_in_2026_refuses_a_salary_step_demotion_for_a_cong_chuc(inspector):
    case = make_case(person_type="cong_chuc", opened_on=dt.date(2025, 5, 2))
    with pytest.raises(WorkflowError) as refused:
        decide(inspector, case, measure("ha_bac_luong", "cong_chuc", DECREE_112),
               dt.date(2026, 1, 5))
    assert refused.value.field == "measure"
    assert "Khiển trách" in str(refused.value.message)
    assert DisciplineCase.get_by_id(case.id).status == "open"
    assert not AuditEvent.select().where(AuditEvent.action == "decide").exists()


def test_decision_refuses_a_measure_of_another_person_type(inspector):
    case = make_case(person_type="vien_chuc", opened_on=dt.date(2024, 3, 1))
    with pytest.raises(WorkflowError) as refused:
        decide(inspector, case, measure("ha_bac_luong", "cong_chuc", DECREE_112),
               dt.date(2024, 5, 10))
    assert refused.value.field == "measure"
    assert DisciplineCase.get_by_id(case.id).status == "open"


def test_decision_form_offers_decree_172_only_to_a_case_opened_after_the_change(
        app, client, inspector):
    case = make_case(person_type="cong_chuc", opened_on=dt.date(2026, 2, 2))
    sign_in(client, inspector)
    labels = option_labels(text(client.get(f"/discipline/{case.id}")), "decide-measure")
    assert "Khiển trách" in labels and "Buộc thôi việc" in labels
    assert "Hạ bậc lương" not in labels and "Giáng chức" not in labels


def test_decision_form_groups_both_decrees_for_a_case_opened_before_the_change(
        app, client, inspector):
    case = make_case(person_type="cong_chuc", opened_on=dt.date(2025, 5, 2))
    sign_in(client, inspector)
    page = text(client.get(f"/discipline/{case.id}"))
    assert "Hạ bậc lương" in option_labels(page, "decide-measure")
    assert f'<optgroup label="{DECREE_112}' in page
    assert f'<optgroup label="{DECREE_172}' in page


def test_decision_form_never_offers_a_salary_step_demotion_for_a_vien_chuc(
        app, client, inspector):
    case = make_case(person_type="vien_chuc", opened_on=dt.date(2024, 3, 1))
    sign_in(client, inspector)
    labels = option_labels(text(client.get(f"/discipline/{case.id}")), "decide-measure")
    assert not [label for label in labels if "Hạ bậc lương" in label]
    assert "Khiển trách" in labels


def test_posting_a_measure_out_of_force_shows_the_reason_beside_the_field(
        app, client, inspector):
    case = make_case(person_type="cong_chuc", opened_on=dt.date(2025, 5, 2))
    sign_in(client, inspector)
    demotion = measure("ha_bac_luong", "cong_chuc", DECREE_112)
    response = client.post(f"/discipline/{case.id}/decide", data={
        "decide-measure": demotion.id, "decide-decision_no": "7/QĐ-UBND",
        "decide-decision_date": "2025-09-15", "decide-issuing_authority": "UBND xã"})
    assert response.status_code == 200
    [error] = field_errors(text(response), "decide-measure")
    assert error == tr(app, "%(measure)s (%(basis)s) cannot be imposed on this official by a "
                       "decision dated %(date)s. Measures in force that day: %(measures)s.",
                       measure="Hạ bậc lương", basis=DECREE_112, date="15/09/2025",
                       measures="Khiển trách, Cảnh cáo, Cách chức, Buộc thôi việc")
    assert DisciplineCase.get_by_id(case.id).status == "open"


# --- the admin's page ------------------------------------------------------------------


@pytest.fixture
def admin(client):
    user = make_user("quantri", role="admin")
    sign_in(client, user)
    return user


def measure_form(**changes):
    """The measure form's fields for a new measure of a future decree."""
    data = {"code": "khien_trach", "name": "Khiển trách", "person_type": "cong_chuc",
            "legal_basis": "Nghị định 999/2027/NĐ-CP", "valid_from": "2027-01-01",
            "valid_to": "", "note": "", "sort_order": "10", "active": "y"}
    data.update(changes)
    return data


def test_admin_lists_the_measures_by_legal_basis(app, client, admin):
    page = text(client.get("/admin/discipline-measures"))
    assert DECREE_112 in page and DECREE_172 in page
    assert "Hạ bậc lương" in page
    assert tr(app, "Public employee (viên chức)") in page


def test_admin_adds_a_measure_when_the_law_changes(app, client, admin):
    response = client.post("/admin/discipline-measures/new", data=measure_form())
    assert location(response) == "/admin/discipline-measures"
    added = DisciplineMeasure.get(DisciplineMeasure.legal_basis == "Nghị định 999/2027/NĐ-CP")
    assert (added.code, added.valid_from, added.valid_to, added.active) == \
        ("khien_trach", dt.date(2027, 1, 1), None, True)
    assert AuditEvent.get(AuditEvent.entity == "discipline_measure").action == "create"
    assert "Nghị định 999/2027/NĐ-CP" in offered("cong_chuc", dt.date(2027, 2, 1)).values()


def test_admin_ends_a_measures_validity_and_takes_one_out_of_use(app, client, admin):
    old = measure("khien_trach", "cong_chuc", DECREE_172)
    response = client.post(f"/admin/discipline-measures/{old.id}", data=measure_form(
        legal_basis=DECREE_172, valid_from="2025-07-01", valid_to="2026-12-31"))
    assert location(response) == "/admin/discipline-measures"
    assert "Khiển trách" in offered("cong_chuc", dt.date(2026, 12, 31))
    assert "Khiển trách" not in offered("cong_chuc", dt.date(2027, 1, 1))
    client.post(f"/admin/discipline-measures/{old.id}", data=measure_form(
        legal_basis=DECREE_172, valid_from="2025-07-01", valid_to="", active=""))
    assert "Khiển trách" not in offered("cong_chuc", dt.date(2026, 3, 2))


@pytest.mark.parametrize("changes, field, msgid", [
    ({"valid_to": "2026-12-31"}, "valid_to", "The end of validity cannot be before its start."),
    ({"legal_basis": DECREE_172}, "code",
     "This measure already exists for this person type and legal basis."),
    ({"code": "Khiển trách"}, "code",
     "Use lower-case letters without accents, digits and underscores, e.g. khien_trach."),
])
def test_admin_measure_form_refuses_bad_values(app, client, admin, changes, field, msgid):
    before = DisciplineMeasure.select().count()
    response = client.post("/admin/discipline-measures/new", data=measure_form(**changes))
    assert response.status_code == 200
    assert field_errors(text(response), field) == [tr(app, msgid)]
    assert DisciplineMeasure.select().count() == before


def test_a_measure_used_in_a_decision_keeps_its_name_and_legal_basis(app, client, admin):
    used = make_case(status="decided", decision_date=dt.date(2026, 3, 2)).measure
    response = client.post(f"/admin/discipline-measures/{used.id}", data=measure_form(
        name="Khiển trách (mới)", legal_basis=DECREE_172, valid_from="2025-07-01"))
    assert field_errors(text(response), "name") == [tr(
        app, "Decisions have imposed this measure: its code, name, person type and legal "
             "basis stay as they are. Add a new measure instead.")]
    assert DisciplineMeasure.get_by_id(used.id).name == "Khiển trách"


@pytest.mark.parametrize("role", ["inspector", "leader", "unit_head"])
def test_only_the_admin_manages_measures(app, client, role):
    sign_in(client, make_user("nguoidung", role=role))
    assert client.get("/admin/discipline-measures").status_code == 403
    response = client.post("/admin/discipline-measures/new", data=measure_form())
    assert response.status_code == 403
    assert not DisciplineMeasure.select().where(
        DisciplineMeasure.legal_basis == "Nghị định 999/2027/NĐ-CP").exists()
