"""Hostile input for every form: never a 500, a Vietnamese message beside the field (or
above the form) when refused, and nothing half saved; CSRF tokens missing or wrong."""
import collections
import datetime as dt
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspect_app import clock
from inspect_app.feeds.services import create_feed
from inspect_app.models import (
    Category,
    CriteriaNode,
    DisciplineMeasure,
    ExtensionRequest,
    Inspection,
    Response,
    Setting,
    UnitKind,
    User,
    WorkCalendarDay,
)
from tests.factories import (
    PASSWORD,
    make_case,
    make_concluded_inspection,
    make_criteria_set,
    make_finding,
    make_inspection_in_progress,
    make_plan,
    make_round,
    make_unit,
    make_user,
    record_draft,
)
from tests.helpers import csrf_token, db_state, sign_in

SAMPLES = [
    "", "   ", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
    "' OR '1'='1' --", "'; DROP TABLE finding; --", "Robert'); DELETE FROM user;--",
    "\x00", "a\x00b", "\x1b[31m\x07", "\u202eevil", "\ufeff", "{{ 7*7 }}", "%s%n%x",
    unicodedata.normalize("NFD", "Xã Hòa Định Đông"), "x" * 100_000, "Ư" * 5000,
    "../../etc/passwd", "-1", "1e309",
]
TEXT = st.one_of(st.sampled_from(SAMPLES), st.text(max_size=60),
                 st.text(min_size=1, max_size=3).map(lambda s: s * 4000),
                 st.text(alphabet=st.characters(max_codepoint=31), max_size=20),
                 st.text(max_size=40).map(lambda s: unicodedata.normalize("NFD", s)))
DATE = st.one_of(st.sampled_from(["", "hôm qua", "2026-02-30", "0001-01-01", "9999-12-31",
                                  "1900-01-01", "-2026-01-01", "20260101", "2026-13-01",
                                  "<script>"]),
                 st.dates().map(dt.date.isoformat))
NUMBER = st.one_of(st.sampled_from(["-1", "0", "-999999999999", "99999999999999999999",
                                    "1.5", "abc", "", "１２"]),
                   st.integers().map(str))


def choice(*valid):
    """A select's value: one of the valid ones, or something no select offers."""
    return st.one_of(st.sampled_from([str(v) for v in valid]),
                     st.sampled_from(["0", "-1", "999999", str(2**63), str(10**30), "",
                                      "<b>x</b>", "1 OR 1=1"]))


@pytest.fixture
def world(app):
    """Accounts and one of each object a form edits."""
    admin = make_user("quantri", role="admin")
    inspector = make_user("thanhtra", role="inspector")
    unit = make_unit("HOA-AN", "Xã Hòa An")
    head = make_user("truongxa", role="unit_head", unit=unit)
    running = make_inspection_in_progress(unit=unit, lead=inspector)
    draft = record_draft(running)
    concluded = make_concluded_inspection(unit=unit, lead=inspector)
    concluded.conclusion_date = clock.today()
    concluded.save()
    # Draft conclusions are appraised; the one the conclusion form issues has been.
    Setting.create(key="conclusion_appraisal", value="1")
    leader = make_user("lanhdao", role="leader")
    appraised = make_inspection_in_progress(unit=unit, lead=inspector)
    record_draft(appraised)
    Inspection.update(appraisal_status="appraised", appraiser=leader).where(
        Inspection.id == appraised.id).execute()
    return {"admin": admin, "inspector": inspector, "head": head, "unit": unit,
            "leader": leader, "appraised": appraised,
            **_index_world(admin, inspector, unit),
            "calendar_day": WorkCalendarDay.select().first(),
            "kind": UnitKind.select().first(), "category": Category.select().first(),
            "measure": DisciplineMeasure.select().first(), "plan": make_plan(),
            "running": running, "draft": draft, "concluded": concluded}


