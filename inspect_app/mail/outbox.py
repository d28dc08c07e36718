"""enqueue(...): add an e-mail to the outbox once per dedupe key, inside the caller's transaction."""
import json

from ..models import OutboxMessage


def enqueue(dedupe_key, recipients, subject, body_text, body_html="", locale="vi",
            attachments=()):
    """Queue one logical e-mail; a second call with the same key returns the first row."""
    addresses = sorted({address.strip() for address in recipients if address and address.strip()})
    if not addresses:
        return None
    message, created = OutboxMessage.get_or_create(
        dedupe_key=dedupe_key,
        defaults={"recipients": ", ".join(addresses), "subject": subject[:300],
                  "body_text": body_text, "body_html": body_html, "locale": locale,
                  "attachments": json.dumps(list(attachments), ensure_ascii=False)})
    return message
