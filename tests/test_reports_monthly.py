"""The monthly summary's figures, as they stood at the end of the month."""
import datetime as dt

import pytest
import time_machine

from inspect_app import clock
from inspect_app.models import ExtensionRequest, Inspection, Response
from inspect_app.reports import queries
from inspect_app.reports.monthly import (
    SECTION_BUILDERS,
    Month,
    Period,
    Section,
    is_reportable,
    monthly_summary,
)
from tests.factories import make_issued_finding, make_unit, make_user

# 10:00 in Hanoi on 15 November 2026: October is complete, November under way.
NOW = dt.datetime(2026, 11, 15, 3, 0, tzinfo=dt.timezone.utc)
D = dt.date


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


def at(day, hour=9):
    """The stored (UTC) moment of hour o'clock local time on day."""
    return clock.start_of_day_utc(day) + dt.timedelta(hours=hour)


def resolved(unit, issued_on, deadline, on, on_time):
    """A finding resolved at 9:00 on the local date on."""
    return make_issued_finding(unit, issued_on, deadline, status="resolved",
                               resolved_at=at(on), resolved_on_time=on_time)


def extend(finding, head, new_deadline, decided_on, status="approved"):
    """An extension of finding decided on decided_on; approved ones move the deadline."""
    ExtensionRequest.create(finding=finding, requested_by=head, reason="Cần thêm thời gian",
                            previous_deadline=finding.deadline,
                            requested_deadline=new_deadline, status=status,
                            decided_at=at(decided_on))
    if status == "approved":
        finding.deadline = new_deadline
        finding.save()


@pytest.fixture
def october(app):
    """Three communes with findings whose October story is known, day by day."""
    a, b, c = (make_unit(name=name) for name in ("Xã Hòa An", "Xã Hòa Bình", "Xã Hòa Cát"))
    head_b = make_user(role="unit_head", unit=b)
    findings = {
        # Issued in September, still open: 22 days overdue on 1 November.
        "a_old": make_issued_finding(a, D(2026, 9, 20), D(2026, 10, 10)),
        # Due on 31 October, resolved late in November: overdue by 1 day at the month end.
        "a_last_day": resolved(a, D(2026, 10, 5), D(2026, 10, 31), D(2026, 11, 3), False),
        "a_on_time": resolved(a, D(2026, 10, 5), D(2026, 10, 20), D(2026, 10, 18), True),
        # Extended in November: the October deadline still counts at the month end.
        "b_extended_later": make_issued_finding(b, D(2026, 10, 12), D(2026, 10, 25)),
        # Extended in October: the new deadline is in force at the month end.
        "b_extended_before": make_issued_finding(b, D(2026, 10, 12), D(2026, 10, 20)),
        # Report sent in October, accepted in November: waiting for review at the end.
        "b_waiting": resolved(b, D(2026, 10, 1), D(2026, 10, 15), D(2026, 11, 2), True),
        "b_late": resolved(b, D(2026, 10, 3), D(2026, 10, 8), D(2026, 10, 30), False),
        "c_on_time": resolved(c, D(2026, 10, 2), D(2026, 10, 30), D(2026, 10, 29), True),
        "c_cancelled": make_issued_finding(c, D(2026, 10, 1), D(2026, 10, 10),
                                           status="cancelled"),
        "c_november": make_issued_finding(c, D(2026, 11, 2), D(2026, 11, 10)),
        # September's resolutions: one late, one on time (a 50 % month).
        "c_september": resolved(c, D(2026, 9, 1), D(2026, 9, 10), D(2026, 9, 20), False),
        "a_september": resolved(a, D(2026, 9, 1), D(2026, 9, 30), D(2026, 9, 25), True),
    }
    extend(findings["b_extended_later"], head_b, D(2026, 12, 1), D(2026, 11, 5))
    extend(findings["b_extended_before"], head_b, D(2026, 11, 30), D(2026, 10, 19))
    extend(findings["b_extended_before"], head_b, D(2027, 1, 30), D(2026, 10, 25), "rejected")
    Response.create(finding=findings["b_waiting"], author=head_b, body="Đã khắc phục",
                    submitted_at=at(D(2026, 10, 14)), submitted_on=D(2026, 10, 14),
                    review="accepted", reviewed_at=at(D(2026, 11, 2)))
    Inspection.create(unit=c, title="Kiểm tra đang làm", start_date=D(2026, 10, 20),
                      end_date=D(2026, 10, 22), status="in_progress")
    Inspection.create(unit=c, title="Kiểm tra đã hủy", start_date=D(2026, 10, 26),
                      end_date=D(2026, 10, 27), status="cancelled")
    return {"a": a, "b": b, "c": c, **findings}


