"""Deliver the outbox: by SMTP with retries and growing delays, or as .eml files.

Each message is claimed before it is sent (its next attempt moves CLAIM_FOR ahead), so
two senders never send the same message at once. A sender that dies after the SMTP
server accepted a message but before marking it leaves the claim to expire; the message
then goes out once more with the same Message-ID. Nothing is lost.
"""
import base64
import datetime as dt
import json
import os
import smtplib
import ssl
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app

from .. import clock
from ..models import OutboxMessage
from . import outbox
from .outbox import GIVE_UP_AFTER

# Delays after the 1st, 2nd, 3rd and 4th failed attempt; then LATER_DELAY each time.
RETRY_DELAYS = (dt.timedelta(minutes=1), dt.timedelta(minutes=5),
                dt.timedelta(minutes=15), dt.timedelta(minutes=60))
LATER_DELAY = dt.timedelta(hours=6)
CLAIM_FOR = dt.timedelta(minutes=10)
SMTP_TIMEOUT = 30
BATCH_SIZE = 200
DELIVERABLE = ("pending", "failed")


class TransportDown(Exception):
    """The mail server cannot be reached or refuses the session: no message can go."""


class MessageRefused(Exception):
    """The server refused this one message; permanent when its reply code is 5xx."""

    def __init__(self, text, permanent):
        super().__init__(text)
        self.permanent = permanent


def retry_delay(attempts):
    """How long to wait after the given number of failed attempts."""
    if attempts <= len(RETRY_DELAYS):
        return RETRY_DELAYS[max(attempts, 1) - 1]
    return LATER_DELAY


def give_up_at(message):
    """The moment after which a failing message is marked dead."""
    return message.give_up_at or message.created_at + GIVE_UP_AFTER


def new_message_id():
    """A fresh Message-ID in the domain of MAIL_FROM."""
    domain = current_app.config["MAIL_FROM"].rpartition("@")[2] or "localhost"
    return make_msgid(domain=domain)


def encoded_subject(subject):
    """The subject as RFC 2047 encoded words, folded, with every space kept.

    The email package's own folding of non-ASCII headers can put a space between two
    encoded words, where readers drop it ("nhân dân" arrives as "nhândân"); the legacy
    Header class keeps the spaces inside the encoded words.
    """
    if subject.isascii():
        return subject
    return Header(subject, "utf-8", header_name="Subject").encode()


def build_email(message):
    """The MIME message for an outbox row: UTF-8 text and HTML, attachments, headers."""
    email = EmailMessage()
    email.set_raw("Subject", encoded_subject(message.subject))
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.recipients
    # The creation time, not the attempt time: a repeated delivery is the same message.
    email["Date"] = format_datetime(message.created_at.replace(tzinfo=dt.timezone.utc))
    email["Message-ID"] = message.message_id
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body_text, charset="utf-8")
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html", charset="utf-8")
    for attachment in json.loads(message.attachments or "[]"):
        maintype, _, subtype = attachment["content_type"].partition("/")
        email.add_attachment(base64.b64decode(attachment["content_b64"]), maintype=maintype,
                             subtype=subtype, filename=attachment["filename"])
    # After the body: setting content clears the Content-* headers.
    email["Content-Language"] = message.locale
    return email


class SmtpTransport:
    """One SMTP session for a batch, opened on first use."""

    def __init__(self, config):
        self.config = config
        self.session = None

    def _open(self):
        """Connect, upgrade to TLS when asked, and log in when a user is set."""
        config = self.config
        try:
            session = smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"],
                                   timeout=SMTP_TIMEOUT)
            if config["SMTP_STARTTLS"]:
                session.starttls(context=ssl.create_default_context())
            if config["SMTP_USER"]:
                session.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
        except (OSError, smtplib.SMTPException) as error:
            raise TransportDown(_describe(error)) from error
        return session

    def deliver(self, email, message):
        """Send one message; return the refused recipients' description (or '')."""
        if self.session is None:
            self.session = self._open()
        try:
            refused = self.session.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            raise MessageRefused(_describe(error), all(c >= 500 for c in codes)) from error
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
            raise MessageRefused(_describe(error), error.smtp_code >= 500) from error
        except (OSError, smtplib.SMTPException) as error:
            self.session = None
            raise TransportDown(_describe(error)) from error
        return "; ".join(f"{address}: {code} {reply.decode(errors='replace')}"
                         for address, (code, reply) in refused.items())

    def close(self):
        """End the session politely; a broken one is simply dropped."""
        if self.session is not None:
            try:
                self.session.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.session = None


