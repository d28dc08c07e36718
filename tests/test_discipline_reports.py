"""The query functions reminders and the monthly summary read: awaiting cases, the month."""
import datetime as dt

import pytest
import time_machine
from playhouse.test_utils import count_queries

from inspect_app.discipline import queries, services
from tests.factories import make_case, make_unit, make_user

NOVEMBER = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def hanoi_morning(day):
    """10:00 in Hanoi on day, as an aware UTC moment."""
    return dt.datetime.combine(day, dt.time(3, 0), tzinfo=dt.timezone.utc)


@pytest.fixture
def clock_at():
    """Move the clock to a local day: clock_at(day)."""
    with time_machine.travel(hanoi_morning(dt.date(2026, 12, 1)), tick=False) as traveller:
        yield lambda day: traveller.move_to(hanoi_morning(day))


def test_cases_awaiting_decision_are_the_open_ones_by_deadline(app, clock_at):
    unit = make_unit(name="Xã Hòa An")
    later = make_case(unit=unit, opened_on=dt.date(2026, 11, 20))
    sooner = make_case(unit=unit, opened_on=dt.date(2026, 9, 1))
    for status in ("decided", "dismissed", "deferred"):
        make_case(unit=unit, status=status, opened_on=dt.date(2026, 8, 1),
                  outcome_on=dt.date(2026, 11, 1))
    with count_queries() as counted:
        rows = [(case.id, case.unit.name) for case in queries.cases_awaiting_decision()]
    assert rows == [(sooner.id, "Xã Hòa An"), (later.id, "Xã Hòa An")]
    assert counted.count == 1


@pytest.fixture
def november(app, clock_at):
    """Two communes' cases opened, decided, closed, deferred and resumed around November."""
    inspector = make_user(role="inspector")
    hoa_an, hoa_hoi = make_unit(name="Xã Hòa An"), make_unit(name="Xã Hòa Hội")
    make_case(unit=hoa_an, opened_on=dt.date(2026, 11, 5))
    make_case(unit=hoa_an, opened_on=dt.date(2026, 8, 1))  # due 30 October
    make_case(unit=hoa_an, opened_on=dt.date(2026, 9, 1))  # due 30 November
    make_case(unit=hoa_an, status="decided", opened_on=dt.date(2026, 9, 1),
              decision_date=dt.date(2026, 11, 20))
    make_case(unit=hoa_an, status="decided", opened_on=dt.date(2026, 9, 10),
              decision_date=dt.date(2026, 12, 1))
    make_case(unit=hoa_hoi, status="dismissed", opened_on=dt.date(2026, 10, 1),
              outcome_on=dt.date(2026, 11, 15))
    make_case(unit=hoa_hoi, person_type="can_bo", status="decided", measure_code="canh_cao",
              opened_on=dt.date(2026, 10, 10), decision_date=dt.date(2026, 11, 25))
    make_case(unit=hoa_hoi, opened_on=dt.date(2026, 12, 1))
    make_case(unit=make_unit(name="Xã Hòa Trị"), status="decided",
              opened_on=dt.date(2025, 1, 2), decision_date=dt.date(2025, 3, 2))
    clock_at(dt.date(2026, 11, 10))
    still_deferred = services.open_case(inspector, "Lê Văn Chờ", "", "cong_chuc", hoa_hoi,
                                        "Vi phạm.", dt.date(2026, 11, 2))
    services.defer_case(inspector, still_deferred, "illness")
    resumed = services.open_case(inspector, "Lê Văn Lại", "", "cong_chuc", hoa_hoi,
                                 "Vi phạm.", dt.date(2026, 10, 5))
    clock_at(dt.date(2026, 11, 12))
    services.defer_case(inspector, resumed, "pregnancy_childcare")
    clock_at(dt.date(2026, 11, 20))
    services.resume_case(inspector, resumed)
    clock_at(dt.date(2026, 12, 1))
    return {"hoa_an": hoa_an, "hoa_hoi": hoa_hoi}


def test_month_summary_counts_per_unit(november):
    summary = queries.month_summary(*NOVEMBER)
    figures = [(row["unit_name"], row["opened"], row["decided"], row["dismissed"],
                row["deferred"], row["open_at_end"], row["overdue_at_end"])
               for row in summary.by_unit]
    assert figures == [("Xã Hòa An", 1, 1, 0, 0, 4, 2),
                       ("Xã Hòa Hội", 1, 1, 1, 2, 1, 0)]


def test_month_summary_totals_add_up_the_units(november):
    summary = queries.month_summary(*NOVEMBER)
    for name in queries.UNIT_FIGURES:
        assert getattr(summary, name) == sum(row[name] for row in summary.by_unit), name
    assert (summary.opened, summary.decided, summary.dismissed, summary.deferred,
            summary.open_at_end, summary.overdue_at_end) == (2, 2, 1, 2, 5, 2)


def test_month_summary_counts_the_months_decisions_by_measure(november):
    summary = queries.month_summary(*NOVEMBER)
    assert [(row["measure"], row["count"]) for row in summary.by_measure] == [
        ("Khiển trách", 1), ("Cảnh cáo", 1)]


def test_month_summary_of_a_quiet_month_is_empty(november):
    summary = queries.month_summary(dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    assert (summary.by_unit, summary.by_measure, summary.opened, summary.open_at_end) == \
        ([], [], 0, 0)


def test_month_summary_carries_no_personal_data(november):
    summary = queries.month_summary(*NOVEMBER)
    assert "Lê Văn" not in repr(summary)
