"""Uploaded files: checks on name and size, storage under UPLOAD_DIR, and reading back.

What the bytes must be is checks.py's concern. A file is written under a temporary
name and takes its stored name only once the transaction holding its row commits.
"""
import hashlib
import os
import re
import secrets
import unicodedata
from collections import namedtuple
from pathlib import Path

from flask import current_app

from ..db import on_commit
from ..errors import WorkflowError
from ..i18n import lazy_gettext as _l
from ..models import Attachment
from ..text import nfc
from .checks import ALLOWED, check_content

MAX_NAME_LENGTH = 200
# Invisible characters a name could use to display as something else ("evil\u202efdp.png"
# shows as "evilgnp.pdf"): controls (C0, DEL, C1), format characters (bidi overrides,
# embeddings, isolates and marks, zero-width characters, the BOM) and line separators.
INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}
PENDING_SUFFIX = ".pending"
# The names the app gives files in UPLOAD_DIR: a stored name, or its temporary form.
STORED_FILE_NAME = re.compile(r"([0-9a-f]{32})((?:%s)?)" % re.escape(PENDING_SUFFIX))

CheckedUpload = namedtuple("CheckedUpload", "name extension content_type data")


def _visible_name(name):
    """name in NFC without invisible characters."""
    return "".join(c for c in nfc(name) if unicodedata.category(c) not in INVISIBLE_CATEGORIES)


def _check_name(raw_name):
    """The display name of an upload (visible characters, trimmed), or a refusal."""
    name = _visible_name(raw_name).strip()
    if not name:
        raise WorkflowError(_l("Choose a file to upload."), field="file")
    if len(name) > MAX_NAME_LENGTH:
        raise WorkflowError(_l("The file name is too long (at most %(max)d characters).",
                               max=MAX_NAME_LENGTH), field="file")
    if "/" in name or "\\" in name or ".." in name:
        raise WorkflowError(_l("The file name must not contain folders or \"..\"."),
                            field="file")
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
    check_content(extension, data)
    return CheckedUpload(name, extension, ALLOWED[extension], data)


def upload_dir():
    """The folder holding stored files (UPLOAD_DIR, outside static/), created if needed."""
    folder = Path(current_app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stored_path(stored_name):
    """Where the file of this stored name is kept."""
    return Path(current_app.config["UPLOAD_DIR"]) / stored_name


def file_path(attachment):
    """Where an attachment's bytes are stored."""
    return stored_path(attachment.stored_name)


def pending_path(stored_name):
    """Where a file waits under its temporary name until its row is committed."""
    return stored_path(f"{stored_name}{PENDING_SUFFIX}")


def parse_file_name(file_name):
    """(stored name, whether temporary) of a file in UPLOAD_DIR, or (None, False)."""
    match = STORED_FILE_NAME.fullmatch(file_name)
    return (match.group(1), bool(match.group(2))) if match else (None, False)


def move_into_place(stored_name):
    """Give a committed upload its stored name (the sweep does it should this not run)."""
    pending_path(stored_name).rename(stored_path(stored_name))


def _write_pending(stored_name, data):
    """Write data, flushed to disk, under its temporary name; nothing stays if that fails."""
    path = upload_dir() / pending_path(stored_name).name
    # "xb" never overwrites; the random name makes a clash practically impossible.
    out = open(path, "xb")
    try:
        with out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def open_stored(attachment):
    """The attachment's file opened for reading, or None when it is missing."""
    final, pending = file_path(attachment), pending_path(attachment.stored_name)
    # The move may happen between two tries: looking at the stored name again after the
    # temporary one finds the file wherever the rename left it.
    for path in (final, pending, final):
        try:
            return open(path, "rb")
        except FileNotFoundError:
            continue
    return None


def store(file_storage, uploader, inspection=None, finding=None, response=None):
    """Validate and keep an upload; call inside the caller's transaction."""
    upload = validate_upload(file_storage)
    stored_name = secrets.token_hex(16)
    pending = _write_pending(stored_name, upload.data)
    try:
        attachment = Attachment.create(
            inspection=inspection, finding=finding, response=response,
            original_name=upload.name, stored_name=stored_name,
            content_type=upload.content_type, size=len(upload.data),
            sha256=hashlib.sha256(upload.data).hexdigest(), uploader=uploader)
    except Exception:
        pending.unlink(missing_ok=True)
        raise
    # A failed transaction leaves no file; a crash between the commit and the move leaves
    # one under its temporary name, which downloads find and the sweep moves into place.
    on_commit(lambda: move_into_place(stored_name),
              on_rollback=lambda: pending.unlink(missing_ok=True))
    return attachment
