"""Pages make the same number of queries whatever the amount of data (see bench/run.py)."""
import re

from playhouse.test_utils import count_queries

from inspect_app.findings import queries as findings_queries
from tests.factories import make_concluded_inspection, make_finding, make_unit, make_user


def queries_of(client, url):
    """The number of SQL queries one GET of url makes."""
    with count_queries() as counted:
        assert client.get(url).status_code == 200
    return counted.count


def add_findings(count):
    """count findings, each in an inspection of its own unit."""
    for _n in range(count):
        make_finding(inspection=make_concluded_inspection(make_unit()))


def test_staff_pages_make_as_many_queries_with_more_data(client, auth):
    make_user("thanhtra")
    auth.login("thanhtra")
    add_findings(1)
    urls = ["/", "/findings", "/findings?status=overdue", "/findings?q=tre+han",
            "/findings?page=2"]
    before = {url: queries_of(client, url) for url in urls}
    add_findings(12)
    assert {url: queries_of(client, url) for url in urls} == before


def test_inspection_filter_keeps_an_older_inspection_asked_for(client, auth, monkeypatch):
    monkeypatch.setattr(findings_queries, "INSPECTION_CHOICES", 1)
    make_user("thanhtra")
    auth.login("thanhtra")
    older = make_concluded_inspection(make_unit(), title="Kiểm tra cũ")
    make_finding(inspection=older, code="OLD-1")
    make_finding(inspection=make_concluded_inspection(make_unit(), title="Kiểm tra mới"))
    page = client.get(f"/findings?inspection={older.id}").get_data(as_text=True)
    assert "OLD-1" in page
    option = re.search(rf'<option[^>]*value="{older.id}"[^>]*>Kiểm tra cũ', page)
    assert option and "selected" in option.group(0)
