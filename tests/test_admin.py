"""The admin's work: units, unit kinds, accounts, settings, and the audit trail."""
import datetime as dt
import json

import pytest
import time_machine

from inspect_app import audit, settings
from inspect_app.models import AuditEvent, Setting, Unit, UnitKind, User
from tests.factories import PASSWORD, make_unit, make_user
from tests.helpers import (
    audit_rows,
    field_errors,
    flashes,
    location,
    one_time_password,
    settings_form_data,
    sign_in,
    text,
    tr,
)

SEEDED_KINDS = {"xa", "phuong", "thi_tran", "dac_khu", "phong_ban", "so_nganh", "dvsn"}


@pytest.fixture
def admin(client):
    """A signed-in administrator."""
    user = make_user("quantri", role="admin", full_name="Quản Trị")
    sign_in(client, user)
    return user


def kind(code="xa"):
    return UnitKind.get(UnitKind.code == code)


def unit_form(**changes):
    data = {"code": "x-hoa-binh", "name": "Xã Hòa Bình", "kind": str(kind().id),
            "parent": "0", "email": ""}
    data.update(changes)
    return data


def user_form(**changes):
    data = {"username": "canbomoi", "full_name": "Cán Bộ Mới", "role": "inspector",
            "unit": "0", "email": "", "locale": "vi"}
    data.update(changes)
    return data


