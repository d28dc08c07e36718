"""`backup --out FILE` and `restore --from FILE`: the same records, files and monthly PDF."""
import datetime as dt
import io
import json
import os
import stat
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import time_machine
from werkzeug.datastructures import FileStorage

from inspect_app import cache
from inspect_app.backup import DATABASE_MEMBER
from inspect_app.db import db
from inspect_app.files import services as attachments
from inspect_app.models import ALL_MODELS, Attachment, DataVersion, TableVersion
from inspect_app.pdf import documents
from tests.conftest import ON_POSTGRESQL, ROOT
from tests.factories import make_issued_finding, make_pdf, make_unit, make_user, set_authority
from tests.helpers import pdf_text

NOW = dt.datetime(2026, 12, 5, 3, 0, tzinfo=dt.timezone.utc)


def fill():
    """Findings of October 2026 in three units (some resolved), two stored files."""
    set_authority()
    units = [make_unit(name=f"Xã Hòa Thịnh {n}") for n in range(3)]
    findings = []
    for n in range(12):
        resolved = n % 3 == 0
        findings.append(make_issued_finding(
            units[n % 3], dt.date(2026, 9, 1 + n), dt.date(2026, 10, 1 + n),
            status="resolved" if resolved else "open",
            resolved_at=dt.datetime(2026, 10, 5 + n) if resolved else None,
            resolved_on_time=(n % 2 == 0) if resolved else None))
    uploader = make_user("canbo", role="inspector")
    for n, finding in enumerate(findings[:2]):
        upload = FileStorage(stream=io.BytesIO(make_pdf(f"Biên bản {n}")),
                             filename=f"Biên bản {n}.pdf")
        attachments.store(upload, uploader, finding=finding)


def snapshot(app):
    """Row counts of every table, the stored files' bytes and the monthly PDF's text."""
    counts = {model.__name__: model.select().count() for model in ALL_MODELS}
    files = {a.stored_name: attachments.file_path(a).read_bytes() for a in Attachment.select()}
    with time_machine.travel(NOW, tick=False):
        pdf = pdf_text(documents.monthly_summary_pdf(2026, 10))
    return counts, files, pdf


def invoke(app, *args):
    """Run a flask command of app; return the click result."""
    return app.test_cli_runner().invoke(args=list(args))


def backed_up_source(make_app, archive):
    """A filled app backed up into archive; its snapshot."""
    source = make_app("source.db", migrated=True)
    with source.app_context():
        fill()
        before = snapshot(source)
        result = invoke(source, "backup", "--out", str(archive))
        db.close()
    assert result.exit_code == 0, result.output
    assert "2 uploaded file(s)" in result.output
    return before


# A backup run in its own process with the usual umask 022, watching the partial archive
# from Python's audit hook: at every file opened while the archive is written (the dump,
# each uploaded file) the partial file's mode is noted, and the flags it was created with.
WATCHED_BACKUP = """
import json, os, stat, sys
os.umask(0o022)
out = sys.argv[1]
partial = out + ".partial"
seen = {"modes": set(), "flags": []}

def watch(event, args):
    if event != "open":
        return
    if str(args[0]) == partial:
        seen["flags"].append(args[2])
    if os.path.lexists(partial):
        seen["modes"].add(stat.S_IMODE(os.lstat(partial).st_mode))

sys.addaudithook(watch)
from flask.cli import main
sys.argv = ["flask", "--app", "wsgi", "backup", "--out", out]
try:
    main()
finally:
    print(json.dumps({"modes": sorted(seen["modes"]), "flags": seen["flags"]}))
"""