class FileTransport:
    """The embedded default: each message becomes an .eml file in the instance folder."""

    def __init__(self, directory):
        self.directory = Path(directory)

    def deliver(self, email, message):
        """Write the message (atomically, named by its id, so a repeat overwrites)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.directory / f"{message.created_at:%Y-%m-%d}-{message.id:06d}.eml"
        partial = target.with_suffix(".part")
        partial.write_bytes(email.as_bytes())
        os.replace(partial, target)
        return ""

    def close(self):
        """Nothing to close."""


def _describe(error):
    """A short, storable description of a delivery error."""
    return f"{type(error).__name__}: {error}"[:2000]


def mail_directory():
    """Where the embedded default writes .eml files."""
    return Path(current_app.instance_path) / "mail"


def due_messages(now, limit=BATCH_SIZE):
    """Messages waiting for an attempt, oldest due first."""
    return list(OutboxMessage
                .select()
                .where(OutboxMessage.status.in_(DELIVERABLE),
                       OutboxMessage.next_attempt_at <= now)
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(limit))


def claim(message, now):
    """Take message for this sender; False when another sender took it first."""
    message_id = message.message_id or new_message_id()
    taken = (OutboxMessage
             .update(next_attempt_at=now + CLAIM_FOR, message_id=message_id)
             .where(OutboxMessage.id == message.id,
                    OutboxMessage.status.in_(DELIVERABLE),
                    OutboxMessage.next_attempt_at == message.next_attempt_at)
             .execute())
    message.message_id = message_id
    return taken == 1


def mark_sent(message, now, note=""):
    """Record a delivery (note lists recipients the server refused, if any)."""
    (OutboxMessage
     .update(status="sent", sent_at=now, attempts=OutboxMessage.attempts + 1, last_error=note)
     .where(OutboxMessage.id == message.id)
     .execute())


def mark_failed(message, now, error, permanent=False):
    """Record a failed attempt: retry later, or dead when permanent or too old."""
    attempts = message.attempts + 1
    dead = permanent or now >= give_up_at(message)
    (OutboxMessage
     .update(status="dead" if dead else "failed", attempts=attempts, last_error=error,
             next_attempt_at=now if dead else now + retry_delay(attempts))
     .where(OutboxMessage.id == message.id)
     .execute())
    return "dead" if dead else "failed"


def with_documents(message):
    """The message with the documents it names drawn (left undrawn by a stopped process)."""
    if outbox.is_drawn(json.loads(message.attachments or "[]")):
        return message
    outbox.draw_documents([message.id])
    return OutboxMessage.get_by_id(message.id)


def _transport():
    """SMTP when SMTP_HOST is set, else .eml files."""
    config = current_app.config
    if config["SMTP_HOST"]:
        return SmtpTransport(config)
    return FileTransport(mail_directory())


def send_pending(now=None, limit=BATCH_SIZE):
    """Deliver the due messages; return counts of sent, failed, dead and skipped."""
    now = now or clock.now()
    counts = {"sent": 0, "failed": 0, "dead": 0, "skipped": 0}
    transport = _transport()
    outage = None
    try:
        for message in due_messages(now, limit):
            if not claim(message, now):
                counts["skipped"] += 1
                continue
            if outage is not None:
                counts[mark_failed(message, now, outage)] += 1
                continue
            try:
                note = transport.deliver(build_email(with_documents(message)), message)
            except TransportDown as error:
                # The server is unreachable: record it on every due message, without
                # waiting for a timeout once per message.
                outage = str(error)
                counts[mark_failed(message, now, outage)] += 1
            except MessageRefused as error:
                counts[mark_failed(message, now, str(error), error.permanent)] += 1
            else:
                mark_sent(message, now, note)
                counts["sent"] += 1
    finally:
        transport.close()
    return counts

