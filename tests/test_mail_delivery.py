"""Delivering the outbox to a real SMTP server: encoding, retries, outages, crashes."""
import base64
import datetime as dt
import email
import os
import signal
import subprocess
import sys
import threading
from email import policy
from pathlib import Path

import pytest

from inspect_app import clock
from inspect_app.mail import sender
from inspect_app.mail.outbox import enqueue
from inspect_app.models import AuditEvent, OutboxMessage
from tests.factories import (
    PDF_BYTES,
    issue_findings,
    make_inspection_in_progress,
    make_unit,
    make_user,
    record_draft,
)
from tests.helpers import location, text, tr
from tests.smtp import smtp_config

ROOT = Path(__file__).resolve().parent.parent
SUBJECT = "Nhắc hạn khắc phục: Ủy ban nhân dân xã Hòa Định Đông – “quá hạn” 5 ngày"
BODY = "Kính gửi đồng chí Chủ tịch,\n\nTồn tại KL-12/2026-3 đã quá hạn. Đề nghị khắc phục.\n"
HTML = "<p>Kính gửi đồng chí Chủ tịch,</p><p>Tồn tại <b>KL-12/2026-3</b> đã quá hạn.</p>"


@pytest.fixture
def app_config(smtp_server):
    return {**smtp_config(smtp_server), "BASE_URL": "https://kiemtra.phuhoa.example.vn"}


def queue(n=1, prefix="test", **overrides):
    """n Vietnamese messages in the outbox."""
    values = {"subject": SUBJECT, "body_text": BODY, "body_html": HTML}
    values.update(overrides)
    return [enqueue(f"{prefix}:{i}", [f"nguoinhan{i}@hoadinhdong.example.vn"],
                    values["subject"], values["body_text"], values["body_html"])
            for i in range(n)]


def reload(message):
    return OutboxMessage.get_by_id(message.id)


# --- encoding ---------------------------------------------------------------------------


def test_vietnamese_subject_and_bodies_arrive_unchanged(app, smtp_server):
    [message] = queue()
    assert sender.send_pending() == {"sent": 1, "failed": 0, "dead": 0, "skipped": 0}
    [received] = smtp_server.received()
    assert received.subject == SUBJECT
    assert received.body("plain") == BODY
    assert "<b>KL-12/2026-3</b>" in received.body("html")
    assert received.rcpt_tos == ["nguoinhan0@hoadinhdong.example.vn"]
    assert received.mail_from == "kiemtra@phuhoa.example.vn"
    # The subject travels encoded: raw headers are ASCII only.
    header_block = received.raw.split(b"\r\n\r\n", 1)[0]
    assert header_block.decode("ascii")
    assert email.utils.parsedate_to_datetime(str(received.email["Date"]))
    stored = reload(message)
    assert stored.status == "sent" and stored.attempts == 1 and stored.sent_at
    assert received.message_id == stored.message_id
    assert stored.message_id.endswith("@phuhoa.example.vn>")


def test_attachments_arrive_with_their_vietnamese_names(app, smtp_server):
    attachment = {"filename": "Kết luận kiểm tra.pdf", "content_type": "application/pdf",
                  "content_b64": base64.b64encode(PDF_BYTES).decode()}
    enqueue("with-file", ["a@example.vn"], SUBJECT, BODY, HTML, attachments=[attachment])
    sender.send_pending()
    [received] = smtp_server.received()
    assert received.attachments() == [("Kết luận kiểm tra.pdf", PDF_BYTES)]
    assert received.body("plain") == BODY


def test_workflow_email_links_point_to_base_url(app, smtp_server):
    commune = make_unit("X-HOADINHDONG", "Xã Hòa Định Đông")
    make_user("chutich", role="unit_head", unit=commune, email="chutich@example.vn",
              full_name="Trần Thị Bình")
    inspection = make_inspection_in_progress(
        unit=commune, start=clock.today() - dt.timedelta(days=5))
    record_draft(inspection, title="Hồ sơ trễ hạn chưa có văn bản xin lỗi",
                 responsible_unit=commune)
    [finding] = issue_findings(inspection, conclusion_no="12/KL-UBND")
    sender.send_pending()
    [received] = smtp_server.to("chutich@example.vn")
    assert "Hồ sơ trễ hạn chưa có văn bản xin lỗi" in received.body("plain")
    assert "Trần Thị Bình" in received.body("plain")
    link = f"https://kiemtra.phuhoa.example.vn/findings/{finding.id}"
    assert link in received.body("plain")
    assert f'href="{link}"' in received.body("html")


