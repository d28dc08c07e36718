"""`backup --out FILE` and `restore --from FILE`: the same records, files and monthly PDF."""
import datetime as dt
import io
import tarfile

import time_machine
from werkzeug.datastructures import FileStorage

from inspect_app import attachments, cache
from inspect_app.admin.services import save_settings
from inspect_app.db import db
from inspect_app.models import ALL_MODELS, Attachment, DataVersion
from inspect_app.pdf import documents
from tests.factories import make_issued_finding, make_pdf, make_unit, make_user
from tests.test_pdf import pdf_text

NOW = dt.datetime(2026, 12, 5, 3, 0, tzinfo=dt.timezone.utc)


def fill():
    """Findings of October 2026 in three units (some resolved), two stored files."""
    save_settings(None, {"authority_name": "UBND huyện Phú Hòa",
                         "parent_authority": "UBND tỉnh Phú Yên", "place_name": "Phú Hòa"})
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