# --- months and periods -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "26-10", "2026/10", "", "2026-1",
                                  "abcd-ef", "2026-10-01"])
def test_a_month_is_written_yyyy_mm(text):
    with pytest.raises(ValueError):
        Month.parse(text)


def test_month_arithmetic_crosses_years():
    month = Month.parse("2026-01")
    assert (str(month.previous()), str(month.next())) == ("2025-12", "2026-02")
    assert (month.first, month.last, month.label()) == (D(2026, 1, 1), D(2026, 1, 31),
                                                        "01/2026")


def test_a_finished_month_is_covered_to_its_last_day():
    period = Period.of(Month(2026, 10), D(2026, 11, 15))
    assert (period.as_at, period.cutoff, period.complete) == (D(2026, 10, 31),
                                                              D(2026, 11, 1), True)


def test_the_month_under_way_is_covered_to_yesterday():
    period = Period.of(Month(2026, 11), D(2026, 11, 15))
    assert (period.as_at, period.complete) == (D(2026, 11, 14), False)


@pytest.mark.parametrize("month, reportable", [("2026-11", True), ("2026-12", False),
                                               ("2030-01", False), ("1999-01", True)])
def test_only_months_with_an_ended_day_are_reported(month, reportable):
    assert is_reportable(Month.parse(month), D(2026, 11, 15)) is reportable


def test_on_the_first_of_a_month_that_month_has_no_report_yet():
    assert not is_reportable(Month(2026, 11), D(2026, 11, 1))
    with pytest.raises(ValueError):
        monthly_summary(2026, 12)


# --- the figures ------------------------------------------------------------------------


def test_october_totals_count_what_happened_in_october(october):
    totals = monthly_summary(2026, 10).totals
    assert totals.findings_new == 7  # the cancelled and the November finding excluded
    assert (totals.findings_resolved, totals.resolved_on_time, totals.resolved_late) == (3, 2, 1)
    assert totals.open_at_end == 5
    assert totals.overdue_at_end == 3
    assert totals.on_time_rate == 66.7
    assert totals.previous_rate == 50.0
    assert totals.rate_change == 16.7


def test_inspections_done_are_conclusions_of_the_month_and_planned_those_held(october):
    summary = monthly_summary(2026, 10)
    # Every October finding came with its own conclusion (the cancelled one's included).
    assert summary.totals.inspections_done == 8
    assert {row["conclusion_date"].month for row in summary.inspections_done} == {10}
    # Each finding's inspection was held on the two days before its conclusion.
    held = {row["id"] for row in summary.inspections_planned}
    assert october["c_november"].inspection_id in held  # 31/10 - 1/11
    assert october["b_waiting"].inspection_id not in held  # 29 - 30/09
    titles = {row["title"] for row in summary.inspections_planned}
    assert "Kiểm tra đang làm" in titles and "Kiểm tra đã hủy" not in titles
    assert summary.totals.inspections_planned == 8


def test_overdue_at_month_end_uses_the_deadline_then_in_force(october):
    overdue = monthly_summary(2026, 10).overdue
    assert [(row["id"], row["days_overdue"]) for row in overdue] == [
        (october["a_old"].id, 22), (october["b_extended_later"].id, 7),
        (october["a_last_day"].id, 1)]
    assert overdue[1]["deadline"] == D(2026, 10, 25)


def test_only_the_longest_overdue_are_listed_with_the_number_of_all(october, monkeypatch):
    monkeypatch.setattr("inspect_app.reports.monthly.OVERDUE_LISTED", 2)
    summary = monthly_summary(2026, 10)
    assert [row["id"] for row in summary.overdue] == [october["a_old"].id,
                                                      october["b_extended_later"].id]
    listing = summary.section("overdue").data
    assert (len(listing.rows), listing.total, listing.complete) == (2, 3, False)
    assert summary.totals.overdue_at_end == 3
    # The unit table stays complete: a_last_day still counts for Xã Hòa An.
    assert {row["unit_name"]: row["overdue"] for row in summary.units} == {
        "Xã Hòa An": 2, "Xã Hòa Bình": 1, "Xã Hòa Cát": 0}


