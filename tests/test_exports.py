"""The exports as spreadsheet programs read them: ISO dates in the CSV whatever the reader's
locale; in the Excel workbooks a frozen header, an autofilter over the data, columns sized
to their content and dates stored as dates."""
import csv
import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from inspect_app import spreadsheet
from inspect_app.models import Finding
from tests.factories import make_case, make_finding, make_unit, make_user
from tests.helpers import tr

# Deadlines whose day is 12 or less: read as dd/mm or mm/dd they are both dates, and
# LibreOffice in an English locale took 07/11/2026 for 11 July.
DEADLINES = [dt.date(2026, month, day) for month, day in
             [(11, 7), (1, 12), (12, 1), (3, 4), (10, 9), (2, 2), (5, 6), (6, 5), (7, 11),
              (8, 3), (9, 10), (4, 12), (12, 31)]]
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DMY_DATE = re.compile(r"\d{2}/\d{2}/\d{4}")


@pytest.fixture
def inspector(client, auth, app):
    """A signed-in inspector's client."""
    make_user("thanhtra")
    auth.login("thanhtra")
    return client


@pytest.fixture
def findings(app):
    """Thirteen findings of one commune, one per deadline, the first with a long title."""
    unit = make_unit(name="Xã Hòa Phong")
    return [make_finding(unit=unit, code=f"HP-{n:02d}", deadline=deadline,
                         title=("Chậm trả kết quả hồ sơ đất đai " * 8 if n == 0
                                else f"Tồn tại {n}"))
            for n, deadline in enumerate(DEADLINES)]


def _csv_rows(client):
    """The findings CSV read back with the csv module: (header, rows)."""
    body = client.get("/findings/export.csv", buffered=True).data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    return rows[0], rows[1:]


def test_csv_writes_every_deadline_as_the_stored_iso_date(app, inspector, findings):
    header, rows = _csv_rows(inspector)
    code, deadline = header.index(tr(app, "Code")), header.index(tr(app, "Deadline"))
    stored = {f.code: f.deadline for f in Finding.select()}
    assert len(rows) == len(DEADLINES)
    for row in rows:
        assert ISO_DATE.fullmatch(row[deadline]), row[deadline]
        assert dt.date.fromisoformat(row[deadline]) == stored[row[code]]
    assert not [cell for row in rows for cell in row if DMY_DATE.search(cell)]


def test_csv_leaves_a_missing_deadline_empty(app, inspector):
    make_finding(code="NO-DATE", deadline=None)
    header, rows = _csv_rows(inspector)
    assert rows[0][header.index(tr(app, "Deadline"))] == ""


def _workbook_sheet(client, path):
    """The only sheet of an exported workbook, read back with openpyxl."""
    response = client.get(path)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.data)).active


def _widths(sheet, columns):
    """The width set for each of the first columns of sheet (None when not set)."""
    widths = []
    for index in range(1, columns + 1):
        dimension = sheet.column_dimensions.get(get_column_letter(index))
        widths.append(dimension.width if dimension and dimension.customWidth else None)
    return widths


def _assert_header_frozen_and_filtered(sheet, rows):
    """The header row is frozen and the autofilter spans the header and every row."""
    columns = sheet.max_column
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(columns)}{rows + 1}"
    assert sheet.max_row == rows + 1


def test_findings_workbook_has_a_frozen_header_a_filter_and_sized_columns(app, inspector,
                                                                          findings):
    sheet = _workbook_sheet(inspector, "/findings/export.xlsx")
    _assert_header_frozen_and_filtered(sheet, len(DEADLINES))
    header = [cell.value for cell in sheet[1]]
    widths = dict(zip(header, _widths(sheet, len(header))))
    assert None not in widths.values(), widths
    assert all(spreadsheet.MIN_WIDTH <= w <= spreadsheet.MAX_WIDTH for w in widths.values())
    # The long title is cut at the widest column; a code is far narrower.
    assert widths[tr(app, "Title")] == spreadsheet.MAX_WIDTH
    assert widths[tr(app, "Code")] < 20


def test_findings_workbook_stores_deadlines_as_dates(app, inspector, findings):
    sheet = _workbook_sheet(inspector, "/findings/export.xlsx")
    header = [cell.value for cell in sheet[1]]
    code, deadline = header.index(tr(app, "Code")) + 1, header.index(tr(app, "Deadline")) + 1
    stored = {f.code: f.deadline for f in findings}
    for row in range(2, sheet.max_row + 1):
        cell = sheet.cell(row=row, column=deadline)
        assert cell.is_date and cell.number_format == spreadsheet.DATE_FORMAT
        assert cell.value.date() == stored[sheet.cell(row=row, column=code).value]


def test_rows_past_the_measured_ones_are_written_and_filtered(app, inspector, findings,
                                                              monkeypatch):
    monkeypatch.setattr(spreadsheet, "MEASURED_ROWS", 3)
    sheet = _workbook_sheet(inspector, "/findings/export.xlsx")
    _assert_header_frozen_and_filtered(sheet, len(DEADLINES))
    assert sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True)) == \
        sorted(f.code for f in findings)


def test_discipline_workbook_has_a_frozen_header_a_filter_sized_columns_and_dates(app,
                                                                                  inspector):
    unit = make_unit(name="Xã Hòa Phong")
    cases = [make_case(unit=unit, official_name=f"Nguyễn Văn {n}",
                       opened_on=dt.date(2026, 11, 7) - dt.timedelta(days=n))
             for n in range(4)]
    make_case(unit=unit, official_name="Trần Thị Quyết", status="decided",
              opened_on=dt.date(2026, 3, 4), decision_date=dt.date(2026, 5, 6))
    sheet = _workbook_sheet(inspector, "/discipline/export.xlsx")
    _assert_header_frozen_and_filtered(sheet, len(cases) + 1)
    header = [cell.value for cell in sheet[1]]
    widths = _widths(sheet, len(header))
    assert None not in widths and all(spreadsheet.MIN_WIDTH <= w <= spreadsheet.MAX_WIDTH
                                      for w in widths)
    rows = {row[0]: dict(zip(header, row))
            for row in sheet.iter_rows(min_row=2, values_only=True)}
    decided = rows["Trần Thị Quyết"]
    assert decided[tr(app, "Opened on")] == dt.datetime(2026, 3, 4)
    assert decided[tr(app, "Decision date")] == dt.datetime(2026, 5, 6)
    assert rows["Nguyễn Văn 0"][tr(app, "Opened on")] == dt.datetime(2026, 11, 7)


def test_an_empty_export_still_has_its_frozen_header_and_filter(app, inspector):
    sheet = _workbook_sheet(inspector, "/discipline/export.xlsx")
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(sheet.max_column)}1"
