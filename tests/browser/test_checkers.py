"""Two checkers nobody here wrote, over every page of every role: axe-core (WCAG 2.1 AA)
in chromium at desktop and phone width, and the Nu HTML Checker (vnu.jar) on the HTML the
server sends.

The pages come from walking app.url_map as tests/test_access_matrix.py does, on the demo
data (every state of every object): each URL argument is filled with one object of each
state that the role may see, and a page is checked when it answers 200 with HTML. So a
new page is checked without anyone listing it, and a GET route no role reaches fails
test_every_page_is_checked unless SKIPPED says why.

The checkers are npm packages pinned in package.json; `make test` fetches them (`npm ci`).
"""
import datetime as dt
import itertools
import json
import os
import shutil
import subprocess
import warnings
from decimal import Decimal

import pytest

from inspect_app import clock, demo, labels, policy, schema
from inspect_app.admin import services as admin_services
from inspect_app.assessments import services as assessment_services
from inspect_app.assessments.demo import BANDS
from inspect_app.criteria import services as criteria_services
from inspect_app.inspections import services as inspection_services
from inspect_app.models import (
    AssessmentRound,
    AuthorityVersion,
    Category,
    ChecklistTemplate,
    CriteriaNode,
    CriteriaSet,
    CriteriaSetKind,
    DisciplineCase,
    DisciplineMeasure,
    Finding,
    Inspection,
    OutboxMessage,
    Plan,
    Unit,
    UnitAssessment,
    UnitKind,
    User,
    WorkCalendarDay,
)
from inspect_app.reports.monthly import Month
from tests.browser.conftest import ROOT, VIEWPORTS, LiveServer
from tests.helpers import url_rules
from tests.smtp import MailServer

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
NO_CHECKERS = ("CHECKERS SKIPPED: node_modules/axe-core, node_modules/vnu-jar or java is "
               "missing (`make test` runs `npm ci`; apt-get install nodejs npm "
               "default-jre-headless)")
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# A demo account of each role, and a visitor not signed in (the login page).
ACCOUNTS = {"anonymous": None, "admin": "admin", "inspector": "thanhtra",
            "leader": "lanhdao", "unit_head": "hoaan"}

# GET routes that are no page to check, and why.
SKIPPED = {
    "health.healthz": "JSON for the load balancer",
    "feeds.feed": "an iCalendar feed",
    "findings.export_csv": "a CSV download",
    "findings.export_xlsx": "a spreadsheet download",
    "discipline.export_xlsx": "a spreadsheet download",
    "criteria.export_xlsx": "a spreadsheet download",
    "assessments.export_xlsx": "a spreadsheet download",
    "files.download": "an uploaded file",
    "inspections.conclusion_pdf": "a PDF",
    "reports.monthly_pdf": "a PDF",
    "reports.unit_pdf": "a PDF",
    "assessments.sheet_pdf": "a PDF",
    "assessments.ranking_pdf": "a PDF",
    "admin.outbox_message_html": "an e-mail's HTML part, framed in the outbox page",
    "checklists.record_pdf": "a PDF",
    "api.checklist": "JSON for the offline checklist",
    "api.offline_manifest": "JSON for the offline checklist",
    "main.service_worker": "the service worker's script",
}

# URL argument -> (model, the policy action that lets a user see one (None: the page
# decides), the fields that tell its states apart).
OBJECTS = {
    "finding_id": (Finding, "findings.view", (Finding.status,)),
    "inspection_id": (Inspection, "inspections.view",
                      (Inspection.status, Inspection.appraisal_status)),
    "case_id": (DisciplineCase, "discipline.view", (DisciplineCase.status,)),
    "plan_id": (Plan, None, (Plan.status,)),
    "assessment_round_id": (AssessmentRound, None, (AssessmentRound.status,)),
    "assessment_id": (UnitAssessment, "sheets.view", (UnitAssessment.status,)),
    "criteria_set_id": (CriteriaSet, None, (CriteriaSet.status,)),
    "message_id": (OutboxMessage, None, (OutboxMessage.status,)),
    "user_id": (User, None, (User.role,)),
    "unit_id": (Unit, None, ()),
    "kind_id": (UnitKind, None, ()),
    "category_id": (Category, None, ()),
    "authority_version_id": (AuthorityVersion, None, ()),
    "work_calendar_day_id": (WorkCalendarDay, None, ()),
    "discipline_measure_id": (DisciplineMeasure, None, ()),
    "template_id": (ChecklistTemplate, None, (ChecklistTemplate.active,)),
}


def checkers_missing():
    """Whether a checker or Java is absent."""
    return not (AXE.exists() and VNU.exists() and shutil.which("java"))


