"""Nobody receives by e-mail what the app would not show them.

One world, every kind of e-mail: two units (each with a head and a shared address), an
inspection of unit A whose draft conclusion is returned by its appraiser, appraised, then
issued with findings for A and for B, remediation reports,
extension requests, overdue findings and a disciplinary case per unit. The real services
and jobs (jobs reminders, escalate, monthly) queue the e-mails, `jobs send-mail` delivers
them to a real SMTP server, and then, for every message and every recipient (a user, or a
unit's shared address standing for that unit's head):

- every link in the text and HTML bodies, opened by a client signed in as the recipient,
  answers 200;
- every finding code and disciplinary case (its #id or the official's name) named in the
  bodies or in the attached PDFs is one the recipient may see in the app
  (findings.view / discipline.view). An attached document the app itself serves the
  recipient (fetched as them: 200) may name what that document names.

The walk must render every template of templates/emails/, so a new kind of e-mail cannot
escape it.
"""
import base64
import datetime as dt
import html
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from flask import template_rendered

from inspect_app.admin.services import save_settings
from inspect_app.assessments import services as assessments
from inspect_app.assessments.queries import get_sheet
from inspect_app.findings.services import (
    accept_report,
    decide_extension,
    request_changes,
    request_extension,
    submit_report,
)
from inspect_app.inspections.services import (
    appraise_conclusion,
    issue_conclusion,
    return_conclusion,
    submit_for_appraisal,
)
from inspect_app.jobs import reminders
from inspect_app.models import (
    CriteriaNode,
    DisciplineCase,
    Finding,
    Inspection,
    OutboxMessage,
    Unit,
    User,
)
from inspect_app.pdf import documents
from inspect_app.policy import can
from inspect_app.reports.monthly import Month
from inspect_app.units.services import reorganise
from tests.factories import (
    make_case,
    make_criteria_set,
    make_finding,
    make_inspection_in_progress,
    make_round,
    make_unit,
    make_user,
    record_draft,
)
from tests.helpers import pdf_text, sign_in, tr
from tests.smtp import smtp_config

# 10:00 in Hanoi on the day the conclusion is issued, and on the day the jobs run (a
# Monday: no reminder goes out on a day off).
ISSUED_AT = dt.datetime(2026, 10, 5, 3, 0, tzinfo=dt.timezone.utc)
JOBS_AT = dt.datetime(2026, 11, 2, 3, 0, tzinfo=dt.timezone.utc)
JOBS_DAY = "2026-11-02"
MONTH = Month(2026, 10)
LINK = re.compile(r"https?://testserver[^\s\"'<>]*")


@pytest.fixture
def app_config(smtp_server):
    return smtp_config(smtp_server)


@pytest.fixture
def rendered_emails(app):
    """The names of the e-mail templates rendered during the test."""
    rendered = set()

    def remember(sender, template, context, **extra):
        name = template.name or ""
        if name.startswith("emails/") and name.endswith(".subject.txt"):
            rendered.add(name.removeprefix("emails/").removesuffix(".subject.txt"))

    with template_rendered.connected_to(remember, app):
        yield rendered


