"""Excel exports: one sheet streamed in openpyxl's write-only mode, so memory stays flat
however many rows there are, with a bold frozen header, an autofilter over the data and
columns sized to their content. Text is always stored as text, never run as a formula.

Imports read a table from a workbook's first sheet (read_table), below its heading row.
"""
import datetime as dt
import io
import itertools

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .text import fold

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


def _write_sheet(workbook, title, header, rows):
    """Add a sheet to a write-only workbook: header, then rows of values."""
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


def write_workbook(output, title, header, rows):
    """Write a workbook of one sheet (header, then rows of values) to the binary file output."""
    write_sheets(output, [(title, header, rows)])


def write_sheets(output, sheets):
    """Write a workbook of sheets [(title, header, rows)] to the binary file output."""
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        _write_sheet(workbook, title, header, rows)
    workbook.save(output)


# --- reading ---------------------------------------------------------------------------

# Where a sheet's heading row is looked for, and the most rows read after it.
HEADING_ROWS = 20
MAX_READ_ROWS = 5000


class UnreadableSheet(ValueError):
    """A workbook that cannot be opened, or whose first sheet lacks a heading row."""


def cell_text(value):
    """A cell's value as the text a person typed: 1 not 1.0, dates as yyyy-mm-dd."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _heading_columns(row, headings):
    """{column index: key} of a row's cells that are known headings."""
    found = {}
    for index, value in enumerate(row):
        key = headings.get(" ".join(fold(cell_text(value)).strip(" :*").split()))
        if key is not None and key not in found.values():
            found[index] = key
    return found


def read_table(data, headings, required):
    """[(row number, {key: text})] of the first sheet's rows below its heading row.

    headings maps a heading, folded (text.fold), to its key; the heading row is the first of
    the first HEADING_ROWS rows holding every required key. Empty rows are left out.
    Raises UnreadableSheet for a workbook that cannot be read or has no such row.
    """
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        columns, found = None, []
        for number, row in enumerate(rows, start=1):
            if columns is None:
                candidate = _heading_columns(row, headings)
                if set(required) <= set(candidate.values()):
                    columns = candidate
                elif number >= HEADING_ROWS:
                    break
                continue
            cells = {key: cell_text(row[index]).strip() if index < len(row) else ""
                     for index, key in columns.items()}
            if any(cells.values()):
                found.append((number, cells))
            if len(found) > MAX_READ_ROWS:
                break
        workbook.close()
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise UnreadableSheet(str(error)) from error
    if columns is None:
        raise UnreadableSheet("no heading row")
    return found
