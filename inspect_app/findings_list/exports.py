"""The filtered findings as an Excel workbook or a CSV file Excel opens in UTF-8."""
import csv
import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ..admin.forms import severity_choices
from ..formatting import format_date
from .forms import status_choices

UTF8_BOM = "\ufeff"
CSV_BATCH = 500
# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def header():
    """The column titles, in the user's language."""
    return [_("Code"), _("Title"), _("Unit"), _("Category"), _("Severity"), _("Deadline"),
            _("Status"), _("Overdue"), _("Inspection"), _("Recommendation")]


def _labels():
    """{value: name} of severities and states, in the user's language."""
    return {key: str(label) for key, label in severity_choices() + status_choices()}


def values(row, labels):
    """One finding row as the exported cells (the deadline stays a date)."""
    return [row["code"], row["title"], row["unit_name"], row["category_name"],
            labels.get(row["severity"], row["severity"]), row["deadline"],
            labels.get(row["status"], row["status"]), _("Yes") if row["overdue"] else "",
            row["inspection_title"], row["recommendation"]]


def _csv_safe(value):
    """A cell's text for CSV: dates as dd/mm/yyyy, formulas neutralised with a quote."""
    if not isinstance(value, str):
        return format_date(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_chunks(rows):
    """The CSV file in UTF-8 with a BOM, yielded in batches of rows."""
    labels = _labels()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(UTF8_BOM)
    writer.writerow(header())
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_safe(value) for value in values(row, labels)])
        if count % CSV_BATCH == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _cell(sheet, value, bold=False):
    """A write-only cell; text is always stored as text, never as a formula."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    elif value is not None:
        cell.number_format = "DD/MM/YYYY"
    if bold:
        cell.font = Font(bold=True)
    return cell


def write_xlsx(rows, output):
    """Write the workbook (one sheet, bold header) to the binary file output.

    Write-only mode streams the rows to disk, so memory stays flat however many there are.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Findings"))
    sheet.append([_cell(sheet, title, bold=True) for title in header()])
    labels = _labels()
    for row in rows:
        sheet.append([_cell(sheet, value) for value in values(row, labels)])
    workbook.save(output)
