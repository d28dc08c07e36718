"""The files the upload tests send: real samples of each allowed kind, zip bombs, active
PDFs, and the refusals (case, file name, bytes, English message) every upload path gives."""
import io
import zipfile

from openpyxl import Workbook

from tests.factories import PDF_BYTES, make_object_stream_pdf

PDF = PDF_BYTES


def _zip(entries):
    """A zip archive holding entries ({name: bytes}) in their order (ODF wants mimetype first)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            # ODF wants its mimetype entry stored, not compressed.
            kind = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=kind)
    return buffer.getvalue()


def _docx():
    """A minimal real Word document: content types, relationships, one paragraph."""
    return _zip({
        "[Content_Types].xml": (
            b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
            b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            b'<Default Extension="xml" ContentType="application/xml"/><Override PartName='
            b'"/word/document.xml" ContentType="application/vnd.openxmlformats-'
            b'officedocument.wordprocessingml.document.main+xml"/></Types>'),
        "_rels/.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
            b'"http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'officeDocument" Target="word/document.xml"/></Relationships>'),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
            'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Báo cáo '
            'khắc phục</w:t></w:r></w:p></w:body></w:document>').encode()})


def _odf(mimetype):
    """A minimal real OpenDocument file of the given mimetype."""
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
        'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
        f'manifest:full-path="/" manifest:media-type="{mimetype}"/><manifest:file-entry '
        'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:'
        'oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:'
        'opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:text>'
        '<text:p>Văn bản</text:p></office:text></office:body></office:document-content>')
    return _zip({"mimetype": mimetype.encode(), "META-INF/manifest.xml": manifest.encode(),
                 "content.xml": content.encode()})


def _xlsx():
    """A real Excel workbook."""
    workbook = Workbook()
    workbook.active["A1"] = "Kết quả khắc phục"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


SAMPLES = {
    "Biên bản kiểm tra.pdf": PDF,
    "ảnh.JPG": b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 32,
    "ảnh chụp.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 32,
    "báo cáo.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
    "bảng.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
    "báo cáo.docx": _docx(),
    "bảng.xlsx": _xlsx(),
    "văn bản.odt": _odf("application/vnd.oasis.opendocument.text"),
    "bảng tính.ods": _odf("application/vnd.oasis.opendocument.spreadsheet"),
}


def zip_bomb(name, unpacked_mb, extra=None):
    """A zip archive whose entry name unpacks to unpacked_mb MB of zeros.

    The zeros are written a megabyte at a time, so building it never holds them whole;
    extra entries ({name: bytes}) come first.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for extra_name, data in (extra or {}).items():
            archive.writestr(extra_name, data)
        with archive.open(name, "w") as entry:
            for _ in range(unpacked_mb):
                entry.write(bytes(1024 * 1024))
    return buffer.getvalue()


# Unpacking to 20 MB is under the total bound but over 100 times the archive's size.
ODT_BOMB = zip_bomb("mimetype", 20)
DOCX_BOMB = zip_bomb("word/document.xml", 20, {"[Content_Types].xml": b"<Types/>"})
XLSX_BOMB = zip_bomb("xl/worksheets/sheet1.xml", 20, {"[Content_Types].xml": b"<Types/>"})
BOMB_MESSAGE = ("The file would unpack to too much data (more than 200 MB, or more than 100 "
                "times its size).")
ACTIVE_PDF_MESSAGE = ("PDF files with scripts, automatic actions, embedded files or multimedia "
                      "are not accepted. Print the document to a new PDF and upload that.")
UNREADABLE_PDF_MESSAGE = ("The PDF file cannot be read: it is damaged or protected by a "
                          "password.")
# JavaScript run on opening, inside a compressed object stream: the raw bytes hide it.
HIDDEN_SCRIPT_PDF = make_object_stream_pdf({
    1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
    4: b"<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>"})


REFUSALS = [
    ("wrong content for pdf", "hồ sơ.pdf", b"MZ\x90\x00 not a pdf",
     "The file's content does not match its extension \"pdf\"."),
    ("png named jpg", "ảnh.jpg", SAMPLES["ảnh chụp.png"],
     "The file's content does not match its extension \"jpg\"."),
    ("zip without word/", "báo cáo.docx", _zip({"x.txt": b"x"}),
     "The file's content does not match its extension \"docx\"."),
    ("odt with spreadsheet mimetype", "văn bản.odt", SAMPLES["bảng tính.ods"],
     "The file's content does not match its extension \"odt\"."),
    ("parent folder", "../x.pdf", PDF, "The file name must not contain folders or \"..\"."),
    ("windows folder", "C:\\Users\\x.pdf", PDF,
     "The file name must not contain folders or \"..\"."),
    ("parent folder behind invisible characters", ".\u200b./x.pdf", PDF,
     "The file name must not contain folders or \"..\"."),
    ("long name", "a" * 296 + ".pdf", PDF,
     "The file name is too long (at most 200 characters)."),
    ("empty file", "trống.pdf", b"", "The file is empty."),
    ("over the limit", "lớn.pdf", PDF + b"0" * (1024 * 1024), "The file is larger than 1 MB."),
    ("pdf with javascript in a compressed object stream", "mã độc.pdf", HIDDEN_SCRIPT_PDF,
     ACTIVE_PDF_MESSAGE),
    ("pdf with escaped launch", "mở.pdf", make_object_stream_pdf(
        {4: b"<< /S /L#61unch /F (cmd.exe) >>"}, compressed=False), ACTIVE_PDF_MESSAGE),
    ("pdf that cannot be parsed", "hỏng.pdf", PDF[:len(PDF) // 2], UNREADABLE_PDF_MESSAGE),
    ("odt bomb", "văn bản.odt", ODT_BOMB, BOMB_MESSAGE),
    ("docx bomb", "báo cáo.docx", DOCX_BOMB, BOMB_MESSAGE),
    ("xlsx bomb", "bảng.xlsx", XLSX_BOMB, BOMB_MESSAGE),
    ("extension not allowed", "chạy.exe", b"MZ\x90\x00",
     "This kind of file is not accepted. Allowed: pdf, jpg, jpeg, png, doc, xls, docx, "
     "xlsx, odt, ods."),
    ("no extension", "README", PDF,
     "This kind of file is not accepted. Allowed: pdf, jpg, jpeg, png, doc, xls, docx, "
     "xlsx, odt, ods."),
    ("no file chosen", "", b"", "Choose a file to upload."),
]
