"""Refused uploads through the web forms: the message is shown, nothing is stored.

tests/test_attachments.py checks each refusal in the files service; here the same
files go through the two upload forms as a browser sends them.
"""
import io

import pytest

from inspect_app.models import Attachment, Finding, Response
from tests.factories import (
    make_finding,
    make_inspection_in_progress,
    make_unit,
    make_user,
)
from tests.helpers import field_errors, flashes, sign_in, stored_files, text, tr
from tests.uploads import PDF, REFUSALS

# Werkzeug's test client drops the backslashes of a Windows path while encoding the form,
# so that case is checked in tests/test_attachments.py only.
CASES = [r for r in REFUSALS if r[0] not in ("no file chosen", "windows folder")]


@pytest.fixture
def app_config():
    """A 1 MB upload limit, so the over-limit case stays small."""
    return {"MAX_UPLOAD_MB": 1}


@pytest.mark.parametrize("case, name, data, message", CASES, ids=[c[0] for c in CASES])
def test_refused_evidence_file_keeps_the_report_unsent(app, client, case, name, data,
                                                      message):
    unit = make_unit()
    finding = make_finding(unit=unit)
    make_user("truongxa", role="unit_head", unit=unit)
    sign_in(client, "truongxa")
    response = client.post(f"/findings/{finding.id}/responses", data={
        "report-body": "Đã khắc phục", "report-files": [(io.BytesIO(data), name)]},
        content_type="multipart/form-data")
    assert response.status_code == 200
    assert field_errors(text(response), "report-files")
    assert Response.select().count() == 0 and Attachment.select().count() == 0
    assert Finding.get_by_id(finding.id).status == "open"
    assert stored_files(app) == []


@pytest.mark.parametrize("case, name, data, message", CASES, ids=[c[0] for c in CASES])
def test_refused_inspection_file_is_not_attached(app, client, case, name, data, message):
    inspector = make_user("thanhtra", role="inspector")
    inspection = make_inspection_in_progress(lead=inspector)
    sign_in(client, "thanhtra")
    response = client.post(f"/inspections/{inspection.id}/attachments",
                           data={"file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200
    assert flashes(text(response))
    assert tr(app, "The file has been attached.") not in flashes(text(response))
    assert Attachment.select().count() == 0
    assert stored_files(app) == []


def test_one_bad_file_among_good_ones_stores_none(app, client):
    unit = make_unit()
    finding = make_finding(unit=unit)
    make_user("truongxa", role="unit_head", unit=unit)
    sign_in(client, "truongxa")
    response = client.post(f"/findings/{finding.id}/responses", data={
        "report-body": "Đã khắc phục",
        "report-files": [(io.BytesIO(PDF), "tốt.pdf"), (io.BytesIO(b""), "trống.pdf")]},
        content_type="multipart/form-data")
    assert tr(app, "The file is empty.") in field_errors(text(response), "report-files")
    assert Attachment.select().count() == 0 and stored_files(app) == []
