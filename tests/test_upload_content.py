"""What is inside an upload: zip bombs and active PDFs refused, within bounded work.

The refusals also go through both upload forms (tests/test_upload_rejections.py takes
them from tests/uploads.REFUSALS).
"""
import datetime as dt
import io
import os
import tracemalloc
import zipfile

import pytest
import time_machine
from pypdf import PdfWriter
from werkzeug.datastructures import FileStorage

from inspect_app.errors import WorkflowError
from inspect_app.files import services as attachments
from inspect_app.pdf import documents
from tests.factories import PDF_BYTES, make_object_stream_pdf, make_pdf
from tests.helpers import english
from tests.uploads import (
    ACTIVE_PDF_MESSAGE,
    BOMB_MESSAGE,
    HIDDEN_SCRIPT_PDF,
    SAMPLES,
    UNREADABLE_PDF_MESSAGE,
    zip_bomb,
)

TOO_COMPLEX_MESSAGE = ("The PDF file is too complex to be checked. Print the document to a "
                       "new PDF and upload that.")


def refusal(app, name, data):
    """The English message refusing an upload of data under name (None when accepted)."""
    try:
        attachments.validate_upload(FileStorage(stream=io.BytesIO(data), filename=name))
    except WorkflowError as error:
        assert error.field == "file"
        return english(app, error)
    return None


# --- archives -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def odt_bomb():
    """A ~300 KB .odt whose mimetype entry unpacks to 300 MB of zeros."""
    return zip_bomb("mimetype", 300)


def test_odt_bomb_is_refused_without_unpacking_it(app, odt_bomb):
    assert len(odt_bomb) < 400 * 1024
    tracemalloc.start()
    try:
        message = refusal(app, "biên bản.odt", odt_bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The archive itself is read once (~300 KB); unpacking it would take 300 MB.
    assert peak < 5 * 1024 * 1024
    assert message == BOMB_MESSAGE


def test_archive_declaring_over_200_mb_is_refused_at_a_modest_ratio(app):
    # 3 MB of random bytes keep the ratio under 100; the total is 250 MB.
    archive = zip_bomb("word/media/zeros.bin", 247, {"word/media/photo.jpg": os.urandom(3 << 20)})
    unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(archive)).infolist())
    assert unpacked > 200 << 20 and unpacked < 100 * len(archive)
    assert refusal(app, "báo cáo.docx", archive) == BOMB_MESSAGE


@pytest.mark.parametrize("name", ["báo cáo.docx", "bảng.xlsx", "văn bản.odt", "bảng tính.ods"])
def test_real_office_documents_are_accepted(app, name):
    assert refusal(app, name, SAMPLES[name]) is None


def test_odt_with_a_mimetype_longer_than_expected_is_refused(app):
    padded = io.BytesIO()
    with zipfile.ZipFile(padded, "w") as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.text" + b"x" * 8000)
    assert refusal(app, "văn bản.odt", padded.getvalue()) == (
        "The file's content does not match its extension \"odt\".")


# --- PDF ------------------------------------------------------------------------------------


def test_script_in_a_compressed_object_stream_is_refused(app):
    # The raw bytes name no action: only decompressing the object stream finds it.
    assert b"/JavaScript" not in HIDDEN_SCRIPT_PDF and b"/JS" not in HIDDEN_SCRIPT_PDF
    assert refusal(app, "kết luận.pdf", HIDDEN_SCRIPT_PDF) == ACTIVE_PDF_MESSAGE


LINK = b"<< /Type /Annot /Subtype /Link /Rect [50 50 200 70] %s >>"
FORBIDDEN = {
    "JavaScript name tree": {1: b"<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript 4 0 R >> >>",
                             4: b"<< /Names [(a) 5 0 R] >>", 5: b"<< /S /GoTo /D [3 0 R /Fit] >>"},
    "JS": {3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>",
           4: LINK % b"/A << /JS (app.alert(1)) >>"},
    "Launch": {3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>",
               4: LINK % b"/A << /S /Launch /F (cmd.exe) >>"},
    "AA": {3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
              b"/AA << /O << /S /URI /URI (https://example.vn) >> >> >>"},
    "OpenAction action": {1: b"<< /Type /Catalog /Pages 2 0 R "
                             b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >> >>"},
    "EmbeddedFile": {4: b"<< /Type /Filespec /F (a.exe) /EF << /F 5 0 R >> >>",
                     5: b"<< /Type /EmbeddedFile /Length 0 >>"},
    "EmbeddedFiles": {1: b"<< /Type /Catalog /Pages 2 0 R "
                         b"/Names << /EmbeddedFiles << /Names [] >> >> >>"},
    "RichMedia": {3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>",
                  4: b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 100 100] >>"},
    "XFA": {1: b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /XFA 4 0 R >> >>",
            4: b"[(template) 5 0 R]", 5: b"<< /Length 0 >>"},
}


@pytest.mark.parametrize("case", sorted(FORBIDDEN))
def test_pdf_carrying_active_content_is_refused(app, case):
    data = make_object_stream_pdf(FORBIDDEN[case])
    assert refusal(app, "tài liệu.pdf", data) == ACTIVE_PDF_MESSAGE


def test_pdf_opening_on_a_page_with_ordinary_links_is_accepted(app):
    data = make_object_stream_pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R 5 0 R] >>",
        4: LINK % b"/A << /S /URI /URI (https://thanhtra.gov.vn) >>",
        5: LINK % b"/Dest [3 0 R /Fit]"})
    assert refusal(app, "có liên kết.pdf", data) is None


def test_pdf_with_a_password_is_refused(app):
    writer = PdfWriter(clone_from=io.BytesIO(PDF_BYTES))
    writer.encrypt(user_password="matkhau", algorithm="RC4-128")
    protected = io.BytesIO()
    writer.write(protected)
    assert refusal(app, "mật.pdf", protected.getvalue()) == UNREADABLE_PDF_MESSAGE


def test_garbage_after_the_pdf_header_is_refused(app):
    assert refusal(app, "rác.pdf", b"%PDF-1.7\n" + os.urandom(4096)) == UNREADABLE_PDF_MESSAGE


def test_pdf_needing_too_much_work_to_check_is_refused(app):
    # A megabyte of numbers, compressed to a few KB, that the parser would go through.
    numbers = b"[" + b" 0" * 600_000 + b"]"
    data = make_object_stream_pdf({4: numbers})
    assert len(data) < 10_000
    assert refusal(app, "nặng.pdf", data) == TOO_COMPLEX_MESSAGE


def test_pdfs_made_by_pypdf_and_by_the_app_are_accepted(app):
    with time_machine.travel(dt.datetime(2026, 11, 5, 3, 0, tzinfo=dt.timezone.utc)):
        monthly = documents.monthly_summary_pdf(2026, 10)
    for data in (PDF_BYTES, make_pdf("Biên bản"), make_object_stream_pdf(), monthly):
        assert refusal(app, "văn bản.pdf", data) is None
