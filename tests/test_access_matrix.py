"""The access matrix: every rule of app.url_map, for every role, against objects of two units.

The expected answer of each (endpoint, role, whose object) comes from the EXPECTED table
below, written from the design (DESIGN.md §9 and policy.py's intent), never computed with
policy.can, so a change in the policy or a new route without an entry makes a test fail.

Answers: OK (the view ran: 2xx or a redirect inside the app), LOGIN (redirect to the login
page), FORBIDDEN (403: the role may never do this) and NOT_FOUND (404: an object of another
unit, which a unit head must not learn exists). Refused POSTs are checked to change nothing.

The world: unit A and unit B each have a concluded inspection led by the inspector for A
and by another inspector for B, a submitted finding with a pending report, a pending
extension request, an evidence file and a disciplinary case. So "the inspector" is on
unit A's team and not on unit B's; the leader appraised unit A's draft conclusion. Unit P
has the same objects (its inspection led by unit B's inspector) and was merged into unit
A: A's head reads P's records but acts on none of them, B's head learns nothing of them.
"""

import pytest

from tests.helpers import db_state, sign_in, url_rules

OK, LOGIN, FORBIDDEN, NOT_FOUND = "ok", "login", "403", "404"
ROLES = ["anonymous", "head_a", "head_b", "leader", "inspector", "admin"]
STAFF = ("leader", "inspector", "admin")


# --- the expectations: (role, object's unit) -> answer ---------------------------------


def everyone(role, unit):
    """Any signed-in user."""
    return OK


def admin_only(role, unit):
    """Administrators only."""
    return OK if role == "admin" else FORBIDDEN


def staff(role, unit):
    """Administrators, inspectors and leaders; unit heads are refused outright."""
    return OK if role in STAFF else FORBIDDEN


def inspection_staff(role, unit):
    """Administrators and inspectors."""
    return OK if role in ("admin", "inspector") else FORBIDDEN


def own(role, unit):
    """A unit head's own unit's object."""
    return role == f"head_{unit.lower()}"


def sees(role, unit):
    """A unit head's own unit's object, or one of a unit theirs replaced (P, merged into A)."""
    return own(role, unit) or (role == "head_a" and unit == "P")


def staff_or_own_unit(role, unit):
    """Staff see everything; a unit head their own unit's (and its predecessors') object,
    another unit's is 404."""
    if role in STAFF:
        return OK
    return OK if sees(role, unit) else NOT_FOUND


def concluding_team(role, unit):
    """The admin, or the inspector on the inspection's team (unit A's); the object must
    be visible first, so a unit head gets 404 for another unit and 403 for their own."""
    if role == "admin" or (role == "inspector" and unit == "A"):
        return OK
    if role.startswith("head_") and not sees(role, unit):
        return NOT_FOUND
    return FORBIDDEN


def checklist_team(role, unit):
    """Only the inspection's team (the inspector, on unit A's) writes its checklist, not
    even the admin; the object must be visible first, as for concluding_team."""
    if role == "inspector" and unit == "A":
        return OK
    if role.startswith("head_") and not sees(role, unit):
        return NOT_FOUND
    return FORBIDDEN


def manage_then_team(role, unit):
    """Inspection staff (else 403 before any lookup), then the team rule."""
    if role not in ("admin", "inspector"):
        return FORBIDDEN
    return concluding_team(role, unit)


def responding_unit(role, unit):
    """Only the responsible unit's head; staff, and the head of the unit that replaced it,
    may see the finding but are refused."""
    if role in STAFF:
        return FORBIDDEN
    if own(role, unit):
        return OK
    return FORBIDDEN if sees(role, unit) else NOT_FOUND


def extension_decider(role, unit):
    """A leader, or the inspection's lead (the inspector for unit A); the admin is no
    decider. A unit head gets 404 for another unit's request, 403 for their own."""
    if role == "leader" or (role == "inspector" and unit == "A"):
        return OK
    if role.startswith("head_") and not sees(role, unit):
        return NOT_FOUND
    return FORBIDDEN


def appraiser(role, unit):
    """The leader named to appraise the inspection's draft (unit A's only); the object must
    be visible first, so a unit head gets 404 for another unit and 403 for their own."""
    if role == "leader" and unit == "A":
        return OK
    if role.startswith("head_") and not sees(role, unit):
        return NOT_FOUND
    return FORBIDDEN


