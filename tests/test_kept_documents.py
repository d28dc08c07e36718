"""Expensive documents on demand: built once per data version, one build per user at a time.

Builds are counted by the kept files under instance/documents: a file that is served again
keeps its inode, a file built again is a new one (written under a temporary name, then
moved into place).
"""
import csv
import datetime as dt
import io
import os
import re
import threading
from pathlib import Path

import pytest
import time_machine
from openpyxl import load_workbook

from inspect_app import kept_documents
from inspect_app.findings import exports, queries
from inspect_app.models import DocumentBuild, User
from inspect_app.pdf import documents
from tests.factories import (
    issue_findings,
    make_case,
    make_inspection_in_progress,
    make_issued_finding,
    make_unit,
    make_user,
    record_draft,
)
from tests.helpers import pdf_text, sign_in, text, tr

# 10:00 in Hanoi on 5 November 2026: October is over.
NOW = dt.datetime(2026, 11, 5, 3, 0, tzinfo=dt.timezone.utc)
TODAY = dt.date(2026, 11, 5)
OCTOBER_PDF = "/reports/monthly/2026-10.pdf"


@pytest.fixture
def app_config():
    return {"DOCUMENT_CACHE_FILES": 3, "DOCUMENT_CACHE_MB": 1}


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(app):
    """Units A and B with a finding and a case each; a leader, an inspector, A's head."""
    unit_a = make_unit("X-HOAAN", "Xã Hòa An")
    unit_b = make_unit("P-NOIVU", "Phòng Nội vụ", kind_code="phong_ban")
    make_issued_finding(unit_a, dt.date(2026, 10, 2), dt.date(2026, 10, 20), code="KD-A1",
                        title="Hồ sơ của Hòa An")
    make_issued_finding(unit_b, dt.date(2026, 10, 3), dt.date(2026, 12, 20), code="KD-B1",
                        title="Hồ sơ của Nội vụ")
    make_case(unit=unit_a, official_name="Trần Văn Khánh")
    make_case(unit=unit_b, official_name="Phạm Thị Lan")
    return {"unit_a": unit_a, "unit_b": unit_b,
            "leader": make_user("lanhdao", role="leader"),
            "leader_2": make_user("lanhdao2", role="leader"),
            "inspector": make_user("thanhtra", role="inspector"),
            "head_a": make_user("chutich", role="unit_head", unit=unit_a)}


def signed_in(app, username):
    """A new client signed in as username."""
    client = app.test_client()
    sign_in(client, username)
    return client


def kept(app):
    """{name: inode} of the kept documents (temporary files left out)."""
    folder = Path(app.instance_path) / kept_documents.FOLDER
    if not folder.is_dir():
        return {}
    return {entry.name: entry.inode() for entry in os.scandir(folder)
            if not entry.name.startswith(kept_documents.TEMPORARY_PREFIX)}


def new_findings_in_october(app, data):
    """The "New findings" figure of the October summary PDF."""
    label = re.escape(tr(app, "New findings"))
    return int(re.search(rf"{label} (\d+)", pdf_text(data)).group(1))


# --- built once per data version ------------------------------------------------------------


def test_the_same_monthly_pdf_is_built_once_until_the_data_changes(app, world):
    leader = signed_in(app, "lanhdao")
    first = leader.get(OCTOBER_PDF)
    assert first.status_code == 200 and new_findings_in_october(app, first.data) == 2
    files = kept(app)
    assert len(files) == 1

    again = leader.get(OCTOBER_PDF)
    assert again.data == first.data
    assert kept(app) == files, "the kept file was built again"

    make_issued_finding(world["unit_a"], dt.date(2026, 10, 9), dt.date(2026, 11, 30))
    changed = leader.get(OCTOBER_PDF)
    assert new_findings_in_october(app, changed.data) == 3
    assert len(kept(app)) == 1 and kept(app).keys() != files.keys(), \
        "the file of the older data version must go"
    assert signed_in(app, "lanhdao2").get(OCTOBER_PDF).data == changed.data
    assert len(kept(app)) == 1


