"""The admin's outbox: every e-mail the app queued, its delivery state, and retrying."""
import json

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from peewee import fn

from .. import audit, clock
from ..db import transaction
from ..mail.sender import GIVE_UP_AFTER
from ..models import OUTBOX_STATES, OutboxMessage
from ..web import page_number, requires
from . import bp

PAGE_SIZE = 50
RETRYABLE = ("failed", "dead")
STATUS_LABELS = {
    "pending": _l("Waiting"),
    "sent": _l("Sent"),
    "failed": _l("Failed, will retry"),
    "dead": _l("Given up"),
}
# The stored HTML body is shown on its own, unable to run scripts or load anything.
HTML_PREVIEW_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def get_message_or_404(message_id):
    """The outbox message with this id, or 404."""
    message = OutboxMessage.get_or_none(OutboxMessage.id == message_id)
    if message is None:
        abort(404)
    return message


def status_counts():
    """{status: number of messages} for every status, zeros included."""
    counts = dict.fromkeys(OUTBOX_STATES, 0)
    counts.update(OutboxMessage
                  .select(OutboxMessage.status, fn.COUNT(OutboxMessage.id))
                  .group_by(OutboxMessage.status)
                  .tuples())
    return counts


def retry_message(actor, message):
    """Queue a failed or dead message again now, with a fresh time before giving up."""
    now = clock.now()
    with transaction():
        retried = (OutboxMessage
                   .update(status="pending", next_attempt_at=now,
                           give_up_at=now + GIVE_UP_AFTER)
                   .where(OutboxMessage.id == message.id,
                          OutboxMessage.status.in_(RETRYABLE))
                   .execute())
        if retried:
            audit.record(actor, "retry", message, {"status": [message.status, "pending"]})
    return bool(retried)


@bp.route("/outbox")
@requires("outbox.manage")
def outbox():
    """The queued and delivered e-mails, newest first, filtered by status."""
    status = request.args.get("status", "")
    page = page_number()
    query = OutboxMessage.select().order_by(OutboxMessage.created_at.desc(),
                                            OutboxMessage.id.desc())
    if status in OUTBOX_STATES:
        query = query.where(OutboxMessage.status == status)
    rows = list(query.paginate(page, PAGE_SIZE + 1))
    return render_template("admin/outbox.html", messages=rows[:PAGE_SIZE],
                           has_more=len(rows) > PAGE_SIZE, page=page, status=status,
                           counts=status_counts(), labels=STATUS_LABELS)


@bp.route("/outbox/<int:message_id>")
@requires("outbox.manage")
def outbox_message(message_id):
    """One e-mail: its headers, delivery attempts, text body and attachments."""
    message = get_message_or_404(message_id)
    attachments = json.loads(message.attachments or "[]")
    return render_template("admin/outbox_message.html", message=message, labels=STATUS_LABELS,
                           attachments=[{"filename": a["filename"],
                                         "size": len(a.get("content_b64", "")) * 3 // 4}
                                        for a in attachments],
                           can_retry=message.status in RETRYABLE)


@bp.route("/outbox/<int:message_id>/html")
@requires("outbox.manage")
def outbox_message_html(message_id):
    """The HTML body as the recipient sees it, sandboxed."""
    message = get_message_or_404(message_id)
    if not message.body_html:
        abort(404)
    response = make_response(message.body_html)
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    response.headers["Content-Security-Policy"] = HTML_PREVIEW_CSP
    return response


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@requires("outbox.manage")
def retry_outbox_message(message_id):
    """Send a failed or dead message again at the next delivery run."""
    message = get_message_or_404(message_id)
    if retry_message(current_user._get_current_object(), message):
        flash(_("The message will be sent again within a minute."), "success")
    else:
        flash(_("Only a failed or given-up message can be retried."), "warning")
    return redirect(url_for("admin.outbox_message", message_id=message.id))