def test_the_archive_is_private_from_its_creation_on(make_app, tmp_path):
    source = make_app("source.db", migrated=True)
    with source.app_context():
        fill()
        db.close()
    archive = tmp_path / "inspect.backup"
    env = {**os.environ, "INSTANCE_PATH": source.instance_path, "SECRET_KEY": "test",
           "DATABASE_URL": source.config["DATABASE_URL"],
           "UPLOAD_DIR": source.config["UPLOAD_DIR"]}
    done = subprocess.run([sys.executable, "-c", WATCHED_BACKUP, str(archive)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["modes"] == [0o600]
    [flags] = seen["flags"]
    assert flags & os.O_CREAT and flags & os.O_EXCL
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert not Path(f"{archive}.partial").exists()


def test_restore_into_a_fresh_database_gives_the_same_data_and_pdf(make_app, tmp_path):
    archive = tmp_path / "inspect.backup"
    before = backed_up_source(make_app, archive)
    counts, files, pdf = before
    assert counts["Finding"] == 12 and len(files) == 2
    assert "Xã Hòa Thịnh 1" in pdf

    target = make_app("restored.db")
    with target.app_context():
        result = invoke(target, "restore", "--from", str(archive))
        assert result.exit_code == 0, result.output
        assert snapshot(target) == before
        db.close()


def test_the_archive_holds_the_database_and_the_uploaded_files(make_app, tmp_path):
    archive = tmp_path / "inspect.backup"
    _, files, _ = backed_up_source(make_app, archive)
    with tarfile.open(archive) as members:
        names = set(members.getnames())
    assert "manifest.json" in names
    assert names & {"database.sqlite3", "database.pgdump"}
    assert {f"uploads/{name}" for name in files} <= names
    assert archive.stat().st_mode & 0o077 == 0


def test_restore_refuses_a_database_holding_data_unless_forced(make_app, tmp_path):
    archive = tmp_path / "inspect.backup"
    before = backed_up_source(make_app, archive)
    target = make_app("busy.db", migrated=True)
    with target.app_context():
        make_unit(name="Xã Sẽ Mất")
        refused = invoke(target, "restore", "--from", str(archive))
        assert refused.exit_code != 0
        assert "already holds data" in refused.output
        assert snapshot(target)[0]["Finding"] == 0

        # Servers may hold figures cached under the replaced database's versions, far
        # beyond the backup's own: the restored data must answer to a new version.
        DataVersion.update(version=10_000).execute()
        forced = invoke(target, "restore", "--from", str(archive), "--force")
        assert forced.exit_code == 0, forced.output
        assert snapshot(target) == before
        assert cache.data_version() == 10_001
        assert {row.version for row in TableVersion.select()} == {10_001}
        db.close()


def test_restore_refuses_a_file_that_is_not_a_backup(make_app, tmp_path):
    bogus = tmp_path / "bogus.tar"
    with tarfile.open(bogus, "w") as archive:
        archive.add(__file__, arcname="notes.txt")
    target = make_app("empty.db")
    with target.app_context():
        result = invoke(target, "restore", "--from", str(bogus))
        assert result.exit_code != 0
        assert "Not a backup archive" in result.output
        assert db.get_tables() == []
        db.close()


# --- damaged or crafted archives ---------------------------------------------------------------

KIND = "postgresql" if ON_POSTGRESQL else "sqlite"
DUMP = DATABASE_MEMBER[KIND]
# How a SQLite database file and a pg_dump custom-format archive begin.
SIGNATURE = {"sqlite": b"SQLite format 3\x00", "postgresql": b"PGDMP"}[KIND]
MANIFEST = json.dumps({"format": 1, "database": KIND, "created_at": "2026-12-05T03:00:00+00:00",
                       "migrations": []}).encode()


def member(name, data=b"", kind=tarfile.REGTYPE, link=""):
    """A tar member and its content."""
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.size = kind, link, len(data)
    return info, data


def tar(path, *members):
    """Write a tar archive of members to path."""
    with tarfile.open(path, "w") as archive:
        for info, data in members:
            archive.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return path


def bad_archives(tmp_path):
    """{case: path} of archives restore must refuse in one line."""
    signed_dump = member(DUMP, SIGNATURE + b"\0" * 200)
    cases = {
        "not a tar": ("garbage.backup", None),
        "missing manifest": ("no-manifest.backup", [signed_dump]),
        "manifest not JSON": ("bad-json.backup",
                              [member("manifest.json", b"{not json"), signed_dump]),
        "manifest a list": ("list.backup",
                            [member("manifest.json", b"[1, 2]"), signed_dump]),
        "manifest of another format": ("format.backup", [
            member("manifest.json", MANIFEST.replace(b'"format": 1', b'"format": 7')),
            signed_dump]),
        "manifest naming no database": ("nameless.backup", [
            member("manifest.json", b'{"format": 1, "created_at": "2026-12-05"}'), signed_dump]),
        "no database member": ("no-db.backup", [member("manifest.json", MANIFEST)]),
        "parent folder in a path": ("dotdot.backup", [
            member("manifest.json", MANIFEST), signed_dump, member("uploads/../../evil", b"x")]),
        "absolute path": ("absolute.backup", [
            member("manifest.json", MANIFEST), signed_dump, member("/tmp/evil", b"x")]),
        "symbolic link": ("symlink.backup", [
            member("manifest.json", MANIFEST), signed_dump,
            member("uploads/passwd", kind=tarfile.SYMTYPE, link="/etc/passwd")]),
        "hard link": ("hardlink.backup", [
            member("manifest.json", MANIFEST), signed_dump,
            member("uploads/copy", kind=tarfile.LNKTYPE, link=DUMP)]),
        "database of the wrong kind": ("wrong-kind.backup", [
            member("manifest.json", MANIFEST), member(DUMP, b"PK\3\4 a zip, not a database")]),
        "damaged database": ("damaged-db.backup", [member("manifest.json", MANIFEST), signed_dump]),
        "database as a folder": ("db-folder.backup", [
            member("manifest.json", MANIFEST), member(DUMP, kind=tarfile.DIRTYPE)]),
    }
    paths = {}
    for case, (name, members) in cases.items():
        if members is None:
            paths[case] = tmp_path / name
            paths[case].write_bytes(os.urandom(4096))
        else:
            paths[case] = tar(tmp_path / name, *members)
    return paths


def refused_in_one_line(app, archive):
    """Run restore on archive: refused with one line of output, never a traceback."""
    result = invoke(app, "restore", "--from", str(archive))
    assert result.exit_code == 1, result.output
    # Click's own exit: any other exception would be an unhandled error (a traceback).
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


@pytest.mark.parametrize("case", ["not a tar", "missing manifest", "manifest not JSON",
                                  "manifest a list", "manifest of another format",
                                  "manifest naming no database", "no database member",
                                  "parent folder in a path", "absolute path", "symbolic link",
                                  "hard link", "database of the wrong kind", "damaged database",
                                  "database as a folder"])
def test_restore_refuses_a_bad_archive_in_one_line(make_app, tmp_path, case):
    archive = bad_archives(tmp_path)[case]
    target = make_app("empty.db")
    with target.app_context():
        refused_in_one_line(target, archive)
        assert db.get_tables() == []
        assert not (Path(target.config["UPLOAD_DIR"]).exists()
                    and any(Path(target.config["UPLOAD_DIR"]).iterdir()))
        db.close()
    assert not (tmp_path / "evil").exists() and not Path("/tmp/evil").exists()


def test_restore_refuses_a_truncated_backup_in_one_line(make_app, tmp_path):
    archive = tmp_path / "inspect.backup"
    backed_up_source(make_app, archive)
    truncated = tmp_path / "truncated.backup"
    truncated.write_bytes(archive.read_bytes()[:archive.stat().st_size // 2])
    target = make_app("empty.db")
    with target.app_context():
        refused_in_one_line(target, truncated)
        assert db.get_tables() == []
        db.close()