def _index_world(admin, inspector, unit):
    """The CCHC index's objects: a draft set, a published one, a round being prepared and
    one under way (its self-assessment deadline passed, so the team may appraise too)."""
    published = make_criteria_set(actor=admin)
    nodes = {n.code: n for n in CriteriaNode.select().where(
        CriteriaNode.criteria_set == published)}
    running = make_round(published, [unit], team=[inspector],
                         self_deadline=clock.today() - dt.timedelta(days=1))
    return {"draft_set": make_criteria_set(actor=admin, publish=False, name="Bộ dự thảo"),
            "set": published, "field": nodes["1"], "leaf": nodes["1.1"],
            "levels": nodes["1.2.1"], "prepared_round": make_round(
                published, [unit], team=[inspector], opened=False, name="Đợt chuẩn bị"),
            "round": running, "sheet": running.sheets.get()}


def fresh_targets(w):
    """New objects for the one-way steps (report, review, cancel, decide...), so every
    example meets them in the state where the step is offered."""
    deadline = clock.today() + dt.timedelta(days=30)
    open_finding = make_finding(unit=w["unit"], inspection=w["concluded"], deadline=deadline)
    submitted = make_finding(unit=w["unit"], inspection=w["concluded"], status="submitted",
                             deadline=deadline)
    response = Response.create(finding=submitted, author=w["head"], body="Đã khắc phục",
                               submitted_on=clock.today())
    extension = ExtensionRequest.create(
        finding=submitted, requested_by=w["head"], reason="Cần thêm thời gian",
        requested_deadline=deadline + dt.timedelta(days=30), previous_deadline=deadline)
    drafting = make_inspection_in_progress(unit=w["unit"], lead=w["inspector"])
    record_draft(drafting)
    with_appraiser = make_inspection_in_progress(unit=w["unit"], lead=w["inspector"])
    record_draft(with_appraiser)
    Inspection.update(appraisal_status="submitted", appraiser=w["leader"],
                      appraisal_round=1).where(Inspection.id == with_appraiser.id).execute()
    return {"drafting": drafting, "with_appraiser": with_appraiser,
            "open": open_finding, "submitted": submitted, "response": response,
            "extension": extension, "case": make_case(unit=w["unit"]),
            "ending": make_unit(), "taking_over": make_unit()}


