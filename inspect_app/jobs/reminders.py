"""Reminders and escalation: deadline stages, one digest e-mail per recipient per run.

A tracked deadline (a finding's remediation deadline, a discipline case's processing
deadline, a unit's CCHC index self-assessment or explanation deadline) passes through
stages counted in days from the deadline: for reminders 7, 3 and 1 days before, the day
itself, then every 7 days while overdue; for escalation 7 days overdue, then every 14
days. A run sends an item only at the latest stage it has reached, once per deadline
(ReminderLog), so a missed run catches up with one reminder and an extension, which
changes the deadline, starts the stages again.

Nothing is sent on a day off (inspect_app.workdays): a run on a Saturday, a Sunday or a
holiday sends nothing, and the next working day's run catches up as after any missed run.
The days before a deadline can be counted in working days (a setting), so that "1 day
before" a Monday deadline is the Friday; days after it are calendar days.
"""
import datetime as dt
import hashlib
from dataclasses import dataclass, field

from flask_babel import force_locale
from peewee import chunked

from .. import deadlines, settings, workdays
from ..assessments import queries as assessments
from ..db import transaction
from ..discipline.queries import cases_awaiting_decision
from ..i18n import lazy_gettext as _l
from ..labels import OVERDUE
from ..mail.compose import app_link, email_macro, render
from ..mail.outbox import OutboxBatch
from ..models import RUNNING_STATES, DisciplineCase, Finding, Inspection, ReminderLog, Unit, User
from ..policy import LEADER, UNIT_HEAD

FINDING = "finding"
DISCIPLINE_CASE = "discipline_case"
# A unit's CCHC index sheet has two deadlines: its self-assessment, then an explanation.
SELF_ASSESSMENT = "self_assessment"
EXPLANATION = "explanation"
# What a digest calls each kind's deadline: a finding's is the time to remedy it, a
# case's the time to decide its measure, a sheet's the time to send it.
DEADLINE_LABEL = {FINDING: _l("Deadline"), DISCIPLINE_CASE: _l("Processing deadline"),
                  SELF_ASSESSMENT: _l("Time limit"), EXPLANATION: _l("Time limit")}
# An escalation digest with more items than this becomes a summary: the counts per unit,
# the SUMMARY_LONGEST longest overdue and a link to the filtered list. A first run over
# years of data would otherwise send a leader an e-mail of thousands of lines.
ESCALATION_SUMMARY_ABOVE = 200
SUMMARY_LONGEST = 50


@dataclass(frozen=True)
class StagePolicy:
    """Stage offsets (days after the deadline) and the repeat interval after the last.

    With a calendar, the days before the deadline are its working days: the offset of a
    day before it is minus the working days after that day up to the deadline.
    """

    offsets: tuple
    repeat_every: int = 0
    calendar: object = None

    def stage_on(self, days_after):
        """The latest stage reached days_after the deadline, or None before the first."""
        reached = [offset for offset in self.offsets if offset <= days_after]
        if not reached:
            return None
        last = self.offsets[-1]
        if days_after >= last and self.repeat_every > 0:
            return last + (days_after - last) // self.repeat_every * self.repeat_every
        return reached[-1]

    def days_after(self, today, deadline):
        """today's offset from deadline (negative before it)."""
        if self.calendar is not None and today < deadline:
            return -self.calendar.working_days_between(today, deadline)
        return (today - deadline).days

    def latest_deadline(self, today):
        """Deadlines after this day have not reached the first stage yet."""
        first = self.offsets[0]
        if self.calendar is not None and first < 0:
            # The day before the working day after the first stage's last one.
            return self.calendar.working_day_after(today, 1 - first) - dt.timedelta(days=1)
        return today - dt.timedelta(days=first)

    def log_window(self):
        """How far back the log of an item's latest stage can lie, in days (None: any)."""
        gaps = [b - a for a, b in zip(self.offsets, self.offsets[1:])]
        if self.repeat_every <= 0:
            return None
        return max(gaps + [self.repeat_every])


