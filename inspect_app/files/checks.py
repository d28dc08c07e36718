"""What an upload's bytes must be: the kind its extension names, and nothing active inside.

Archive-based documents (docx, xlsx, odt, ods) are judged from the zip's central directory
and at most a few KB of one entry: nothing is unpacked, so a small upload cannot expand
into gigabytes in memory (a zip bomb). PDFs are parsed with pypdf and every object is
looked at after decompression, within bounds on the work.
"""
import io
import lzma
import zipfile
import zlib

import pypdf
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

from ..errors import WorkflowError
from ..i18n import lazy_gettext as _l

# Allowed extensions and the content type the file is served with.
ALLOWED = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}

PDF_MAGIC = b"%PDF-"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAGIC = {"jpg": JPEG_MAGIC, "jpeg": JPEG_MAGIC, "png": PNG_MAGIC, "doc": OLE_MAGIC,
         "xls": OLE_MAGIC}

# The folder an Office Open XML archive keeps its document in.
OFFICE_FOLDERS = {"docx": "word/", "xlsx": "xl/"}
ODF_MIMETYPE_ENTRY = "mimetype"
# Real office documents unpack to a few times their size; a bomb to thousands of times.
ARCHIVE_MAX_UNPACKED_MB = 200
ARCHIVE_MAX_RATIO = 100
# The most read from any entry: an ODF mimetype is under 100 bytes.
ARCHIVE_ENTRY_READ_LIMIT = 4 * 1024
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, EOFError,
              RuntimeError, NotImplementedError, OSError, zlib.error, lzma.LZMAError)

# Names a PDF may not carry anywhere: scripts, programs to launch, actions run on events
# (/AA), embedded files, rich media players and XFA forms (which run scripts).
PDF_FORBIDDEN_NAMES = frozenset({"/JavaScript", "/JS", "/Launch", "/AA", "/EmbeddedFile",
                                 "/EmbeddedFiles", "/RichMedia", "/XFA"})
# Bounds on checking one PDF, so a crafted file cannot keep the server busy. Parsing costs
# a step per read (a token takes one or two), bytes read or scanned a step per
# PDF_BYTES_PER_STEP, a decompressed object stream a step per byte (all of it is parsed).
# PDF_MAX_WORK steps take a few seconds; a 1000-page text PDF takes under half of them.
PDF_MAX_WORK = 1_000_000
PDF_BYTES_PER_STEP = 256
PDF_MAX_OBJECTS = 200_000
# The most one stream may decompress to while the file is opened (cross-reference streams).
PDF_STREAM_MAX_BYTES = 8 * 1024 * 1024
PDF_DECODING_LIMITS = ("zlib_maximum_output_length", "lzw_maximum_output_length",
                       "run_length_maximum_output_length", "brotli_maximum_output_length",
                       "array_based_stream_maximum_output_length",
                       "stream_decoding_work_maximum_length")
# pypdf reads a limit of 0 as "no limit": the smallest limit that stops every decoding.
NO_DECODING = 1


PDF_TOO_COMPLEX = _l("The PDF file is too complex to be checked. Print the document to a "
                     "new PDF and upload that.")
PDF_UNREADABLE = _l("The PDF file cannot be read: it is damaged or protected by a password.")
PDF_ACTIVE = _l("PDF files with scripts, automatic actions, embedded files or multimedia are "
                "not accepted. Print the document to a new PDF and upload that.")


class _TooComplex(Exception):
    """Checking the PDF would take more than PDF_MAX_WORK steps."""