def forms(w):
    """(role, url, {field: strategy}) of every form, with the world's ids."""
    unit, cat, kind = w["unit"].id, w["category"].id, w["kind"].id
    user_fields = {"username": TEXT, "full_name": TEXT,
                   "role": choice("admin", "inspector", "leader", "unit_head"),
                   "unit": choice(0, unit), "email": TEXT, "locale": choice("vi", "en")}
    finding_fields = {"category": choice(cat), "severity": choice("high", "medium", "low"),
                      "title": TEXT, "description": TEXT, "recommendation": TEXT,
                      "responsible_unit": choice(unit), "official_name": TEXT,
                      "official_position": TEXT, "deadline": DATE, "deadline_days": NUMBER,
                      "deadline_unit": choice("calendar_days", "working_days")}
    inspection_fields = {"plan": choice(0, w["plan"].id), "unit": choice(unit),
                         "title": TEXT, "topics": TEXT,
                         "kind": choice("scheduled", "surprise", "follow_up"),
                         "follow_up_of": choice(0, w["running"].id), "start_date": DATE,
                         "end_date": DATE, "lead": choice(0, w["inspector"].id),
                         "members": choice(w["inspector"].id, w["admin"].id),
                         "decision_no": TEXT, "decision_date": DATE}
    case_fields = {"official_name": TEXT, "official_position": TEXT,
                   "person_type": choice("can_bo", "cong_chuc", "vien_chuc"),
                   "unit": choice(unit), "violation": TEXT, "opened_on": DATE,
                   "findings": TEXT}
    measure_fields = {"code": TEXT, "name": TEXT,
                      "person_type": choice("can_bo", "cong_chuc", "vien_chuc"),
                      "legal_basis": TEXT, "valid_from": DATE, "valid_to": DATE,
                      "note": TEXT, "sort_order": NUMBER, "active": choice("y", "")}
    case, running = w["case"].id, w["running"].id
    set_fields = {"name": TEXT, "first_year": NUMBER, "last_year": NUMBER,
                  "legal_basis": TEXT, "step": choice("0.25", "1"),
                  "kinds": choice(kind, w["kind"].id)}
    node_fields = {"code": TEXT, "content": TEXT, "kind": choice("regular", "bonus"),
                   "max_points": TEXT, "scoring": choice("range", "levels"), "levels": TEXT,
                   "guidance": TEXT, "evidence": TEXT, "applies_to": choice("xa", "phuong"),
                   "na_allowed": choice("y", ""), "previous": choice(0)}
    round_fields = {"name": TEXT, "year": NUMBER, "criteria_set": choice(w["set"].id),
                    "kinds": choice(kind), "units": choice(unit), "self_deadline": DATE,
                    "appraisal_from": DATE, "appraisal_to": DATE,
                    "team": choice(w["inspector"].id, w["admin"].id), "survey_share": TEXT,
                    "bands": TEXT}
    draft_set, sheet = w["draft_set"].id, w["sheet"].id
    leaf, levels = w["leaf"].id, w["levels"].id
    scores = {f"points-{leaf}": TEXT, f"note-{leaf}": TEXT, f"points-{levels}": TEXT,
              f"na-{leaf}": choice("y")}
    field_url = f"/assessments/sheets/{sheet}/fields/{w['field'].id}/scores"
    return {
        "criteria_set": ("admin", "/criteria/new", set_fields),
        "criteria_set_edit": ("admin", f"/criteria/{draft_set}/edit", set_fields),
        "criteria_import": ("admin", "/criteria/import",
                            {**set_fields, "predecessor": choice(0, w["set"].id),
                             "file": TEXT}),
        "criteria_node": ("admin", f"/criteria/{draft_set}/nodes/new", node_fields),
        "round": ("inspector", "/assessments/new", round_fields),
        "round_edit": ("inspector", f"/assessments/{w['prepared_round'].id}/edit",
                       round_fields),
        "survey": ("inspector", f"/assessments/{w['round'].id}/survey",
                   {f"survey-{sheet}": TEXT}),
        "survey_import": ("inspector", f"/assessments/{w['round'].id}/survey/import",
                          {"file": TEXT}),
        "round_publish": ("leader", f"/assessments/{w['round'].id}/publish",
                          {"decision_no": TEXT, "decision_date": DATE}),
        "self_scores": ("head", field_url, scores),
        "appraisal_scores": ("inspector", field_url,
                             {**scores, f"ask-{leaf}": choice("y")}),
        "evidence": ("head", f"/assessments/sheets/{sheet}/nodes/{leaf}/evidence",
                     {"file": TEXT, "attachment": choice(0), "document_no": TEXT,
                      "document_date": DATE, "page": TEXT}),
        "first_round": ("inspector", f"/assessments/sheets/{sheet}/first-round",
                        {"explanation_deadline": DATE}),
        "lost_points": ("inspector", f"/assessments/sheets/{sheet}/findings",
                        {"nodes": choice(leaf), "category": choice(cat),
                         "severity": choice("high", "medium"), "inspection": choice(0)}),
        "login": (None, "/login", {"username": TEXT, "password": TEXT, "next": TEXT}),
        "change_password": ("admin", "/account/password",
                            {"current_password": TEXT, "new_password": TEXT,
                             "confirm_password": TEXT}),
        "account": ("admin", "/account", {"email": TEXT, "locale": choice("vi", "en")}),
        "language": (None, "/language", {"lang": choice("vi", "en"), "next": TEXT}),
        "user_create": ("admin", "/admin/users/new", user_fields),
        "user_edit": ("admin", f"/admin/users/{w['inspector'].id}", user_fields),
        "settings": ("admin", "/admin/settings",
                     {key: TEXT for key in ("authority_name", "parent_authority",
                                            "place_name", "deadline_days_high",
                                            "monthly_recipients", "reminder_days_before",
                                            "escalation_after_days")}),
        "category": ("admin", "/admin/categories/new",
                     {"code": TEXT, "name": TEXT, "area": TEXT,
                      "default_severity": choice("high", "low"), "active": choice("y")}),
        "unit": ("admin", "/admin/units/new",
                 {"code": TEXT, "name": TEXT, "kind": choice(kind),
                  "parent": choice(0, unit), "email": TEXT, "valid_from": DATE,
                  "valid_to": DATE}),
        "unit_edit": ("admin", f"/admin/units/{unit}",
                      {"code": TEXT, "name": TEXT, "kind": choice(kind),
                       "parent": choice(0, unit), "email": TEXT, "valid_from": DATE,
                       "valid_to": DATE}),
        "reorganise": ("admin", "/admin/units/reorganise",
                       {"kind": choice("merge", "split", "rename"), "on_date": DATE,
                        "predecessors": choice(w["ending"].id),
                        "successors": choice(w["taking_over"].id, unit), "note": TEXT}),
        "unit_kind": ("admin", "/admin/units/kinds/new",
                      {"code": TEXT, "label": TEXT, "active": choice("y")}),
        "measure": ("admin", "/admin/discipline-measures/new", measure_fields),
        "plan": ("inspector", "/plans/new", {"year": NUMBER, "title": TEXT,
                                             "decision_no": TEXT, "decision_date": DATE}),
        "inspection": ("inspector", "/inspections/new", inspection_fields),
        "inspection_edit": ("inspector", f"/inspections/{running}/edit", inspection_fields),
        "inspection_cancel": ("inspector", f"/inspections/{running}/cancel",
                              {"reason": TEXT}),
        "attachment": ("inspector", f"/inspections/{running}/attachments", {"file": TEXT}),
        "finding": ("inspector", f"/inspections/{running}/findings/new", finding_fields),
        "finding_edit": ("inspector", f"/findings/{w['draft'].id}/edit", finding_fields),
        "conclusion": ("inspector", f"/inspections/{w['appraised'].id}/conclusion",
                       {"conclusion_no": TEXT, "conclusion_date": DATE, "summary": TEXT}),
        "appraisal_request": ("inspector", f"/inspections/{w['drafting'].id}/appraisal/submit",
                              {"appraiser": choice(w["leader"].id, w["inspector"].id),
                               "summary": TEXT}),
        "appraisal_decision": ("leader", f"/inspections/{w['with_appraiser'].id}/appraisal",
                               {"outcome": choice("appraised", "returned"), "note": TEXT}),
        "report": ("head", f"/findings/{w['open'].id}/responses", {"report-body": TEXT}),
        "extension": ("head", f"/findings/{w['open'].id}/extension",
                      {"extension-requested_deadline": DATE, "extension-reason": TEXT,
                       "extension-requested_days": NUMBER,
                       "extension-requested_unit": choice("calendar_days", "working_days")}),
        "request_changes": ("inspector", f"/responses/{w['response'].id}/request-changes",
                            {"review-note": TEXT}),
        "reject_extension": ("inspector", f"/extensions/{w['extension'].id}/reject",
                             {"decision-note": TEXT}),
        "finding_cancel": ("inspector", f"/findings/{w['open'].id}/cancel",
                           {"cancel-reason": TEXT}),
        "case": ("inspector", "/discipline/new", case_fields),
        "case_edit": ("inspector", f"/discipline/{case}/edit", case_fields),
        "case_extend": ("inspector", f"/discipline/{case}/extend",
                        {"extend-new_deadline": DATE, "extend-reason": TEXT,
                         "extend-new_days": NUMBER}),
        "calendar_day": ("admin", "/admin/calendar/new",
                         {"day": DATE, "kind": choice("day_off", "working_day"),
                          "reason": TEXT, "notice": TEXT}),
        "calendar_day_edit": ("admin", f"/admin/calendar/{w['calendar_day'].id}",
                              {"day": DATE, "kind": choice("day_off", "working_day"),
                               "reason": TEXT, "notice": TEXT}),
        "case_decide": ("inspector", f"/discipline/{case}/decide",
                        {"decide-measure": choice(w["measure"].id),
                         "decide-decision_no": TEXT, "decide-decision_date": DATE,
                         "decide-issuing_authority": TEXT}),
        "case_dismiss": ("inspector", f"/discipline/{case}/dismiss",
                         {"dismiss-reason": TEXT}),
        "case_defer": ("inspector", f"/discipline/{case}/defer",
                       {"defer-ground": TEXT, "defer-note": TEXT}),
    }


