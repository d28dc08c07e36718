"""`flask report ...`: the documents written to files, and clear errors."""
import datetime as dt

import pytest
import time_machine

from inspect_app.models import Inspection
from tests.factories import make_issued_finding, make_unit
from tests.helpers import pdf_text, tr

NOW = dt.datetime(2026, 11, 15, 3, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def finding(app):
    """An open finding of Xã Hòa An issued in October."""
    return make_issued_finding(make_unit("X-HOAAN", "Xã Hòa An"), dt.date(2026, 10, 2),
                               dt.date(2026, 10, 20), title="Chưa số hóa hồ sơ",
                               code="KL-12/KL-UBND-1")


def test_report_monthly_writes_the_summary(app, runner, finding, tmp_path):
    out = tmp_path / "thang.pdf"
    result = runner.invoke(args=["report", "monthly", "--month", "2026-10", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.output
    text = pdf_text(out.read_bytes())
    assert tr(app, "MONTHLY SUMMARY %(month)s", month="10/2026") in text
    assert "Chưa số hóa hồ sơ" in text


def test_report_monthly_in_english(app, runner, finding, tmp_path):
    out = tmp_path / "month.pdf"
    result = runner.invoke(args=["report", "monthly", "--month", "2026-10", "--out", str(out),
                                 "--locale", "en"])
    assert result.exit_code == 0, result.output
    assert tr(app, "MONTHLY SUMMARY %(month)s", "en", month="10/2026") in pdf_text(
        out.read_bytes())


def test_report_inspection_writes_the_conclusion(app, runner, finding, tmp_path):
    out = tmp_path / "ket-luan.pdf"
    result = runner.invoke(args=["report", "inspection", str(finding.inspection_id),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())
    assert tr(app, "INSPECTION CONCLUSION") in text and finding.code in text


def test_report_unit_writes_the_units_report(app, runner, finding, tmp_path):
    out = tmp_path / "don-vi.pdf"
    result = runner.invoke(args=["report", "unit", "x-hoaan", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())
    assert "Xã Hòa An" in text and "Chưa số hóa hồ sơ" in text


@pytest.mark.parametrize("month, message", [
    ("2026/10", "is not a month: write it as YYYY-MM"),
    ("2026-13", "is not a month: write it as YYYY-MM"),
    ("2026-12", "2026-12 has not begun yet"),
])
def test_report_monthly_refuses_a_bad_month(runner, finding, tmp_path, month, message):
    out = tmp_path / "x.pdf"
    result = runner.invoke(args=["report", "monthly", "--month", month, "--out", str(out)])
    assert result.exit_code == 2
    assert message in result.output and "--month" in result.output
    assert not out.exists()


def test_report_inspection_refuses_an_unknown_or_unconcluded_one(runner, finding, tmp_path):
    out = tmp_path / "x.pdf"
    result = runner.invoke(args=["report", "inspection", "9999", "--out", str(out)])
    assert result.exit_code == 1 and "No inspection with id 9999." in result.output
    planned = Inspection.create(unit=finding.responsible_unit, title="Chưa làm",
                                start_date=dt.date(2026, 12, 1), end_date=dt.date(2026, 12, 2))
    result = runner.invoke(args=["report", "inspection", str(planned.id), "--out", str(out)])
    assert result.exit_code == 1 and "has no conclusion yet (status: planned)" in result.output
    result = runner.invoke(args=["report", "inspection", "abc", "--out", str(out)])
    assert result.exit_code == 2
    assert not out.exists()


def test_report_unit_refuses_an_unknown_code(runner, finding, tmp_path):
    out = tmp_path / "x.pdf"
    result = runner.invoke(args=["report", "unit", "KHONG-CO", "--out", str(out)])
    assert result.exit_code == 1 and "No unit with code 'KHONG-CO'." in result.output
    assert not out.exists()
