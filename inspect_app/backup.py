"""Backups: one archive holding the database and the uploaded files, and its restore.

The archive is a tar file: manifest.json, the database (a SQLite copy made with the
online backup API, or a pg_dump custom-format dump) and uploads/ with every stored file.
A restore needs the same kind of database and refuses a database or upload folder that
already holds data unless forced.
"""
import glob
import io
import json
import lzma
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from flask import current_app

from . import cache, clock, schema
from .db import db, is_sqlite
from .files import services as attachments
from .models import DataVersion, TableVersion

FORMAT = 1
MANIFEST = "manifest.json"
MANIFEST_MAX_BYTES = 64 * 1024
UPLOADS = "uploads"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# How each kind of database file begins.
DUMP_SIGNATURE = {"sqlite": b"SQLite format 3\x00", "postgresql": b"PGDMP"}
# What reading a damaged or crafted archive raises (tarfile reads gzip, bzip2 and xz too).
ARCHIVE_ERRORS = (tarfile.TarError, OSError, EOFError, zlib.error, lzma.LZMAError)


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


def _kind():
    """The configured database's kind, as named in the manifest."""
    return "sqlite" if is_sqlite() else "postgresql"


def _pg_tool(name):
    """The path of a PostgreSQL client program (PATH first, then Debian's folders)."""
    on_path = shutil.which(name)
    if on_path:
        return on_path
    installed = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                       key=lambda path: int(Path(path).parts[-3]))
    if not installed:
        raise BackupError(f"{name} not found: install the PostgreSQL client programs.")
    return installed[-1]


def _pg_environment():
    """libpq's environment for the configured URL (the password stays off the command line)."""
    parts = urlsplit(current_app.config["DATABASE_URL"])
    values = {"PGHOST": parts.hostname, "PGPORT": parts.port, "PGUSER": parts.username,
              "PGPASSWORD": parts.password, "PGDATABASE": parts.path.lstrip("/")}
    env = dict(os.environ)
    env.update({key: unquote(str(value)) for key, value in values.items() if value})
    return env


def _one_line(message):
    """An error message on one line, as the command prints it."""
    return " ".join(str(message).split())


def _run(args):
    """Run a PostgreSQL client program; its error output becomes a BackupError."""
    done = subprocess.run(args, env=_pg_environment(), capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {_one_line(done.stderr)}")


def _dump_database(path):
    """Write a consistent copy of the database to path while the app keeps running."""
    if is_sqlite():
        target = sqlite3.connect(path)
        try:
            db.connection().backup(target)
        finally:
            target.close()
    else:
        _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
              f"--file={path}"])


def _manifest():
    """What the archive holds, to check before restoring."""
    return {"format": FORMAT, "database": _kind(), "created_at": clock.now().isoformat(),
            "migrations": sorted(schema.applied_names())}


