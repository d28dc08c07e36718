"""A criteria set as an Excel workbook, in the layout provinces publish, and read back."""
from ..errors import WorkflowError
from ..files.services import validate_upload
from ..formatting import format_points
from ..i18n import lazy_gettext as _l
from ..spreadsheet import UnreadableSheet, read_table, write_workbook
from ..text import fold
from . import queries
from .services import levels_text

# The columns, in order: key and heading. The headings are Vietnamese whatever the
# language of the page: they are the province's layout, read back by the import.
COLUMNS = [("code", "Mã"), ("content", "Nội dung"), ("max_points", "Điểm tối đa"),
           ("scoring", "Cách chấm"), ("guidance", "Hướng dẫn chấm"),
           ("evidence", "Tài liệu kiểm chứng"), ("applies_to", "Áp dụng cho"),
           ("na_allowed", "Được đánh giá không áp dụng"), ("kind", "Loại")]
# Headings the import also accepts, folded, beside the columns' own.
OTHER_HEADINGS = {"ma so": "code", "stt": "code", "tieu chi": "content",
                  "diem": "max_points", "khong ap dung": "na_allowed"}
REQUIRED = ("code", "content", "max_points")
SHEET_KIND = {"regular": "", "bonus": "Điểm thưởng", "penalty": "Điểm trừ"}


def _row(node, kind_labels):
    """A node as its sheet row."""
    applies = ", ".join(kind_labels.get(code, code) for code in node.applies_to.split())
    return [node.code, node.content, format_points(node.max_points),
            levels_text(queries.levels(node)) if node.scoring == "levels" else "",
            node.guidance, node.evidence, applies, "có" if node.na_allowed else "",
            SHEET_KIND[node.kind]]


def write_xlsx(criteria_set, output):
    """Write the set's nodes to the binary file output, one row each, parents first."""
    kind_labels = {kind.code: kind.label for kind in queries.set_kinds(criteria_set)}
    write_workbook(output, "Bộ tiêu chí", [heading for _key, heading in COLUMNS],
                   (_row(node, kind_labels) for node in queries.nodes(criteria_set)))


def headings():
    """{folded heading: column key} the import recognises."""
    return {**{fold(heading): key for key, heading in COLUMNS}, **OTHER_HEADINGS}


def read_rows(file_storage):
    """[(row number, {column: text})] of an uploaded workbook, or a refusal."""
    upload = validate_upload(file_storage)
    if upload.extension != "xlsx":
        raise WorkflowError(_l("Choose an Excel workbook (.xlsx)."), field="file")
    try:
        return read_table(upload.data, headings(), REQUIRED)
    except UnreadableSheet as error:
        raise WorkflowError(_l("The first sheet of the workbook has no row with the headings "
                               "Mã, Nội dung and Điểm tối đa, or the file cannot be read."),
                            field="file") from error
