"""Where an upload's bytes go: into place only once committed, and names that cannot lie."""
import io
from urllib.parse import quote

import pytest

from inspect_app.db import transaction
from inspect_app.files import services as attachments
from inspect_app.models import Attachment
from tests.factories import (
    PDF_BYTES,
    make_finding,
    make_inspection_in_progress,
    make_unit,
    make_user,
)
from tests.helpers import sign_in, stored_files, upload
from tests.uploads import SAMPLES

PNG = SAMPLES["ảnh chụp.png"]


@pytest.fixture
def finding():
    """An open finding of a commune."""
    return make_finding(unit=make_unit(name="Xã Hòa An"))


# --- the file takes its place only once its row is committed --------------------------------


def test_a_transaction_failing_after_store_leaves_no_file(app, finding):
    with pytest.raises(RuntimeError):
        with transaction():
            attachments.store(upload("biên bản.pdf", PDF_BYTES), make_user(), finding=finding)
            raise RuntimeError("the disk is full")
    assert Attachment.select().count() == 0
    assert stored_files(app) == []


def test_the_file_takes_its_stored_name_when_the_transaction_commits(app, finding):
    with transaction():
        attachment = attachments.store(upload("biên bản.pdf", PDF_BYTES), make_user(),
                                       finding=finding)
        assert not attachments.file_path(attachment).exists()
        assert attachments.pending_path(attachment.stored_name).read_bytes() == PDF_BYTES
    assert stored_files(app) == [attachments.file_path(attachment)]
    assert attachments.file_path(attachment).read_bytes() == PDF_BYTES


def test_a_rolled_back_savepoint_removes_only_its_own_file(app, finding):
    uploader = make_user()
    with transaction():
        kept = attachments.store(upload("giữ.pdf", PDF_BYTES), uploader, finding=finding)
        with pytest.raises(RuntimeError):
            with transaction():
                attachments.store(upload("bỏ.pdf", PDF_BYTES), uploader, finding=finding)
                raise RuntimeError("this part fails")
    assert [a.original_name for a in Attachment.select()] == ["giữ.pdf"]
    assert stored_files(app) == [attachments.file_path(kept)]


# --- a move left pending (the process stopped between the commit and the move) --------------


@pytest.fixture
def pending_evidence(app, finding):
    """A committed attachment whose file still has its temporary name, as a crash leaves it."""
    attachment = attachments.store(upload("Biên bản.pdf", PDF_BYTES), make_user(),
                                   finding=finding)
    attachments.file_path(attachment).rename(attachments.pending_path(attachment.stored_name))
    return attachment


def test_a_file_whose_move_is_pending_is_still_served(client, auth, pending_evidence):
    make_user("thanhtra")
    auth.login("thanhtra")
    response = client.get(f"/attachments/{pending_evidence.id}")
    assert response.status_code == 200
    assert response.data == PDF_BYTES
    assert response.content_length == len(PDF_BYTES)


def test_a_missing_file_answers_404(client, auth, pending_evidence):
    attachments.pending_path(pending_evidence.stored_name).unlink()
    make_user("thanhtra")
    auth.login("thanhtra")
    assert client.get(f"/attachments/{pending_evidence.id}").status_code == 404


# --- names that display as something else -------------------------------------------------------


def test_bidi_override_is_stripped_from_a_name_sent_through_the_form(app, client):
    inspector = make_user("thanhtra", role="inspector")
    inspection = make_inspection_in_progress(lead=inspector)
    sign_in(client, "thanhtra")
    # Shown as "evilgnp.pdf" when the override is kept.
    client.post(f"/inspections/{inspection.id}/attachments",
                data={"file": (io.BytesIO(PNG), "evil\u202efdp.png")},
                content_type="multipart/form-data")
    attachment = Attachment.get()
    assert attachment.original_name == "evilfdp.png"
    download = client.get(f"/attachments/{attachment.id}")
    assert download.data == PNG
    assert 'filename=evilfdp.png' in download.headers["Content-Disposition"]


INVISIBLE = {
    "bidi embedding, isolate and marks": "\u202aBáo\u2066 cáo\u2069\u200e\u200f\u061c.pdf",
    "zero-width characters": "\ufeffBáo\u200b \u200ccáo\u200d\u2060.pdf",
    "C0 and C1 controls": "Báo\x07 cáo\x1b\x85\x9b.pdf",
}


@pytest.mark.parametrize("case", sorted(INVISIBLE))
def test_invisible_characters_are_stripped_from_a_reports_file_name(app, client, case):
    unit = make_unit()
    finding = make_finding(unit=unit)
    make_user("truongxa", role="unit_head", unit=unit)
    sign_in(client, "truongxa")
    client.post(f"/findings/{finding.id}/responses", data={
        "report-body": "Đã khắc phục",
        "report-files": [(io.BytesIO(PDF_BYTES), INVISIBLE[case])]},
        content_type="multipart/form-data")
    attachment = Attachment.get()
    assert attachment.original_name == "Báo cáo.pdf"
    disposition = client.get(f"/attachments/{attachment.id}").headers["Content-Disposition"]
    assert "filename*=UTF-8''" + quote("Báo cáo.pdf") in disposition
