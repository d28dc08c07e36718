"""The flask sub-commands: demo data and creating accounts."""
import datetime as dt

import pytest

from inspect_app import authority, demo
from inspect_app.models import AuditEvent, AuthorityVersion, Setting, Unit, User
from tests.factories import make_unit, make_user
from tests.helpers import tr

DEMO_ACCOUNTS = {
    "admin": ("admin", None),
    "thanhtra": ("inspector", None),
    "lanhdao": ("leader", None),
    "hoaan": ("unit_head", "X-PHUHOA1"),
    "noivu": ("unit_head", "S-TUPHAP"),
}


def counts():
    return {model.__name__: model.select().count()
            for model in (Unit, User, Setting, AuditEvent, AuthorityVersion)}


def create_user(runner, *args, password="longpassword"):
    return runner.invoke(args=["users", "create", *args, "--password-stdin"],
                         input=f"{password}\n")


# --- demo load --------------------------------------------------------------------------


def test_demo_load_creates_the_units_and_accounts(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "Demo data loaded." in result.output
    assert "demo12345" in result.output
    codes = {u.code for u in Unit.select()}
    assert {"X-PHUHOA1", "PH-TUYHOA", "S-TUPHAP", "X-HOAAN", "P-NOIVU"} <= codes
    assert len(codes) == len(demo.DISTRICT_UNITS) + len(demo.PROVINCE_UNITS)
    for username, (role, unit_code) in DEMO_ACCOUNTS.items():
        user = User.get(User.username == username)
        assert user.role == role, username
        assert (user.unit.code if user.unit else None) == unit_code, username
        assert user.check_password("demo12345"), username
        assert user.active and not user.must_change_password, username
        assert username in result.output
    assert authority.in_force(dt.date(2025, 6, 30)).authority_name == "UBND huyện Phú Hòa"
    assert authority.in_force(dt.date(2025, 7, 1)).authority_name == "Sở Nội vụ tỉnh Đắk Lắk"


def test_demo_accounts_can_sign_in(runner, client):
    runner.invoke(args=["demo", "load"])
    response = client.post("/login", data={"username": "hoaan", "password": "demo12345"})
    assert response.headers["Location"] == "/"


def test_demo_load_is_idempotent(runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    after_first = counts()
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert counts() == after_first


def test_demo_load_keeps_the_authority_the_admin_changed(runner):
    runner.invoke(args=["demo", "load"])
    AuthorityVersion.update(authority_name="UBND huyện Khác").where(
        AuthorityVersion.valid_from.is_null()).execute()
    runner.invoke(args=["demo", "load"])
    assert authority.base().authority_name == "UBND huyện Khác"


def test_demo_load_if_empty_on_a_database_with_accounts_adds_nothing(runner):
    make_user("nguoicu", role="admin")
    before = counts()
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "The database already holds data; demo data not loaded again." in result.output
    assert counts() == before
    assert User.get_or_none(User.username == "thanhtra") is None


def test_demo_load_if_empty_on_an_empty_database_loads(runner):
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert User.select().count() == len(DEMO_ACCOUNTS) + len(demo.UNIT_HEADS)


def test_demo_load_refuses_an_unmigrated_database(make_app):
    app = make_app("empty.db")
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "flask --app wsgi db upgrade" in result.output


# --- users create -----------------------------------------------------------------------


def test_users_create_makes_an_account_from_stdin_password(runner):
    result = create_user(runner, "Thanhtra2", "--role", "inspector",
                         "--email", "tt2@example.vn", "--full-name", "Thanh Tra Hai")
    assert result.exit_code == 0, result.output
    assert "Created user thanhtra2 (inspector)." in result.output
    user = User.get(User.username == "thanhtra2")
    assert user.role == "inspector" and user.unit is None
    assert user.full_name == "Thanh Tra Hai" and user.email == "tt2@example.vn"
    assert user.check_password("longpassword")
    assert user.password_hash.startswith("scrypt:")
    assert "longpassword" not in result.output


def test_users_create_unit_head_with_unit_code(runner):
    unit = make_unit("X-HOAAN", "Xã Hòa An")
    result = create_user(runner, "truongxa", "--role", "unit_head", "--unit", "x-hoaan")
    assert result.exit_code == 0, result.output
    assert User.get(User.username == "truongxa").unit_id == unit.id


def test_users_create_full_name_defaults_to_username(runner):
    create_user(runner, "canbo", "--role", "leader")
    assert User.get(User.username == "canbo").full_name == "canbo"


def test_users_create_refuses_an_unknown_role(runner):
    result = create_user(runner, "canbo", "--role", "boss")
    assert result.exit_code != 0
    assert "Invalid value for '--role'" in result.output
    assert "'boss' is not one of" in result.output
    assert User.get_or_none(User.username == "canbo") is None


def test_users_create_refuses_a_unit_head_without_unit(app, runner):
    result = create_user(runner, "truongxa", "--role", "unit_head")
    assert result.exit_code != 0
    assert tr(app, "A unit head must belong to a unit.") in result.output
    assert User.get_or_none(User.username == "truongxa") is None


def test_users_create_refuses_an_unknown_unit_code(runner):
    result = create_user(runner, "truongxa", "--role", "unit_head", "--unit", "KHONG-CO")
    assert result.exit_code != 0
    assert "No unit with code 'KHONG-CO'." in result.output
    assert User.get_or_none(User.username == "truongxa") is None


def test_users_create_refuses_a_short_password(app, runner):
    result = create_user(runner, "canbo", "--role", "inspector", password="ngan")
    assert result.exit_code != 0
    assert tr(app, "The password must have at least %(n)d characters.", n=8) in result.output
    assert User.get_or_none(User.username == "canbo") is None


def test_users_create_refuses_a_duplicate_username(app, runner):
    make_user("canbo", full_name="Người Cũ")
    result = create_user(runner, "CANBO", "--role", "inspector")
    assert result.exit_code != 0
    assert tr(app, "This username is already taken.") in result.output
    assert User.select().where(User.username == "canbo").count() == 1
    assert User.get(User.username == "canbo").full_name == "Người Cũ"


@pytest.mark.parametrize("password", ["", "\n"])
def test_users_create_refuses_an_empty_password(runner, password):
    result = runner.invoke(args=["users", "create", "canbo", "--role", "inspector",
                                 "--password-stdin"], input=password)
    assert result.exit_code != 0
    assert User.get_or_none(User.username == "canbo") is None