class _MeteredPdf(io.BytesIO):
    """The PDF's bytes as pypdf reads them, its work counted against PDF_MAX_WORK."""

    def __init__(self, data):
        super().__init__(data)
        self.size = len(data)
        self.work = 0

    def charge(self, steps):
        """Count work; past the bound every further step is refused."""
        self.work += steps
        if self.exhausted():
            raise _TooComplex

    def exhausted(self):
        """Whether the work went past the bound."""
        return self.work > PDF_MAX_WORK

    def remaining(self):
        """The steps left (at least NO_DECODING, as a decoding limit)."""
        return max(PDF_MAX_WORK - self.work, NO_DECODING)

    def read(self, size=-1):
        data = super().read(size)
        self.charge(1 + len(data) // PDF_BYTES_PER_STEP)
        return data

    def getbuffer(self):
        # pypdf takes the whole buffer to search it for objects it cannot find.
        self.charge(self.size // PDF_BYTES_PER_STEP)
        return super().getbuffer()


def _mismatch(extension):
    """The refusal of content that is not what the extension names."""
    return WorkflowError(_l("The file's content does not match its extension "
                            "\"%(extension)s\".", extension=extension), field="file")


# --- zip archives (docx, xlsx, odt, ods) -----------------------------------------------


def _open_zip(data):
    """The zip archive in data, its central directory read, or None when it is not one."""
    if not data.startswith(ZIP_MAGIC):
        return None
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except ZIP_ERRORS:
        return None


def _unpacks_too_large(archive, size):
    """Whether the entries' declared sizes add up to an absurd total or ratio to size."""
    unpacked = sum(info.file_size for info in archive.infolist())
    return (unpacked > ARCHIVE_MAX_UNPACKED_MB * 1024 * 1024
            or unpacked > ARCHIVE_MAX_RATIO * size)


def _read_entry_start(archive, name):
    """At most ARCHIVE_ENTRY_READ_LIMIT bytes of an entry, or None when unreadable."""
    try:
        with archive.open(name) as entry:
            return entry.read(ARCHIVE_ENTRY_READ_LIMIT)
    except ZIP_ERRORS:
        return None


def _archive_kind_matches(extension, archive):
    """Whether the archive holds the document the extension names."""
    if extension in OFFICE_FOLDERS:
        return any(name.startswith(OFFICE_FOLDERS[extension]) for name in archive.namelist())
    mimetype = _read_entry_start(archive, ODF_MIMETYPE_ENTRY)
    return (mimetype is not None
            and mimetype.decode("ascii", "replace").strip() == ALLOWED[extension])


def _check_archive(extension, data):
    """Refuse an archive that is not the named document or would unpack to too much."""
    archive = _open_zip(data)
    if archive is None:
        raise _mismatch(extension)
    with archive:
        if _unpacks_too_large(archive, len(data)):
            raise WorkflowError(_l("The file would unpack to too much data (more than "
                                   "%(mb)d MB, or more than %(ratio)d times its size).",
                                   mb=ARCHIVE_MAX_UNPACKED_MB, ratio=ARCHIVE_MAX_RATIO),
                                field="file")
        if not _archive_kind_matches(extension, archive):
            raise _mismatch(extension)


# --- PDF ------------------------------------------------------------------------------


def _decoding_limit(max_bytes):
    """pypdf's settings allowing one stream to decompress to at most max_bytes."""
    return pypdf.apply_configuration(**dict.fromkeys(PDF_DECODING_LIMITS, max_bytes))


def _decode_object_streams(reader, metered):
    """Decompress every object stream once, charging a step per byte.

    The walk then finds them decoded: reading a stream's dictionary may decode nothing
    (the length of an object stream must not sit in another one).
    """
    for number in sorted({stream for stream, _ in reader.xref_objStm.values()}):
        with _decoding_limit(NO_DECODING):
            stream = reader.get_object(number)
        if isinstance(stream, StreamObject):
            with _decoding_limit(min(PDF_STREAM_MAX_BYTES, metered.remaining())):
                metered.charge(len(stream.get_data()))


def _pdf_objects(reader):
    """The trailer and every indirect object the cross-references list, object streams too."""
    listed = [IndirectObject(number, generation, reader)
              for generation, entries in reader.xref.items() for number in entries]
    listed += [IndirectObject(number, 0, reader) for number in reader.xref_objStm]
    return [reader.trailer, *listed]


def _is_open_action(dictionary):
    """Whether a dictionary's /OpenAction is an action (a destination array is not)."""
    value = dict.get(dictionary, "/OpenAction")
    target = value.get_object() if value is not None else None
    return isinstance(target, DictionaryObject) and "/S" in target


def _pdf_is_active(reader):
    """Whether any object of the PDF carries a forbidden name or an opening action."""
    pending = _pdf_objects(reader)
    seen = set()
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, NameObject) and item in PDF_FORBIDDEN_NAMES:
            return True
        if isinstance(item, DictionaryObject):
            if _is_open_action(item):
                return True
            # Raw keys and values: references are followed above, once each.
            pending.extend(dict.keys(item))
            pending.extend(dict.values(item))
        elif isinstance(item, ArrayObject):
            pending.extend(list.__iter__(item))
    return False


def _read_pdf(metered):
    """Whether the PDF pypdf reads from metered carries active content."""
    with _decoding_limit(PDF_STREAM_MAX_BYTES):
        reader = pypdf.PdfReader(metered, xref_stream_maximum_entries=PDF_MAX_OBJECTS)
    _decode_object_streams(reader, metered)
    with _decoding_limit(NO_DECODING):
        return _pdf_is_active(reader)


def _check_pdf(data):
    """Refuse a PDF that cannot be read, is too complex to check, or holds active content."""
    metered = _MeteredPdf(data)
    try:
        active = _read_pdf(metered)
    except Exception as error:
        # pypdf raises many kinds of errors on a damaged or hostile file (and on one it
        # cannot decrypt): any of them means the file cannot be vouched for.
        too_complex = metered.exhausted() or isinstance(error, LimitReachedError)
        raise WorkflowError(PDF_TOO_COMPLEX if too_complex else PDF_UNREADABLE,
                            field="file") from error
    # pypdf may have caught the refusal of a step and gone on without that object.
    if metered.exhausted():
        raise WorkflowError(PDF_TOO_COMPLEX, field="file")
    if active:
        raise WorkflowError(PDF_ACTIVE, field="file")


def check_content(extension, data):
    """Refuse bytes that are not a harmless file of the kind the extension names."""
    if extension in MAGIC:
        if not data.startswith(MAGIC[extension]):
            raise _mismatch(extension)
    elif extension == "pdf":
        if not data.startswith(PDF_MAGIC):
            raise _mismatch(extension)
        _check_pdf(data)
    else:
        _check_archive(extension, data)
