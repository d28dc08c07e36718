"""The discipline section of the monthly summary: same numbers on the page and in the PDF."""
import base64
import datetime as dt
import json

import pytest
import time_machine

from inspect_app.discipline.queries import month_summary
from inspect_app.jobs.monthly_mail import send_monthly_summaries
from inspect_app.models import OutboxMessage
from inspect_app.reports.monthly import monthly_summary
from tests.factories import make_case, make_unit, make_user
from tests.helpers import figures, pdf_text, sign_in

NOW = dt.datetime(2026, 11, 15, 3, 0, tzinfo=dt.timezone.utc)
D = dt.date


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def cases(app):
    """October 2026: two cases opened, one decided (khiển trách), one left past its deadline."""
    hoa_an = make_unit("X-HOAAN", "Xã Hòa An")
    hoa_hoi = make_unit("X-HOAHOI", "Xã Hòa Hội")
    make_case(unit=hoa_an, official_name="Lê Văn Quyết", opened_on=D(2026, 10, 2),
              status="decided", decision_date=D(2026, 10, 20))
    make_case(unit=hoa_an, official_name="Phạm Thị Hoa", opened_on=D(2026, 10, 6))
    make_case(unit=hoa_hoi, official_name="Võ Minh Tâm", opened_on=D(2026, 6, 1),
              deadline=D(2026, 8, 30))
    make_user("leader", role="leader", email="lanhdao@example.vn")
    return hoa_an, hoa_hoi


def test_the_section_holds_the_discipline_month_summary(cases):
    section = monthly_summary(2026, 10).section("discipline")
    expected = month_summary(D(2026, 10, 1), D(2026, 10, 31))
    assert section.data == expected
    assert (expected.opened, expected.decided, expected.open_at_end,
            expected.overdue_at_end) == (2, 1, 2, 1)
    assert [(row["measure"], row["count"]) for row in expected.by_measure] == \
        [("Khiển trách", 1)]


def test_page_and_pdf_show_the_same_figures_and_no_names(app, client, cases):
    sign_in(client, "leader")
    page = client.get("/reports/monthly/2026-10").get_data(as_text=True)
    shown = figures(page)
    expected = month_summary(D(2026, 10, 1), D(2026, 10, 31))
    for name in ("opened", "decided", "dismissed", "deferred", "open_at_end",
                 "overdue_at_end"):
        assert shown[f"discipline_{name}"] == str(getattr(expected, name))
    pdf = pdf_text(client.get("/reports/monthly/2026-10.pdf").data)
    assert "Khiển trách 1" in pdf
    assert "Xã Hòa Hội 0 0 0 0 1 1" in pdf
    for name in ("Lê Văn Quyết", "Phạm Thị Hoa", "Võ Minh Tâm"):
        assert name not in page and name not in pdf


def test_the_monthly_email_names_no_official(app, cases):
    send_monthly_summaries(D(2026, 11, 15), "2026-10")
    [message] = OutboxMessage.select()
    [attachment] = json.loads(message.attachments)
    pdf = pdf_text(base64.b64decode(attachment["content_b64"]))
    assert "Xã Hòa An" in pdf
    for name in ("Lê Văn Quyết", "Phạm Thị Hoa", "Võ Minh Tâm"):
        assert name not in pdf and name not in message.body_text