def test_each_language_and_month_is_kept_apart(app, world):
    leader = signed_in(app, "lanhdao")
    vietnamese = leader.get(OCTOBER_PDF).data
    leader.post("/language", data={"lang": "en", "next": "/"})
    english = leader.get(OCTOBER_PDF).data
    assert tr(app, "New findings", "en") in pdf_text(english)
    assert tr(app, "New findings") in pdf_text(vietnamese)
    leader.get("/reports/monthly/2026-09.pdf")
    assert len(kept(app)) == 3


def test_a_renamed_team_lead_is_printed_on_the_kept_conclusion(app, world):
    lead = make_user("truongdoan", role="inspector", full_name="Nguyễn Văn Thanh")
    inspection = make_inspection_in_progress(world["unit_a"], lead=lead,
                                             start=dt.date(2026, 10, 20))
    record_draft(inspection, deadline_days=15)
    issue_findings(inspection, conclusion_no="7/KL-UBND")
    url = f"/inspections/{inspection.id}/conclusion.pdf"
    inspector = signed_in(app, "thanhtra")
    assert "Nguyễn Văn Thanh" in pdf_text(inspector.get(url).data)
    # Users are not a tracked table: the name is part of the kept file's key.
    User.update(full_name="Nguyễn Văn Thành").where(User.id == lead.id).execute()
    assert "Nguyễn Văn Thành" in pdf_text(inspector.get(url).data)


# --- scopes ---------------------------------------------------------------------------------


def export_rows(response, path):
    """The rows of an exported CSV or XLSX file."""
    if path.endswith(".csv"):
        return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    return list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))


@pytest.mark.parametrize("path, unit_a_mark, unit_b_mark", [
    ("/findings/export.csv", "KD-A1", "KD-B1"),
    ("/findings/export.xlsx", "KD-A1", "KD-B1"),
    ("/discipline/export.xlsx", "Trần Văn Khánh", "Phạm Thị Lan"),
])
@pytest.mark.parametrize("first", ["thanhtra", "chutich"])
def test_a_unit_head_and_staff_never_share_a_kept_export(app, world, path, unit_a_mark,
                                                         unit_b_mark, first):
    clients = {name: signed_in(app, name) for name in ("thanhtra", "chutich")}
    second = "chutich" if first == "thanhtra" else "thanhtra"
    answers = {}
    for username in (first, second, first, second):
        response = clients[username].get(path, buffered=True)
        assert response.status_code == 200
        answers.setdefault(username, []).append(export_rows(response, path))
    assert len(kept(app)) == 2
    staff_cells = {cell for row in answers["thanhtra"][0] for cell in row}
    head_cells = {cell for row in answers["chutich"][0] for cell in row}
    assert {unit_a_mark, unit_b_mark} <= staff_cells
    assert unit_a_mark in head_cells and unit_b_mark not in head_cells
    assert answers["thanhtra"][1] == answers["thanhtra"][0]
    assert answers["chutich"][1] == answers["chutich"][0]


def test_the_kept_csv_is_the_export_as_it_was_streamed(app, world):
    response = signed_in(app, "thanhtra").get("/findings/export.csv?q=ho+so", buffered=True)
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"ton-tai-han-che-{TODAY.isoformat()}.csv" in disposition
    with app.test_request_context():
        rows = queries.findings_query(world["inspector"], {"q": "ho so"}, TODAY).iterator()
        assert response.data == b"".join(exports.csv_chunks(rows))
    assert b"KD-A1" in response.data and b"KD-B1" in response.data


# --- one build per user at a time ---------------------------------------------------------


@pytest.fixture
def held_build(monkeypatch):
    """The first monthly PDF build waits for release() once it has started."""
    started, release = threading.Event(), threading.Event()
    real = documents.monthly_summary_pdf

    def build(*args, **kwargs):
        if not started.is_set():
            started.set()
            release.wait(timeout=30)
        return real(*args, **kwargs)

    monkeypatch.setattr(documents, "monthly_summary_pdf", build)
    yield started, release
    release.set()


