"""Reminders and escalation: deadline stages, one digest e-mail per recipient per run.

A tracked deadline (a finding's remediation deadline, a discipline case's processing
deadline) passes through stages counted in days from the deadline: for reminders 7, 3
and 1 days before, the day itself, then every 7 days while overdue; for escalation 7
days overdue, then every 14 days. A run sends an item only at the latest
stage it has reached, once per deadline (ReminderLog), so a missed run catches up with
one reminder and an extension, which changes the deadline, starts the stages again.
"""
import datetime as dt
import hashlib
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l
from peewee import chunked

from .. import settings
from ..db import transaction
from ..discipline.queries import cases_awaiting_decision
from ..findings.services import finding_link
from ..mail.compose import absolute_url, render
from ..mail.outbox import enqueue
from ..models import (RUNNING_STATES, DisciplineCase, Finding, Inspection, ReminderLog, Unit,
                      User)
from ..policy import LEADER, UNIT_HEAD

FINDING = "finding"
DISCIPLINE_CASE = "discipline_case"


@dataclass(frozen=True)
class StagePolicy:
    """Stage offsets (days after the deadline) and the repeat interval after the last."""

    offsets: tuple
    repeat_every: int = 0

    def stage_on(self, days_after):
        """The latest stage reached days_after the deadline, or None before the first."""
        reached = [offset for offset in self.offsets if offset <= days_after]
        if not reached:
            return None
        last = self.offsets[-1]
        if days_after >= last and self.repeat_every > 0:
            return last + (days_after - last) // self.repeat_every * self.repeat_every
        return reached[-1]

    def latest_deadline(self, today):
        """Deadlines after this day have not reached the first stage yet."""
        return today - dt.timedelta(days=self.offsets[0])

    def log_window(self):
        """How far back the log of an item's latest stage can lie, in days (None: any)."""
        gaps = [b - a for a, b in zip(self.offsets, self.offsets[1:])]
        if self.repeat_every <= 0:
            return None
        return max(gaps + [self.repeat_every])


def reminder_policy():
    """The reminder stages from settings: N days before, the day, then every M days."""
    before = sorted({-days for days in settings.get_int_list("reminder_days_before")
                     if days > 0})
    return StagePolicy(tuple(before) + (0,), settings.get_int("reminder_overdue_every_days"))


def escalation_policy():
    """The escalation stages from settings: N days overdue, then every M days."""
    return StagePolicy((settings.get_int("escalation_after_days"),),
                       settings.get_int("escalation_every_days"))


@dataclass(frozen=True)
class Recipient:
    """Where a digest goes: a user (in their language) or a unit's shared address."""

    key: str
    address: str
    locale: str = "vi"
    user: object = None


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

    @property
    def log_key(self):
        """What ReminderLog remembers of this item's stage."""
        return (self.entity, self.entity_id, self.stage, self.deadline)


def user_recipient(user):
    """A user as a recipient, or None without an address."""
    if not user.active or not user.email:
        return None
    return Recipient(f"user:{user.id}", user.email.strip(), user.locale or "vi", user)


def address_recipient(address):
    """A shared address (a unit's e-mail) as a recipient, or None when empty."""
    address = (address or "").strip()
    return Recipient(f"addr:{address.lower()}", address) if address else None


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


def _running_findings(latest_deadline):
    """Findings the unit must still act on whose deadline is at most latest_deadline."""
    return list(Finding
                .select(Finding, Unit, Inspection)
                .join(Unit, on=(Finding.responsible_unit == Unit.id))
                .switch(Finding)
                .join(Inspection)
                .where(Finding.status.in_(RUNNING_STATES), Finding.deadline <= latest_deadline)
                .order_by(Finding.deadline, Finding.id))


def _finding_item(finding):
    """The digest line of a finding."""
    return Item(FINDING, finding.id, finding.deadline, finding.code, finding.title,
                finding.responsible_unit.name, finding_link(finding))


def finding_reminder_items(latest_deadline):
    """Running findings near or past their deadline, for the unit's heads and address."""
    findings = _running_findings(latest_deadline)
    heads = unit_head_recipients({f.responsible_unit_id for f in findings})
    items = []
    for finding in findings:
        item = _finding_item(finding)
        item.recipients = _present(heads.get(finding.responsible_unit_id, []),
                                   [address_recipient(finding.responsible_unit.email)])
        items.append(item)
    return items