@pytest.fixture(scope="module", autouse=True)
def checkers():
    """Under CI (.ci/run sets CI) a missing checker fails; elsewhere it skips, loudly."""
    if checkers_missing():
        if os.environ.get("CI"):
            pytest.fail(NO_CHECKERS)
        # A warning is repeated at the end of the run, where nobody can miss it.
        warnings.warn(pytest.PytestWarning(NO_CHECKERS), stacklevel=1)
        pytest.skip(NO_CHECKERS)


# --- the pages each role reaches -------------------------------------------------------


def representatives(user, argument):
    """The ids of one object of each state that user may see."""
    model, action, state = OBJECTS[argument]
    chosen = {}
    for obj in model.select().order_by(model.id):
        key = tuple(obj.__data__[field.name] for field in state)
        if key not in chosen and (action is None or policy.can(user, action, obj)):
            chosen[key] = obj.id
    return list(chosen.values())


def first_node(criteria_set_id, leaf):
    """The first top-level node (or leaf) of a criteria set."""
    nodes = (CriteriaNode
             .select()
             .where(CriteriaNode.criteria_set == criteria_set_id)
             .order_by(CriteriaNode.position))
    if leaf:
        return next((n for n in nodes if not n.children.exists()), None)
    return next((n for n in nodes if n.parent_id is None), None)


def node_arguments(user, rule):
    """Arguments naming a criteria node: a sheet's top-level field, a sheet's leaf for
    its evidence, a set's first node."""
    if "assessment_id" not in rule.arguments:
        return [{"criteria_set_id": set_id, "criteria_node_id": first_node(set_id, False).id}
                for set_id in representatives(user, "criteria_set_id")]
    found = []
    for sheet_id in representatives(user, "assessment_id"):
        sheet = UnitAssessment.get_by_id(sheet_id)
        node = first_node(sheet.assessment_round.criteria_set_id, "evidence" in rule.endpoint)
        found.append({"assessment_id": sheet_id, "criteria_node_id": node.id})
    return found


def argument_sets(username, rule):
    """Every set of arguments to open rule with, as the user."""
    user = User.get(User.username == username) if username else None
    if "criteria_node_id" in rule.arguments:
        return node_arguments(user, rule)
    if "template_item_id" in rule.arguments:
        return [{"template_id": template.id, "template_item_id": template.items.first().id}
                for template in ChecklistTemplate.select() if template.items.exists()]
    values = {}
    for name in rule.arguments:
        if name == "month":
            values[name] = [str(Month.of(clock.today()).previous())]
        elif name == "code":
            values[name] = [unit.code for unit in Unit.select().order_by(Unit.id)
                            if policy.can(user, "reports.unit", unit)][:1]
        else:
            values[name] = representatives(user, name)
    names = sorted(values)
    return [dict(zip(names, combination))
            for combination in itertools.product(*(values[name] for name in names))]


