"""Add e-mails to the outbox once per dedupe key, inside the caller's transaction.

enqueue(...) queues one e-mail; an OutboxBatch queues many in few queries.

An attachment is either its bytes (base64) or a document named by reference
(document_attachment): its kind and arguments. Such a document is drawn once the
transaction that queued the e-mail has committed (draw_after_commit), never inside it: a
PDF takes long, and on PostgreSQL the transaction holds the data-version row every writer
needs. The documents layer registers how to draw each kind at start-up
(register_document), so this module, in the core, never imports it. Should the process
stop between the commit and the drawing, the sender draws the document before delivery.
The bytes are kept in the message, so every attempt sends the same document.
"""
import base64
import datetime as dt
import json

from .. import clock
from ..db import on_commit, transaction
from ..models import OutboxMessage

# Delivery stops (status dead) this long after a message was queued or retried.
GIVE_UP_AFTER = dt.timedelta(hours=48)
# The messages an admin may send again.
RETRYABLE = ("failed", "dead")

# How to draw each kind of document an attachment may name: kind -> render(**arguments),
# which returns (file name, content type, bytes).
_renderers = {}

# An OutboxBatch writes at most this many rows, or this many characters of bodies, at once.
BATCH_ROWS = 100
BATCH_CHARS = 4_000_000


def _row(dedupe_key, recipients, subject, body_text, body_html="", locale="vi",
         attachments=()):
    """The outbox row of one e-mail, or None when it has no address."""
    addresses = sorted({address.strip() for address in recipients if address and address.strip()})
    if not addresses:
        return None
    return {"dedupe_key": dedupe_key, "recipients": ", ".join(addresses),
            "subject": subject[:300], "body_text": body_text, "body_html": body_html,
            "locale": locale, "attachments": json.dumps(list(attachments), ensure_ascii=False)}


def enqueue(dedupe_key, recipients, subject, body_text, body_html="", locale="vi",
            attachments=()):
    """Queue one logical e-mail; a second call with the same key returns the first row."""
    row = _row(dedupe_key, recipients, subject, body_text, body_html, locale, attachments)
    if row is None:
        return None
    message, created = OutboxMessage.get_or_create(dedupe_key=row.pop("dedupe_key"),
                                                   defaults=row)
    return message


class OutboxBatch:
    """Queue many e-mails in few queries: add() each one, then flush() once at the end.

    As with enqueue, a key already queued (or added twice) keeps its first e-mail. Rows
    are written whenever the batch grows large, so rendered bodies never pile up in memory.
    """

    def __init__(self):
        self.rows, self.chars, self.queued = [], 0, 0

    def add(self, dedupe_key, recipients, subject, body_text, body_html="", locale="vi",
            attachments=()):
        """Queue one logical e-mail, as enqueue does."""
        row = _row(dedupe_key, recipients, subject, body_text, body_html, locale, attachments)
        if row is None:
            return
        self.rows.append(row)
        self.chars += len(body_text) + len(body_html)
        if len(self.rows) >= BATCH_ROWS or self.chars >= BATCH_CHARS:
            self.flush()

    def flush(self):
        """Write the e-mails added since the last flush; the number queued in all."""
        self.queued += _insert_new(self.rows)
        self.rows, self.chars = [], 0
        return self.queued


def _insert_new(rows):
    """Insert the rows whose dedupe key is not queued yet; the number inserted."""
    if not rows:
        return 0
    keys = list({row["dedupe_key"] for row in rows})
    queued = {key for (key,) in OutboxMessage.select(OutboxMessage.dedupe_key)
              .where(OutboxMessage.dedupe_key.in_(keys)).tuples()}
    new = {}
    for row in rows:
        if row["dedupe_key"] not in queued:
            new.setdefault(row["dedupe_key"], row)
    if new:
        OutboxMessage.insert_many(list(new.values())).execute()
    return len(new)


def requeue(message_id):
    """Make a failed or dead message due now, with a fresh time before giving up; whether it was."""
    now = clock.now()
    return bool(OutboxMessage
                .update(status="pending", next_attempt_at=now, give_up_at=now + GIVE_UP_AFTER)
                .where(OutboxMessage.id == message_id, OutboxMessage.status.in_(RETRYABLE))
                .execute())


def register_document(kind, render):
    """Let attachments name documents of kind; render(**arguments) -> (name, type, bytes)."""
    _renderers[kind] = render


def document_attachment(kind, **arguments):
    """An attachment naming a document of kind, drawn after the commit."""
    return {"document": kind, "arguments": arguments}


def is_drawn(attachments):
    """Whether every attachment (outbox format) holds its bytes."""
    return all("content_b64" in attachment for attachment in attachments)


def _drawn(attachment, drawn):
    """The attachment with its bytes, drawing its document unless drawn holds it already."""
    if "content_b64" in attachment:
        return attachment
    key = json.dumps([attachment["document"], attachment["arguments"]], sort_keys=True)
    if key not in drawn:
        filename, content_type, data = _renderers[attachment["document"]](
            **attachment["arguments"])
        drawn[key] = {"filename": filename, "content_type": content_type,
                      "content_b64": base64.b64encode(data).decode("ascii")}
    return drawn[key]


def draw_documents(message_ids):
    """Draw the documents the messages name, once each, and keep their bytes in them."""
    drawn = {}
    for message in OutboxMessage.select().where(OutboxMessage.id.in_(list(message_ids))):
        attachments = json.loads(message.attachments or "[]")
        if is_drawn(attachments):
            continue
        attachments = [_drawn(attachment, drawn) for attachment in attachments]
        with transaction():
            (OutboxMessage
             .update(attachments=json.dumps(attachments, ensure_ascii=False))
             .where(OutboxMessage.id == message.id)
             .execute())


def draw_after_commit(messages):
    """Draw the documents messages name once the current transaction has committed."""
    ids = [message.id for message in messages
           if not is_drawn(json.loads(message.attachments or "[]"))]
    if ids:
        on_commit(lambda: draw_documents(ids))