def reminder_policy(calendar):
    """The reminder stages from settings: N (working) days before, the day, then every M."""
    before = sorted({-days for days in settings.get_int_list("reminder_days_before")
                     if days > 0})
    working = settings.get_bool("reminder_working_days")
    return StagePolicy(tuple(before) + (0,), settings.get_int("reminder_overdue_every_days"),
                       calendar if working else None)


def escalation_policy(calendar):
    """The escalation stages from settings: N days overdue, then every M (calendar) days.

    calendar is unused: days overdue are calendar days, as the settings say.
    """
    return StagePolicy((settings.get_int("escalation_after_days"),),
                       settings.get_int("escalation_every_days"))


@dataclass(frozen=True)
class Recipient:
    """Where a digest goes: a user (in their language) or a unit's shared address."""

    key: str
    address: str
    locale: str = "vi"
    user: object = None
    # Whom a shared address's digest greets: the unit's name.
    addressee: str = ""


@dataclass
class Item:
    """One tracked deadline at a stage, with what the digest shows about it."""

    entity: str
    entity_id: int
    deadline: dt.date
    code: str
    title: str
    unit_name: str
    url: str
    recipients: list = field(default_factory=list)
    stage: int = None
    label: str = ""
    basis: object = None
    # (calendar days, working days) past the deadline; (0, 0) before it.
    overdue: tuple = (0, 0)

    @property
    def deadline_label(self):
        """The name of this item's deadline in the digest."""
        return DEADLINE_LABEL[self.entity]

    @property
    def log_key(self):
        """What ReminderLog remembers of this item's stage."""
        return (self.entity, self.entity_id, self.stage, self.deadline)


def user_recipient(user):
    """A user as a recipient, or None without an address."""
    if not user.active or not user.email:
        return None
    return Recipient(f"user:{user.id}", user.email.strip(), user.locale or "vi", user)


def address_recipient(address, addressee=""):
    """A shared address (a unit's e-mail, greeting addressee) as a recipient, or None."""
    address = (address or "").strip()
    return Recipient(f"addr:{address.lower()}", address, addressee=addressee) if address else None


def _present(*groups):
    """The recipients of the given groups that have an address, without repeats."""
    seen, found = set(), []
    for group in groups:
        for recipient in group:
            if recipient is not None and recipient.address.lower() not in seen:
                seen.add(recipient.address.lower())
                found.append(recipient)
    return found


def unit_head_recipients(unit_ids):
    """{unit id: [recipients]} for the active unit heads of the given units."""
    found = {}
    for user in (User
                 .select()
                 .where(User.role == UNIT_HEAD, User.active, User.unit.in_(list(unit_ids)))
                 .order_by(User.id)):
        found.setdefault(user.unit_id, []).append(user_recipient(user))
    return found


def leader_recipients():
    """The active leaders with an address."""
    leaders = User.select().where(User.role == LEADER, User.active).order_by(User.id)
    return [user_recipient(user) for user in leaders]


def users_by_id(user_ids):
    """{id: user} for the given ids."""
    ids = [user_id for user_id in set(user_ids) if user_id]
    return {user.id: user for user in User.select().where(User.id.in_(ids))} if ids else {}


def _at_stage(entity, rows, due_stage):
    """(row, stage) of the rows (with id and deadline) whose stage today is due."""
    for row in rows:
        stage = due_stage(entity, row.id, row.deadline)
        if stage is not None:
            yield row, stage


