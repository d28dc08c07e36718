"""The filtered findings as an Excel workbook or a CSV file Excel opens in UTF-8."""
import csv
import io

from ..i18n import gettext as _
from ..labels import FINDING_STATUS, SEVERITY, plain
from ..spreadsheet import write_workbook

UTF8_BOM = "\ufeff"
CSV_BATCH = 500
# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def header():
    """The column titles, in the user's language."""
    return [_("Code"), _("Title"), _("Unit"), _("Category"), _("Severity"), _("Deadline"),
            _("Status"), _("Overdue"), _("Inspection"), _("Recommendation")]


def _names():
    """({severity: name}, {status: name}), translated once for every row."""
    return plain(SEVERITY), plain(FINDING_STATUS)


def values(row, names):
    """One finding row as the exported cells (the deadline stays a date)."""
    severities, states = names
    return [row["code"], row["title"], row["unit_name"], row["category_name"],
            severities.get(row["severity"], row["severity"]), row["deadline"],
            states.get(row["status"], row["status"]), _("Yes") if row["overdue"] else "",
            row["inspection_title"], row["recommendation"]]


def _csv_safe(value):
    """A cell's text for CSV: formulas neutralised with a quote, dates as YYYY-MM-DD.

    Spreadsheet programs read dd/mm/yyyy by the reader's locale (07/11 became 11 July in
    English), while every one of them reads an ISO date as that date.
    """
    if not isinstance(value, str):
        return value.isoformat() if value else ""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_chunks(rows):
    """The CSV file in UTF-8 with a BOM, yielded in batches of rows."""
    names = _names()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(UTF8_BOM)
    writer.writerow(header())
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_safe(value) for value in values(row, names)])
        if count % CSV_BATCH == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_xlsx(rows, output):
    """Write the workbook of the findings to the binary file output."""
    names = _names()
    write_workbook(output, _("Findings"), header(), (values(row, names) for row in rows))