def _create_private(path):
    """A new file at path, readable by the owner only from its creation on."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as error:
        raise BackupError(f"{path} exists: another backup is being written, or one was "
                          "interrupted (then remove the file).") from error
    return os.fdopen(descriptor, "wb")


def _write_archive(out, dump, uploads, files):
    """Write the manifest, the dump and the files into the archive out."""
    with tarfile.open(fileobj=out, mode="w") as archive:
        manifest = json.dumps(_manifest(), indent=2).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(manifest)
        archive.addfile(info, io.BytesIO(manifest))
        archive.add(dump, arcname=dump.name)
        for path in files:
            _add_upload(archive, uploads, path)


def _add_upload(archive, uploads, path):
    """Add an uploaded file: under its stored name if moved since listed, not if removed."""
    stored_name, pending = attachments.parse_file_name(path.name)
    for candidate in ([path, path.with_name(stored_name)] if pending else [path]):
        try:
            archive.add(candidate,
                        arcname=f"{UPLOADS}/{candidate.relative_to(uploads).as_posix()}")
            return
        except FileNotFoundError:
            continue


def create_backup(out):
    """Write the backup archive to out; return the number of uploaded files in it."""
    uploads = Path(current_app.config["UPLOAD_DIR"])
    files = sorted(p for p in uploads.rglob("*") if p.is_file()) if uploads.is_dir() else []
    partial = Path(f"{out}.partial")
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / DATABASE_MEMBER[_kind()]
        _dump_database(dump)
        # The archive holds personal documents: never readable by others, not even while
        # it is written.
        with _create_private(partial) as written:
            try:
                _write_archive(written, dump, uploads, files)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
    partial.replace(out)
    return len(files)


def holds_data():
    """Whether the database has any table or the upload folder any file."""
    uploads = Path(current_app.config["UPLOAD_DIR"])
    has_files = uploads.is_dir() and any(p.is_file() for p in uploads.rglob("*"))
    return bool(db.get_tables()) or has_files


def _check_members(archive):
    """Refuse members other than regular files at the places a backup puts them."""
    allowed_names = {MANIFEST, *DATABASE_MEMBER.values()}
    for member in archive.getmembers():
        path = PurePosixPath(member.name)
        if not member.isfile():
            raise BackupError(f"Refused: {member.name!r} in the archive is not a regular file "
                              "(a link, a folder or a device).")
        in_uploads = len(path.parts) > 1 and path.parts[0] == UPLOADS
        if path.is_absolute() or ".." in path.parts or not (
                member.name in allowed_names or in_uploads):
            raise BackupError(f"Refused: {member.name!r} in the archive is not a place a "
                              "backup writes to.")


def _read_manifest(archive):
    """The archive's manifest, checked against this app's database kind."""
    try:
        info = archive.getmember(MANIFEST)
        text = archive.extractfile(info).read(MANIFEST_MAX_BYTES) if info.isfile() else b""
        manifest = json.loads(text) if len(text) < MANIFEST_MAX_BYTES else None
    except (KeyError, ValueError, RecursionError):
        manifest = None
    if not isinstance(manifest, dict):
        raise BackupError("Not a backup archive of this application.")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    if (manifest.get("database") not in DATABASE_MEMBER
            or not isinstance(manifest.get("created_at"), str)):
        raise BackupError("The archive's manifest does not name its database and date.")
    if manifest["database"] != _kind():
        raise BackupError(f"The backup is of a {manifest['database']} database; "
                          f"DATABASE_URL names a {_kind()} database.")
    if DATABASE_MEMBER[manifest["database"]] not in archive.getnames():
        raise BackupError("The archive holds no database.")
    return manifest


def _open_archive(source):
    """The tar archive at source, or a refusal of a file that is none."""
    try:
        return tarfile.open(source, "r")
    except tarfile.ReadError as error:
        raise BackupError("Not a backup archive of this application (not a tar file).") \
            from error


def _unpack(source, work):
    """Check the archive at source and extract it into work; return its manifest."""
    try:
        with _open_archive(source) as archive:
            manifest = _read_manifest(archive)
            _check_members(archive)
            archive.extractall(work, filter="data")
    except ARCHIVE_ERRORS as error:
        raise BackupError(f"The archive cannot be read: {_one_line(error)}") from error
    return manifest


def _check_dump(path, kind):
    """Refuse a database member that is not a sound database of the manifest's kind."""
    with open(path, "rb") as dump:
        if dump.read(len(DUMP_SIGNATURE[kind])) != DUMP_SIGNATURE[kind]:
            raise BackupError(f"{path.name} in the archive is not a {kind} database.")
    if kind == "postgresql":
        _run([_pg_tool("pg_restore"), "--list", str(path)])
        return
    try:
        check = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            result = check.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            check.close()
    except sqlite3.DatabaseError as error:
        result = str(error)
    if result != "ok":
        raise BackupError(f"{path.name} in the archive is damaged: {result}")


def _load_database(path):
    """Replace the database's content with the dump at path."""
    if is_sqlite():
        source = sqlite3.connect(path)
        try:
            source.backup(db.connection())
        finally:
            source.close()
    else:
        db.close()
        database = _pg_environment()["PGDATABASE"]
        _run([_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--clean",
              "--if-exists", "--single-transaction", f"--dbname={database}", str(path)])


def _data_version():
    """The database's data version, 0 when it has none (empty, or older than 0007)."""
    if not db.table_exists("data_version"):
        return 0
    return cache.data_version() or 0


def _raise_data_version_above(replaced_version):
    """Raise the restored data version above the replaced one.

    Running servers keep figures under the replaced database's versions; the restored data
    must not answer to one of them.
    """
    if not db.table_exists("data_version"):
        return
    highest = max(cache.data_version() or 0, replaced_version)
    DataVersion.update(version=highest + 1).where(DataVersion.id == 1).execute()
    if db.table_exists("table_version"):
        # Every table stamped anew: figures kept per table or per unit are all recomputed.
        TableVersion.update(version=highest + 1).execute()


def restore_backup(source, force=False):
    """Restore the archive at source; return the manifest. Refuses data unless force."""
    if holds_data() and not force:
        raise BackupError("The database or the upload folder already holds data; "
                          "restore into a fresh one, or pass --force to overwrite it.")
    with tempfile.TemporaryDirectory() as work:
        manifest = _unpack(source, work)
        dump = Path(work) / DATABASE_MEMBER[manifest["database"]]
        _check_dump(dump, manifest["database"])
        replaced_version = _data_version()
        _load_database(dump)
        _raise_data_version_above(replaced_version)
        uploaded = Path(work) / UPLOADS
        if uploaded.is_dir():
            shutil.copytree(uploaded, current_app.config["UPLOAD_DIR"], dirs_exist_ok=True)
    return manifest