def test_english_recipient_gets_english(app, smtp_server):
    commune = make_unit()
    make_user(role="unit_head", unit=commune, email="head@example.vn", locale="en")
    inspection = make_inspection_in_progress(
        unit=commune, start=clock.today() - dt.timedelta(days=5))
    record_draft(inspection, responsible_unit=commune)
    issue_findings(inspection, conclusion_no="7/KL")
    sender.send_pending()
    [received] = smtp_server.to("head@example.vn")
    assert received.email["Content-Language"] == "en"
    assert received.subject.startswith(tr(app, "Inspection conclusion %(number)s: findings "
                                               "for %(unit)s to remedy", locale="en",
                                               number="7/KL", unit=commune.name)[:20])


# --- failures, retries, outages -----------------------------------------------------------


def test_server_down_keeps_messages_with_their_error_then_sends_each_once(app, smtp_server):
    messages = queue(3)
    smtp_server.stop()
    now = clock.now()
    counts = sender.send_pending(now=now)
    assert counts == {"sent": 0, "failed": 3, "dead": 0, "skipped": 0}
    for message in map(reload, messages):
        assert message.status == "failed" and message.attempts == 1
        assert "Connection refused" in message.last_error or "Errno" in message.last_error
        assert message.next_attempt_at == now + dt.timedelta(minutes=1)
    smtp_server.start()
    # Not due yet: nothing is sent before the delay has passed.
    assert sender.send_pending(now=now + dt.timedelta(seconds=30))["sent"] == 0
    assert sender.send_pending(now=now + dt.timedelta(minutes=1))["sent"] == 3
    assert sender.send_pending(now=now + dt.timedelta(hours=1))["sent"] == 0
    received = smtp_server.received()
    assert sorted(m.rcpt_tos[0] for m in received) == sorted(
        m.recipients for m in messages)
    first_ids = {m.id: m.message_id for m in map(reload, messages)}
    assert {r.message_id for r in received} == set(first_ids.values())