def _running_findings(latest_deadline):
    """Rows of what a digest shows of the findings the unit must still act on.

    Only the columns needed, as named tuples: a catch-up run reads every running finding
    whose deadline is at most latest_deadline.
    """
    return (Finding
            .select(Finding.id, Finding.deadline, Finding.code, Finding.title,
                    Finding.deadline_unit, Finding.deadline_from, Finding.deadline_days,
                    Finding.responsible_unit.alias("unit_id"), Unit.name.alias("unit_name"),
                    Unit.email.alias("unit_email"), Inspection.lead.alias("lead_id"))
            .join(Unit, on=(Finding.responsible_unit == Unit.id))
            .switch(Finding)
            .join(Inspection)
            .where(Finding.status.in_(RUNNING_STATES), Finding.deadline <= latest_deadline)
            .order_by(Finding.deadline, Finding.id)
            .namedtuples())


def _finding_items(due, recipients_of):
    """The digest lines of the due (finding row, stage) pairs, with their recipients."""
    return [Item(FINDING, row.id, row.deadline, row.code, row.title, row.unit_name,
                 app_link("findings.show", finding_id=row.id), recipients_of(row), stage,
                 basis=deadlines.Basis.stored(row.deadline_unit, row.deadline_from,
                                              row.deadline_days))
            for row, stage in due]


def finding_reminder_items(latest_deadline, due_stage):
    """Running findings near or past their deadline, for the unit's heads and address."""
    due = list(_at_stage(FINDING, _running_findings(latest_deadline), due_stage))
    unit_emails = {row.unit_id: (row.unit_email, row.unit_name) for row, _ in due}
    heads = unit_head_recipients(unit_emails.keys())
    by_unit = {unit_id: _present(heads.get(unit_id, []), [address_recipient(email, name)])
               for unit_id, (email, name) in unit_emails.items()}
    return _finding_items(due, lambda row: by_unit[row.unit_id])


def finding_escalation_items(latest_deadline, due_stage):
    """Findings long overdue, for the leaders and the inspection's lead."""
    due = list(_at_stage(FINDING, _running_findings(latest_deadline), due_stage))
    leaders = leader_recipients()
    lead_ids = {row.lead_id for row, _ in due}
    leads = users_by_id(lead_ids)
    by_lead = {}
    for lead_id in lead_ids:
        lead = leads.get(lead_id)
        by_lead[lead_id] = _present(leaders, [user_recipient(lead) if lead else None])
    return _finding_items(due, lambda row: by_lead[row.lead_id])


def _case_items(due, recipients_of):
    """The digest lines of the due (discipline case awaiting its decision, stage) pairs."""
    items = []
    for case, stage in due:
        title = case.official_name + (f" ({case.official_position})"
                                      if case.official_position else "")
        items.append(Item(DISCIPLINE_CASE, case.id, case.deadline, f"#{case.id}", title,
                          case.unit.name, app_link("discipline.show", case_id=case.id),
                          recipients_of(case), stage,
                          label=_l("Discipline case"), basis=case.deadline_basis))
    return items


def _due_cases(latest_deadline, due_stage):
    """(case, stage) of the open discipline cases whose stage today is due."""
    cases = cases_awaiting_decision().where(DisciplineCase.deadline <= latest_deadline)
    return list(_at_stage(DISCIPLINE_CASE, cases, due_stage))


def case_reminder_items(latest_deadline, due_stage):
    """Open discipline cases near their processing deadline, for their unit's heads.

    The unit's shared mailbox is left out: others read it, and the case names a person.
    """
    due = _due_cases(latest_deadline, due_stage)
    heads = unit_head_recipients({case.unit_id for case, _ in due})
    return _case_items(due, lambda case: _present(heads.get(case.unit_id, [])))


def case_escalation_items(latest_deadline, due_stage):
    """Discipline cases long past their processing deadline, for the leaders."""
    due = _due_cases(latest_deadline, due_stage)
    leaders = _present(leader_recipients())
    return _case_items(due, lambda case: leaders)


