"""The monthly e-mails: the summary PDF to leaders and listed addresses, unit reports to heads.

send_monthly_summaries only queues outbox messages (delivery is the sender's job); the
scheduler runs it on the 1st of each month and `jobs monthly` on demand. Every message
has a dedupe key per month and recipient, so a second run queues nothing new:

- monthly:<YYYY-MM>:user:<id> and monthly:<YYYY-MM>:addr:<address>: the month's summary,
  to each active leader with an e-mail (in their language) and each address of the
  monthly_recipients setting (in Vietnamese);
- unit-report:<YYYY-MM>:user:<id>: the unit's remediation report, to each active unit
  head with an e-mail. It shows the unit's current state, so it goes out with the
  previous month's run only; months caught up later give the leaders their summaries.

Without a month, the run covers the previous month and the earlier months missed since
the last month found in the outbox (at most 12); on the very first run, the previous
month only.
"""

from .. import settings
from ..db import transaction
from ..mail.compose import app_link, enqueue_for_users
from ..models import OutboxMessage, Unit, User
from ..pdf import documents
from ..policy import LEADER, UNIT_HEAD
from ..reports.monthly import Month, monthly_summary
from ..reports.unit_report import unit_report

SUMMARY_PREFIX = "monthly"
UNIT_PREFIX = "unit-report"
MAX_CATCH_UP = 12


def _last_sent_month():
    """The latest month whose monthly e-mails are in the outbox, or None."""
    latest = None
    for prefix in (SUMMARY_PREFIX, UNIT_PREFIX):
        key = (OutboxMessage
               .select(OutboxMessage.dedupe_key)
               .where(OutboxMessage.dedupe_key.startswith(f"{prefix}:"))
               .order_by(OutboxMessage.dedupe_key.desc())
               .scalar())
        if key:
            month = Month.parse(key.split(":")[1])
            latest = month if latest is None else max(latest, month)
    return latest


def months_to_send(today, month=None):
    """The months a run on today covers: month alone if given, else see the module doc."""
    if month is not None:
        month = month if isinstance(month, Month) else Month.parse(month)
        if month.last >= today:
            raise ValueError(f"the month {month} is not over yet")
        return [month]
    latest = Month.of(today).previous()
    last_sent = _last_sent_month()
    if last_sent is None or last_sent >= latest:
        return [latest]
    months, current = [], latest
    while current > last_sent and len(months) < MAX_CATCH_UP:
        months.append(current)
        current = current.previous()
    return sorted(months)


def _sent(keys):
    """Those of keys already used by a message in the outbox."""
    if not keys:
        return set()
    return {key for (key,) in (OutboxMessage
                               .select(OutboxMessage.dedupe_key)
                               .where(OutboxMessage.dedupe_key.in_(list(keys)))
                               .tuples())}


def _unsent_users(prefix, users):
    """The users whose e-mail under prefix is not in the outbox yet."""
    sent = _sent([f"{prefix}:user:{user.id}" for user in users])
    return [user for user in users if f"{prefix}:user:{user.id}" not in sent]


def _unsent_addresses(prefix, addresses):
    """The addresses whose e-mail under prefix is not in the outbox yet."""
    sent = _sent([f"{prefix}:addr:{address.lower()}" for address in addresses])
    return [address for address in addresses if f"{prefix}:addr:{address.lower()}" not in sent]


def _leaders():
    """The active leaders with an e-mail address."""
    return list(User
                .select()
                .where(User.role == LEADER, User.active, User.email != "")
                .order_by(User.id))


def _unit_heads():
    """The active unit heads with an e-mail address, with their units."""
    return list(User
                .select(User, Unit)
                .join(Unit)
                .where(User.role == UNIT_HEAD, User.active, User.email != "", Unit.active)
                .order_by(User.id))


def _summary_messages(month, today):
    """Queue the month's summary to leaders and listed addresses; the number queued."""
    prefix = f"{SUMMARY_PREFIX}:{month}"
    leaders = _leaders()
    taken = {leader.email.lower() for leader in leaders}
    listed = [a for a in dict.fromkeys(settings.get_email_list("monthly_recipients"))
              if a.lower() not in taken]
    leaders, listed = _unsent_users(prefix, leaders), _unsent_addresses(prefix, listed)
    if not leaders and not listed:
        return 0
    summary = monthly_summary(month.year, month.month, today)
    by_locale = {}
    for leader in leaders:
        by_locale.setdefault(leader.locale or "vi", []).append(leader)
    if listed:
        by_locale.setdefault("vi", [])
    name = documents.monthly_filename(month)
    files = {locale: documents.attachment(name, documents.summary_pdf(summary, locale))
             for locale in by_locale}
    context = {"summary": summary, "url": app_link("reports.monthly", month=str(month))}
    with transaction():
        for locale, users in by_locale.items():
            enqueue_for_users(prefix, users, "monthly_summary", attachments=[files[locale]],
                              extra_addresses=listed if locale == "vi" else (), **context)
    return len(leaders) + len(listed)


def _unit_messages(month, today):
    """Queue each unit head their unit's report; the number queued."""
    prefix = f"{UNIT_PREFIX}:{month}"
    heads = _unsent_users(prefix, _unit_heads())
    reports = {}
    for head in heads:
        if head.unit_id not in reports:
            reports[head.unit_id] = unit_report(head.unit, today)
    # Each unit's report once per language, the drawing spread over worker processes.
    wanted = list(dict.fromkeys((head.unit_id, head.locale) for head in heads))
    issuer = documents.issuer_on(today)
    drawn = documents.draw_reports([(reports[unit_id], issuer, locale)
                                    for unit_id, locale in wanted])
    files = {(unit_id, locale): documents.attachment(
        documents.unit_filename(reports[unit_id].unit, today), data)
        for (unit_id, locale), data in zip(wanted, drawn)}
    with transaction():
        for head in heads:
            report = reports[head.unit_id]
            enqueue_for_users(prefix, [head], "unit_monthly_report",
                              attachments=[files[(head.unit_id, head.locale)]],
                              report=report, month=month,
                              url=app_link("reports.unit", code=head.unit.code))
    return len(heads)


def send_monthly_summaries(today, month=None):
    """Queue the monthly e-mails of the months due on today; returns what was queued.

    month (a Month or "YYYY-MM") sends that finished month only; ValueError otherwise.
    """
    months = months_to_send(today, month)
    queued = sum(_summary_messages(m, today) for m in months)
    previous = Month.of(today).previous()
    if previous in months:
        queued += _unit_messages(previous, today)
    return {"months": [str(m) for m in months], "queued": queued}
