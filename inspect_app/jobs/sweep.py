"""The weekly sweep of the upload folder: files no row points to, and moves left pending."""
import datetime as dt
import logging
import os
from pathlib import Path

from flask import current_app

from .. import clock, logs
from ..files import services as attachments
from ..models import Attachment

log = logging.getLogger("inspect_app.jobs")
# Younger files may belong to an upload whose transaction has not committed yet.
MIN_AGE = dt.timedelta(days=1)


def _stored_names():
    """The stored names the attachment rows point to."""
    return {name for (name,) in Attachment.select(Attachment.stored_name).tuples()}


def _files(folder):
    """(entry, stored name, whether temporary) of the regular files the app named in folder.

    Only the folder itself is read and links are never followed, so nothing outside it
    is touched.
    """
    with os.scandir(folder) as entries:
        for entry in entries:
            stored_name, pending = attachments.parse_file_name(entry.name)
            if stored_name and entry.is_file(follow_symlinks=False):
                yield entry, stored_name, pending


def sweep_files(today=None):
    """Remove the files no row points to and finish pending moves, for files over a day old.

    today is unused: ages go by the clock. Returns the counts.
    """
    counts = {"removed": 0, "removed_bytes": 0, "moved": 0, "recent": 0}
    folder = Path(current_app.config["UPLOAD_DIR"])
    if not folder.is_dir():
        return counts
    # Read before the folder: a file committed meanwhile is too young to be touched.
    referenced = _stored_names()
    cutoff = (clock.now() - MIN_AGE).timestamp()
    for entry, stored_name, pending in _files(folder):
        if stored_name in referenced and not pending:
            continue
        status = entry.stat(follow_symlinks=False)
        if status.st_mtime > cutoff:
            counts["recent"] += 1
        elif stored_name not in referenced:
            _remove(entry, status.st_size, counts)
        else:
            # The row was committed but the process stopped before the move.
            attachments.move_into_place(stored_name)
            counts["moved"] += 1
            log.info(logs.line("upload_moved", file=stored_name))
    return counts


def _remove(entry, size, counts):
    """Remove a file no row points to, and count it."""
    os.unlink(entry.path)
    counts["removed"] += 1
    counts["removed_bytes"] += size
    log.info(logs.line("upload_removed", file=entry.name, bytes=size))