@pytest.fixture
def world(app, rendered_emails):
    """Units A and B with heads and shared addresses, a leader, the lead, the conclusion."""
    unit_a = make_unit("X-HOAAN", "Xã Hòa An", email="ubnd@hoaan.example.vn")
    unit_b = make_unit("P-NOIVU", "Phòng Nội vụ", kind_code="phong_ban",
                       email="vanthu@noivu.example.vn")
    people = {
        "head_a": make_user("chutich", role="unit_head", unit=unit_a,
                            email="chutich@hoaan.example.vn"),
        "head_b": make_user("truongphong", role="unit_head", unit=unit_b,
                            email="truongphong@noivu.example.vn", locale="en"),
        "leader": make_user("lanhdao", role="leader", email="lanhdao@phuhoa.example.vn"),
        "lead": make_user("truongdoan", role="inspector",
                          email="truongdoan@phuhoa.example.vn"),
    }
    with time_machine.travel(ISSUED_AT, tick=False):
        inspection = make_inspection_in_progress(unit_a, lead=people["lead"],
                                                 start=dt.date(2026, 9, 21))
        drafts = {
            "a1": record_draft(inspection, title="Hồ sơ giải quyết trễ hạn", deadline_days=10),
            "a2": record_draft(inspection, title="Chưa niêm yết thủ tục", deadline_days=20),
            "a3": record_draft(inspection, title="Sổ theo dõi ghi thiếu", deadline_days=12),
            "b1": record_draft(inspection, title="Hồ sơ công chức thiếu", deadline_days=10,
                               responsible_unit=unit_b),
            "b2": record_draft(inspection, title="Chưa cập nhật cơ sở dữ liệu",
                               deadline_days=15, responsible_unit=unit_b),
        }
        appraise_then_issue(people, inspection)
    findings = {name: Finding.get_by_id(draft.id) for name, draft in drafts.items()}
    cases = {
        "a": make_case(unit=unit_a, official_name="Trần Văn Khánh",
                       opened_on=dt.date(2026, 7, 1), deadline=dt.date(2026, 10, 20)),
        "b": make_case(unit=unit_b, official_name="Phạm Thị Lan",
                       opened_on=dt.date(2026, 7, 1), deadline=dt.date(2026, 10, 18)),
    }
    # The service changes the inspection's row, not the object handed to it.
    return {"unit_a": unit_a, "unit_b": unit_b,
            "inspection": Inspection.get_by_id(inspection.id), "findings": findings,
            "cases": cases, **people}


def appraise_then_issue(people, inspection):
    """The draft goes to the leader, comes back with notes, is appraised, then issued."""
    save_settings(None, {"conclusion_appraisal": "1"})
    submit_for_appraisal(people["lead"], inspection, people["leader"], "Đơn vị còn chậm.")
    return_conclusion(people["leader"], inspection, "Bổ sung căn cứ pháp lý.")
    submit_for_appraisal(people["lead"], inspection, people["leader"])
    appraise_conclusion(people["leader"], inspection, "Đủ điều kiện ban hành.")
    issue_conclusion(people["lead"], inspection, "12/KL-UBND", dt.date(2026, 10, 5))


def work_on_findings(world):
    """Reports, reviews and extension requests, decided both ways, through the services."""
    findings, lead = world["findings"], world["lead"]
    with time_machine.travel(ISSUED_AT + dt.timedelta(days=5), tick=False):
        accept_report(lead, submit_report(world["head_a"], findings["a1"], "Đã xin lỗi"))
        request_changes(lead, submit_report(world["head_b"], findings["b1"], "Đã bổ sung"),
                        "Thiếu bản sao quyết định")
        decide_extension(lead, request_extension(world["head_a"], findings["a2"],
                                                 dt.date(2026, 11, 30), "Chờ kinh phí"),
                         approve=True)
        decide_extension(world["leader"], request_extension(
            world["head_b"], findings["b2"], dt.date(2026, 12, 15), "Thiếu người"),
            approve=False, note="Đủ thời gian")


def merge_a_commune_into_unit_a(world):
    """Xã Hòa Trị, with an open finding and a case, merged into unit A: A's head is told."""
    hoa_tri = make_unit("X-HOATRI", "Xã Hòa Trị")
    finding = make_finding(hoa_tri, "open", dt.date(2026, 11, 20), code="7/KL-UBND-1",
                           title="Chưa công khai thủ tục")
    case = make_case(unit=hoa_tri, official_name="Đỗ Văn Tâm", opened_on=dt.date(2026, 8, 1))
    with time_machine.travel(ISSUED_AT + dt.timedelta(days=6), tick=False):
        reorganise(None, "merge", dt.date(2026, 10, 10), [hoa_tri], [world["unit_a"]])
    return finding, case
