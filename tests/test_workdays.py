"""The working calendar against the official notices of 2024, 2025 and 2026 (the golden
table), the working-day arithmetic, and deadlines with their explanations.

Sources of the golden table (officials of administrative bodies, Saturday and Sunday off):
- 2024: Thông báo 5015/TB-LĐTBXH (22/11/2023): Tết from Thu 08/02 to Wed 14/02, National
  Day from Sat 31/08 to Tue 03/09; Công văn 2450/VPCP-KGVX (12/04/2024): Mon 29/04 off,
  Sat 04/05 worked, so 27/04 to 01/05 off; Giỗ Tổ Thu 18/04; 1 January a Monday.
- 2025: Công văn 8726/VPCP-KGVX (26/11/2024) and the Ministry of Labour's notice: Tết
  from Sat 25/01 to Sun 02/02 (nine days, no day worked back), Fri 02/05 off and Sat 26/04
  worked (30/04 to 04/05 off), National Day from Sat 30/08 to Tue 02/09; Giỗ Tổ Mon 07/04.
- 2026: Công văn 12729/VPCP-KGVX (25/12/2025): Fri 02/01 off, Sat 10/01 worked (01/01 to
  04/01 off); Thông báo 9441/TB-BNV (16/10/2025): Tết from Sat 14/02 to Sun 22/02, Mon
  31/08 off and Sat 22/08 worked (29/08 to 02/09 off); Giỗ Tổ falls on Sunday 26/04, its
  day in lieu is Mon 27/04; 30/04 and 01/05 a Thursday and a Friday.
- 24/11/2026 (Ngày Văn hóa Việt Nam, a Tuesday) is a holiday of the `holidays` package
  0.108 (after Resolution 80-NQ/TW); an admin marks it a working day in the table should
  the law not have made it one that year.
"""
import datetime as dt

import pytest
from flask_babel import force_locale

from inspect_app import deadlines, workdays
from inspect_app.models import WorkCalendarDay

D = dt.date


def days(first, last):
    """Every day from first to last, inclusive."""
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def weekdays_off(calendar, year):
    """The Mondays to Fridays of year that are not worked."""
    return [day for day in days(D(year, 1, 1), D(year, 12, 31))
            if day.weekday() < 5 and not calendar.is_working_day(day)]


def weekends_worked(calendar, year):
    """The Saturdays and Sundays of year that are worked."""
    return [day for day in days(D(year, 1, 1), D(year, 12, 31))
            if day.weekday() >= 5 and calendar.is_working_day(day)]


# --- the golden table ---------------------------------------------------------------------

# Every weekday off of each year, from the notices above; every other weekday is worked.
OFFICIAL_WEEKDAYS_OFF = {
    2024: [D(2024, 1, 1),
           D(2024, 2, 8), D(2024, 2, 9), D(2024, 2, 12), D(2024, 2, 13), D(2024, 2, 14),
           D(2024, 4, 18),
           D(2024, 4, 29), D(2024, 4, 30), D(2024, 5, 1),
           D(2024, 9, 2), D(2024, 9, 3)],
    2025: [D(2025, 1, 1),
           D(2025, 1, 27), D(2025, 1, 28), D(2025, 1, 29), D(2025, 1, 30), D(2025, 1, 31),
           D(2025, 4, 7),
           D(2025, 4, 30), D(2025, 5, 1), D(2025, 5, 2),
           D(2025, 9, 1), D(2025, 9, 2)],
    2026: [D(2026, 1, 1), D(2026, 1, 2),
           D(2026, 2, 16), D(2026, 2, 17), D(2026, 2, 18), D(2026, 2, 19), D(2026, 2, 20),
           D(2026, 4, 27),
           D(2026, 4, 30), D(2026, 5, 1),
           D(2026, 8, 31), D(2026, 9, 1), D(2026, 9, 2),
           D(2026, 11, 24)],
}
# The Saturdays worked in exchange for a swapped day off; every other weekend day is off.
OFFICIAL_MAKE_UP_DAYS = {
    2024: [D(2024, 5, 4)],
    2025: [D(2025, 4, 26)],
    2026: [D(2026, 1, 10), D(2026, 8, 22)],
}
# Each break as the notices announce it: every day, weekends included, from first to last.
OFFICIAL_BREAKS = [
    (D(2024, 2, 8), D(2024, 2, 14)), (D(2024, 4, 27), D(2024, 5, 1)),
    (D(2024, 8, 31), D(2024, 9, 3)),
    (D(2025, 1, 25), D(2025, 2, 2)), (D(2025, 4, 30), D(2025, 5, 4)),
    (D(2025, 8, 30), D(2025, 9, 2)),
    (D(2026, 1, 1), D(2026, 1, 4)), (D(2026, 2, 14), D(2026, 2, 22)),
    (D(2026, 4, 25), D(2026, 4, 27)), (D(2026, 4, 30), D(2026, 5, 3)),
    (D(2026, 8, 29), D(2026, 9, 2)),
]


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_the_official_days_off_of_each_year_exactly(app, year):
    calendar = workdays.load()
    assert weekdays_off(calendar, year) == OFFICIAL_WEEKDAYS_OFF[year]
    assert weekends_worked(calendar, year) == OFFICIAL_MAKE_UP_DAYS[year]


