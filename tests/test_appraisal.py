"""The appraisal of draft conclusions (Law on Inspection 84/2025), switched on by a setting:
draft → submitted → appraised (or returned, a draft again) → issued; who may do each step,
what is stored, audited and e-mailed, what each user sees."""
import datetime as dt

import pytest

from inspect_app import clock
from inspect_app.admin.services import save_settings
from inspect_app.errors import WorkflowError
from inspect_app.findings.services import cancel_finding, update_finding
from inspect_app.inspections import services
from inspect_app.models import (
    AuditEvent,
    Finding,
    Inspection,
    InspectionMember,
    OutboxMessage,
)
from tests.factories import (
    issue_findings,
    make_inspection_in_progress,
    make_unit,
    make_user,
    record_draft,
)
from tests.helpers import (
    english,
    field_errors,
    flashes,
    location,
    settings_form_data,
    sign_in,
    text,
    tr,
)


@pytest.fixture
def people(app):
    """A unit and its head, the lead and a member of the team, an inspector outside the
    team, two leaders and an admin; all with e-mail addresses."""
    unit = make_unit("X-HOAAN", "Xã Hòa An", email="hoaan@example.vn")
    return {
        "unit": unit,
        "head": make_user("truongxa", role="unit_head", unit=unit, email="xa@example.vn"),
        "lead": make_user("truongdoan", role="inspector", full_name="Nguyễn Văn Đoàn",
                          email="doan@example.vn"),
        "member": make_user("thanhvien", role="inspector", email="tv@example.vn"),
        "outsider": make_user("thanhtra2", role="inspector", full_name="Trần Thị Thẩm",
                              email="tham@example.vn"),
        "leader": make_user("lanhdao", role="leader", full_name="Lê Văn Lãnh",
                            email="lanhdao@example.vn"),
        "other_leader": make_user("lanhdao2", role="leader", email="ld2@example.vn"),
        "admin": make_user("quantri", role="admin", email="qt@example.vn"),
    }


@pytest.fixture
def appraisal_on(app):
    """The setting that asks for draft conclusions to be appraised, switched on."""
    save_settings(None, {"conclusion_appraisal": "1"})


@pytest.fixture
def inspection(people):
    """An inspection of the unit in progress, its team the lead and the member, one draft."""
    inspection = make_inspection_in_progress(people["unit"], lead=people["lead"],
                                             start=clock.today() - dt.timedelta(days=10),
                                             members=[people["member"]])
    record_draft(inspection, title="Hồ sơ giải quyết trễ hạn", deadline_days=15)
    return stored(inspection)


def stored(inspection):
    """The inspection as stored now."""
    return Inspection.get_by_id(inspection.id)


def actions(inspection, *names):
    """The audit events of inspection with these actions, oldest first: (action, changes)."""
    return [(e.action, e.changed_fields) for e in AuditEvent
            .select()
            .where(AuditEvent.entity == "inspection", AuditEvent.entity_id == inspection.id,
                   AuditEvent.action.in_(names))
            .order_by(AuditEvent.id)]


def mails(prefix):
    """The outbox messages whose dedupe key starts with prefix, by recipient."""
    return {m.recipients: m for m in OutboxMessage
            .select()
            .where(OutboxMessage.dedupe_key.startswith(prefix))}


def submit(people, inspection, appraiser="leader", summary="Đơn vị còn chậm."):
    """The lead submits the draft to the named appraiser; the inspection as stored."""
    services.submit_for_appraisal(people["lead"], inspection, people[appraiser], summary)
    return stored(inspection)


def button(inspection, step):
    """The link of the inspection page's button to a step's page."""
    return f'href="/inspections/{inspection.id}/{step}"'


def refusal(app, call):
    """The English message of the WorkflowError call raises."""
    with pytest.raises(WorkflowError) as caught:
        call()
    return english(app, caught.value)


# --- the setting --------------------------------------------------------------------------


