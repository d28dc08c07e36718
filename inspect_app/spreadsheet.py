"""Excel exports: one sheet streamed in openpyxl's write-only mode, so memory stays flat
however many rows there are, with a bold frozen header, an autofilter over the data and
columns sized to their content. Text is always stored as text, never run as a formula.
"""
import datetime as dt
import itertools

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

# Column widths, in characters: a short column still shows its heading's first word, a
# long text is cut at the cell's edge (the whole text stays in the cell).
MIN_WIDTH, MAX_WIDTH = 8, 60
# Write-only mode writes the column widths (and the frozen header) before the first row,
# so the widths are measured on this many first rows, held in memory meanwhile.
MEASURED_ROWS = 200
DATE_FORMAT = "DD/MM/YYYY"
DATE_WIDTH = len("00/00/0000")


def _cell(sheet, value, bold=False):
    """A write-only cell; text is stored as text, dates as dates shown dd/mm/yyyy."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    if bold:
        cell.font = Font(bold=True)
    return cell


def _shown_length(value):
    """How many characters a value takes on screen (its longest line)."""
    if isinstance(value, dt.date):
        return DATE_WIDTH
    return max((len(line) for line in str(value or "").splitlines()), default=0)


def column_widths(rows):
    """The width of each column that fits the longest value of rows, within the bounds."""
    lengths = [[_shown_length(value) for value in row] for row in rows]
    return [min(max(max(column) + 2, MIN_WIDTH), MAX_WIDTH) for column in zip(*lengths)]


def write_workbook(output, title, header, rows):
    """Write a workbook of one sheet (header, then rows of values) to the binary file output."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    rows = iter(rows)
    measured = list(itertools.islice(rows, MEASURED_ROWS))
    for index, width in enumerate(column_widths([header] + measured), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, name, bold=True) for name in header])
    count = 0
    for count, values in enumerate(itertools.chain(measured, rows), start=1):
        sheet.append([_cell(sheet, value) for value in values])
    # The filter is written after the rows, so it can cover exactly the rows written.
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    workbook.save(output)
