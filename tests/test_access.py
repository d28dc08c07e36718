"""Who may open what: the sign-in gate, the policy on every view, admin-only pages."""
import pytest

from inspect_app import policy, web
from inspect_app.mail.outbox import enqueue
from inspect_app.models import ALL_MODELS, Unit, UnitKind, User
from tests.factories import make_template, make_unit, make_user
from tests.helpers import db_state, location, settings_form_data, sign_in, text, tr

NON_ADMIN_ROLES = ["inspector", "leader", "unit_head"]


def routes(app, method, prefix=""):
    """The rules accepting method whose path starts with prefix (static excluded)."""
    return sorted((rule for rule in app.url_map.iter_rules()
                   if method in rule.methods and rule.endpoint != "static"
                   and rule.rule.startswith(prefix)), key=lambda rule: rule.rule)


def url_for_rule(rule, ids=None):
    """The rule's URL with each argument taken from ids (by name), else 1."""
    ids = ids or {}
    return rule.build({name: ids.get(name, 1) for name in rule.arguments})[1]


@pytest.fixture
def records():
    """One of each record an admin URL can address, keyed by URL argument name."""
    unit = make_unit("X-THU", "Xã Thử")
    target = make_user("nguoikhac", role="inspector")
    kind = UnitKind.get(UnitKind.code == "xa")
    message = enqueue("access:test", ["a@example.vn"], "Thư thử", "Nội dung", "<p>Nội dung</p>")
    template = make_template(name="Mẫu thử")
    return {"user_id": target.id, "unit_id": unit.id, "kind_id": kind.id,
            "message_id": message.id, "template_id": template.id,
            "template_item_id": template.items.first().id}


def _model_for_argument(name):
    """The model an argument like `category_id` addresses, found by table or class name."""
    base = name[:-3] if name.endswith("_id") else name
    for model in ALL_MODELS:
        if base in (model._meta.table_name, model.__name__.lower()):
            return model
    return None


def ids_for(rule, records):
    """Existing record ids for rule's arguments: from records, else any stored row."""
    ids = dict(records)
    for name in rule.arguments:
        if name in ids:
            continue
        model = _model_for_argument(name)
        row = model.select().order_by(model.id).first() if model else None
        assert row is not None, (f"{rule.rule}: add a record for the URL argument {name!r} "
                                 "to the `records` fixture of tests/test_access.py")
        ids[name] = row.id
    return ids


# --- the sign-in gate -------------------------------------------------------------------


def is_public(app, rule):
    return getattr(app.view_functions[rule.endpoint], "policy", None) == "public"


def assert_sent_to_sign_in(response, url):
    """A page sends an anonymous visitor to the login page; the JSON API answers 401."""
    if url.startswith("/api/"):
        assert response.status_code == 401, url
        assert response.is_json and response.get_json()["error"], url
        return
    assert response.status_code == 302, url
    assert location(response).startswith("/login"), url


def test_anonymous_get_of_every_page_redirects_to_login(app, client):
    checked = []
    for rule in routes(app, "GET"):
        if is_public(app, rule):
            continue
        url = url_for_rule(rule)
        assert_sent_to_sign_in(client.get(url), url)
        checked.append(url)
    assert "/" in checked and "/admin/users" in checked
    assert "/api/inspections/1/checklist" in checked


def test_anonymous_post_to_every_action_redirects_to_login_and_changes_nothing(app, client):
    make_user("quantri", role="admin")
    before = db_state()
    for rule in routes(app, "POST"):
        if is_public(app, rule):
            continue
        url = url_for_rule(rule)
        response = client.post(url, data={"code": "MOI", "name": "Mới", "username": "moi",
                                          "full_name": "Mới", "role": "admin",
                                          "authority_name": "Giả"})
        assert_sent_to_sign_in(response, url)
    assert db_state() == before


def test_login_page_is_open_to_anonymous_visitors(app, client):
    response = client.get("/login")
    assert response.status_code == 200
    assert tr(app, "Sign in") in text(response)


def test_every_view_has_a_policy_decision(app):
    missing = sorted(endpoint for endpoint, view in app.view_functions.items()
                     if endpoint != "static" and not hasattr(view, "policy"))
    assert missing == [], "views without @public or @requires(...)"