def sign_in(page, username):
    """Sign in through the login page (a visitor stays out)."""
    if username is None:
        return
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", demo.DEMO_PASSWORD)
    page.click("form[action^='/login'] button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def reachable_pages(live, context, username):
    """[(endpoint, url, html)]: every page the user's GET answers with 200 and HTML."""
    pages = []
    for rule, methods in url_rules(live.app):
        if "GET" not in methods or rule.endpoint in SKIPPED:
            continue
        for arguments in live.run(argument_sets, username, rule):
            url = rule.build(arguments)[1]
            response = context.request.get(url, max_redirects=0)
            if response.status == 200 and \
                    response.headers["content-type"].startswith("text/html"):
                pages.append((rule.endpoint, url, response.text()))
    return pages


def fill_the_demo_gaps():
    """The states the demo leaves out: a draft criteria set, a round being prepared, and
    draft conclusions that are appraised before they are issued, one with its appraiser."""
    admin, inspector, leader = (User.get(User.username == name)
                                for name in ("admin", "thanhtra", "lanhdao"))
    newest = CriteriaSet.select().order_by(CriteriaSet.id.desc()).get()
    criteria_services.new_version(admin, newest)
    kinds = UnitKind.select().join(CriteriaSetKind).where(CriteriaSetKind.criteria_set == newest)
    deadline = clock.today() + dt.timedelta(days=60)
    assessment_services.save_round(
        inspector, AssessmentRound(), "Đợt đánh giá đang chuẩn bị", newest.first_year, newest,
        Decimal(30), deadline, deadline + dt.timedelta(days=5),
        deadline + dt.timedelta(days=30), BANDS, kinds=list(kinds), team=[inspector])
    admin_services.save_settings(admin, {"conclusion_appraisal": "1"})
    unit = Inspection.get(Inspection.status == "in_progress").unit
    submitted, appraised = (draft_with_appraiser(admin, inspector, leader, unit, title)
                            for title in ("Kiểm tra công tác văn thư", "Kiểm tra công tác lưu trữ"))
    inspection_services.appraise_conclusion(leader, appraised, "Đồng ý với dự thảo.")


def draft_with_appraiser(admin, inspector, leader, unit, title):
    """A new inspection in progress whose draft conclusion went to the leader."""
    inspection, _overlaps = inspection_services.save_inspection(
        admin, Inspection(), unit=unit, title=title, start_date=clock.today(),
        end_date=clock.today(), lead=inspector, members=[inspector])
    inspection_services.start_inspection(admin, inspection)
    return inspection_services.submit_for_appraisal(inspector, inspection, leader)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """The demo served on a fresh database (every state of every object)."""
    mail_server = MailServer().start()
    live = LiveServer(tmp_path_factory.mktemp("checkers"), mail_server)
    live.run(schema.upgrade)
    live.run(demo.load)
    live.run(fill_the_demo_gaps)
    live.thread.start()
    yield live
    live.stop()
    mail_server.stop()


@pytest.fixture(scope="module")
def site(browser, demo_server):
    """{role: [(endpoint, url, html)]}: what each role's walk of app.url_map reaches,
    with a signed-in browser context per role (at desktop width)."""
    pages = {}
    for role, username in ACCOUNTS.items():
        context = browser.new_context(base_url=demo_server.url, locale="vi-VN")
        sign_in(context.new_page(), username)
        pages[role] = reachable_pages(demo_server, context, username)
        context.close()
    return pages


# --- the tests -------------------------------------------------------------------------


def test_every_role_has_an_account():
    assert set(ACCOUNTS) - {"anonymous"} == set(labels.ROLE)


def test_every_page_is_checked(demo_server, site):
    visited = {endpoint for pages in site.values() for endpoint, _url, _html in pages}
    get_routes = {rule.endpoint for rule, methods in url_rules(demo_server.app)
                  if "GET" in methods}
    assert get_routes - visited - set(SKIPPED) == set()
    assert set(SKIPPED) <= get_routes, "SKIPPED names routes that are gone"


def axe_violations(page):
    """axe-core's WCAG 2.1 A and AA violations on the open page, as short lines."""
    page.evaluate(AXE.read_text())
    found = page.evaluate("""tags => axe.run(document, {
        runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
        .then(results => results.violations.map(v => ({id: v.id,
            nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary)})))""",
                          WCAG_AA)
    return [f"{v['id']}: {node}" for v in found for node in v["nodes"]]


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("role", sorted(ACCOUNTS))
def test_axe_finds_no_violation(browser, demo_server, site, role, viewport):
    context = browser.new_context(base_url=demo_server.url, locale="vi-VN",
                                  viewport=VIEWPORTS[viewport])
    page = context.new_page()
    sign_in(page, ACCOUNTS[role])
    wrong = []
    for _endpoint, url, _html in site[role]:
        page.goto(url)
        wrong += [f"{url}: {line}" for line in axe_violations(page)]
    context.close()
    assert not wrong, "\n".join(wrong)


def test_nu_html_checker_finds_no_error(site, tmp_path):
    pages = {}
    for role, reached in site.items():
        for number, (_endpoint, url, html) in enumerate(reached):
            path = tmp_path / f"{role}-{number}.html"
            path.write_text(html, encoding="utf-8")
            pages[path.name] = f"{role} {url}"
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json",
                             *sorted(str(tmp_path / name) for name in pages)],
                            capture_output=True, text=True, check=False)
    messages = json.loads(result.stderr)["messages"]
    wrong = [f"{pages[m['url'].rsplit('/', 1)[1]]}: {m['message']} "
             f"({m.get('extract', '').strip()})" for m in messages]
    assert not wrong, "\n".join(wrong)


def test_the_administrators_menu_fits_one_line_at_desktop_width(browser, demo_server):
    context = browser.new_context(base_url=demo_server.url, locale="vi-VN",
                                  viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    sign_in(page, ACCOUNTS["admin"])
    boxes = page.eval_on_selector_all("#mainNav > ul > li", """items => items.map(item => {
        const box = item.getBoundingClientRect();
        return [box.top, box.height, box.right];
    })""")
    context.close()
    assert len(boxes) > 5
    assert len({(top, height) for top, height, _right in boxes}) == 1
    assert max(right for _top, _height, right in boxes) <= VIEWPORTS["desktop"]["width"]
