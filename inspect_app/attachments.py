"""Uploaded files: checks on name, size and content; storage under UPLOAD_DIR."""
import hashlib
import io
import re
import secrets
import zipfile
from collections import namedtuple
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from .errors import WorkflowError
from .models import Attachment
from .text import nfc

MAX_NAME_LENGTH = 200

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

# A PDF action that runs a script or a program; names may hide letters as #xx escapes.
PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch)(?![A-Za-z0-9])")
PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")

CheckedUpload = namedtuple("CheckedUpload", "name extension content_type data")


def _zip_names(data):
    """The entry names of a zip archive, or None when it cannot be read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        return None


def _odf_mimetype(data):
    """The mimetype entry of an OpenDocument archive, or "" when absent or unreadable."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.read("mimetype").decode("ascii", "replace").strip()
    except (zipfile.BadZipFile, KeyError, ValueError):
        return ""


def _office_zip_matches(data, folder):
    """Whether data is a zip archive holding entries under folder (word/, xl/)."""
    names = _zip_names(data) if data.startswith(ZIP_MAGIC) else None
    return bool(names) and any(name.startswith(folder) for name in names)


def content_matches(extension, data):
    """Whether the bytes are really a file of the kind the extension names."""
    if extension == "pdf":
        return data.startswith(PDF_MAGIC)
    if extension in ("jpg", "jpeg"):
        return data.startswith(JPEG_MAGIC)
    if extension == "png":
        return data.startswith(PNG_MAGIC)
    if extension in ("doc", "xls"):
        return data.startswith(OLE_MAGIC)
    if extension == "docx":
        return _office_zip_matches(data, "word/")
    if extension == "xlsx":
        return _office_zip_matches(data, "xl/")
    return data.startswith(ZIP_MAGIC) and _odf_mimetype(data) == ALLOWED[extension]


def pdf_has_scripts(data):
    """Whether a PDF names a JavaScript or Launch action, even with #xx-escaped letters."""
    unescaped = PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)
    return PDF_ACTIVE.search(unescaped) is not None


def _check_name(raw_name):
    """The display name of an upload (NFC, trimmed), or a refusal of a bad name."""
    name = nfc(raw_name).strip()
    if not name:
        raise WorkflowError(_l("Choose a file to upload."), field="file")
    if len(name) > MAX_NAME_LENGTH:
        raise WorkflowError(_l("The file name is too long (at most %(max)d characters).",
                               max=MAX_NAME_LENGTH), field="file")
    if "/" in name or "\\" in name or ".." in name or any(ord(c) < 32 for c in name):
        raise WorkflowError(_l("The file name must not contain folders, \"..\" or "
                               "control characters."), field="file")
    return name


def _extension(name):
    """The lower-case extension of name, or a refusal when it is not allowed."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED:
        raise WorkflowError(_l("This kind of file is not accepted. Allowed: %(kinds)s.",
                               kinds=", ".join(ALLOWED)), field="file")
    return extension


def _read_limited(file_storage):
    """The upload's bytes, refusing an empty file or one over MAX_UPLOAD_MB."""
    limit_mb = current_app.config["MAX_UPLOAD_MB"]
    # Callers may validate first and store later: always read from the start.
    file_storage.stream.seek(0)
    data = file_storage.stream.read(limit_mb * 1024 * 1024 + 1)
    if not data:
        raise WorkflowError(_l("The file is empty."), field="file")
    if len(data) > limit_mb * 1024 * 1024:
        raise WorkflowError(_l("The file is larger than %(mb)d MB.", mb=limit_mb),
                            field="file")
    return data


def validate_upload(file_storage):
    """Check an uploaded file's name, size and content; a CheckedUpload or WorkflowError."""
    if file_storage is None or not getattr(file_storage, "filename", None):
        raise WorkflowError(_l("Choose a file to upload."), field="file")
    name = _check_name(file_storage.filename)
    extension = _extension(name)
    data = _read_limited(file_storage)
    if not content_matches(extension, data):
        raise WorkflowError(_l("The file's content does not match its extension "
                               "\"%(extension)s\".", extension=extension), field="file")
    if extension == "pdf" and pdf_has_scripts(data):
        raise WorkflowError(_l("PDF files with scripts are not accepted."), field="file")
    return CheckedUpload(name, extension, ALLOWED[extension], data)


def upload_dir():
    """The folder holding stored files (UPLOAD_DIR, outside static/), created if needed."""
    folder = Path(current_app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def file_path(attachment):
    """Where an attachment's bytes are stored."""
    return Path(current_app.config["UPLOAD_DIR"]) / attachment.stored_name


def store(file_storage, uploader, inspection=None, finding=None, response=None):
    """Validate and keep an upload; call inside the caller's transaction."""
    upload = validate_upload(file_storage)
    stored_name = secrets.token_hex(16)
    path = upload_dir() / stored_name
    # "xb" never overwrites; the random name makes a clash practically impossible.
    with open(path, "xb") as out:
        out.write(upload.data)
    try:
        return Attachment.create(
            inspection=inspection, finding=finding, response=response,
            original_name=upload.name, stored_name=stored_name,
            content_type=upload.content_type, size=len(upload.data),
            sha256=hashlib.sha256(upload.data).hexdigest(), uploader=uploader)
    except Exception:
        # No row points at the file: remove it so no orphan stays on disk.
        path.unlink(missing_ok=True)
        raise