def test_with_the_setting_off_the_conclusion_is_issued_in_one_step(app, client, people,
                                                                    inspection):
    sign_in(client, people["lead"])
    page = text(client.get(f"/inspections/{inspection.id}"))
    assert button(inspection, "appraisal/submit") not in page
    assert button(inspection, "conclusion") in page
    response = client.get(f"/inspections/{inspection.id}/appraisal/submit")
    assert location(response) == f"/inspections/{inspection.id}"
    assert refusal(app, lambda: submit(people, inspection)) == (
        "Draft conclusions are not appraised here: issue the conclusion directly.")
    [finding] = issue_findings(inspection)
    assert Finding.get_by_id(finding.id).status == "open"
    assert stored(inspection).appraisal_status == ""


def test_the_admin_switches_the_appraisal_on_in_the_settings(app, client, people, inspection):
    sign_in(client, people["admin"])
    page = text(client.get("/admin/settings"))
    assert tr(app, "Appraise draft conclusions before they are issued") in page
    client.post("/admin/settings", data=settings_form_data(conclusion_appraisal="1"))
    sign_in(client, people["lead"])
    page = text(client.get(f"/inspections/{inspection.id}"))
    assert button(inspection, "appraisal/submit") in page
    assert button(inspection, "conclusion") not in page


def test_with_the_setting_on_a_draft_is_issued_only_once_appraised(app, client, people,
                                                                   inspection, appraisal_on):
    assert refusal(app, lambda: issue_findings(inspection)) == (
        "The draft conclusion must be appraised before it is issued.")
    sign_in(client, people["lead"])
    response = client.get(f"/inspections/{inspection.id}/conclusion", follow_redirects=True)
    assert tr(app, "The draft conclusion must be appraised before it is issued.") in \
        flashes(text(response))
    assert stored(inspection).status == "in_progress"


# --- the whole journey ----------------------------------------------------------------------


def test_submit_return_resubmit_appraise_issue(app, client, people, inspection, appraisal_on):
    sign_in(client, people["lead"])
    page = text(client.get(f"/inspections/{inspection.id}/appraisal/submit"))
    assert "Hồ sơ giải quyết trễ hạn" in page and "Lê Văn Lãnh" in page
    response = client.post(f"/inspections/{inspection.id}/appraisal/submit",
                           data={"appraiser": people["leader"].id,
                                 "summary": "Đơn vị còn chậm."})
    assert location(response) == f"/inspections/{inspection.id}"
    inspection = stored(inspection)
    assert (inspection.appraisal_status, inspection.appraiser_id, inspection.appraisal_round,
            inspection.appraisal_requested_by_id, inspection.conclusion_summary) == (
        "submitted", people["leader"].id, 1, people["lead"].id, "Đơn vị còn chậm.")
    [(action, changes)] = actions(inspection, "submit_for_appraisal")
    assert changes["appraisal_status"] == ["", "submitted"]
    assert changes["appraiser"] == "Lê Văn Lãnh"
    [request] = mails(f"appraisal:{inspection.id}:1:requested").values()
    assert request.recipients == "lanhdao@example.vn"
    assert f"/inspections/{inspection.id}/appraisal" in request.body_text

    # The appraiser finds it on the home page and in their list, and returns it.
    sign_in(client, people["leader"])
    home = text(client.get("/"))
    assert tr(app, "%(num)d draft conclusion waits for your appraisal.", num=1) in home
    assert inspection.title in text(client.get("/appraisals"))
    response = client.post(f"/inspections/{inspection.id}/appraisal",
                           data={"outcome": "returned", "note": "Bổ sung căn cứ pháp lý."})
    assert location(response) == f"/inspections/{inspection.id}"
    assert stored(inspection).appraisal_status == "returned"
    returned = mails(f"appraisal:{inspection.id}:1:decided")
    assert set(returned) == {"doan@example.vn"}  # the lead submitted it
    assert "Bổ sung căn cứ pháp lý." in returned["doan@example.vn"].body_text
    assert tr(app, "%(num)d draft conclusion waits for your appraisal.", num=1) not in \
        text(client.get("/"))

    # A draft again: the team changes a finding and submits it in a second round.
    draft = Finding.get(Finding.inspection == inspection)
    update_finding(people["lead"], draft, draft.category, "high", draft.title, "Bổ sung",
                   "", deadline_days=15)
    submit(people, stored(inspection), appraiser="outsider")
    assert stored(inspection).appraisal_round == 2
    assert set(mails(f"appraisal:{inspection.id}:2:requested")) == {"tham@example.vn"}

    sign_in(client, people["outsider"])
    client.post(f"/inspections/{inspection.id}/appraisal",
                data={"outcome": "appraised", "note": "Đủ điều kiện ban hành."})
    assert stored(inspection).appraisal_status == "appraised"
    assert [action for action, _ in actions(inspection, "submit_for_appraisal", "appraise",
                                            "return_draft")] == [
        "submit_for_appraisal", "return_draft", "submit_for_appraisal", "appraise"]

    # The team sees the state, the appraiser and every step's notes, then issues it.
    sign_in(client, people["lead"])
    page = text(client.get(f"/inspections/{inspection.id}"))
    assert tr(app, "Appraised") in page and "Trần Thị Thẩm" in page
    assert "Bổ sung căn cứ pháp lý." in page and "Đủ điều kiện ban hành." in page
    assert button(inspection, "conclusion") in page
    issue = text(client.get(f"/inspections/{inspection.id}/conclusion"))
    assert "Đơn vị còn chậm." in issue  # the appraised summary, offered for the issue
    response = client.post(f"/inspections/{inspection.id}/conclusion", data={
        "conclusion_no": "5/KL-UBND", "conclusion_date": clock.today().isoformat(),
        "summary": "Đơn vị còn chậm."})
    assert location(response) == f"/inspections/{inspection.id}"
    assert stored(inspection).status == "concluded"