def events(**where):
    """The audit events matching where (field=value), oldest first."""
    query = AuditEvent.select().order_by(AuditEvent.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return list(query)


def the_event(**where):
    found = events(**where)
    assert len(found) == 1, f"expected one audit event for {where}, found {len(found)}"
    return found[0]


# --- units ------------------------------------------------------------------------------


def test_admin_creates_a_unit_with_its_code_stored_in_upper_case(app, client, admin):
    response = client.post("/admin/units/new", data=unit_form(email="hoabinh@example.vn"))
    assert location(response) == "/admin/units"
    unit = Unit.get(Unit.name == "Xã Hòa Bình")
    assert unit.code == "X-HOA-BINH"
    assert unit.kind.code == "xa" and unit.parent is None and unit.active
    assert unit.email == "hoabinh@example.vn"
    page = text(client.get("/admin/units"))
    assert "X-HOA-BINH" in page and "Xã Hòa Bình" in page
    assert tr(app, "The unit has been saved.") in page


def test_duplicate_unit_code_is_refused_beside_the_code_field(app, client, admin):
    make_unit("X-HOA-BINH", "Xã Hòa Bình")
    response = client.post("/admin/units/new", data=unit_form(code="x-hoa-binh",
                                                              name="Xã Khác"))
    assert response.status_code == 200
    assert field_errors(text(response), "code") == [tr(app, "This code is already used.")]
    assert Unit.select().where(Unit.name == "Xã Khác").count() == 0


def test_unit_code_with_accents_is_refused(app, client, admin):
    response = client.post("/admin/units/new", data=unit_form(code="XÃ-HÒA"))
    assert field_errors(text(response), "code") == [
        tr(app, "Use only letters without accents, digits, '-', '_' and '.'.")]
    assert not Unit.select().exists()


def test_unit_name_is_required(app, client, admin):
    response = client.post("/admin/units/new", data=unit_form(name=""))
    assert field_errors(text(response), "name") == [tr(app, "This field is required.")]


def test_admin_edits_a_unit(client, admin):
    parent = make_unit("H-PHUHOA", "Huyện Phú Hòa")
    unit = make_unit("X-HOAAN", "Xã Hòa An")
    page = text(client.get(f"/admin/units/{unit.id}"))
    assert 'value="X-HOAAN"' in page
    response = client.post(f"/admin/units/{unit.id}", data=unit_form(
        code="X-HOAAN", name="Xã Hòa An Mới", parent=str(parent.id), kind=str(kind("phuong").id),
        email="hoaan@example.vn"))
    assert location(response) == "/admin/units"
    stored = Unit.get_by_id(unit.id)
    assert (stored.name, stored.parent_id, stored.kind.code, stored.email) == (
        "Xã Hòa An Mới", parent.id, "phuong", "hoaan@example.vn")


def test_unit_cannot_be_placed_under_itself(app, client, admin):
    unit = make_unit("X-HOAAN", "Xã Hòa An")
    child = make_unit("T-1", "Thôn 1", parent=unit)
    response = client.post(f"/admin/units/{unit.id}", data=unit_form(
        code="X-HOAAN", name="Xã Hòa An", parent=str(child.id)))
    assert field_errors(text(response), "parent") == [
        tr(app, "A unit cannot be placed under itself.")]
    assert Unit.get_by_id(unit.id).parent is None


def test_admin_deactivates_and_reactivates_a_unit(client, admin):
    unit = make_unit("X-HOAAN", "Xã Hòa An")
    assert location(client.post(f"/admin/units/{unit.id}/deactivate")) == "/admin/units"
    assert Unit.get_by_id(unit.id).active is False
    assert "X-HOAAN" not in text(client.get("/admin/units"))
    assert "X-HOAAN" in text(client.get("/admin/units?all=1"))
    # A deactivated unit is no longer offered for new accounts.
    assert "Xã Hòa An" not in text(client.get("/admin/users/new"))

    assert location(client.post(f"/admin/units/{unit.id}/activate")) == "/admin/units"
    assert Unit.get_by_id(unit.id).active is True
    assert "X-HOAAN" in text(client.get("/admin/units"))


def test_unit_deactivation_is_post_only(client, admin):
    unit = make_unit("X-HOAAN", "Xã Hòa An")
    assert client.get(f"/admin/units/{unit.id}/deactivate").status_code == 405
    assert Unit.get_by_id(unit.id).active is True


# --- unit kinds -------------------------------------------------------------------------


def test_migration_seeds_the_standard_unit_kinds(app):
    kinds = {k.code: k.label for k in UnitKind.select()}
    assert set(kinds) == SEEDED_KINDS
    assert kinds["xa"] == "Xã" and kinds["phuong"] == "Phường"
    assert kinds["dvsn"] == "Đơn vị sự nghiệp"
    assert all(k.active for k in UnitKind.select())


def test_admin_edits_a_seeded_unit_kind(client, admin):
    dac_khu = kind("dac_khu")
    page = text(client.get("/admin/units/kinds"))
    assert "Đặc khu" in page
    response = client.post(f"/admin/units/kinds/{dac_khu.id}",
                           data={"code": "dac_khu", "label": "Đặc khu kinh tế"})
    assert location(response) == "/admin/units/kinds"
    stored = UnitKind.get_by_id(dac_khu.id)
    assert stored.label == "Đặc khu kinh tế"
    assert stored.active is False  # the unticked "In use" box
    assert "Đặc khu kinh tế" in text(client.get("/admin/units/kinds"))
    # A kind out of use is not offered for new units.
    assert "Đặc khu kinh tế" not in text(client.get("/admin/units/new"))


def test_admin_creates_a_unit_kind_and_duplicate_code_is_refused(app, client, admin):
    response = client.post("/admin/units/kinds/new",
                           data={"code": "To_Dan_Pho", "label": "Tổ dân phố", "active": "y"})
    assert location(response) == "/admin/units/kinds"
    assert UnitKind.get(UnitKind.label == "Tổ dân phố").code == "to_dan_pho"
    again = client.post("/admin/units/kinds/new",
                        data={"code": "XA", "label": "Xã trùng", "active": "y"})
    assert field_errors(text(again), "code") == [tr(app, "This code is already used.")]
    assert UnitKind.select().where(UnitKind.label == "Xã trùng").count() == 0


# --- accounts ---------------------------------------------------------------------------


def test_unit_head_without_a_unit_is_refused_beside_the_unit_field(app, client, admin):
    response = client.post("/admin/users/new", data=user_form(role="unit_head"))
    assert response.status_code == 200
    assert field_errors(text(response), "unit") == [tr(app, "A unit head must belong to a unit.")]
    assert User.get_or_none(User.username == "canbomoi") is None


def test_duplicate_username_is_refused_beside_the_username_field(app, client, admin):
    make_user("canbomoi")
    response = client.post("/admin/users/new", data=user_form(username="CanBoMoi"))
    assert field_errors(text(response), "username") == [
        tr(app, "This username is already taken.")]
    assert User.select().where(User.username == "canbomoi").count() == 1


def test_admin_creates_an_account_and_sees_its_one_time_password(app, client, admin):
    unit = make_unit("X-HOAAN", "Xã Hòa An")
    response = client.post("/admin/users/new", data=user_form(
        role="unit_head", unit=str(unit.id), email="canbo@example.vn"))
    assert response.status_code == 200
    page = text(response)
    password = one_time_password(page)
    assert tr(app, "This password is shown only once. Give it to the user in person; they "
                   "must change it at the next sign-in.") in page
    user = User.get(User.username == "canbomoi")
    assert (user.full_name, user.role, user.unit_id, user.email) == (
        "Cán Bộ Mới", "unit_head", unit.id, "canbo@example.vn")
    assert user.must_change_password is True
    assert user.check_password(password)
    assert password not in text(client.get("/admin/users"))


def test_admin_edits_role_unit_and_email_of_an_account(app, client, admin):
    unit = make_unit("X-HOAAN", "Xã Hòa An")
    user = make_user("canbo", role="inspector")
    response = client.post(f"/admin/users/{user.id}", data=user_form(
        username="canbo", full_name="Cán Bộ Đổi", role="unit_head", unit=str(unit.id),
        email="moi@example.vn", locale="en"))
    assert location(response) == "/admin/users"
    stored = User.get_by_id(user.id)
    assert (stored.full_name, stored.role, stored.unit_id, stored.email, stored.locale) == (
        "Cán Bộ Đổi", "unit_head", unit.id, "moi@example.vn", "en")
    assert stored.username == "canbo"
    assert tr(app, "The account has been saved.") in flashes(text(client.get("/admin/users")))


def test_changing_a_unit_head_to_another_role_drops_the_unit(client, admin):
    user = make_user("truongxa", role="unit_head")
    client.post(f"/admin/users/{user.id}", data=user_form(
        username="truongxa", role="leader", unit=str(user.unit_id)))
    stored = User.get_by_id(user.id)
    assert stored.role == "leader" and stored.unit is None


def test_edit_refuses_a_unit_head_without_unit(app, client, admin):
    user = make_user("canbo", role="inspector")
    response = client.post(f"/admin/users/{user.id}", data=user_form(
        username="canbo", role="unit_head", unit="0"))
    assert field_errors(text(response), "unit") == [tr(app, "A unit head must belong to a unit.")]
    assert User.get_by_id(user.id).role == "inspector"


def test_users_page_lists_accounts_and_filters_by_role(client, admin):
    make_user("thanhtra1", role="inspector")
    make_user("lanhdao1", role="leader")
    page = text(client.get("/admin/users"))
    assert "thanhtra1" in page and "lanhdao1" in page
    leaders = text(client.get("/admin/users?role=leader"))
    assert "lanhdao1" in leaders and "thanhtra1" not in leaders


# --- settings ---------------------------------------------------------------------------


def test_admin_saves_the_settings(app, client, admin):
    response = client.post("/admin/settings", data=settings_form_data(
        deadline_days_high="20", escalation_every_days="7"))
    assert location(response) == "/admin/settings"
    assert settings.get_int("deadline_days_high") == 20
    assert settings.get_int("escalation_every_days") == 7
    page = text(client.get("/admin/settings"))
    assert tr(app, "The settings have been saved.") in flashes(page)
    assert 'value="20"' in page and 'value="7"' in page


def test_saving_unchanged_settings_writes_nothing(client, admin):
    client.post("/admin/settings", data=settings_form_data(escalation_every_days="7"))
    count = AuditEvent.select().count()
    rows = Setting.select().count()
    client.post("/admin/settings", data=settings_form_data())
    assert AuditEvent.select().count() == count
    assert Setting.select().count() == rows


# --- the audit trail --------------------------------------------------------------------


def changes_of(event):
    return json.loads(event.changes)


def test_unit_create_update_deactivate_are_audited(client, admin):
    client.post("/admin/units/new", data=unit_form())
    unit = Unit.get(Unit.code == "X-HOA-BINH")
    created = the_event(entity="unit", entity_id=unit.id, action="create")
    assert created.actor_id == admin.id
    assert changes_of(created)["code"] == [None, "X-HOA-BINH"]
    assert changes_of(created)["name"] == [None, "Xã Hòa Bình"]
    assert changes_of(created)["kind"] == [None, kind().id]

    client.post(f"/admin/units/{unit.id}", data=unit_form(code="X-HOA-BINH",
                                                          name="Xã Hòa Bình Mới"))
    updated = the_event(entity="unit", entity_id=unit.id, action="update")
    assert updated.actor_id == admin.id
    assert changes_of(updated) == {"name": ["Xã Hòa Bình", "Xã Hòa Bình Mới"]}

    client.post(f"/admin/units/{unit.id}/deactivate")
    off = the_event(entity="unit", entity_id=unit.id, action="deactivate")
    assert off.actor_id == admin.id and changes_of(off) == {"active": [True, False]}
    client.post(f"/admin/units/{unit.id}/activate")
    on = the_event(entity="unit", entity_id=unit.id, action="activate")
    assert changes_of(on) == {"active": [False, True]}


def test_saving_an_unchanged_unit_writes_no_audit_event(client, admin):
    client.post("/admin/units/new", data=unit_form())
    unit = Unit.get(Unit.code == "X-HOA-BINH")
    before = AuditEvent.select().count()
    client.post(f"/admin/units/{unit.id}", data=unit_form(code="X-HOA-BINH"))
    assert AuditEvent.select().count() == before


def test_unit_kind_create_and_update_are_audited(client, admin):
    client.post("/admin/units/kinds/new", data={"code": "to", "label": "Tổ", "active": "y"})
    new_kind = kind("to")
    created = the_event(entity="unit_kind", entity_id=new_kind.id, action="create")
    assert created.actor_id == admin.id
    assert changes_of(created) == {"code": [None, "to"], "label": [None, "Tổ"],
                                   "active": [None, True]}
    client.post(f"/admin/units/kinds/{new_kind.id}",
                data={"code": "to", "label": "Tổ dân phố", "active": "y"})
    updated = the_event(entity="unit_kind", entity_id=new_kind.id, action="update")
    assert changes_of(updated) == {"label": ["Tổ", "Tổ dân phố"]}


def test_user_create_update_deactivate_are_audited(client, admin):
    unit = make_unit("X-HOAAN", "Xã Hòa An")
    client.post("/admin/users/new", data=user_form())
    user = User.get(User.username == "canbomoi")
    created = the_event(entity="users", entity_id=user.id, action="create")
    assert created.actor_id == admin.id
    changes = changes_of(created)
    assert changes["username"] == [None, "canbomoi"]
    assert changes["role"] == [None, "inspector"]

    client.post(f"/admin/users/{user.id}", data=user_form(
        role="unit_head", unit=str(unit.id), email="canbo@example.vn"))
    updated = the_event(entity="users", entity_id=user.id, action="update")
    assert updated.actor_id == admin.id
    assert changes_of(updated) == {"role": ["inspector", "unit_head"], "unit": [None, unit.id],
                                   "email": ["", "canbo@example.vn"]}

    client.post(f"/admin/users/{user.id}/deactivate")
    off = the_event(entity="users", entity_id=user.id, action="deactivate")
    assert off.actor_id == admin.id and changes_of(off) == {"active": [True, False]}
    client.post(f"/admin/users/{user.id}/activate")
    assert changes_of(the_event(entity="users", entity_id=user.id, action="activate")) == {
        "active": [False, True]}


def test_settings_changes_are_audited_one_event_per_setting(client, admin):
    client.post("/admin/settings", data=settings_form_data(
        monthly_recipients="lanhdao@phuhoa.vn", escalation_every_days="7"))
    found = events(entity="setting")
    assert {tuple(changes_of(e)) for e in found} == {("monthly_recipients",),
                                                     ("escalation_every_days",)}
    for event in found:
        assert event.actor_id == admin.id and event.action == "update"
        row = Setting.get_by_id(event.entity_id)
        before = settings.spec_by_key()[row.key].default
        assert changes_of(event)[row.key] == [before, row.value]


def test_audit_trail_never_holds_a_password_or_hash(app, client, admin):
    # Every way a password is set: admin creation, reset, own change, service creation.
    response = client.post("/admin/users/new", data=user_form())
    first_password = one_time_password(text(response))
    user = User.get(User.username == "canbomoi")
    reset_password = one_time_password(text(client.post(f"/admin/users/{user.id}/reset-password")))
    person = app.test_client()
    person.post("/login", data={"username": "canbomoi", "password": reset_password})
    person.post("/account/password", data={"current_password": reset_password,
                                           "new_password": "mat-khau-rieng",
                                           "confirm_password": "mat-khau-rieng"})
    assert User.get_by_id(user.id).check_password("mat-khau-rieng")
    secrets = [first_password, reset_password, "mat-khau-rieng", PASSWORD]
    hashes = [u.password_hash for u in User.select()]
    assert events(action="reset_password") and events(action="change_password")
    for event in AuditEvent.select():
        changes = changes_of(event)
        assert "password_hash" not in changes, event.action
        for secret in secrets + hashes:
            assert secret not in event.changes, f"{event.action} on {event.entity}"
        assert "scrypt" not in event.changes


def test_web_actions_record_the_clients_address(client, admin):
    client.post("/admin/units/new", data=unit_form(), environ_base={"REMOTE_ADDR": "10.1.2.3"})
    unit = Unit.get(Unit.code == "X-HOA-BINH")
    assert the_event(entity="unit", entity_id=unit.id, action="create").remote_addr == "10.1.2.3"


def test_service_calls_without_an_actor_are_recorded_as_system(client, admin):
    unit = make_unit("X-HOAAN", "Xã Hòa An")
    event = the_event(entity="unit", entity_id=unit.id, action="create")
    assert event.actor is None


def _record_at(moment, obj, marker, actor=None):
    with time_machine.travel(moment, tick=False):
        audit.record(actor, "update", obj, {"marker": [None, marker]})


def test_audit_page_lists_events_newest_first(client, admin):
    unit = make_unit("X-HOAAN", "Xã Hòa An")
    client.post(f"/admin/units/{unit.id}/deactivate")
    rows = audit_rows(text(client.get("/admin/audit")))
    assert rows[0]["action"] == "Ngừng sử dụng"
    assert rows[0]["user"] == "Quản Trị"
    assert rows[0]["object"] == "Đơn vị: Xã Hòa An"
    assert rows[0]["changes"] == "Đang sử dụng : Có → Không"
    assert any(r["action"] == "Tạo mới" and r["object"] == "Đơn vị: Xã Hòa An" for r in rows)


def test_audit_page_filters_by_entity(client, admin):
    make_unit("X-HOAAN", "Xã Hòa An")
    make_user("canbo")
    rows = audit_rows(text(client.get("/admin/audit?entity=unit")))
    assert [r["object"] for r in rows] == ["Đơn vị: Xã Hòa An"]
    rows = audit_rows(text(client.get("/admin/audit?entity=users")))
    assert rows and all(r["object"].startswith("Người dùng: ") for r in rows)


def test_audit_page_keeps_valid_filters_when_a_date_is_invalid(client, admin):
    make_unit("X-HOAAN", "Xã Hòa An")
    make_user("canbo")
    rows = audit_rows(text(client.get("/admin/audit?entity=unit&day_from=31-31-2026")))
    assert [r["object"] for r in rows] == ["Đơn vị: Xã Hòa An"]


def test_audit_page_filters_by_user(client, admin):
    other_admin = make_user("quantri2", role="admin", full_name="Quản Trị Hai")
    unit = make_unit("X-HOAAN", "Xã Hòa An")
    audit.record(other_admin, "update", unit, {"marker": [None, "boi-quantri2"]})
    audit.record(admin, "update", unit, {"marker": [None, "boi-quantri"]})
    rows = audit_rows(text(client.get(f"/admin/audit?actor={other_admin.id}")))
    assert [r["user"] for r in rows] == ["Quản Trị Hai"]
    assert "boi-quantri2" in rows[0]["changes"]
    rows = audit_rows(text(client.get(f"/admin/audit?actor={admin.id}")))
    assert {r["user"] for r in rows} == {"Quản Trị"}


def test_audit_page_filters_by_local_date(client, admin):
    unit = make_unit("X-HOAAN", "Xã Hòa An")
    utc = dt.timezone.utc
    # 23:30 on 1 March and 00:30 on 2 March in Hanoi: both on 1 March in UTC.
    _record_at(dt.datetime(2020, 3, 1, 16, 30, tzinfo=utc), unit, "late-first")
    _record_at(dt.datetime(2020, 3, 1, 17, 30, tzinfo=utc), unit, "early-second")
    _record_at(dt.datetime(2020, 3, 3, 2, 0, tzinfo=utc), unit, "third")

    second = audit_rows(text(client.get("/admin/audit?day_from=2020-03-02&day_to=2020-03-02")))
    assert [r["changes"] for r in second] == ["marker : trống → early-second"]
    assert second[0]["time"] == "02/03/2020 00:30"

    first = audit_rows(text(client.get("/admin/audit?day_to=2020-03-01")))
    assert [r["changes"] for r in first] == ["marker : trống → late-first"]
    assert first[0]["time"] == "01/03/2020 23:30"

    later = audit_rows(text(client.get("/admin/audit?day_from=2020-03-02&day_to=2020-03-03")))
    assert [r["changes"] for r in later] == ["marker : trống → third",
                                             "marker : trống → early-second"]


def test_audit_page_with_no_matching_events_says_so(app, client, admin):
    page = text(client.get("/admin/audit?day_from=2001-01-01&day_to=2001-01-02"))
    assert audit_rows(page) == []
    assert tr(app, "No events match these filters.") in page
