"""Uploads: what is accepted and how it is stored, what is refused, and the download."""
import hashlib
import re
import unicodedata
from pathlib import Path
from urllib.parse import quote

import pytest

from inspect_app.errors import WorkflowError
from inspect_app.files import services as attachments
from inspect_app.models import Attachment
from tests.factories import make_finding, make_unit, make_user
from tests.helpers import english, location, stored_files, upload
from tests.uploads import PDF, REFUSALS, SAMPLES


@pytest.fixture
def app_config():
    """A 1 MB upload limit, so the over-limit case stays small."""
    return {"MAX_UPLOAD_MB": 1}


@pytest.fixture
def finding():
    """An open finding of a commune."""
    return make_finding(unit=make_unit(name="Xã Hòa An"))


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_allowed_file_is_stored_under_a_random_name_outside_static(app, finding, name):
    data = SAMPLES[name]
    uploader = make_user()
    attachment = attachments.store(upload(name, data), uploader, finding=finding)

    row = Attachment.get_by_id(attachment.id)
    path = attachments.file_path(row)
    assert re.fullmatch(r"[0-9a-f]{32}", row.stored_name)
    assert path.parent == Path(app.config["UPLOAD_DIR"])
    assert Path(app.static_folder) not in path.resolve().parents
    assert path.read_bytes() == data
    assert row.size == len(data)
    assert row.sha256 == hashlib.sha256(data).hexdigest()
    assert row.original_name == name
    assert row.content_type == attachments.ALLOWED[name.rsplit(".", 1)[1].lower()]
    assert row.finding_id == finding.id and row.uploader_id == uploader.id


def test_original_name_is_kept_in_nfc(app, finding):
    decomposed = unicodedata.normalize("NFD", "Báo cáo khắc phục.pdf")
    attachment = attachments.store(upload(decomposed, PDF), make_user(), finding=finding)
    assert attachment.original_name == unicodedata.normalize("NFC", decomposed)


def test_validating_twice_reads_the_whole_file_again(app):
    file_storage = upload("a.pdf", PDF)
    attachments.validate_upload(file_storage)
    assert attachments.validate_upload(file_storage).data == PDF


@pytest.mark.parametrize("case, name, data, message", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refused_upload_stores_nothing(app, finding, case, name, data, message):
    with pytest.raises(WorkflowError) as refused:
        attachments.store(upload(name, data), make_user(), finding=finding)
    assert english(app, refused.value) == message
    assert refused.value.field == "file"
    assert Attachment.select().count() == 0
    assert stored_files(app) == []


def test_missing_upload_is_refused(app):
    with pytest.raises(WorkflowError) as refused:
        attachments.validate_upload(None)
    assert english(app, refused.value) == "Choose a file to upload."


def test_failed_database_write_leaves_no_file(app, finding, monkeypatch):
    def fail(**fields):
        raise RuntimeError("database unavailable")
    monkeypatch.setattr(Attachment, "create", fail)
    with pytest.raises(RuntimeError):
        attachments.store(upload("a.pdf", PDF), make_user(), finding=finding)
    assert stored_files(app) == []


@pytest.fixture
def evidence(app):
    """A PDF with a Vietnamese name on an open finding of Xã Hòa Định Đông."""
    unit = make_unit(name="Xã Hòa Định Đông")
    finding = make_finding(unit=unit)
    return attachments.store(upload("Biên bản kiểm tra.pdf", PDF), make_user(),
                             finding=finding)


def test_staff_download_carries_the_vietnamese_name(client, auth, evidence):
    make_user("thanhtra")
    auth.login("thanhtra")
    response = client.get(f"/attachments/{evidence.id}")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" + quote("Biên bản kiểm tra.pdf") in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_unit_head_downloads_own_units_file(client, auth, evidence):
    make_user("truongxa", role="unit_head", unit=evidence.finding.responsible_unit)
    auth.login("truongxa")
    response = client.get(f"/attachments/{evidence.id}")
    assert response.status_code == 200
    assert response.data == PDF


def test_unit_head_of_another_unit_gets_404(client, auth, evidence):
    make_user("xakhac", role="unit_head")
    auth.login("xakhac")
    assert client.get(f"/attachments/{evidence.id}").status_code == 404


def test_unit_head_gets_404_on_a_draft_findings_file(client, auth, app):
    unit = make_unit()
    draft = make_finding(unit=unit, status="draft")
    attachment = attachments.store(upload("nháp.pdf", PDF), make_user(), finding=draft)
    make_user("truong", role="unit_head", unit=unit)
    auth.login("truong")
    assert client.get(f"/attachments/{attachment.id}").status_code == 404


def test_unknown_attachment_is_404(client, auth):
    make_user("thanhtra")
    auth.login("thanhtra")
    assert client.get("/attachments/999").status_code == 404


def test_anonymous_download_goes_to_login(client, evidence):
    response = client.get(f"/attachments/{evidence.id}")
    assert response.status_code == 302
    assert location(response).startswith("/login")