def _due_sheets(latest_deadline, due_stage):
    """[(entity, label, [(sheet row, stage)])] of the sheets whose stage today is due: not
    yet submitted by the round's deadline, or not yet explained by the team's."""
    return [(SELF_ASSESSMENT, _l("CCHC index self-assessment"),
             list(_at_stage(SELF_ASSESSMENT,
                            assessments.sheets_awaiting_self_assessment(latest_deadline),
                            due_stage))),
            (EXPLANATION, _l("CCHC index explanation"),
             list(_at_stage(EXPLANATION,
                            assessments.sheets_awaiting_explanation(latest_deadline),
                            due_stage)))]


def _sheet_items(entity, label, due, recipients_of):
    """The digest lines of due (sheet row, stage) pairs: the round, the unit, the sheet."""
    return [Item(entity, row.id, row.deadline, "", row.round_name, row.unit_name,
                 app_link("assessments.sheet", assessment_id=row.id), recipients_of(row),
                 stage, label=label)
            for row, stage in due]


def assessment_reminder_items(latest_deadline, due_stage):
    """Sheets near or past a deadline of the unit, for the unit's heads."""
    items = []
    for entity, label, due in _due_sheets(latest_deadline, due_stage):
        heads = unit_head_recipients({row.unit_id for row, _ in due})
        items += _sheet_items(entity, label, due,
                              lambda row: _present(heads.get(row.unit_id, [])))
    return items


def assessment_escalation_items(latest_deadline, due_stage):
    """Sheets long past a deadline of the unit, for the leaders and the round's team."""
    items, leaders = [], leader_recipients()
    for entity, label, due in _due_sheets(latest_deadline, due_stage):
        teams = assessments.team_members({row.round_id for row, _ in due})
        items += _sheet_items(entity, label, due, lambda row: _present(
            leaders, [user_recipient(user) for user in teams.get(row.round_id, [])]))
    return items


# The kinds of run: their policy, item sources and e-mail template.
KINDS = {
    "reminder": (reminder_policy, [finding_reminder_items, case_reminder_items,
                                   assessment_reminder_items], "reminder_digest"),
    "escalation": (escalation_policy, [finding_escalation_items, case_escalation_items,
                                       assessment_escalation_items], "escalation_digest"),
}


def _logged(kind, policy, today):
    """The (entity, id, stage, deadline) already logged that can still matter today."""
    query = ReminderLog.select(ReminderLog.entity, ReminderLog.entity_id, ReminderLog.stage,
                               ReminderLog.deadline).where(ReminderLog.kind == kind)
    window = policy.log_window()
    if window is not None:
        first = today - dt.timedelta(days=window)
        if policy.calendar is not None:
            # Stages counted in working days stretch over breaks: look back as many
            # working days, which also covers as many calendar days.
            first = min(first, policy.calendar.working_day_before(today, window))
        query = query.where(ReminderLog.sent_on >= first)
    return set(query.tuples())


def due_items(kind, today, calendar):
    """The items at a stage not yet logged, sorted by deadline, with their days overdue."""
    policy_of, sources, _ = KINDS[kind]
    policy = policy_of(calendar)
    logged = _logged(kind, policy, today)

    def due_stage(entity, entity_id, deadline):
        """The stage reached today, unless before the first or already logged."""
        stage = policy.stage_on(policy.days_after(today, deadline))
        if stage is None or (entity, entity_id, stage, deadline) in logged:
            return None
        return stage

    latest = policy.latest_deadline(today)
    due = [item for source in sources for item in source(latest, due_stage)]
    for item in due:
        item.overdue = deadlines.overdue(calendar, item.deadline, today)
    return sorted(due, key=lambda item: (item.deadline, item.code or "", item.entity_id))


def digests(items):
    """{recipient key: (recipient, [items])}, items keeping their deadline order."""
    grouped = {}
    for item in items:
        for recipient in item.recipients:
            grouped.setdefault(recipient.key, (recipient, []))[1].append(item)
    return grouped


