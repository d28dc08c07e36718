"""The documents the app produces, as bytes, and their e-mail attachment form."""
import base64

from ..assessments.queries import get_round
from ..mail import outbox
from ..models import Inspection, Unit
from ..text import fold
from .assessments import ranking_pdf, sheet_pdf
from .checklist_record import checklist_record_pdf
from .conclusion import conclusion_extract_pdf, conclusion_pdf
from .monthly import monthly_summary_pdf, summary_pdf
from .unit_report import report_pdf, unit_report_pdf

PDF_TYPE = "application/pdf"

__all__ = ["PDF_TYPE", "attachment", "checklist_record_pdf", "record_filename",
           "conclusion_extract_pdf", "conclusion_filename",
           "conclusion_pdf", "extract_filename", "monthly_filename", "monthly_summary_pdf",
           "ranking_filename", "ranking_pdf", "register_attachments", "report_pdf",
           "sheet_filename", "sheet_pdf", "summary_pdf", "unit_filename", "unit_report_pdf"]


def _slug(text):
    """text without accents, spaces or slashes, for a file name."""
    return "-".join("".join(c if c.isalnum() else " " for c in fold(text)).split())


def conclusion_filename(inspection):
    """The download name of an inspection's conclusion: ket-luan-12-kl-ubnd.pdf."""
    return f"ket-luan-{_slug(inspection.conclusion_no) or inspection.id}.pdf"


def extract_filename(inspection, unit):
    """The name of a unit's extract of a conclusion: trich-ket-luan-12-kl-ubnd-p-noivu.pdf."""
    return (f"trich-ket-luan-{_slug(inspection.conclusion_no) or inspection.id}-"
            f"{_slug(unit.code)}.pdf")


def record_filename(inspection):
    """The download name of an inspection's on-site record: bien-ban-kiem-tra-12.pdf."""
    return f"bien-ban-kiem-tra-{inspection.id}.pdf"


def monthly_filename(month):
    """The download name of a monthly summary: bao-cao-thang-2026-10.pdf."""
    return f"bao-cao-thang-{month}.pdf"


def unit_filename(unit, today):
    """The download name of a unit report: bao-cao-khac-phuc-x-hoaan-2026-11-01.pdf."""
    return f"bao-cao-khac-phuc-{_slug(unit.code)}-{today.isoformat()}.pdf"


def ranking_filename(assessment_round):
    """The download name of a round's ranking: xep-hang-cchc-12.pdf."""
    return f"xep-hang-cchc-{assessment_round.id}.pdf"


def sheet_filename(sheet):
    """The download name of a unit's scoring sheet: phieu-cham-diem-12-x-hoaan.pdf."""
    return f"phieu-cham-diem-{sheet.assessment_round_id}-{_slug(sheet.unit.code)}.pdf"


def attachment(filename, data):
    """An outbox attachment of PDF bytes (the format mail delivery reads)."""
    return {"filename": filename, "content_type": PDF_TYPE,
            "content_b64": base64.b64encode(data).decode("ascii")}


def _conclusion(inspection_id):
    """The conclusion of an inspection as an e-mail attachment names it."""
    inspection = Inspection.get_by_id(inspection_id)
    return conclusion_filename(inspection), PDF_TYPE, conclusion_pdf(inspection)


def _conclusion_extract(inspection_id, unit_id):
    """A unit's extract of a conclusion as an e-mail attachment names it."""
    inspection, unit = Inspection.get_by_id(inspection_id), Unit.get_by_id(unit_id)
    return (extract_filename(inspection, unit), PDF_TYPE,
            conclusion_extract_pdf(inspection, unit))


def _ranking(round_id):
    """A round's ranking as an e-mail attachment names it."""
    assessment_round = get_round(round_id)
    return ranking_filename(assessment_round), PDF_TYPE, ranking_pdf(assessment_round)


def register_attachments():
    """Let e-mails name these documents by reference (mail.outbox.document_attachment)."""
    outbox.register_document("conclusion", _conclusion)
    outbox.register_document("conclusion_extract", _conclusion_extract)
    outbox.register_document("cchc_ranking", _ranking)
