"""Reminder runs read and write in batches; each digest still gets its own content."""
import datetime as dt
import itertools

from flask_babel import force_locale, gettext
from playhouse.test_utils import count_queries

from inspect_app.deadlines import overdue_text
from inspect_app.jobs.reminders import run_escalation, run_reminders
from inspect_app.mail import outbox
from inspect_app.mail.outbox import OutboxBatch, enqueue
from inspect_app.models import OutboxMessage, ReminderLog
from tests.factories import make_concluded_inspection, make_finding, make_unit, make_user

DAY1 = dt.date(2027, 3, 1)
# Deadlines, in days from the run: 7 days before, the day, 7 and 21 days overdue.
OFFSETS = (7, 0, -7, -21)
_numbers = itertools.count(1)


def add_units(count, lead, day):
    """count units, each with a head, a shared mailbox and findings at every stage on day."""
    for _ in range(count):
        n = next(_numbers)
        unit = make_unit(email=f"ubnd{n}@xa.example.vn")
        make_user(role="unit_head", unit=unit, email=f"chutich{n}@xa.example.vn")
        inspection = make_concluded_inspection(unit, lead=lead)
        for offset in OFFSETS:
            make_finding(inspection=inspection, deadline=day + dt.timedelta(days=offset))


def queries_of_a_day(day):
    """The number of SQL queries of the day's reminder and escalation runs."""
    with count_queries() as counted:
        run_reminders(day)
        run_escalation(day)
    return counted.count


def test_a_run_makes_as_many_queries_with_more_findings_and_recipients(app):
    make_user(role="leader", email="lanhdao@phuhoa.example.vn")
    lead = make_user(role="inspector", email="truongdoan@phuhoa.example.vn")
    add_units(1, lead, DAY1)
    first = queries_of_a_day(DAY1)
    assert OutboxMessage.select().count() == 2 + 2
    day2 = DAY1 + dt.timedelta(days=1)
    add_units(6, lead, day2)
    assert queries_of_a_day(day2) == first
    # Day 2: the new units' heads and mailboxes, the leader and the lead; day 1's
    # findings are at stages already logged.
    assert OutboxMessage.select().count() == 4 + 6 * 2 + 2
    assert ReminderLog.select().count() == 7 * (len(OFFSETS) + 2)


def test_each_language_renders_its_own_lines(app):
    unit = make_unit(email="ubnd@hoaan.example.vn")
    make_user(role="unit_head", unit=unit, email="chutich@hoaan.example.vn")
    make_user(role="unit_head", unit=unit, email="phochutich@hoaan.example.vn", locale="en")
    make_finding(unit=unit, deadline=DAY1 - dt.timedelta(days=7), code="KL-1")
    make_finding(unit=unit, deadline=DAY1, code="KL-2")
    run_reminders(DAY1)
    bodies = {m.recipients: m.body_text for m in OutboxMessage.select()}
    for address, locale in [("chutich@hoaan.example.vn", "vi"),
                            ("ubnd@hoaan.example.vn", "vi"),
                            ("phochutich@hoaan.example.vn", "en")]:
        with force_locale(locale):
            # Seven days from Monday 22/02/2027: five of them worked.
            overdue = overdue_text(7, 5)
            today = gettext("due today")
        assert f"({overdue})" in bodies[address] and f"({today})" in bodies[address]
    assert bodies["chutich@hoaan.example.vn"] != bodies["phochutich@hoaan.example.vn"]


def test_a_batch_queues_each_key_once_as_enqueue_does(app):
    enqueue("k:1", ["a@example.vn"], "Một", "một")
    batch = OutboxBatch()
    batch.add("k:1", ["b@example.vn"], "Khác", "khác")
    batch.add("k:2", [" c@example.vn ", "c@example.vn", ""], "Hai", "hai", "<p>hai</p>",
              locale="en")
    batch.add("k:2", ["d@example.vn"], "Lặp lại", "lặp lại")
    batch.add("k:3", ["", "  "], "Không có địa chỉ", "không")
    assert batch.flush() == 1
    rows = {m.dedupe_key: m for m in OutboxMessage.select()}
    assert set(rows) == {"k:1", "k:2"}
    assert (rows["k:1"].recipients, rows["k:1"].subject) == ("a@example.vn", "Một")
    second = rows["k:2"]
    assert (second.recipients, second.subject, second.body_text, second.body_html,
            second.locale, second.status, second.attachments) == \
        ("c@example.vn", "Hai", "hai", "<p>hai</p>", "en", "pending", "[]")


def test_a_large_batch_is_written_as_it_grows(app, monkeypatch):
    monkeypatch.setattr(outbox, "BATCH_ROWS", 2)
    batch = OutboxBatch()
    for n in range(5):
        batch.add(f"k:{n}", [f"hop{n}@example.vn"], "Tiêu đề", "nội dung")
    assert OutboxMessage.select().count() == 4
    assert batch.flush() == 5
    assert [m.dedupe_key for m in OutboxMessage.select().order_by(OutboxMessage.id)] == \
        [f"k:{n}" for n in range(5)]