def test_retry_delays_grow_and_the_message_dies_after_48_hours(app, smtp_server):
    [message] = queue()
    smtp_server.stop()
    start = reload(message).created_at
    now, delays = start, []
    while reload(message).status != "dead":
        sender.send_pending(now=now)
        stored = reload(message)
        if stored.status == "dead":
            break
        delays.append(stored.next_attempt_at - now)
        now = stored.next_attempt_at
    minutes = [int(d.total_seconds() // 60) for d in delays]
    assert minutes[:5] == [1, 5, 15, 60, 360]
    assert set(minutes[4:]) == {360}
    dead = reload(message)
    assert now - start >= dt.timedelta(hours=48)
    assert now - start < dt.timedelta(hours=54)
    assert dead.last_error and dead.attempts == len(delays) + 1
    # Each attempt kept the one Message-ID.
    assert dead.message_id


def test_a_mailbox_refused_for_good_is_given_up_at_once(app, smtp_server):
    smtp_server.refused.add("nobody@example.vn")
    enqueue("refused", ["nobody@example.vn"], SUBJECT, BODY)
    assert sender.send_pending()["dead"] == 1
    message = OutboxMessage.get(OutboxMessage.dedupe_key == "refused")
    assert message.status == "dead" and "550" in message.last_error


def test_one_refused_recipient_does_not_stop_the_others(app, smtp_server):
    smtp_server.refused.add("old@example.vn")
    enqueue("partly", ["old@example.vn", "new@example.vn"], SUBJECT, BODY)
    assert sender.send_pending()["sent"] == 1
    message = OutboxMessage.get(OutboxMessage.dedupe_key == "partly")
    assert message.status == "sent" and "old@example.vn" in message.last_error
    assert smtp_server.received()[0].rcpt_tos == ["new@example.vn"]


def test_a_claimed_message_is_not_sent_by_a_second_sender(app, smtp_server):
    [message] = queue()
    now = clock.now()
    assert sender.claim(message, now)
    assert sender.send_pending(now=now) == {"sent": 0, "failed": 0, "dead": 0, "skipped": 0}
    assert smtp_server.received() == []
    # The claim lapses: the message goes out with the Message-ID chosen at the claim.
    later = now + sender.CLAIM_FOR
    assert sender.send_pending(now=later)["sent"] == 1
    assert smtp_server.received()[0].message_id == reload(message).message_id


def test_two_senders_at_once_send_each_message_once(app, smtp_server):
    queue(40)
    results = []

    def run():
        with app.app_context():
            results.append(sender.send_pending())

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r["sent"] for r in results) == 40
    received = smtp_server.received()
    assert len(received) == 40
    assert len({r.message_id for r in received}) == 40


def test_killed_sender_repeats_only_the_message_in_flight_with_the_same_id(
        app, smtp_server, tmp_path):
    messages = queue(5)
    held = threading.Event()
    release = threading.Event()

    def hold_third(received):
        if len(smtp_server.received()) == 3:
            held.set()
            release.wait(timeout=30)

    smtp_server.on_data = hold_third
    env = {**os.environ, "INSTANCE_PATH": app.instance_path,
           "DATABASE_URL": app.config["DATABASE_URL"], "SMTP_HOST": "127.0.0.1",
           "SMTP_PORT": str(smtp_server.port), "MAIL_FROM": "kiemtra@phuhoa.example.vn",
           "SECRET_KEY": "test"}
    child = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "jobs",
                              "send-mail"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    try:
        assert held.wait(timeout=60), child.communicate()
        # The server has the third message; the sender dies before it hears "250".
        child.send_signal(signal.SIGKILL)
        child.wait()
    finally:
        release.set()
    smtp_server.on_data = None
    stored = [reload(m) for m in messages]
    assert [m.status for m in stored] == ["sent", "sent", "pending", "pending", "pending"]
    in_flight_id = stored[2].message_id
    # Later runs: the others go at once, the claimed one when its claim lapses.
    sender.send_pending()
    sender.send_pending(now=clock.now() + sender.CLAIM_FOR)
    received = smtp_server.received()
    ids = [r.message_id for r in received]
    assert len(received) == 6
    assert ids.count(in_flight_id) == 2
    assert len(set(ids)) == 5
    assert {m.status for m in map(reload, messages)} == {"sent"}


# --- the embedded default: .eml files ------------------------------------------------------


def test_without_smtp_host_messages_become_eml_files(make_app):
    app = make_app("files.db", migrated=True, SMTP_HOST="")
    with app.app_context():
        [message] = queue()
        assert sender.send_pending()["sent"] == 1
        [path] = list((Path(app.instance_path) / "mail").glob("*.eml"))
        parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        assert str(parsed["Subject"]) == SUBJECT
        assert parsed.get_body(("plain",)).get_content() == BODY
        stored = reload(message)
        assert stored.status == "sent" and str(parsed["Message-ID"]) == stored.message_id
        # Delivered once: a second run writes nothing more.
        assert sender.send_pending()["sent"] == 0
        assert len(list((Path(app.instance_path) / "mail").glob("*.eml"))) == 1


# --- the admin's outbox page ------------------------------------------------------------


def test_admin_filters_reads_and_retries_a_dead_message(app, client, auth, smtp_server):
    make_user("quantri", role="admin")
    smtp_server.refused.add("nobody@example.vn")
    enqueue("dead-one", ["nobody@example.vn"], "Thư không tới được", BODY, HTML)
    enqueue("good-one", ["ok@example.vn"], "Thư đã gửi", BODY)
    sender.send_pending()
    auth.login("quantri")
    page = text(client.get("/admin/outbox?status=dead"))
    assert "Thư không tới được" in page and "Thư đã gửi" not in page
    message = OutboxMessage.get(OutboxMessage.dedupe_key == "dead-one")
    detail = text(client.get(f"/admin/outbox/{message.id}"))
    assert "550" in detail and "Tồn tại KL-12/2026-3 đã quá hạn" in detail
    preview = client.get(f"/admin/outbox/{message.id}/html")
    assert "sandbox" in preview.headers["Content-Security-Policy"]
    assert "<b>KL-12/2026-3</b>" in preview.get_data(as_text=True)

    smtp_server.refused.clear()
    response = client.post(f"/admin/outbox/{message.id}/retry")
    assert location(response) == f"/admin/outbox/{message.id}"
    assert reload(message).status == "pending"
    assert AuditEvent.get(AuditEvent.entity == "outbox_message").action == "retry"
    assert sender.send_pending()["sent"] == 1
    assert smtp_server.to("nobody@example.vn")[0].subject == "Thư không tới được"
    assert reload(message).status == "sent"


def test_a_sent_message_cannot_be_retried(app, client, auth, smtp_server):
    make_user("quantri", role="admin")
    [message] = queue()
    sender.send_pending()
    auth.login("quantri")
    client.post(f"/admin/outbox/{message.id}/retry")
    assert reload(message).status == "sent"
    assert len(smtp_server.received()) == 1
    assert tr(app, "Send again") not in text(client.get(f"/admin/outbox/{message.id}"))


@pytest.mark.parametrize("role", ["inspector", "leader", "unit_head"])
def test_only_admins_see_the_outbox(app, client, auth, role):
    make_user("nguoidung", role=role)
    [message] = queue()
    auth.login("nguoidung")
    assert client.get("/admin/outbox").status_code == 403
    assert client.post(f"/admin/outbox/{message.id}/retry").status_code == 403

