"""Names in Vietnamese alphabetical order: the key, and every kind of list that shows it."""
import datetime as dt
import io
import re

import pytest
import time_machine
from openpyxl import load_workbook

from inspect_app import schema
from inspect_app.db import db
from inspect_app.models import Unit, UnitKind
from inspect_app.text import sort_key
from tests.factories import make_criteria_set, make_issued_finding, make_round, make_unit, make_user
from tests.helpers import pdf_text, sign_in, text

# 10:00 in Hanoi on 15 November 2026.
NOW = dt.datetime(2026, 11, 15, 3, 0, tzinfo=dt.timezone.utc)
# In Vietnamese order; code point order would put "Xã Hòa Trị" before "Xã Hòa Định Tây"
# and "Xã Tây" before "Xã Đông".
COMMUNES = ["Xã Anh Sơn", "Xã Ân Hảo", "Xã Dương Minh", "Xã Đông Hòa", "Xã Hòa Định Tây",
            "Xã Hòa Trị", "Xã Tây Hòa"]


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize("earlier, later", [
    ("Xã Hòa Định Tây", "Xã Hòa Trị"),
    ("Dương", "Đông"),
    ("Đông", "Tây"),
    ("Anh", "Ân"),
    ("An", "Ăn"),
    ("Ăn", "Ân"),
    ("Ô", "Ơ"),
    ("U", "Ư"),
    ("Ha", "Hà"),
    ("Hà", "Hả"),
    ("Hả", "Hã"),
    ("Hã", "Há"),
    ("Há", "Hạ"),
    ("hoa", "Hoa"),
    ("Xã Phú Hòa 2", "Xã Phú Hòa 10"),
    ("Hòa", "Hòa An"),
])
def test_sort_key_follows_the_vietnamese_alphabet_then_tones_then_case(earlier, later):
    assert sort_key(earlier) < sort_key(later)


def test_old_and_new_tone_placement_sort_alike():
    assert sort_key("Thuận Hoà") == sort_key("Thuận Hòa")


def test_sort_key_is_hex_digits_that_any_collation_compares_alike():
    assert set(sort_key("Xã Đông Hòa, khu 2")) <= set("0123456789abcdef")


def test_saving_a_renamed_unit_keeps_its_sort_key(app):
    unit = make_unit("X-DONG", "Xã Đông Hòa")
    unit.name = "Xã Tây Hòa"
    unit.save()
    assert Unit.get_by_id(unit.id).sort_name == sort_key("Xã Tây Hòa")


@pytest.fixture
def communes(app):
    """The communes, created out of order, each with the same overdue finding."""
    units = [make_unit(f"X-{index}", name)
             for index, name in sorted(enumerate(COMMUNES), key=lambda pair: pair[1])]
    for unit in units:
        make_issued_finding(unit, dt.date(2026, 9, 20), dt.date(2026, 10, 10))
    make_user("inspector", role="inspector")
    return units


def in_order(shown, names=COMMUNES):
    """The names, in the order they first appear in shown."""
    return sorted(names, key=shown.index)


def test_unit_select_lists_communes_in_vietnamese_order(client, communes):
    sign_in(client, "inspector")
    page = client.get("/reports").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="unit".*?</select>', page, re.S).group(0)
    options = re.findall(r"<option[^>]*>([^<]*)</option>", select)
    assert [name.strip() for name in options if name.strip() in COMMUNES] == COMMUNES


def test_unit_list_page_lists_communes_in_vietnamese_order(client, communes):
    sign_in(client, "inspector")
    assert in_order(text(client.get("/reports/units"))) == COMMUNES


def test_monthly_summary_pdf_lists_communes_in_vietnamese_order(client, communes):
    sign_in(client, "inspector")
    assert in_order(text(client.get("/reports/monthly/2026-10"))) == COMMUNES
    assert in_order(pdf_text(client.get("/reports/monthly/2026-10.pdf").data)) == COMMUNES


def test_round_workbook_lists_communes_in_vietnamese_order(client, app):
    units = [make_unit(f"X-{index}", name) for index, name in enumerate(reversed(COMMUNES))]
    team = make_user("inspector", role="inspector")
    assessment_round = make_round(make_criteria_set(), units, team=[team])
    sign_in(client, team)
    book = load_workbook(io.BytesIO(client.get(
        f"/assessments/{assessment_round.id}/export.xlsx").data))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert [row[2] for row in rows[1:]] == COMMUNES


def test_migration_gives_existing_units_the_key_of_their_name(make_app, monkeypatch):
    app = make_app("before-0022.db")
    with app.app_context():
        db.connect(reuse_if_open=True)
        every = schema.migration_files()
        monkeypatch.setattr(schema, "migration_files",
                            lambda: [path for path in every if path.stem < "0022"])
        schema.upgrade()
        kind = UnitKind.get(UnitKind.code == "xa")
        for code, name in (("X-TRI", "Xã Hòa Trị"), ("X-DINH", "Xã Hòa Định Tây")):
            db.execute_sql(f"INSERT INTO unit (code, name, kind_id, email, active) "
                           f"VALUES ({db.obj.param}, {db.obj.param}, {db.obj.param}, '', "
                           f"{db.obj.param})", (code, name, kind.id, True))
        monkeypatch.undo()
        schema.upgrade()
        assert [unit.code for unit in Unit.select().order_by(Unit.sort_name)] == \
            ["X-DINH", "X-TRI"]
        db.close()


def test_criteria_sets_of_a_year_are_listed_in_vietnamese_order(client, app):
    for name in ("Bộ chỉ số Đông", "Bộ chỉ số Dương", "Bộ chỉ số Tây"):
        make_criteria_set(name=name)
    make_user("quantri", role="admin")
    sign_in(client, "quantri")
    names = ["Bộ chỉ số Dương", "Bộ chỉ số Đông", "Bộ chỉ số Tây"]
    assert in_order(text(client.get("/criteria")), names) == names


def test_accounts_are_listed_by_full_name_in_vietnamese_order(client, app):
    names = ["Đặng Văn Bình", "Dương Thị Lan", "Âu Văn Nam", "Anh Thị Hoa"]
    for index, name in enumerate(names):
        make_user(f"nguoi{index}", full_name=name)
    make_user("zz", role="admin", full_name="Vũ Quản Trị")
    sign_in(client, "zz")
    assert in_order(text(client.get("/admin/users")), names) == \
        ["Anh Thị Hoa", "Âu Văn Nam", "Dương Thị Lan", "Đặng Văn Bình"]
