"""The main menu: it marks the page the user is on, groups the administrator's links into
a few dropdowns, and its toggle on narrow screens says what it is."""
import re

from tests.factories import make_finding, make_user
from tests.helpers import text, tr


def menu(page):
    """The main menu's HTML (the <nav> of base.html)."""
    return re.search(r'<nav class="navbar.*?</nav>', page, re.S).group(0)


def marks(page):
    """{link address: its aria-current} for every marked link of the main menu."""
    return {href: mark for href, mark in re.findall(
        r'<a [^>]*href="([^"]+)"[^>]*aria-current="([^"]+)"', menu(page))}


def dropdowns(page):
    """{dropdown's label: [addresses of its links]} of the main menu."""
    found = {}
    pattern = (r'data-bs-toggle="dropdown"[^>]*>([^<]+)</a>\s*'
               r'<ul class="dropdown-menu[^"]*">(.*?)</ul>')
    for label, links in re.findall(pattern, menu(page), re.S):
        found[label] = re.findall(r'href="([^"]+)"', links)
    return found


def test_menu_marks_the_current_page_and_only_it(client, auth):
    make_user("quantri", role="admin")
    auth.login("quantri")
    assert marks(text(client.get("/"))) == {"/": "page"}
    assert marks(text(client.get("/findings"))) == {"/findings": "page"}
    assert marks(text(client.get("/admin/users"))) == {"/admin/users": "page"}


def test_a_page_inside_a_section_marks_the_section(client, auth):
    make_user("quantri", role="admin")
    finding = make_finding()
    auth.login("quantri")
    assert marks(text(client.get(f"/findings/{finding.id}"))) == {"/findings": "true"}
    page = text(client.get("/admin/units/new"))
    assert marks(page) == {"/admin/units": "true"}
    # The dropdown holding the marked link is marked too, so the mark shows when it is shut.
    assert re.search(r'class="nav-link dropdown-toggle active"[^>]*>'
                     + re.escape(tr(client.application, "Catalogues")), menu(page))


def test_admin_menu_is_grouped_into_dropdowns(client, auth):
    admin = make_user("quantri", role="admin")
    auth.login("quantri")
    page = text(client.get("/"))
    app = client.application
    assert dropdowns(page) == {
        tr(app, "CCHC index"): ["/assessments", "/criteria"],
        tr(app, "Catalogues"): ["/admin/units", "/admin/categories",
                                "/admin/discipline-measures", "/admin/authority",
                                "/admin/calendar", "/admin/checklist-templates"],
        tr(app, "System"): ["/admin/users", "/admin/settings", "/admin/audit",
                            "/admin/outbox"],
        admin.full_name: ["/account", "/account/password"],
    }


def test_a_group_with_one_link_for_the_user_is_that_link(client, auth):
    head = make_user("truongxa", role="unit_head")
    auth.login("truongxa")
    page = text(client.get("/"))
    assert list(dropdowns(page)) == [head.full_name]
    assert f'<a class="nav-link" href="/assessments">{tr(client.application, "CCHC index")}' \
        in menu(page)


def test_menu_toggle_says_menu_in_words(client, auth):
    make_user("thanhtra", role="inspector")
    auth.login("thanhtra")
    toggle = re.search(r'<button class="navbar-toggler".*?</button>', text(client.get("/")),
                       re.S).group(0)
    label = tr(client.application, "Menu")
    assert label == "Trình đơn"
    assert f'aria-label="{label}"' in toggle and f">{label}</span>" in toggle


def test_links_follow_the_path_the_app_is_served_under_each_request(client, auth):
    """Links are built once and kept, per path the app is mounted at (SCRIPT_NAME)."""
    make_user("quantri", role="admin")
    auth.login("quantri")
    plain = text(client.get("/findings"))
    mounted = text(client.get("/findings", base_url="http://localhost/thanhtra/"))
    assert 'href="/admin/users"' in menu(plain)
    assert 'href="/thanhtra/admin/users"' in menu(mounted)
    assert 'href="/admin/users"' not in menu(mounted)
    assert '/thanhtra/static/css/app.css' in mounted
    assert '/thanhtra/' not in text(client.get("/findings"))