@pytest.mark.parametrize("first, last", OFFICIAL_BREAKS)
def test_each_official_break_is_off_from_its_first_to_its_last_day(app, first, last):
    calendar = workdays.load()
    assert not any(calendar.is_working_day(day) for day in days(first, last))
    assert calendar.is_working_day(first - dt.timedelta(days=1))
    assert calendar.is_working_day(last + dt.timedelta(days=1))


def test_the_swaps_the_package_lacks_come_from_the_seeded_table(app):
    rows = {row.day: row.kind for row in WorkCalendarDay.select()}
    assert rows == {D(2026, 1, 2): "day_off", D(2026, 1, 10): "working_day"}
    package = workdays.WorkCalendar()
    assert package.is_working_day(D(2026, 1, 2)) and not package.is_working_day(D(2026, 1, 10))


# Working days counted by hand across each break: (start, working days, the day they end).
HAND_COUNTED = [
    # 2024 Tết. From Mon 05/02: Tue 6 (1), Wed 7 (2), [Thu 8 to Wed 14 off], Thu 15 (3),
    # Fri 16 (4), 19 (5), 20 (6), 21 (7), 22 (8), Fri 23 (9), Mon 26 (10).
    (D(2024, 2, 5), 10, D(2024, 2, 26)),
    # 2024 30/4. From Thu 25/04: Fri 26 (1), [27/04 to 01/05 off], Thu 2 (2), Fri 3 (3),
    # Sat 4 worked (4), [Sun 5], Mon 6 (5).
    (D(2024, 4, 25), 5, D(2024, 5, 6)),
    # 2024 2/9. From Fri 30/08: [31/08 to 03/09 off], Wed 4 (1), Thu 5 (2), Fri 6 (3).
    (D(2024, 8, 30), 3, D(2024, 9, 6)),
    # 2025 Tết. From Fri 24/01: [25/01 to 02/02 off], Mon 3 (1), 4 (2), 5 (3), 6 (4), Fri 7 (5).
    (D(2025, 1, 24), 5, D(2025, 2, 7)),
    # 2025 30/4. From Fri 25/04: Sat 26 worked (1), [Sun 27], Mon 28 (2), Tue 29 (3),
    # [30/04 to 04/05 off], Mon 5 (4), Tue 6 (5).
    (D(2025, 4, 25), 5, D(2025, 5, 6)),
    # 2025 2/9. From Fri 29/08: [30/08 to 02/09 off], Wed 3 (1), Thu 4 (2), Fri 5 (3).
    (D(2025, 8, 29), 3, D(2025, 9, 5)),
    # 2026 New Year. From Wed 31/12/2025: [01/01 to 04/01 off], Mon 5 (1), Tue 6 (2), Wed 7 (3);
    # from Thu 08/01: Fri 9 (1), Sat 10 worked (2).
    (D(2025, 12, 31), 3, D(2026, 1, 7)),
    (D(2026, 1, 8), 2, D(2026, 1, 10)),
    # 2026 Tết, the example. From Tue 10/02: Wed 11 (1), Thu 12 (2), Fri 13 (3),
    # [14/02 to 22/02 off], Mon 23 (4) to Fri 27 (8), Mon 02/03 (9) to Fri 06/03 (13),
    # Mon 9 (14), Tue 10 (15).
    (D(2026, 2, 10), 15, D(2026, 3, 10)),
    # 2026 Giỗ Tổ and 30/4. From Fri 24/04: [25/04 to 27/04 off], Tue 28 (1), Wed 29 (2),
    # [30/04 to 03/05 off], Mon 4 (3), Tue 5 (4), Wed 6 (5).
    (D(2026, 4, 24), 5, D(2026, 5, 6)),
    # 2026 2/9. From Fri 21/08: Sat 22 worked (1), [Sun 23], Mon 24 (2) to Thu 27 (5),
    # Fri 28 (6), [29/08 to 02/09 off], Thu 3 (7).
    (D(2026, 8, 21), 7, D(2026, 9, 3)),
]