def work_on_the_index(world):
    """A CCHC index round of both units taken to its published ranking (with an
    explanation asked of unit A), and a second round whose self-assessment is due three
    days after the jobs' day, so its reminders go out."""
    admin = make_user("quantri", role="admin")
    criteria_set = make_criteria_set(kinds=("xa", "phuong", "phong_ban"), actor=admin)
    nodes = CriteriaNode.select().where(CriteriaNode.criteria_set == criteria_set)
    leaves = {n.code: n for n in nodes}
    claimed = {"1.1": 4, "1.2.1": 3, "1.2.2": 3, "2.1": 5}
    appraised = {"1.1": 2, "1.2.1": Decimal("1.5"), "1.2.2": 3, "2.1": 4}

    def score(actor, sheet, points, asks=()):
        assessments.save_scores(actor, get_sheet(sheet.id), {
            leaves[code].id: assessments.AnswerInput(points=Decimal(value), note="Đủ hồ sơ",
                                                     ask=code in asks)
            for code, value in points.items()})

    with time_machine.travel(ISSUED_AT + dt.timedelta(days=5), tick=False):
        index_round = make_round(criteria_set, [world["unit_a"], world["unit_b"]],
                                 team=[world["lead"]], self_deadline=dt.date(2026, 10, 20))
        for sheet in index_round.sheets:
            head = world["head_a"] if sheet.unit_id == world["unit_a"].id else world["head_b"]
            score(head, sheet, claimed)
            assessments.submit_self_assessment(head, get_sheet(sheet.id))
            score(world["lead"], sheet, appraised, asks=("1.1",) if head == world["head_a"] else ())
            assessments.finish_first_appraisal(world["lead"], get_sheet(sheet.id),
                                               dt.date(2026, 10, 15))
            if head == world["head_a"]:
                assessments.save_scores(head, get_sheet(sheet.id), {
                    leaves["1.1"].id: assessments.AnswerInput(explanation="Đã bổ sung")})
                assessments.submit_explanation(head, get_sheet(sheet.id))
            assessments.finish_second_appraisal(world["lead"], get_sheet(sheet.id))
        assessments.publish_round(world["leader"], index_round, "15/QĐ-UBND",
                                  dt.date(2026, 10, 10))
        make_round(criteria_set, [world["unit_a"], world["unit_b"]], team=[world["lead"]],
                   self_deadline=dt.date(2026, 11, 5), name="Tự đánh giá bổ sung")
    return index_round