def test_a_finding_issued_without_a_conclusion_date_counts_from_its_creation(app):
    finding = make_issued_finding(make_unit(), D(2026, 10, 10), D(2026, 12, 1))
    finding.created_at = at(D(2026, 10, 10))
    finding.save()
    Inspection.update(conclusion_date=None).where(
        Inspection.id == finding.inspection_id).execute()
    assert [monthly_summary(2026, month).totals.findings_new for month in (9, 10, 11)] == [
        0, 1, 0]
    assert monthly_summary(2026, 10).totals.open_at_end == 1


def test_a_report_waiting_for_review_is_open_but_not_overdue(october):
    rows = {row["unit_id"]: row for row in queries.unit_status_at(D(2026, 11, 1))}
    assert (rows[october["b"].id]["open"], rows[october["b"].id]["overdue"]) == (3, 1)


def test_units_are_ranked_by_overdue_then_on_time_rate(october):
    units = monthly_summary(2026, 10).units
    table = [(row["rank"], row["unit_name"], row["open"], row["overdue"], row["on_time"],
              row["late"], row["rate"]) for row in units]
    assert table == [(1, "Xã Hòa Cát", 0, 0, 1, 0, 100.0),
                     (2, "Xã Hòa Bình", 3, 1, 0, 1, 0.0),
                     (3, "Xã Hòa An", 2, 2, 1, 0, 100.0)]


def test_units_with_the_same_overdue_and_rate_share_a_rank(app):
    for name in ("Xã Một", "Xã Hai"):
        make_issued_finding(make_unit(name=name), D(2026, 10, 1), D(2026, 10, 5))
    assert [row["rank"] for row in monthly_summary(2026, 10).units] == [1, 1]


def test_the_month_under_way_counts_up_to_yesterday(october):
    summary = monthly_summary(2026, 11)
    assert summary.period.as_at == D(2026, 11, 14)
    assert summary.totals.findings_new == 1  # c_november
    # a_last_day (3 Nov) and b_waiting (2 Nov) were resolved in November.
    assert summary.totals.findings_resolved == 2
    assert summary.totals.previous_rate == 66.7


def test_a_quiet_month_has_zeros_and_no_rate(app):
    summary = monthly_summary(2026, 6)
    totals = summary.totals
    assert (totals.findings_new, totals.findings_resolved, totals.open_at_end,
            totals.overdue_at_end) == (0, 0, 0, 0)
    assert (totals.on_time_rate, totals.rate_change) == (None, None)
    assert summary.units == [] and summary.overdue == []


def test_month_end_state_of_today_matches_the_live_overdue_counts(october):
    today = clock.today()
    live = {row["unit_id"]: row["count"] for row in queries.overdue_by_unit(today)}
    at_start_of_today = {row["unit_id"]: row["overdue"]
                         for row in queries.unit_status_at(today) if row["overdue"]}
    assert at_start_of_today == live


def test_the_summary_is_a_list_of_sections_in_order(october):
    summary = monthly_summary(2026, 10)
    assert [s.key for s in summary.sections] == ["totals", "units", "chart", "overdue",
                                                 "inspections", "discipline"]
    assert summary.section("totals").data is summary.totals
    overdue = summary.section("overdue").data
    assert (overdue.rows, overdue.total, overdue.complete) == (summary.overdue, 3, True)


def test_another_area_can_add_a_section(october, monkeypatch):
    extra = Section("extra", "Thêm", {"count": 1})
    monkeypatch.setattr("inspect_app.reports.monthly.SECTION_BUILDERS",
                        SECTION_BUILDERS + [lambda period, figures: extra,
                                            lambda period, figures: None])
    assert monthly_summary(2026, 10).sections[-1] is extra


def test_the_chart_shows_the_busiest_units_first(october):
    chart = monthly_summary(2026, 10).section("chart").data
    assert [row["unit_name"] for row in chart] == ["Xã Hòa Bình", "Xã Hòa An", "Xã Hòa Cát"]