def _dedupe_key(kind, today, recipient, items):
    """One key per recipient, day and set of items: a re-run adds nothing."""
    content = ",".join(f"{i.entity}:{i.entity_id}:{i.stage}:{i.deadline}" for i in items)
    digest = hashlib.sha256(content.encode()).hexdigest()[:16]
    return f"{kind}:{today.isoformat()}:{recipient.key}:{digest}"


def _log_rows(kind, today, items):
    """ReminderLog rows for the items sent in this run."""
    return [{"entity": i.entity, "entity_id": i.entity_id, "kind": kind, "stage": i.stage,
             "deadline": i.deadline, "sent_on": today} for i in items]


@dataclass(frozen=True)
class Lines:
    """A digest's items as rendered: plain-text lines and HTML table rows."""

    text: list
    html: list


def _line_renderer(today, calendar):
    """lines(locale, items) -> Lines, rendering each item once per language.

    Most items appear in several digests (a unit's heads and mailbox, every leader), so
    rendering them once per language rather than once per digest saves most of the work.
    """
    text_line = email_macro("_digest.txt", "item_line")
    html_row = email_macro("_digest.html", "item_row")
    rendered = {}

    def lines(locale, items):
        missing = [item for item in items if (locale, item.log_key) not in rendered]
        if missing:
            with force_locale(locale):
                for item in missing:
                    explanation = deadlines.explain(calendar, item.basis, item.deadline)
                    rendered[(locale, item.log_key)] = (text_line(item, today, explanation),
                                                        html_row(item, today, explanation))
        pairs = [rendered[(locale, item.log_key)] for item in items]
        return Lines([text for text, _ in pairs], [html for _, html in pairs])
    return lines


@dataclass(frozen=True)
class Summary:
    """What a digest too long to list shows instead: counts per unit and a link."""

    units: list
    link: str


def _summary(kind, items):
    """The summary of an escalation digest above the threshold, else None."""
    if kind != "escalation" or len(items) <= ESCALATION_SUMMARY_ABOVE:
        return None
    counts = {}
    for item in items:
        counts[item.unit_name] = counts.get(item.unit_name, 0) + 1
    units = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return Summary(units, app_link("findings.index", status=OVERDUE))


def _digest(kind, today, lines, recipient, items):
    """enqueue's arguments for one recipient's digest.

    A summary lists only the longest overdue: the items come oldest deadline first.
    """
    summary = _summary(kind, items)
    listed = items[:SUMMARY_LONGEST] if summary else items
    subject, text, html = render(KINDS[kind][2], recipient.locale, recipient=recipient.user,
                                 addressee=recipient.addressee, items=items,
                                 lines=lines(recipient.locale, listed), summary=summary,
                                 today=today)
    return {"dedupe_key": _dedupe_key(kind, today, recipient, items),
            "recipients": [recipient.address], "subject": subject, "body_text": text,
            "body_html": html, "locale": recipient.locale}


def run(kind, today):
    """Send today's digests of one kind; return counts of items, e-mails, unaddressed.

    On a day off nothing is sent: the next working day's run catches up.
    """
    calendar = workdays.load()
    if not calendar.is_working_day(today):
        return {"items": 0, "emails": 0, "unaddressed": 0, "day_off": True}
    items = due_items(kind, today, calendar)
    grouped = digests(items)
    lines = _line_renderer(today, calendar)
    with transaction():
        for rows in chunked(_log_rows(kind, today, items), 500):
            ReminderLog.insert_many(rows).execute()
        batch = OutboxBatch()
        for recipient, recipient_items in grouped.values():
            # Passed on directly: no name keeps a large digest alive while the next renders.
            batch.add(**_digest(kind, today, lines, recipient, recipient_items))
        batch.flush()
    return {"items": len(items), "emails": len(grouped),
            "unaddressed": sum(1 for item in items if not item.recipients)}


def run_reminders(today):
    """The daily reminders to units about their deadlines."""
    return run("reminder", today)


def run_escalation(today):
    """The daily escalation of long-overdue items to leaders and inspection leads."""
    return run("escalation", today)
