"""The admin's reads: the audit trail with its filters, and the outbox."""
import datetime as dt

from peewee import JOIN, fn

from .. import clock
from ..models import OUTBOX_STATES, AuditEvent, OutboxMessage, User


def audit_events(entity=None, actor_id=None, day_from=None, day_to=None):
    """The audit events, newest first, filtered."""
    query = (AuditEvent
             .select(AuditEvent, User)
             .join(User, join_type=JOIN.LEFT_OUTER)
             .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
    if entity:
        query = query.where(AuditEvent.entity == entity)
    if actor_id:
        query = query.where(AuditEvent.actor == actor_id)
    if day_from:
        query = query.where(AuditEvent.at >= clock.start_of_day_utc(day_from))
    if day_to:
        next_day = day_to + dt.timedelta(days=1)
        query = query.where(AuditEvent.at < clock.start_of_day_utc(next_day))
    return query


def audit_entities():
    """The entity names present in the audit trail, for the filter."""
    return [row.entity for row in
            AuditEvent.select(AuditEvent.entity).distinct().order_by(AuditEvent.entity)]


def status_counts():
    """{status: number of messages} for every status, zeros included."""
    counts = dict.fromkeys(OUTBOX_STATES, 0)
    counts.update(OutboxMessage
                  .select(OutboxMessage.status, fn.COUNT(OutboxMessage.id))
                  .group_by(OutboxMessage.status)
                  .tuples())
    return counts


def outbox_messages(status):
    """The outbox, newest first, in status if given.

    Only the listed columns are read: bodies and attachments (PDFs in base64) stay behind.
    """
    query = (OutboxMessage
             .select(OutboxMessage.id, OutboxMessage.created_at, OutboxMessage.recipients,
                     OutboxMessage.subject, OutboxMessage.status, OutboxMessage.attempts,
                     OutboxMessage.next_attempt_at, OutboxMessage.last_error)
             .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()))
    if status in OUTBOX_STATES:
        query = query.where(OutboxMessage.status == status)
    return query