def leaders_and_inspectors(role, unit):
    """Leaders and inspectors, who may be named appraisers; the admin is none."""
    return OK if role in ("leader", "inspector") else FORBIDDEN
def appraisal_team(role, unit):
    """The inspector on the round's appraisal team (unit A's); anyone else is refused."""
    return OK if role == "inspector" and unit == "A" else FORBIDDEN


def own_unit_or_team(role, unit):
    """A unit head their own unit's sheet (one their unit replaced: 403, another unit's:
    404), or the appraisal team; other staff may read the sheet but not score it."""
    if role.startswith("head_"):
        return OK if own(role, unit) else FORBIDDEN if sees(role, unit) else NOT_FOUND
    return appraisal_team(role, unit)


def published_ranking(role, unit):
    """Staff read every ranking; a unit head only a published one (these rounds are not)."""
    return OK if role in STAFF else NOT_FOUND


PUBLIC = "public"

# endpoint -> the rule for GET and POST alike (each route accepts what app.url_map says).
EXPECTED = {
    "auth.login": PUBLIC,
    "auth.set_language": PUBLIC,
    # Open to the load balancer; it answers 503 while the scheduler is not running.
    "health.healthz": PUBLIC,
    # The offline service worker holds no data; the browser fetches it to update.
    "main.service_worker": PUBLIC,
    "auth.logout": everyone,
    "auth.account": everyone,
    "auth.change_password": everyone,
    "main.home": everyone,
    # admin area
    "admin.users": admin_only, "admin.create_user": admin_only, "admin.edit_user": admin_only,
    "admin.activate_user": admin_only, "admin.deactivate_user": admin_only,
    "admin.reset_password": admin_only, "admin.settings_page": admin_only,
    "admin.authority_versions": admin_only, "admin.create_authority_version": admin_only,
    "admin.edit_authority_version": admin_only,
    "admin.audit_log": admin_only, "admin.categories": admin_only,
    "admin.create_category": admin_only, "admin.edit_category": admin_only,
    "admin.outbox": admin_only, "admin.outbox_message": admin_only,
    "admin.outbox_message_html": admin_only, "admin.retry_outbox_message": admin_only,
    "units.index": admin_only, "units.create": admin_only, "units.edit": admin_only,
    "units.activate": admin_only, "units.deactivate": admin_only, "units.kinds": admin_only,
    "units.create_kind": admin_only, "units.edit_kind": admin_only,
    "units.reorganise": admin_only,
    "discipline.measures": admin_only, "discipline.create_measure": admin_only,
    "discipline.edit_measure": admin_only,
    "workcalendar.index": admin_only, "workcalendar.create": admin_only,
    "workcalendar.edit": admin_only, "workcalendar.delete": admin_only,
    # Calendar programs carry no session: the private token in the address is the key
    # (tests/test_calendar_feeds.py); every signed-in user manages their own address.
    "feeds.feed": PUBLIC,
    "feeds.create": everyone, "feeds.revoke": everyone,
    # plans
    "inspections.plans": staff, "inspections.plan_show": staff,
    "inspections.plan_create": inspection_staff, "inspections.plan_edit": inspection_staff,
    "inspections.plan_approve": inspection_staff,
    # inspections
    "inspections.index": everyone, "inspections.calendar": everyone,
    "inspections.show": staff_or_own_unit, "inspections.conclusion_pdf": staff_or_own_unit,
    "inspections.create": inspection_staff, "inspections.edit": inspection_staff,
    "inspections.start": inspection_staff, "inspections.cancel": inspection_staff,
    "inspections.upload": inspection_staff,
    "inspections.conclusion": concluding_team, "inspections.close": concluding_team,
    "inspections.submit_for_appraisal": concluding_team,
    "inspections.appraise": appraiser, "inspections.appraisals": leaders_and_inspectors,
    # findings
    "findings.index": everyone, "findings.export_csv": everyone,
    "findings.export_xlsx": everyone,
    "findings.show": staff_or_own_unit,
    "findings.create": manage_then_team, "findings.edit": manage_then_team,
    "findings.respond": responding_unit, "findings.request_extension": responding_unit,
    "findings.accept": inspection_staff, "findings.request_changes": inspection_staff,
    "findings.approve_extension": extension_decider,
    "findings.reject_extension": extension_decider,
    "findings.cancel": inspection_staff, "findings.reopen": inspection_staff,
    "findings.review_queue": staff,
    "files.download": staff_or_own_unit,
    # checklists: pages and the /api/ endpoints laptops sync through
    "checklists.show": staff_or_own_unit, "checklists.record": staff_or_own_unit,
    "checklists.record_pdf": staff_or_own_unit,
    "checklists.create": checklist_team, "checklists.answer": checklist_team,
    "checklists.finding": checklist_team,
    "checklists.templates": admin_only, "checklists.template": admin_only,
    "checklists.create_template_item": admin_only, "checklists.template_item": admin_only,
    "checklists.delete_template_item": admin_only,
    "api.checklist": staff_or_own_unit, "api.offline_manifest": staff_or_own_unit,
    "api.sync": checklist_team,
    # reports
    "reports.index": everyone, "reports.monthly": staff, "reports.monthly_pdf": staff,
    "reports.units_today": staff,
    "reports.unit": staff_or_own_unit, "reports.unit_pdf": staff_or_own_unit,
    # discipline
    "discipline.index": everyone, "discipline.export_xlsx": everyone,
    "discipline.show": staff_or_own_unit,
    "discipline.create": staff, "discipline.edit": staff, "discipline.extend": staff,
    "discipline.decide": staff, "discipline.dismiss": staff, "discipline.defer": staff,
    "discipline.resume": staff,
    # the CCHC index: criteria sets, rounds, the units' sheets
    "criteria.index": staff, "criteria.show": staff, "criteria.compare": staff,
    "criteria.export_xlsx": staff,
    "criteria.create": admin_only, "criteria.import_sheet": admin_only,
    "criteria.edit": admin_only, "criteria.create_node": admin_only,
    "criteria.edit_node": admin_only, "criteria.delete_node": admin_only,
    "criteria.publish": admin_only, "criteria.retire": admin_only,
    "criteria.new_version": admin_only,
    "assessments.index": everyone, "assessments.show": staff,
    "assessments.export_xlsx": staff,
    "assessments.create": inspection_staff, "assessments.edit": inspection_staff,
    "assessments.open_round": inspection_staff, "assessments.survey": inspection_staff,
    "assessments.import_survey": inspection_staff,
    "assessments.publish": lambda role, unit: OK if role == "leader" else FORBIDDEN,
    "assessments.ranking": published_ranking, "assessments.ranking_pdf": published_ranking,
    "assessments.sheet": staff_or_own_unit, "assessments.sheet_pdf": staff_or_own_unit,
    "assessments.field": staff_or_own_unit, "assessments.save_field": own_unit_or_team,
    "assessments.evidence": responding_unit, "assessments.remove_evidence": responding_unit,
    "assessments.submit": responding_unit, "assessments.explain": responding_unit,
    "assessments.finish_first_round": appraisal_team,
    "assessments.finish_second_round": appraisal_team,
    "assessments.findings": appraisal_team,
}