class _AnyRecord:
    """Stands for every record of the world when only the forms' names are wanted."""

    id = 0


FORMS = sorted(forms(collections.defaultdict(_AnyRecord)))

# Messages beside a field or above the form.
MESSAGE = re.compile(r'<div class="(?:invalid-feedback[^"]*|alert alert-\w+)"[^>]*>(.*?)</div>',
                     re.S)
# Rows a refused sign-in may write: the failure counters and a throttle's audit entry.
LOGIN_BOOKKEEPING = ("LoginThrottle", "AuditEvent")


def _without(state, tables):
    """A db_state() without the named tables."""
    return {name: rows for name, rows in state.items() if name not in tables}


def _post(client, url, values):
    """Post the drawn values, leaving out the missing ones (None)."""
    return client.post(url, data={k: v for k, v in values.items() if v is not None})


def _vietnamese_messages(page):
    """The messages shown on a page that are written in Vietnamese."""
    return [m for m in MESSAGE.findall(page) if re.search(r"[^\x00-\x7f]", m)]


@pytest.mark.parametrize("name", FORMS)
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_hostile_input_is_refused_cleanly_or_saved_whole(app, world, name, data):
    world = {**world, **fresh_targets(world)}
    role, url, fields = forms(world)[name]
    # A fresh browser, and an earlier example may have saved English as the language.
    client = app.test_client()
    User.update(locale="vi").execute()
    if role is not None:
        assert client.post("/login", data={"username": world[role].username,
                                           "password": PASSWORD}).status_code == 302
    values = data.draw(st.fixed_dictionaries(
        {field: st.one_of(st.none(), strategy) for field, strategy in fields.items()}))
    ignored = LOGIN_BOOKKEEPING if name in ("login", "change_password") else ()
    before = _without(db_state(), ignored)
    response = _post(client, url, values)
    assert response.status_code in (200, 302), response.status_code
    page = response.get_data(as_text=True)
    saved = response.status_code == 302 or 'class="one-time-password' in page
    if not saved:
        assert _without(db_state(), ignored) == before, "a refused form changed data"
        assert _vietnamese_messages(page), "refused without a message in Vietnamese"