@pytest.mark.parametrize("start, count, end", HAND_COUNTED)
def test_working_days_across_the_breaks_match_the_hand_count(app, start, count, end):
    calendar = workdays.load()
    assert calendar.working_day_after(start, count) == end
    assert calendar.working_days_between(start, end) == count


# Working days in whole months with a break, counted by hand: weekdays minus weekdays off,
# plus Saturdays worked.
HAND_COUNTED_MONTHS = [
    # February 2024: 21 weekdays, 5 off (8, 9, 12, 13, 14) -> 16.
    (D(2024, 1, 31), D(2024, 2, 29), 16),
    # April 2025: 22 weekdays, 2 off (Mon 7, Wed 30), Sat 26 worked -> 21.
    (D(2025, 3, 31), D(2025, 4, 30), 21),
    # February 2026: 20 weekdays, 5 off (16 to 20) -> 15.
    (D(2026, 1, 31), D(2026, 2, 28), 15),
    # August 2026: 21 weekdays, 1 off (Mon 31), Sat 22 worked -> 21.
    (D(2026, 7, 31), D(2026, 8, 31), 21),
    # September 2026: 22 weekdays, 2 off (Tue 1, Wed 2) -> 20.
    (D(2026, 8, 31), D(2026, 9, 30), 20),
]


@pytest.mark.parametrize("before, last, count", HAND_COUNTED_MONTHS)
def test_working_days_of_whole_months_match_the_hand_count(app, before, last, count):
    assert workdays.load().working_days_between(before, last) == count


def test_the_fast_count_agrees_with_counting_day_by_day(app):
    calendar = workdays.load()
    start = D(2023, 12, 20)
    for length in range(0, 420, 7):
        for offset in range(0, 40, 3):
            first = start + dt.timedelta(days=offset)
            last = first + dt.timedelta(days=length)
            slow = sum(1 for day in days(first + dt.timedelta(days=1), last)
                       if calendar.is_working_day(day))
            assert calendar.working_days_between(first, last) == slow


def test_the_admins_table_overrides_the_package(app):
    WorkCalendarDay.create(day=D(2026, 11, 24), kind="working_day", reason="Chưa nghỉ năm 2026")
    WorkCalendarDay.create(day=D(2026, 11, 23), kind="day_off", reason="Nghỉ hoán đổi")
    calendar = workdays.load()
    assert calendar.is_working_day(D(2026, 11, 24))
    assert not calendar.is_working_day(D(2026, 11, 23))
    assert calendar.reason_off(D(2026, 11, 23)) == "Nghỉ hoán đổi"


# --- deadlines and their explanations -----------------------------------------------------


def explained(app, basis, deadline=None, locale="vi"):
    """(deadline, explanation) of basis on today's calendar, in locale."""
    calendar = workdays.load()
    deadline = deadline or deadlines.end_of(calendar, basis)
    with app.test_request_context(), force_locale(locale):
        return deadline, deadlines.explain(calendar, basis, deadline)