def test_a_second_build_of_the_same_user_is_refused_while_the_first_runs(app, world,
                                                                        held_build):
    started, release = held_build
    first_client, second_client = signed_in(app, "lanhdao"), signed_in(app, "lanhdao")
    other_leader = signed_in(app, "lanhdao2")
    answers = {}
    running = threading.Thread(target=lambda: answers.setdefault(
        "first", first_client.get(OCTOBER_PDF)))
    running.start()
    try:
        assert started.wait(timeout=30)
        refused = second_client.get("/reports/monthly/2026-09.pdf")
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == str(kept_documents.RETRY_AFTER_SECONDS)
        assert tr(app, "Another document is being prepared for you. Please try again in a "
                  "few seconds, once it is ready.") in text(refused)
        assert kept(app) == {}
        assert [row.user_id for row in DocumentBuild.select()] == [world["leader"].id]

        assert other_leader.get("/reports/monthly/2026-09.pdf").status_code == 200
    finally:
        release.set()
        running.join(timeout=60)
    assert answers["first"].status_code == 200
    assert DocumentBuild.select().count() == 0
    assert len(kept(app)) == 2
    assert second_client.get("/reports/monthly/2026-09.pdf").status_code == 200


def test_a_build_left_by_a_dead_worker_blocks_only_until_it_expires(app, world):
    leader = signed_in(app, "lanhdao")
    now = dt.datetime(2026, 11, 5, 3, 0)
    DocumentBuild.create(user=world["leader"], token="dead", kind="monthly summary",
                         started_at=now - dt.timedelta(minutes=5),
                         expires_at=now - dt.timedelta(minutes=3))
    assert leader.get(OCTOBER_PDF).status_code == 200
    DocumentBuild.create(user=world["leader"], token="running", kind="unit report",
                         started_at=now, expires_at=now + dt.timedelta(minutes=2))
    assert leader.get("/reports/monthly/2026-09.pdf").status_code == 429
    # A kept file needs no build: it is served whatever runs meanwhile.
    assert leader.get(OCTOBER_PDF).status_code == 200


def test_a_failed_build_keeps_nothing_and_frees_the_user(app, world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    leader = signed_in(app, "lanhdao")
    monkeypatch.setattr(documents, "monthly_summary_pdf", broken)
    assert leader.get(OCTOBER_PDF).status_code == 500
    assert os.listdir(Path(app.instance_path) / kept_documents.FOLDER) == []
    assert DocumentBuild.select().count() == 0
    monkeypatch.undo()
    assert leader.get(OCTOBER_PDF).status_code == 200


# --- bounds ---------------------------------------------------------------------------------


def test_kept_files_stay_within_the_number_allowed(app, world):
    leader = signed_in(app, "lanhdao")
    built = []
    for month in ("2026-06", "2026-07", "2026-08", "2026-09", "2026-10"):
        before = set(kept(app))
        leader.get(f"/reports/monthly/{month}.pdf")
        [new] = set(kept(app)) - before
        built.append(new)
    # At most three (app_config), the least recently served gone first.
    assert set(kept(app)) == set(built[-3:])
    # Serving August again makes it recent: June's new build pushes September out.
    leader.get("/reports/monthly/2026-08.pdf")
    leader.get("/reports/monthly/2026-06.pdf")
    assert set(kept(app)) == {built[0], built[2], built[4]}


def test_kept_files_stay_within_the_size_allowed(app, world):
    leader = signed_in(app, "lanhdao")
    size = len(leader.get("/reports/monthly/2026-06.pdf").data)
    app.config["DOCUMENT_CACHE_MB"] = 2.5 * size / (1024 * 1024)
    for month in ("2026-07", "2026-08", "2026-09"):
        leader.get(f"/reports/monthly/{month}.pdf")
    assert len(kept(app)) == 2