class TestCsrf:
    """Every form, signed in as the user who may post it, with CSRF protection on."""

    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    @pytest.mark.parametrize("token", [None, "wrong-token"])
    @pytest.mark.parametrize("name", FORMS)
    def test_post_without_a_valid_token_is_refused_and_changes_nothing(
            self, app, client, world, name, token):
        role, url, fields = forms({**world, **fresh_targets(world)})[name]
        if role is not None:
            login_token = csrf_token(client.get("/login").get_data(as_text=True))
            client.post("/login", data={"username": world[role].username,
                                        "password": PASSWORD, "csrf_token": login_token})
        before = db_state()
        data = {field: "Giá trị hợp lệ" for field in fields}
        if token:
            data["csrf_token"] = token
        response = client.post(url, data=data)
        assert response.status_code == 400
        assert db_state() == before


    @pytest.mark.parametrize("token", [None, "wrong-token"])
    @pytest.mark.parametrize("url", ["/account/calendar-feed", "/account/calendar-feed/revoke",
                                     "/admin/calendar/{day}/delete"])
    def test_button_posts_without_a_valid_token_are_refused(self, app, client, world, url,
                                                            token):
        """The posts without fields: creating and revoking a feed, removing a calendar day."""
        url = url.format(day=world["calendar_day"].id)
        create_feed(world["admin"])
        login_token = csrf_token(client.get("/login").get_data(as_text=True))
        client.post("/login", data={"username": "quantri", "password": PASSWORD,
                                    "csrf_token": login_token})
        before = db_state()
        response = client.post(url, data={"csrf_token": token} if token else {})
        assert response.status_code == 400
        assert db_state() == before


def test_editing_an_account_needs_no_username_field(app, client, world):
    """The edit page shows the username as text; a post without it still saves."""
    sign_in(client, "quantri")
    response = client.post(f"/admin/users/{world['inspector'].id}",
                           data={"full_name": "Tên Mới", "role": "inspector", "unit": "0",
                                 "email": "", "locale": "vi"})
    assert response.status_code == 302
    assert User.get_by_id(world["inspector"].id).full_name == "Tên Mới"