def run_jobs(runner):
    """The daily and monthly jobs, then the delivery, as the scheduler would run them."""
    for args in (["jobs", "reminders", "--today", JOBS_DAY],
                 ["jobs", "escalate", "--today", JOBS_DAY],
                 ["jobs", "monthly", "--today", JOBS_DAY],
                 ["jobs", "send-mail"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output


def email_templates(app):
    """The names of the e-mails templates/emails/ can render (one subject file each)."""
    folder = Path(app.template_folder) / "emails"
    return {path.name.removesuffix(".subject.txt") for path in folder.glob("*.subject.txt")}


def squashed(text):
    """text without any white space, so that no line break splits a code or a name."""
    return "".join(text.split())


def message_attachments(message):
    """[(file name, bytes)] of an outbox message's attachments."""
    return [(a["filename"], base64.b64decode(a["content_b64"]))
            for a in json.loads(message.attachments)]


class Walk:
    """Checks delivered e-mails recipient by recipient, and remembers what it saw."""

    def __init__(self, app, served):
        self.app, self.served = app, served
        self.clients, self.problems = {}, []
        self.findings = list(Finding.select().where(Finding.code.is_null(False)))
        self.cases = list(DisciplineCase.select())
        # username -> paths of the links opened, codes and case ids read.
        self.opened, self.read = {}, {}

    def user(self, address):
        """The user of an address; a unit's shared address stands for that unit's head."""
        user = User.get_or_none(User.email == address)
        if user is not None:
            return user
        return (User
                .select()
                .join(Unit)
                .where(Unit.email == address, User.role == "unit_head")
                .order_by(User.id)
                .get())

    def client(self, user):
        """A test client signed in as user."""
        if user.id not in self.clients:
            client = self.app.test_client()
            sign_in(client, user)
            self.clients[user.id] = client
        return self.clients[user.id]

    def named(self, text):
        """(the findings, the cases) text names: by code, by #id or the official's name."""
        words = squashed(text)
        return ([f for f in self.findings if f.code in words],
                [case for case in self.cases if re.search(rf"#{case.id}(?!\d)", text)
                 or squashed(case.official_name) in words])

    def check(self, message, address):
        """Open the message's links and read its texts as the user behind address."""
        user = self.user(address)
        where = f"{message.subject!r} to {address}"
        bodies = message.body("plain") + "\n" + html.unescape(message.body("html"))
        for url in sorted(set(LINK.findall(bodies))):
            path = url.removeprefix("http://testserver")
            self.opened.setdefault(user.username, set()).add(path)
            status = self.client(user).get(path).status_code
            if status != 200:
                self.problems.append(f"{where}: {url} answers {status}")
        self.read_text(user, where, "the body", bodies)
        for filename, data in message.attachments():
            self.read_text(user, where, filename, pdf_text(data), self.served_copy(
                user, where, filename))

    def served_copy(self, user, where, filename):
        """The findings named by the app's own copy of an attached document, if it has one.

        The recipient may read in the attachment what the app serves them anyway.
        """
        if filename not in self.served:
            return []
        copy = self.client(user).get(self.served[filename])
        if copy.status_code != 200:
            self.problems.append(f"{where}: {filename} is attached, the app answers "
                                 f"{copy.status_code} for it")
            return []
        return self.named(pdf_text(copy.data))[0]

    def read_text(self, user, where, name, text, allowed=()):
        """Note every finding and case text names that user may not see."""
        findings, cases = self.named(text)
        self.read.setdefault(user.username, set()).update(
            [f.code for f in findings] + [f"#{case.id}" for case in cases])
        for finding in findings:
            if finding not in allowed and not can(user, "findings.view", finding):
                self.problems.append(f"{where}: {name} names finding {finding.code}")
        for case in cases:
            if not can(user, "discipline.view", case):
                self.problems.append(f"{where}: {name} names discipline case #{case.id}")


def served_documents(world, index_round):
    """{attachment file name: the app's URL of the same document} for this world."""
    inspection, today = world["inspection"], dt.date.fromisoformat(JOBS_DAY)
    served = {documents.conclusion_filename(inspection):
              f"/inspections/{inspection.id}/conclusion.pdf",
              documents.monthly_filename(MONTH): f"/reports/monthly/{MONTH}.pdf",
              documents.ranking_filename(index_round):
              f"/assessments/{index_round.id}/ranking.pdf"}
    for unit in (world["unit_a"], world["unit_b"]):
        served[documents.unit_filename(unit, today)] = f"/reports/units/{unit.code}.pdf"
    return served


def test_every_email_shows_each_recipient_only_what_the_app_shows_them(
        app, runner, smtp_server, world, rendered_emails):
    work_on_findings(world)
    index_round = work_on_the_index(world)
    inherited, inherited_case = merge_a_commune_into_unit_a(world)
    with time_machine.travel(JOBS_AT, tick=False):
        run_jobs(runner)

    assert rendered_emails == email_templates(app), "the walk must produce every kind of e-mail"
    assert OutboxMessage.select().where(OutboxMessage.status != "sent").count() == 0
    codes = [f.code for f in Finding.select().where(Finding.code.is_null(False))]
    assert not [a for a in codes for b in codes if a != b and b.startswith(a)], \
        "a code inside another would hide it"

    walk = Walk(app, served_documents(world, index_round))
    with time_machine.travel(JOBS_AT, tick=False):
        for message in smtp_server.messages:
            for address in message.rcpt_tos:
                walk.check(message, address)
    assert not walk.problems, "\n".join(walk.problems)

    # The walk is not blind: it opened every kind of link and read what each was sent.
    findings, cases = world["findings"], world["cases"]
    assert set(walk.opened) == set(walk.read) == {"chutich", "truongphong", "lanhdao",
                                                  "truongdoan"}
    opened = {re.sub(r"/[^/]*$", "/", path) for paths in walk.opened.values()
              for path in paths}
    assert opened == {"/inspections/", "/findings/", "/discipline/", "/reports/monthly/",
                      "/reports/units/", f"/inspections/{world['inspection'].id}/",
                      "/assessments/sheets/", f"/assessments/{index_round.id}/"}
    assert f"/inspections/{world['inspection'].id}/appraisal" in walk.opened["lanhdao"]
    assert walk.read["truongphong"] == {findings["b1"].code, findings["b2"].code,
                                        f"#{cases['b'].id}"}
    assert walk.read["chutich"] >= {findings[name].code for name in ("a1", "a2", "a3")} | {
        inherited.code}
    assert {f"#{cases['a'].id}", f"#{inherited_case.id}"} <= walk.read["chutich"]
    assert walk.read["lanhdao"] >= {findings["b1"].code, f"#{cases['a'].id}",
                                    f"#{cases['b'].id}"}


def test_an_escalation_summary_shows_each_recipient_only_what_the_app_shows_them(
        app, runner, smtp_server, world, monkeypatch):
    # Every escalation digest a summary: counts per unit, one item, the filtered list.
    monkeypatch.setattr(reminders, "ESCALATION_SUMMARY_ABOVE", 0)
    monkeypatch.setattr(reminders, "SUMMARY_LONGEST", 1)
    work_on_findings(world)
    with time_machine.travel(JOBS_AT, tick=False):
        for args in (["jobs", "escalate", "--today", JOBS_DAY], ["jobs", "send-mail"]):
            assert runner.invoke(args=args).exit_code == 0
        walk = Walk(app, {})
        escalated = {row.message_id for row in OutboxMessage.select().where(
            OutboxMessage.dedupe_key.startswith("escalation:"))}
        for message in [m for m in smtp_server.messages if m.message_id in escalated]:
            for address in message.rcpt_tos:
                walk.check(message, address)
    assert not walk.problems, "\n".join(walk.problems)
    assert set(walk.opened) == {"lanhdao", "truongdoan"}
    for paths in walk.opened.values():
        assert "/findings?status=overdue" in paths
    assert all(len(codes) == 1 for codes in walk.read.values())


def test_the_other_unit_gets_an_extract_of_its_findings_and_no_inspection_link(
        app, world):
    findings = world["findings"]
    messages = {m.recipients: m for m in OutboxMessage.select()
                .where(OutboxMessage.dedupe_key.startswith("conclusion:"))}
    inspection_link = f"http://testserver/inspections/{world['inspection'].id}"
    for address in ("truongphong@noivu.example.vn", "vanthu@noivu.example.vn"):
        message = messages[address]
        assert inspection_link not in message.body_text + message.body_html
        for name in ("b1", "b2"):
            assert f"http://testserver/findings/{findings[name].id}" in message.body_text
        [attachment] = message_attachments(message)
        assert attachment[0] == "trich-ket-luan-12-kl-ubnd-p-noivu.pdf"
        words = squashed(pdf_text(attachment[1]))
        assert squashed(tr(app, "EXTRACT OF THE INSPECTION CONCLUSION")) in words
        assert findings["b1"].code in words and findings["b2"].code in words
        assert not any(findings[name].code in words for name in ("a1", "a2", "a3"))
    for address in ("chutich@hoaan.example.vn", "ubnd@hoaan.example.vn"):
        message = messages[address]
        assert inspection_link in message.body_text and inspection_link in message.body_html
        [attachment] = message_attachments(message)
        assert attachment[0] == "ket-luan-12-kl-ubnd.pdf"
        words = squashed(pdf_text(attachment[1]))
        assert all(finding.code in words for finding in findings.values())


def test_every_email_opens_with_its_greeting_and_a_units_mailbox_is_greeted_by_name(
        app, runner, smtp_server, world):
    work_on_findings(world)
    work_on_the_index(world)
    merge_a_commune_into_unit_a(world)
    with time_machine.travel(JOBS_AT, tick=False):
        run_jobs(runner)
    mailboxes = {"ubnd@hoaan.example.vn": "Xã Hòa An", "vanthu@noivu.example.vn": "Phòng Nội vụ"}
    greeted = set()
    for message in smtp_server.messages:
        body = message.body("plain")
        assert body.strip() and not body.startswith(("\n", "\r")), message.subject
        for address in message.rcpt_tos:
            if address in mailboxes:
                assert body.startswith(f"Kính gửi: {mailboxes[address]},"), body[:80]
                greeted.add(address)
    assert greeted == set(mailboxes)