# What a refused POST carries: enough that a missing check would change something.
HOSTILE_POST = {
    "username": "xamnhap", "full_name": "Xâm Nhập", "role": "admin", "locale": "vi",
    "email": "x@example.vn", "code": "XAM", "name": "Xâm nhập", "label": "Xâm",
    "area": "TTHC", "active": "y", "authority_name": "Giả mạo", "valid_from": "2030-01-01",
    "signer": "team", "year": "2030",
    "title": "Giả mạo", "body": "Giả mạo", "reason": "Giả mạo", "note": "Giả mạo",
    "report-body": "Giả mạo", "extension-requested_deadline": "2031-01-01",
    "extension-reason": "Giả mạo", "review-note": "Giả mạo", "decision-note": "Giả mạo",
    "cancel-reason": "Giả mạo", "reopen-reason": "Giả mạo",
    "conclusion_no": "99/KL", "conclusion_date": "2030-01-01",
    "official_name": "Giả Mạo", "violation": "Giả mạo", "person_type": "cong_chuc",
    "opened_on": "2030-01-01", "dismiss-reason": "Giả mạo", "resume-note": "Giả mạo",
    "lang": "en", "severity": "high", "start_date": "2030-01-01", "end_date": "2030-01-02",
}

def _post(client, rule, url, ids):
    """POST the hostile form, or to the API a batch of changes as a laptop sends it."""
    if rule.endpoint.startswith("api."):
        change = {"id": f"matrix-{rule.endpoint}", "type": "answer", "item_id": ids["item_id"],
                  "base_version": 1, "fields": {"answer": "met", "note": "Giả mạo"}}
        return client.post(url, json={"changes": [change]})
    return client.post(url, data=HOSTILE_POST)


