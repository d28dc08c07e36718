"""Expensive documents (PDFs, exports) built once per data version and kept on disk.

A kept document is a file under instance/documents/, named by the data version
(models.DataVersion) and a hash of its key. The key holds everything the document depends
on besides the tracked tables (models.TRACKED_TABLES): its kind and parameters, the
viewer's scope, the language and, where it matters, the day; and the code that draws it,
so that an upgrade never serves an old layout. The version is read before the document is
built, so a kept file never holds data older than its name says; any change to a tracked
table raises the version and the next request builds again. Writing a file removes those of
other versions, stale temporary files and, beyond DOCUMENT_CACHE_FILES files or
DOCUMENT_CACHE_MB megabytes, the least recently served. The folder is shared by every
worker of the machine; files are written under a temporary name and moved into place.

Building is what costs, so each user builds one document at a time, across every worker
and machine: a DocumentBuild row holds the user's build. A second request meanwhile is
refused at once (DocumentBusy: 429 with Retry-After) rather than kept waiting, which would
hold one of the few workers for as long as the first build runs.
"""
import datetime as dt
import functools
import hashlib
import json
import os
import secrets
from contextlib import contextmanager
from pathlib import Path

from flask import current_app, send_file
from peewee import IntegrityError

from . import clock
from .cache import data_version
from .db import db
from .models import DocumentBuild

FOLDER = "documents"
TEMPORARY_PREFIX = "tmp-"
# A build left behind by a worker that died no longer blocks its user after this.
BUILD_EXPIRES = dt.timedelta(minutes=2)
RETRY_AFTER_SECONDS = 10


class DocumentBusy(Exception):
    """The user already has a document being built."""


@functools.cache
def _code_version():
    """A fingerprint of the package's files (code, fonts, catalogs), read once per process."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            stat = path.stat()
            digest.update(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}\n"
                          .encode())
    return digest.hexdigest()


def folder():
    """The folder of the kept documents, created on first use."""
    path = Path(current_app.instance_path) / FOLDER
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def kept_path(kind, key, version, extension):
    """Where the document of kind and key built at version is kept."""
    text = json.dumps([_code_version(), kind, key], default=str, ensure_ascii=False)
    digest = hashlib.sha256(text.encode()).hexdigest()[:40]
    return folder() / f"{version}-{digest}.{extension}"


def _version_of(name):
    """The data version a kept file's name carries."""
    return name.partition("-")[0]


def _open_kept(path):
    """The kept file at path, open at its start and marked as just served; None if missing."""
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        return None
    os.utime(handle.fileno())
    return handle


def _remove(path):
    """Remove a file another worker may have removed already."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _prune(kept):
    """Remove other versions' files, stale temporary files, then the oldest beyond the bounds.

    kept, the file just written, stays: its request is about to serve it. Ages are
    measured from its time of writing, as the file system tells it.
    """
    config = current_app.config
    max_files = config["DOCUMENT_CACHE_FILES"]
    max_bytes = config["DOCUMENT_CACHE_MB"] * 1024 * 1024
    kept_stat = kept.stat()
    stale_before = kept_stat.st_mtime - BUILD_EXPIRES.total_seconds()
    version, others = _version_of(kept.name), []
    for entry in os.scandir(kept.parent):
        try:
            stat = entry.stat()
        except FileNotFoundError:
            continue
        if entry.name.startswith(TEMPORARY_PREFIX):
            if stat.st_mtime < stale_before:
                _remove(entry.path)
        elif _version_of(entry.name) != version:
            _remove(entry.path)
        elif entry.name != kept.name:
            others.append((stat.st_mtime, stat.st_size, entry.path))
    count, size = 1, kept_stat.st_size
    for _mtime, file_size, path in sorted(others, reverse=True):
        count, size = count + 1, size + file_size
        if count > max_files or size > max_bytes:
            _remove(path)


def _build(path, build):
    """Write the document with build(file) and put it at path; the file, open at its start.

    The file stays open from its temporary name on, so no other worker's clean-up can
    take it away before it is served.
    """
    temporary = path.with_name(f"{TEMPORARY_PREFIX}{secrets.token_hex(8)}-{path.name}")
    handle = os.fdopen(os.open(temporary, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600), "w+b")
    try:
        build(handle)
        handle.flush()
        os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        handle.close()
        _remove(temporary)
        raise
    handle.seek(0)
    _prune(path)
    return handle


@contextmanager
def build_slot(user, kind):
    """Hold the user's one document build while the block runs; DocumentBusy if taken."""
    now, token = clock.now(), secrets.token_hex(16)
    try:
        with db.atomic():
            (DocumentBuild
             .delete()
             .where(DocumentBuild.user == user.id, DocumentBuild.expires_at <= now)
             .execute())
            DocumentBuild.insert(user=user.id, token=token, kind=kind, started_at=now,
                                 expires_at=now + BUILD_EXPIRES).execute()
    except IntegrityError:
        raise DocumentBusy() from None
    try:
        yield
    finally:
        (DocumentBuild
         .delete()
         .where(DocumentBuild.user == user.id, DocumentBuild.token == token)
         .execute())


def send_document(user, kind, key, build, download_name, mimetype):
    """A download of the kept document of kind and key, which build(file) writes if needed.

    key must hold everything the document depends on besides the tracked tables.
    """
    path = kept_path(kind, key, data_version(), Path(download_name).suffix.lstrip("."))
    handle = _open_kept(path)
    if handle is None:
        with build_slot(user, kind):
            handle = _open_kept(path) or _build(path, build)
    response = send_file(handle, mimetype=mimetype, as_attachment=True,
                         download_name=download_name)
    response.content_length = os.fstat(handle.fileno()).st_size
    return response