def test_every_policy_names_a_known_rule(app):
    unknown = {endpoint: view.policy for endpoint, view in app.view_functions.items()
               if endpoint != "static" and getattr(view, "policy", "public") != "public"
               and view.policy not in policy.RULES}
    assert unknown == {}


def test_public_views_are_exactly_the_gates_public_endpoints(app):
    marked_public = {endpoint for endpoint, view in app.view_functions.items()
                     if getattr(view, "policy", None) == "public"}
    assert marked_public == web.PUBLIC_ENDPOINTS - {"static"}


def test_admin_area_views_require_an_admin_only_action(app):
    user_like = {role: User(role=role, active=True) for role in NON_ADMIN_ROLES}
    for rule in routes(app, "GET", "/admin") + routes(app, "POST", "/admin"):
        action = app.view_functions[rule.endpoint].policy
        assert action != "public", rule.rule
        for role, user in user_like.items():
            assert not policy.can(user, action), f"{role} may {action} ({rule.rule})"


# --- roles ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_non_admin_gets_forbidden_page_on_every_admin_page(app, client, records, role):
    make_user("nguoidung", role=role)
    sign_in(client, "nguoidung")
    admin_pages = routes(app, "GET", "/admin/")
    assert admin_pages
    for rule in admin_pages:
        url = url_for_rule(rule, records)  # refused before any lookup: 1 for unknown ids
        response = client.get(url)
        assert response.status_code == 403, url
        page = text(response)
        assert tr(app, "Not allowed") in page, url
        assert tr(app, "Your account does not have permission for this page or action.") \
            in page, url


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_non_admin_menu_shows_no_admin_links(app, client, role):
    make_user("nguoidung", role=role)
    sign_in(client, "nguoidung")
    page = text(client.get("/"))
    assert 'href="/admin' not in page


ADMIN_FORM_DATA = {
    "username": "taikhoanmoi", "full_name": "Tài Khoản Mới", "role": "admin", "locale": "vi",
    "email": "moi@example.vn", "code": "MOI", "name": "Đơn vị mới", "parent": "0",
    "label": "Loại mới", "active": "y", "authority_name": "Giả mạo",
    "parent_authority": "Giả mạo", "place_name": "Giả mạo",
}


def _post_data(records):
    unit = Unit.get_by_id(records["unit_id"])
    return {**ADMIN_FORM_DATA, "unit": str(unit.id), "kind": str(unit.kind_id)}


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_non_admin_admin_actions_are_forbidden_and_change_nothing(app, client, records, role):
    make_user("nguoidung", role=role)
    sign_in(client, "nguoidung")
    data = _post_data(records)
    actions = routes(app, "POST", "/admin/")
    names = {rule.endpoint for rule in actions}
    assert {"admin.create_user", "admin.settings_page", "units.deactivate",
            "admin.reset_password", "admin.deactivate_user", "units.create"} <= names
    before = db_state()
    for rule in actions:
        url = url_for_rule(rule, records)  # refused before any lookup: 1 for unknown ids
        response = client.post(url, data=data)
        assert response.status_code == 403, url
        assert tr(app, "Not allowed") in text(response), url
    assert db_state() == before


def test_admin_opens_every_admin_page(app, client, records):
    make_user("quantri", role="admin")
    sign_in(client, "quantri")
    for rule in routes(app, "GET", "/admin/"):
        url = url_for_rule(rule, ids_for(rule, records))
        response = client.get(url)
        assert response.status_code == 200, url


def test_admin_may_perform_the_admin_actions(app, client, records):
    """The same requests that are refused to other roles do change things for an admin."""
    make_user("quantri", role="admin")
    sign_in(client, "quantri")
    data = _post_data(records)
    assert client.post("/admin/users/new", data=data).status_code == 200
    assert User.get_or_none(User.username == "taikhoanmoi") is not None
    response = client.post("/admin/settings", data=settings_form_data(
        escalation_every_days="7"))
    assert location(response) == "/admin/settings"
    client.post(f"/admin/units/{records['unit_id']}/deactivate")
    assert Unit.get_by_id(records["unit_id"]).active is False
