"""The findings search through its trigram index (migration 0023): the same findings as
comparing every finding's text, for short, accented and common words, after every write."""
import re

import pytest
from playhouse.test_utils import count_queries

from inspect_app.db import db, is_sqlite
from inspect_app.findings import queries
from inspect_app.models import Finding
from inspect_app.text import fold
from tests.conftest import ON_POSTGRESQL
from tests.factories import make_concluded_inspection, make_finding, make_unit, make_user
from tests.helpers import text

TITLES = {
    "F-LATE": "Hồ sơ trễ hạn trả kết quả",
    "F-CAPS": "TRỄ HẠN giải quyết thủ tục",
    "F-POST": "Niêm yết thủ tục hành chính chưa đầy đủ",
    "F-DIGI": "Số hóa hồ sơ chưa đúng quy định",
    "F-ONE": "Một cửa chưa đúng hạn",
    "F-QUOTE": 'Ghi "tạm" trên 100% hồ sơ_mẫu',
}
WORDS = ["tre han", "TRỄ hạn trả", "ho so", "hồ sơ", "so", "a", "đúng", "dung han",
         "niem yet thu tuc", "HÓA", "f-late", "ủ t", "chưa đúng quy", "khong co",
         '"tam"', "100%", "so_mau", "o_m", "%", "hạn trả kết"]


def listed_codes(client, words):
    """The codes the findings list shows for a search, in the list's order."""
    response = client.get("/findings", query_string={"q": words})
    assert response.status_code == 200
    table = text(response).split('class="table table-sm findings-table"', 1)[1]
    return re.findall(r'<td class="cell-code"><a href="[^"]*">(.*?)</a></td>', table)


def compared(words):
    """The codes whose folded text holds every folded word, in the list's order (no index)."""
    wanted = fold(words).split()
    rows = Finding.select().order_by(*queries.LIST_ORDER)
    return [row.code for row in rows if all(word in row.search_text for word in wanted)]


@pytest.fixture
def staff(app, client, auth):
    """An inspector's client over findings with accented, quoted and underscored titles."""
    inspection = make_concluded_inspection(make_unit(name="Xã Hòa Thịnh"))
    for code, title in TITLES.items():
        make_finding(code=code, title=title, inspection=inspection)
    make_user("thanhtra")
    auth.login("thanhtra")
    return client


def test_the_same_findings_with_and_without_the_index(staff, monkeypatch):
    found = {}
    for mode, trigram, common in (("index", 3, 500), ("probe says common", 3, 0),
                                  ("no index", 10**9, 500)):
        monkeypatch.setattr(queries, "TRIGRAM", trigram)
        monkeypatch.setattr(queries, "COMMON", common)
        found[mode] = {words: listed_codes(staff, words) for words in WORDS}
    expected = {words: compared(words) for words in WORDS}
    assert found["index"] == found["probe says common"] == found["no index"] == expected
    assert expected["tre han"] == ["F-LATE", "F-CAPS"]
    assert expected["hồ sơ"] == ["F-LATE", "F-DIGI", "F-QUOTE"]
    assert expected["so_mau"] == ["F-QUOTE"] and expected["%"] == ["F-QUOTE"]
    assert expected["khong co"] == []


@pytest.mark.skipif(ON_POSTGRESQL, reason="the FTS5 index is SQLite's")
def test_a_rare_word_is_looked_up_in_the_index_and_a_common_one_is_not(staff, monkeypatch):
    def searched_index(words):
        with count_queries() as counted:
            listed_codes(staff, words)
        return any("finding_search MATCH" in query.msg[0]
                   and "COUNT(*)" not in query.msg[0] for query in counted.get_queries())

    assert searched_index("tre han") and not searched_index("so")
    monkeypatch.setattr(queries, "COMMON", 1)
    assert not searched_index("tre han")


def test_the_index_follows_every_write(staff, app):
    late = Finding.get(Finding.code == "F-LATE")
    Finding.update(search_text=fold("F-LATE Hồ sơ quá thời hạn")).where(
        Finding.id == late.id).execute()
    make_finding(code="F-NEW", title="Trả kết quả trễ hạn",
                 inspection=late.inspection)
    Finding.delete().where(Finding.code == "F-CAPS").execute()
    assert listed_codes(staff, "tre han") == compared("tre han") == ["F-NEW"]
    assert listed_codes(staff, "qua thoi han") == ["F-LATE"]
    if is_sqlite():
        # FTS5 compares the index with the finding table's text and raises on a difference.
        db.execute_sql("INSERT INTO finding_search(finding_search) "
                       "VALUES ('integrity-check')")
