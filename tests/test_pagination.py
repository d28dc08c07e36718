"""Every list pages the same way (web.paginate): each row on exactly one page, and a page
past the end shows the last page, whether the list is counted or only probed for more."""
import re

import pytest

from inspect_app import audit
from inspect_app.mail.outbox import enqueue
from tests.factories import make_case, make_finding, make_inspection, make_user
from tests.helpers import text

PER_PAGE = 4
# Ten rows of four a page: pages of 4, 4 and 2 rows.
ROWS = [f"dong-{n:02d}" for n in range(10)]
LAST_PAGE = 3

# Each list: its page size's setting, and how to add a row that shows the given marker.
LISTS = {
    "/findings": ("inspect_app.findings.listing.PER_PAGE",
                  lambda marker: make_finding(title=marker)),
    "/inspections": ("inspect_app.inspections.routes.PER_PAGE",
                     lambda marker: make_inspection(title=marker)),
    "/discipline": ("inspect_app.discipline.routes.PER_PAGE",
                    lambda marker: make_case(official_name=marker)),
    "/admin/audit?entity=marker": ("inspect_app.admin.routes.AUDIT_PAGE_SIZE",
                                   lambda marker: audit.record_event(None, "update", "marker",
                                                                     None, {"row": marker})),
    "/admin/outbox": ("inspect_app.admin.routes.OUTBOX_PAGE_SIZE",
                      lambda marker: enqueue(marker, ["nguoinhan@example.vn"], marker, "Nội dung")),
}


@pytest.fixture(params=list(LISTS))
def listing(request, app, client, auth, monkeypatch):
    """A list's URL, ten rows in it, an administrator signed in and four rows a page."""
    setting, add = LISTS[request.param]
    monkeypatch.setattr(setting, PER_PAGE)
    for marker in ROWS:
        add(marker)
    make_user("quantri", role="admin")
    auth.login("quantri")
    return request.param


def rows_on(client, url, page):
    """The markers of the rows the list's table shows on page."""
    separator = "&" if "?" in url else "?"
    body = text(client.get(f"{url}{separator}page={page}")).split("<tbody", 1)[1]
    return re.findall(r"dong-\d\d", body.split("</tbody>", 1)[0])


def test_every_row_is_on_exactly_one_page(client, listing):
    pages = [rows_on(client, listing, page) for page in range(1, LAST_PAGE + 1)]
    assert [len(rows) for rows in pages] == [4, 4, 2]
    assert sorted(row for rows in pages for row in rows) == ROWS


@pytest.mark.parametrize("page", [LAST_PAGE + 1, 9, 10**30])
def test_a_page_past_the_end_shows_the_last_page(client, listing, page):
    last = rows_on(client, listing, LAST_PAGE)
    assert len(last) == 2
    assert rows_on(client, listing, page) == last
