"""Backups: one archive holding the database and the uploaded files, and its restore.

The archive is a tar file: manifest.json, the database (a SQLite copy made with the
online backup API, or a pg_dump custom-format dump) and uploads/ with every stored file.
A restore needs the same kind of database and refuses a database or upload folder that
already holds data unless forced.
"""
import glob
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app

from . import cache, clock, schema
from .db import db, is_sqlite
from .models import DataVersion

FORMAT = 1
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


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


def _run(args):
    """Run a PostgreSQL client program; its error output becomes a BackupError."""
    done = subprocess.run(args, env=_pg_environment(), capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {done.stderr.strip()}")


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


def create_backup(out):
    """Write the backup archive to out; return the number of uploaded files in it."""
    uploads = Path(current_app.config["UPLOAD_DIR"])
    files = sorted(p for p in uploads.rglob("*") if p.is_file()) if uploads.is_dir() else []
    partial = Path(f"{out}.partial")
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / DATABASE_MEMBER[_kind()]
        _dump_database(dump)
        with tarfile.open(partial, "w") as archive:
            manifest = json.dumps(_manifest(), indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(manifest)
            archive.addfile(info, io.BytesIO(manifest))
            archive.add(dump, arcname=dump.name)
            for path in files:
                archive.add(path, arcname=f"uploads/{path.relative_to(uploads).as_posix()}")
    os.chmod(partial, 0o600)
    partial.replace(out)
    return len(files)


def holds_data():
    """Whether the database has any table or the upload folder any file."""
    uploads = Path(current_app.config["UPLOAD_DIR"])
    has_files = uploads.is_dir() and any(p.is_file() for p in uploads.rglob("*"))
    return bool(db.get_tables()) or has_files


def _read_manifest(archive):
    """The archive's manifest, checked against this app's database kind."""
    try:
        manifest = json.load(archive.extractfile("manifest.json"))
    except (KeyError, ValueError) as error:
        raise BackupError("Not a backup archive of this application.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    if manifest["database"] != _kind():
        raise BackupError(f"The backup is of a {manifest['database']} database; "
                          f"DATABASE_URL names a {_kind()} database.")
    return manifest


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
    if db.table_exists("data_version"):
        highest = max(cache.data_version() or 0, replaced_version)
        DataVersion.update(version=highest + 1).where(DataVersion.id == 1).execute()


def restore_backup(source, force=False):
    """Restore the archive at source; return the manifest. Refuses data unless force."""
    if holds_data() and not force:
        raise BackupError("The database or the upload folder already holds data; "
                          "restore into a fresh one, or pass --force to overwrite it.")
    with tarfile.open(source, "r") as archive, tempfile.TemporaryDirectory() as work:
        manifest = _read_manifest(archive)
        archive.extractall(work, filter="data")
        replaced_version = _data_version()
        _load_database(Path(work) / DATABASE_MEMBER[manifest["database"]])
        _raise_data_version_above(replaced_version)
        uploaded = Path(work) / "uploads"
        if uploaded.is_dir():
            shutil.copytree(uploaded, current_app.config["UPLOAD_DIR"], dirs_exist_ok=True)
    return manifest