def test_working_days_skip_tet_and_say_so(app):
    basis = deadlines.days_after(deadlines.WORKING_DAYS, D(2026, 2, 10), 15)
    assert explained(app, basis) == (
        D(2026, 3, 10),
        "15 ngày làm việc kể từ 10/02/2026: đến hết 10/03/2026 "
        "(không tính 14–22/02 nghỉ Tết Nguyên Đán)")


def test_working_days_name_the_make_up_saturday(app):
    basis = deadlines.days_after(deadlines.WORKING_DAYS, D(2026, 8, 21), 7)
    assert explained(app, basis) == (
        D(2026, 9, 3),
        "7 ngày làm việc kể từ 21/08/2026: đến hết 03/09/2026 (không tính 29/08–02/09 "
        "nghỉ Quốc khánh, hoán đổi ngày làm việc; tính cả ngày làm bù 22/08)")


def test_calendar_days_ending_in_tet_run_to_the_next_working_day(app):
    # 30 days from 15/01/2026 end on Saturday 14/02, the first day of the Tết break.
    basis = deadlines.days_after(deadlines.CALENDAR_DAYS, D(2026, 1, 15), 30)
    deadline, text = explained(app, basis)
    assert deadline == D(2026, 2, 23)
    assert text == ("30 ngày kể từ 15/01/2026: 14/02/2026 là ngày nghỉ (Tết Nguyên Đán): "
                    "đến hết 23/02/2026, ngày làm việc tiếp theo")
    # 31 days end on Sunday 15/03, an ordinary weekend.
    basis = deadlines.days_after(deadlines.CALENDAR_DAYS, D(2026, 2, 12), 31)
    assert explained(app, basis)[1] == ("31 ngày kể từ 12/02/2026: 15/03/2026 là ngày nghỉ "
                                        "(Chủ nhật): đến hết 16/03/2026, ngày làm việc tiếp theo")


def test_a_date_given_on_a_day_off_moves_and_the_user_is_told(app):
    basis = deadlines.on(D(2026, 4, 27))
    calendar = workdays.load()
    deadline = deadlines.end_of(calendar, basis)
    assert deadline == D(2026, 4, 28)
    with app.test_request_context(), force_locale("vi"):
        notice = deadlines.move_notice(calendar, basis, deadline)
    assert notice == ("27/04/2026 là ngày nghỉ (Giỗ Tổ Hùng Vương): hạn kéo dài đến hết "
                      "ngày làm việc tiếp theo, 28/04/2026 (Điều 148 Bộ luật Dân sự).")


def test_a_working_date_stays_and_is_a_set_date(app):
    basis = deadlines.on(D(2026, 3, 10))
    assert explained(app, basis) == (D(2026, 3, 10), "Ngày cụ thể")
    assert explained(app, basis, locale="en")[1] == "Set date"


def test_a_fixed_deadline_stays_when_the_calendar_changes_later(app):
    basis = deadlines.days_after(deadlines.WORKING_DAYS, D(2026, 2, 10), 15)
    WorkCalendarDay.create(day=D(2026, 3, 2), kind="day_off", reason="Nghỉ đột xuất")
    deadline, text = explained(app, basis, deadline=D(2026, 3, 10))
    assert deadline == D(2026, 3, 10)
    assert "đến hết 10/03/2026" in text
    assert "nếu tính lại hôm nay thì đến hết 11/03/2026" in text


def test_no_basis_no_explanation(app):
    assert explained(app, None, deadline=D(2026, 3, 10))[1] == ""


def test_days_overdue_in_calendar_and_working_days(app):
    calendar = workdays.load()
    # Deadline Fri 13/02/2026; on Tue 24/02: 11 days, of which Mon 23 and Tue 24 worked.
    assert deadlines.overdue(calendar, D(2026, 2, 13), D(2026, 2, 24)) == (11, 2)
    assert deadlines.overdue(calendar, D(2026, 2, 13), D(2026, 2, 13)) == (0, 0)
    with app.test_request_context(), force_locale("vi"):
        assert deadlines.overdue_text(11, 2) == "quá hạn 11 ngày (2 ngày làm việc)"