# --- the rules of each step -----------------------------------------------------------------


def test_return_needs_notes_appraisal_does_not(app, people, inspection, appraisal_on):
    inspection = submit(people, inspection)
    assert refusal(app, lambda: services.return_conclusion(people["leader"], inspection,
                                                           "  ")) == (
        "Say what the team should change.")
    services.appraise_conclusion(people["leader"], inspection)
    assert stored(inspection).appraisal_status == "appraised"
    [(_, changes)] = actions(inspection, "appraise")
    assert changes["note"] == ""


@pytest.mark.parametrize("appraiser", ["lead", "member", "head", "admin"])
def test_the_appraiser_is_a_leader_or_an_inspector_outside_the_team(app, people, inspection,
                                                                    appraisal_on, appraiser):
    with pytest.raises(WorkflowError) as caught:
        submit(people, inspection, appraiser=appraiser)
    assert caught.value.field == "appraiser"
    assert stored(inspection).appraisal_status == ""
    assert OutboxMessage.select().count() == 0


def test_an_inactive_leader_cannot_be_named(app, people, inspection, appraisal_on):
    people["leader"].active = False
    people["leader"].save()
    with pytest.raises(WorkflowError):
        submit(people, inspection)


def test_the_submission_form_offers_only_those_who_may_appraise(app, client, people,
                                                                inspection, appraisal_on):
    sign_in(client, people["member"])
    page = text(client.get(f"/inspections/{inspection.id}/appraisal/submit"))
    offered = {user for user in ("Lê Văn Lãnh", "Trần Thị Thẩm", "Nguyễn Văn Đoàn")
               if user in page.split('name="appraiser"', 1)[1].split("</select>", 1)[0]}
    assert offered == {"Lê Văn Lãnh", "Trần Thị Thẩm"}
    response = client.post(f"/inspections/{inspection.id}/appraisal/submit",
                           data={"appraiser": people["lead"].id})
    assert response.status_code == 200
    assert field_errors(text(response), "appraiser")
    assert stored(inspection).appraisal_status == ""


def test_the_draft_findings_are_frozen_while_with_the_appraiser_and_once_appraised(
        app, people, inspection, appraisal_on):
    draft = Finding.get(Finding.inspection == inspection)
    frozen = ("The draft conclusion is with its appraiser or has been appraised: its "
              "findings can no longer be changed.")
    for step in (lambda i: submit(people, i),
                 lambda i: services.appraise_conclusion(people["leader"], i)):
        step(stored(inspection))
        assert refusal(app, lambda: record_draft(stored(inspection))) == frozen
        assert refusal(app, lambda: update_finding(
            people["lead"], draft, draft.category, "low", "Đổi", "", "",
            deadline_days=5)) == frozen
        assert refusal(app, lambda: cancel_finding(people["lead"], draft, "Bỏ")) == frozen
    assert Finding.get_by_id(draft.id).severity == "medium"
    assert Finding.select().where(Finding.inspection == inspection).count() == 1