def finding_escalation_items(latest_deadline):
    """Findings long overdue, for the leaders and the inspection's lead."""
    findings = _running_findings(latest_deadline)
    leaders = leader_recipients()
    leads = users_by_id(f.inspection.lead_id for f in findings)
    items = []
    for finding in findings:
        item = _finding_item(finding)
        lead = leads.get(finding.inspection.lead_id)
        item.recipients = _present(leaders, [user_recipient(lead) if lead else None])
        items.append(item)
    return items


def _case_item(case):
    """The digest line of a discipline case awaiting its decision."""
    adapter = current_app.url_map.bind("localhost")
    url = absolute_url(adapter.build("discipline.show", {"case_id": case.id}))
    title = case.official_name + (f" ({case.official_position})" if case.official_position
                                  else "")
    return Item(DISCIPLINE_CASE, case.id, case.deadline, f"#{case.id}", title, case.unit.name,
                url, label=_l("Discipline case"))


def case_reminder_items(latest_deadline):
    """Open discipline cases near their processing deadline, for their unit's heads.

    The unit's shared mailbox is left out: others read it, and the case names a person.
    """
    cases = list(cases_awaiting_decision().where(DisciplineCase.deadline <= latest_deadline))
    heads = unit_head_recipients({case.unit_id for case in cases})
    items = []
    for case in cases:
        item = _case_item(case)
        item.recipients = _present(heads.get(case.unit_id, []))
        items.append(item)
    return items


def case_escalation_items(latest_deadline):
    """Discipline cases long past their processing deadline, for the leaders."""
    cases = list(cases_awaiting_decision().where(DisciplineCase.deadline <= latest_deadline))
    leaders = leader_recipients()
    items = []
    for case in cases:
        item = _case_item(case)
        item.recipients = _present(leaders)
        items.append(item)
    return items


# The kinds of run: their policy, item sources and e-mail template.
KINDS = {
    "reminder": (reminder_policy, [finding_reminder_items, case_reminder_items],
                 "reminder_digest"),
    "escalation": (escalation_policy, [finding_escalation_items, case_escalation_items],
                   "escalation_digest"),
}


def _logged(kind, policy, today):
    """The (entity, id, stage, deadline) already logged that can still matter today."""
    query = ReminderLog.select(ReminderLog.entity, ReminderLog.entity_id, ReminderLog.stage,
                               ReminderLog.deadline).where(ReminderLog.kind == kind)
    window = policy.log_window()
    if window is not None:
        query = query.where(ReminderLog.sent_on > today - dt.timedelta(days=window + 1))
    return set(query.tuples())


def due_items(kind, today):
    """The items at a stage not yet logged, sorted by deadline."""
    policy_of, sources, _ = KINDS[kind]
    policy = policy_of()
    latest = policy.latest_deadline(today)
    logged = _logged(kind, policy, today)
    due = []
    for source in sources:
        for item in source(latest):
            item.stage = policy.stage_on((today - item.deadline).days)
            if item.stage is not None and item.log_key not in logged:
                due.append(item)
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


def run(kind, today):
    """Send today's digests of one kind; return counts of items, e-mails, unaddressed."""
    template = KINDS[kind][2]
    items = due_items(kind, today)
    grouped = digests(items)
    with transaction():
        for rows in chunked(_log_rows(kind, today, items), 500):
            ReminderLog.insert_many(rows).execute()
        for recipient, recipient_items in grouped.values():
            subject, text, html = render(template, recipient.locale, recipient=recipient.user,
                                         items=recipient_items, today=today)
            enqueue(_dedupe_key(kind, today, recipient, recipient_items), [recipient.address],
                    subject, text, html, locale=recipient.locale)
    return {"items": len(items), "emails": len(grouped),
            "unaddressed": sum(1 for item in items if not item.recipients)}


def run_reminders(today):
    """The daily reminders to units about their deadlines."""
    return run("reminder", today)


def run_escalation(today):
    """The daily escalation of long-overdue items to leaders and inspection leads."""
    return run("escalation", today)
