"""CCHC index deadlines in the reminder and escalation digests: the self-assessment and
the explanation, each to the unit's own head, escalated to the leaders and the team."""
import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from inspect_app.assessments import services
from inspect_app.assessments.queries import get_sheet
from inspect_app.jobs.reminders import run_escalation, run_reminders
from inspect_app.mail import sender
from inspect_app.models import CriteriaNode
from tests.factories import (
    FULL_SCORES,
    make_criteria_set,
    make_round,
    make_unit,
    make_user,
    work_every_day,
)
from tests.smtp import smtp_config

OPENED = dt.date(2027, 1, 4)
DEADLINE = OPENED + dt.timedelta(days=20)


@pytest.fixture
def app_config(smtp_server):
    return {**smtp_config(smtp_server), "BASE_URL": "https://kiemtra.phuhoa.example.vn"}


@pytest.fixture
def world(app):
    """Two communes with heads, a leader, and a round of both opened on OPENED."""
    work_every_day(OPENED, DEADLINE + dt.timedelta(days=40))
    units = [make_unit("X-HOAAN", "Xã Hòa An"), make_unit("X-HOAHOI", "Xã Hòa Hội")]
    heads = [make_user("chutich", role="unit_head", unit=units[0],
                       email="chutich@hoaan.example.vn"),
             make_user("chutich2", role="unit_head", unit=units[1],
                       email="chutich@hoahoi.example.vn")]
    make_user("lanhdao", role="leader", email="lanhdao@phuhoa.example.vn")
    inspector = make_user("thamdinh", role="inspector", email="thamdinh@phuhoa.example.vn")
    with time_machine.travel(dt.datetime(2027, 1, 4, 3, tzinfo=dt.timezone.utc), tick=False):
        assessment_round = make_round(make_criteria_set(), units, team=[inspector],
                                      self_deadline=DEADLINE)
    sheets = {s.unit_id: s for s in assessment_round.sheets}
    return {"heads": heads, "inspector": inspector,
            "sheets": [sheets[unit.id] for unit in units]}


def run_day(day):
    """The day's reminder and escalation runs, delivered."""
    run_reminders(day)
    run_escalation(day)
    sender.send_pending()


def test_the_self_assessment_deadline_reminds_the_units_that_have_not_submitted(
        app, smtp_server, world):
    head, _other = world["heads"]
    nodes = {n.code: n.id for n in CriteriaNode.select()}
    with time_machine.travel(dt.datetime(2027, 1, 10, 3, tzinfo=dt.timezone.utc),
                             tick=False):
        sheet = get_sheet(world["sheets"][0].id)
        services.save_scores(head, sheet, {nodes[code]: services.AnswerInput(
            points=Decimal(value), note="Đủ") for code, value in FULL_SCORES.items()})
        services.submit_self_assessment(head, get_sheet(sheet.id))
    before = len(smtp_server.received())
    run_day(DEADLINE - dt.timedelta(days=3))
    [message] = smtp_server.received()[before:]
    assert message.rcpt_tos == ["chutich@hoahoi.example.vn"]
    body = message.body("plain")
    assert "Xã Hòa Hội" in body and "Xã Hòa An" not in body
    assert (f"https://kiemtra.phuhoa.example.vn/assessments/sheets/{world['sheets'][1].id}"
            in body)
    # A week late, the leaders and the round's team hear of it.
    before = len(smtp_server.received())
    run_day(DEADLINE + dt.timedelta(days=7))
    late = {address for m in smtp_server.received()[before:] for address in m.rcpt_tos}
    assert {"lanhdao@phuhoa.example.vn", "thamdinh@phuhoa.example.vn"} <= late