def test_a_draft_with_its_appraiser_is_not_issued_even_with_the_setting_off(
        app, people, inspection, appraisal_on):
    inspection = submit(people, inspection)
    save_settings(None, {"conclusion_appraisal": "0"})
    assert refusal(app, lambda: issue_findings(inspection)) == (
        "The draft conclusion is with its appraiser: it can be issued once appraised.")
    services.appraise_conclusion(people["leader"], inspection)
    issue_findings(stored(inspection))
    assert stored(inspection).status == "concluded"


def test_a_decided_draft_is_not_decided_again(app, people, inspection, appraisal_on):
    inspection = submit(people, inspection)
    services.appraise_conclusion(people["leader"], inspection, "Đạt")
    assert refusal(app, lambda: services.return_conclusion(people["leader"], inspection,
                                                           "Sửa")) == (
        "This draft conclusion is not waiting for an appraisal.")
    assert refusal(app, lambda: submit(people, stored(inspection))) == (
        "The draft conclusion is already with its appraiser or has been appraised.")


# --- who sees what ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["other_leader", "lead", "member", "admin", "outsider"])
def test_only_the_named_appraiser_decides(app, client, people, inspection, appraisal_on, who):
    inspection = submit(people, inspection)
    sign_in(client, people[who])
    assert button(inspection, "appraisal") not in text(client.get(f"/inspections/{inspection.id}"))
    response = client.post(f"/inspections/{inspection.id}/appraisal",
                           data={"outcome": "appraised", "note": "Giả"})
    assert response.status_code == 403
    assert stored(inspection).appraisal_status == "submitted"
    assert refusal(app, lambda: services.appraise_conclusion(people[who], inspection)) == (
        "You are not allowed to do this.")


def test_an_appraiser_added_to_the_team_may_no_longer_appraise(app, people, inspection,
                                                               appraisal_on):
    inspection = submit(people, inspection, appraiser="outsider")
    InspectionMember.create(inspection=inspection, user=people["outsider"])
    with pytest.raises(WorkflowError):
        services.appraise_conclusion(people["outsider"], stored(inspection))


def test_the_appraiser_sees_the_button_and_the_draft(app, client, people, inspection,
                                                     appraisal_on):
    inspection = submit(people, inspection)
    sign_in(client, people["leader"])
    page = text(client.get(f"/inspections/{inspection.id}"))
    assert button(inspection, "appraisal") in page
    assert tr(app, "Waiting for appraisal") in page
    page = text(client.get(f"/inspections/{inspection.id}/appraisal"))
    assert "Hồ sơ giải quyết trễ hạn" in page and "Đơn vị còn chậm." in page
    assert 'value="returned"' in page


def test_the_unit_head_sees_nothing_of_the_appraisal(app, client, people, inspection,
                                                     appraisal_on):
    inspection = submit(people, inspection)
    sign_in(client, people["head"])
    page = text(client.get(f"/inspections/{inspection.id}"))
    assert tr(app, "Appraisal history") not in page and "Đơn vị còn chậm." not in page
    assert client.get(f"/inspections/{inspection.id}/appraisal").status_code == 403
    assert client.get("/appraisals").status_code == 403


def test_the_list_holds_only_what_waits_for_the_user(app, client, people, inspection,
                                                     appraisal_on):
    submit(people, inspection)
    other = make_inspection_in_progress(people["unit"], lead=people["member"],
                                        start=clock.today() - dt.timedelta(days=3))
    services.submit_for_appraisal(people["member"], other, people["outsider"])
    sign_in(client, people["leader"])
    page = text(client.get("/appraisals"))
    assert inspection.title in page and other.title not in page
    sign_in(client, people["outsider"])
    page = text(client.get("/appraisals"))
    assert other.title in page and inspection.title not in page