# Allowed POSTs that end the session run last.
LAST = ("auth.logout",)


def expected(rule, role, unit):
    """The answer the table gives for this request."""
    decision = EXPECTED[rule.endpoint]
    if decision == PUBLIC:
        return OK
    if role == "anonymous":
        return LOGIN
    return decision(role, unit)


def answer(response, rule, role):
    """What the app answered, in the table's terms.

    Only the sign-in gate sends an anonymous visitor to /login; a signed-in user lands
    there only by signing out, which is that route's normal answer.
    """
    if response.status_code in (403, 404):
        return str(response.status_code)
    if rule.endpoint.startswith("api."):
        # A script cannot follow the way to the login page: the API answers 401. Past the
        # access checks it refuses what it cannot apply (here: the inspection is concluded)
        # with 409, the view having run.
        if role == "anonymous" and response.status_code == 401:
            return LOGIN
        if response.status_code == 409:
            return OK
    if EXPECTED[rule.endpoint] == PUBLIC and response.status_code == 503:
        return OK
    if response.status_code >= 400:
        return f"{response.status_code} (unexpected)"
    if role == "anonymous" and EXPECTED[rule.endpoint] != PUBLIC \
            and response.headers.get("Location", "").startswith("/login"):
        return LOGIN
    return OK


# --- the tests --------------------------------------------------------------------------


def test_every_route_has_an_expectation(app):
    endpoints = {rule.endpoint for rule, _methods in url_rules(app)}
    assert endpoints - set(EXPECTED) == set(), "add the new routes to EXPECTED"
    assert set(EXPECTED) - endpoints == set(), "EXPECTED names routes that are gone"


@pytest.mark.parametrize("unit", ["A", "B", "P"])
@pytest.mark.parametrize("role", ROLES)
def test_get_answers_match_the_matrix(app, client, access_world, role, unit):
    if role != "anonymous":
        sign_in(client, role)
    ids = access_world[unit]
    wrong = []
    for rule, methods in url_rules(app):
        if "GET" not in methods:
            continue
        url = rule.build({name: ids[name] for name in rule.arguments})[1]
        want, got = expected(rule, role, unit), answer(client.get(url), rule, role)
        if want != got:
            wrong.append(f"GET {url} ({rule.endpoint}): expected {want}, got {got}")
    assert wrong == []


@pytest.mark.parametrize("unit", ["A", "B", "P"])
@pytest.mark.parametrize("role", ROLES)
def test_post_answers_match_the_matrix_and_refusals_change_nothing(app, client, access_world,
                                                                   role, unit):
    if role != "anonymous":
        sign_in(client, role)
    ids = access_world[unit]
    posts = [rule for rule, methods in url_rules(app) if "POST" in methods]
    refused = [r for r in posts if expected(r, role, unit) != OK]
    allowed = sorted((r for r in posts if expected(r, role, unit) == OK),
                     key=lambda r: r.endpoint in LAST)
    wrong = []
    for rule in refused + allowed:
        url = rule.build({name: ids[name] for name in rule.arguments})[1]
        want = expected(rule, role, unit)
        before = db_state() if want != OK else None
        got = answer(_post(client, rule, url, ids), rule, role)
        if want != got:
            wrong.append(f"POST {url} ({rule.endpoint}): expected {want}, got {got}")
        elif before is not None and db_state() != before:
            wrong.append(f"POST {url} ({rule.endpoint}): refused but changed the database")
    assert wrong == []
    assert refused and allowed
