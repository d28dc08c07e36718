"""The transactional outbox: every e-mail is a row first, delivered later."""
from peewee import CharField, DateTimeField, IntegerField, TextField

from .. import clock
from .base import BaseModel

OUTBOX_STATES = ("pending", "sent", "failed", "dead")


class OutboxMessage(BaseModel):
    """One logical e-mail; the unique dedupe key makes it happen once."""

    dedupe_key = CharField(max_length=200, unique=True)
    recipients = TextField()
    subject = CharField(max_length=300)
    body_text = TextField()
    body_html = TextField(default="")
    attachments = TextField(default="[]")
    locale = CharField(max_length=8, default="vi")
    status = CharField(max_length=16, default="pending", index=True)
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(default=clock.now, index=True)
    last_error = TextField(default="")
    message_id = CharField(max_length=200, default="")
    created_at = DateTimeField(default=clock.now)
    sent_at = DateTimeField(null=True)
    # Delivery stops (status dead) after this moment; an admin's retry moves it.
    give_up_at = DateTimeField(null=True)
