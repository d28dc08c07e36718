"""The sweep of the upload folder: `jobs sweep-files` and the weekly job."""
import datetime as dt
import json
import os
import secrets
from pathlib import Path

import pytest

from inspect_app import clock
from inspect_app.files import services as attachments
from inspect_app.jobs.scheduler import JobScheduler
from inspect_app.jobs.sweep import sweep_files
from inspect_app.models import JobRun
from tests.factories import PDF_BYTES, make_finding, make_user
from tests.helpers import upload


def aged(path, days):
    """path, its modification time set days before now (by the clock)."""
    moment = (clock.now() - dt.timedelta(days=days)).timestamp()
    os.utime(path, (moment, moment), follow_symlinks=False)
    return path


def stored(finding, name="Biên bản.pdf"):
    """A committed attachment of finding, its file two days old."""
    attachment = attachments.store(upload(name, PDF_BYTES), make_user(), finding=finding)
    aged(attachments.file_path(attachment), 2)
    return attachment


def stray(folder, days, suffix="", data=b"x" * 100):
    """A file named as the app names stored files, no row pointing to it, days old."""
    path = Path(folder) / f"{secrets.token_hex(16)}{suffix}"
    path.write_bytes(data)
    return aged(path, days)


@pytest.fixture
def folder(app):
    """The upload folder, created."""
    return attachments.upload_dir()


def test_orphans_over_a_day_old_go_and_everything_else_stays(app, folder):
    finding = make_finding()
    kept = stored(finding)
    old_orphan = stray(folder, 2, data=b"x" * 1000)
    old_temporary = stray(folder, 3, attachments.PENDING_SUFFIX, data=b"y" * 234)
    young_orphan = stray(folder, 0.5)
    young_temporary = stray(folder, 0.1, attachments.PENDING_SUFFIX)

    counts = sweep_files()

    assert counts == {"removed": 2, "removed_bytes": 1234, "moved": 0, "recent": 2}
    assert not old_orphan.exists() and not old_temporary.exists()
    assert young_orphan.exists() and young_temporary.exists()
    assert attachments.file_path(kept).read_bytes() == PDF_BYTES


def test_a_move_left_pending_is_finished(app, folder):
    attachment = stored(make_finding())
    pending = attachments.pending_path(attachment.stored_name)
    attachments.file_path(attachment).rename(pending)

    assert sweep_files() == {"removed": 0, "removed_bytes": 0, "moved": 1, "recent": 0}
    assert not pending.exists()
    assert attachments.file_path(attachment).read_bytes() == PDF_BYTES


def test_only_the_apps_own_files_in_the_folder_itself_are_touched(app, folder, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "important.pdf"
    target.write_bytes(PDF_BYTES)
    link = folder / secrets.token_hex(16)
    link.symlink_to(target)
    aged(link, 5)
    other = folder / "ghi-chu.txt"
    other.write_text("not the app's")
    aged(other, 30)
    nested = folder / secrets.token_hex(16)
    nested.mkdir()
    inside_nested = stray(nested, 5)
    aged(nested, 5)

    assert sweep_files()["removed"] == 0
    assert link.is_symlink() and target.read_bytes() == PDF_BYTES
    assert other.exists() and inside_nested.exists()


def test_the_command_prints_what_it_did(app, folder, runner):
    stray(folder, 2, data=b"x" * 2048)
    stray(folder, 0)
    result = runner.invoke(args=["jobs", "sweep-files"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "Sweep: 1 file(s) no record points to removed (2048 bytes), 0 pending move(s) "
        "finished, 1 recent file(s) left for a later sweep.")


def test_the_scheduler_sweeps_when_the_weekly_run_is_due(app, folder):
    orphan = stray(folder, 2, data=b"z" * 10)
    JobScheduler(app).heartbeat()  # takes the lease and catches up: never swept before
    summary = json.loads(JobRun.get(JobRun.name == "sweep_files").summary)
    assert summary == {"removed": 1, "removed_bytes": 10, "moved": 0, "recent": 0}
    assert not orphan.exists()
