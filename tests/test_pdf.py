"""The PDF documents read back with pypdf: Vietnamese text, fonts, pages, metadata, numbers."""
import base64
import datetime as dt
import json
import unicodedata

import pytest
import time_machine
from flask_babel import force_locale
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth

from inspect_app.deadlines import overdue_text
from inspect_app.inspections import services
from inspect_app.models import Finding, Inspection, OutboxMessage
from inspect_app.pdf import charts, documents, fonts, layout
from inspect_app.pdf.paragraphs import date_line
from inspect_app.reports.monthly import monthly_summary
from inspect_app.reports.unit_report import unit_report
from inspect_app.text import in_sentence
from tests.factories import (
    make_inspection,
    make_issued_finding,
    make_unit,
    make_user,
    record_draft,
    set_authority,
)
from tests.helpers import page_texts, pdf_reader, pdf_text, sign_in, text_runs, tr

# 10:00 in Hanoi on 5 December 2026, the day the conclusion is issued.
NOW = dt.datetime(2026, 12, 5, 3, 0, tzinfo=dt.timezone.utc)
CONCLUSION_DAY = dt.date(2026, 12, 5)
STANDARD_14 = {"Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique",
               "Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique",
               "Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic", "Symbol",
               "ZapfDingbats"}


# --- reading PDFs back ------------------------------------------------------------------


def page_fonts(data):
    """[(page number, /BaseFont without subset tag, /Subtype, embedded TrueType?)]."""
    fonts = []
    for number, page in enumerate(pdf_reader(data).pages, start=1):
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and "/FontFile2" in descriptor.get_object()
            fonts.append((number, str(font["/BaseFont"]).lstrip("/").split("+")[-1],
                          str(font["/Subtype"]), embedded))
    return fonts


def assert_only_embedded_truetype(data):
    """No page uses a standard 14 font; every font is an embedded TrueType subset."""
    fonts = page_fonts(data)
    assert fonts
    for number, name, subtype, embedded in fonts:
        assert name not in STANDARD_14, f"page {number} uses {name}"
        assert (subtype, embedded) == ("/TrueType", True), (number, name)
        assert name.startswith(("DejaVu", "Liberation"))


def assert_numbered_pages(app, data, locale="vi"):
    """Every page carries its "Page x/y" footer in locale."""
    texts = page_texts(data)
    for number, text in enumerate(texts, start=1):
        assert tr(app, "Page %(page)d/%(pages)d", locale, page=number,
                  pages=len(texts)) in text


def assert_numbered_as_decree_30_sets(app, data):
    """Page 1 bears no number; every later page its number alone, centred in the top
    margin; no page a "Page x/y" footer."""
    pages = text_runs(data)
    top_margin = A4[1] - layout.MARGINS["topMargin"]
    centre = layout.MARGINS["leftMargin"] + layout.FRAME_PADDING + layout.FRAME_WIDTH / 2
    assert all(y < top_margin for _text, _x, y in pages[0])
    for number, runs in enumerate(pages[1:], start=2):
        [(text, x, _y)] = [run for run in runs if run[2] > top_margin]
        assert text == str(number)
        width = stringWidth(text, fonts.SERIF, layout.PAGE_NUMBER_SIZE)
        assert abs(x + width / 2 - centre) < 1
    footer = tr(app, "Page %(page)d/%(pages)d", page=1, pages=len(pages)).split()[0]
    assert footer not in pdf_text(data)


# --- the conclusion ---------------------------------------------------------------------


@pytest.fixture
def concluded(app):
    """An inspection of Xã Hòa An concluded on 5/12/2026 with three findings, two units."""
    set_authority()
    with time_machine.travel(NOW, tick=False):
        unit = make_unit("X-HOAAN", "Xã Hòa An", email="hoaan@example.vn")
        office = make_unit("P-NOIVU", "Phòng Nội vụ", kind_code="phong_ban")
        head = make_user("hoaan", role="unit_head", unit=unit, email="an@example.vn",
                         full_name="Lê Văn An", locale="en")
        lead = make_user("thanhtra", role="inspector", full_name="Nguyễn Văn Thanh")
        member = make_user("kiemtra2", role="inspector", full_name="Đỗ Thị Mai")
        inspection = make_inspection(unit, start=dt.date(2026, 11, 20), lead=lead,
                                     members=[member], title="Kiểm tra công tác cải cách "
                                     "hành chính", topics="Giải quyết thủ tục hành chính; "
                                     "bộ phận một cửa")
        inspection = services.start_inspection(None, inspection)
        drafts = [
            record_draft(inspection, title="Hồ sơ thủ tục hành chính giải quyết trễ hạn",
                         recommendation="Rà soát, xin lỗi người dân", deadline_days=15),
            record_draft(inspection, title="Chưa niêm yết đầy đủ thủ tục",
                         recommendation="Niêm yết công khai đầy đủ",
                         deadline=dt.date(2027, 2, 1)),
            record_draft(inspection, title="Hồ sơ công chức lưu trữ chưa khoa học",
                         recommendation="Sắp xếp lại hồ sơ", responsible_unit=office,
                         deadline_days=30),
        ]
        services.issue_conclusion(lead, inspection, "12/KL-UBND", CONCLUSION_DAY,
                                  "Đơn vị cơ bản thực hiện tốt; còn một số tồn tại.")
    return {"inspection": Inspection.get_by_id(inspection.id), "head": head, "lead": lead,
            "unit": unit, "office": office,
            "findings": [Finding.get_by_id(d.id) for d in drafts]}


def assert_in_order(text, expected_in_order):
    """Each expected piece of text stands in text, after the one before."""
    position = 0
    for expected in expected_in_order:
        found = text.find(expected, position)
        assert found >= 0, f"{expected!r} missing after position {position}"
        position = found + len(expected)


def test_conclusion_reads_as_decree_30_asks(app, concluded):
    text = pdf_text(documents.conclusion_pdf(concluded["inspection"]))
    # Issued by the team: its authority above its own name; the team concludes and signs.
    assert_in_order(text, [
        "UBND HUYỆN PHÚ HÒA", tr(app, "INSPECTION TEAM"),
        tr(app, "No.: %(number)s", number="12/KL-UBND"),
        tr(app, "SOCIALIST REPUBLIC OF VIETNAM"),
        tr(app, "Independence - Freedom - Happiness"),
        tr(app, "%(place)s, day %(day)s month %(month)s year %(year)s", place="Phú Hòa",
           day="05", month="12", year=2026),
        tr(app, "INSPECTION CONCLUSION"),
        tr(app, "%(title)s at %(unit)s", title="Kiểm tra công tác cải cách hành chính",
           unit="xã Hòa An"),
        tr(app, "On the basis of the results, the inspection team concludes as follows:"),
        tr(app, "I. THE INSPECTION TEAM"), "Nguyễn Văn Thanh", "Đỗ Thị Mai",
        tr(app, "II. SCOPE OF THE INSPECTION"), "bộ phận một cửa",
        tr(app, "III. RESULTS OF THE INSPECTION"), "còn một số tồn tại",
        tr(app, "IV. FINDINGS AND RECOMMENDATIONS"),
        tr(app, "Recipients:"), "Xã Hòa An;", "Phòng Nội vụ;",
        tr(app, "HEAD OF THE INSPECTION TEAM"), "Nguyễn Văn Thanh",
    ])
    assert "UBND TỈNH PHÚ YÊN" not in text and "TM. " not in text


def test_a_conclusion_of_the_peoples_committee_is_signed_for_it(app, concluded):
    set_authority(signer="authority", signer_name="Trần Thị Lãnh",
                  signature_title="TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH")
    text = pdf_text(documents.conclusion_pdf(concluded["inspection"]))
    # The body says the People's Committee concludes: the committee signs, as it numbers.
    assert_in_order(text, [
        "UBND TỈNH PHÚ YÊN", "UBND HUYỆN PHÚ HÒA",
        tr(app, "No.: %(number)s", number="12/KL-UBND"),
        tr(app, "On the basis of the results, %(authority)s concludes as follows:",
           authority="UBND huyện Phú Hòa"),
        tr(app, "Recipients:"), "Xã Hòa An;",
        "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Thị Lãnh",
    ])
    assert tr(app, "HEAD OF THE INSPECTION TEAM") not in text
    assert tr(app, "On the basis of the results, the inspection team concludes as "
                   "follows:") not in text


def test_a_title_naming_the_unit_names_it_once_in_lower_case(app, concluded):
    inspection = concluded["inspection"]
    Inspection.update(title="Kiểm tra công vụ tại Xã Hòa An").where(
        Inspection.id == inspection.id).execute()
    text = pdf_text(documents.conclusion_pdf(Inspection.get_by_id(inspection.id)))
    assert "Kiểm tra công vụ tại xã Hòa An" in text
    assert tr(app, "%(title)s at %(unit)s", title="Kiểm tra công vụ tại xã Hòa An",
              unit="xã Hòa An") not in text
    assert "tại Xã Hòa An" not in text


@pytest.mark.parametrize("name, inside", [
    ("Xã Hòa An", "xã Hòa An"), ("Phường Tuy Hòa", "phường Tuy Hòa"),
    ("Thị trấn Phú Hòa", "thị trấn Phú Hòa"), ("Xã Phú Hòa 1", "xã Phú Hòa 1"),
    ("Phòng Nội vụ", "Phòng Nội vụ"), ("Sở Tư pháp", "Sở Tư pháp"),
    ("Xuân Phước", "Xuân Phước"), ("xã Hòa Xuân", "xã Hòa Xuân"),
])
def test_inside_a_sentence_only_the_kind_word_is_lowered(name, inside):
    assert in_sentence(name) == inside


def test_conclusion_table_lists_every_finding_with_its_deadline(app, concluded):
    text = pdf_text(documents.conclusion_pdf(concluded["inspection"]))
    for finding in concluded["findings"]:
        assert finding.code.startswith("12/KL-UBND-")
        row = [finding.code, finding.title, finding.recommendation,
               finding.responsible_unit.name, finding.deadline.strftime("%d/%m/%Y")]
        for cell in row:
            assert cell in text, cell
    # 15 days after the conclusion end on Sunday 20/12: article 148 carries them to Monday.
    assert "21/12/2026" in text


def test_conclusion_is_vietnamese_whoever_downloads_it(app, client, concluded):
    sign_in(client, "hoaan")
    response = client.get(f"/inspections/{concluded['inspection'].id}/conclusion.pdf")
    text = pdf_text(response.data)
    assert tr(app, "INSPECTION CONCLUSION", "vi") in text
    assert tr(app, "Recipients:", "vi") in text


def test_conclusion_fonts_metadata_and_page_numbers(app, concluded):
    data = documents.conclusion_pdf(concluded["inspection"])
    assert_only_embedded_truetype(data)
    # Liberation Serif: the body font the decree asks for (Times New Roman) by its metrics.
    assert {name for _page, name, _s, _e in page_fonts(data)} >= {"LiberationSerif",
                                                                   "LiberationSerif-Bold"}
    assert_numbered_as_decree_30_sets(app, data)
    metadata = pdf_reader(data).metadata
    assert metadata.title == tr(app, "Inspection conclusion no. %(number)s",
                                number="12/KL-UBND")
    assert metadata.author == "UBND huyện Phú Hòa"


def test_a_long_conclusion_numbers_every_page(app, concluded):
    inspection = concluded["inspection"]
    for n in range(40):
        make_issued_finding(concluded["unit"], CONCLUSION_DAY, dt.date(2027, 1, 5),
                            title=f"Tồn tại bổ sung số {n}",
                            recommendation="Khắc phục và báo cáo kết quả bằng văn bản.")
    Finding.update(inspection=inspection).where(Finding.title.startswith("Tồn tại bổ")).execute()
    data = documents.conclusion_pdf(inspection)
    assert len(pdf_reader(data).pages) >= 3
    assert_numbered_as_decree_30_sets(app, data)
    assert "Tồn tại bổ sung số 39" in pdf_text(data)


def test_text_is_printed_in_composed_form(app, concluded):
    finding = concluded["findings"][0]
    decomposed = unicodedata.normalize("NFD", "Tiếp nhận hồ sơ quá hạn")
    Finding.update(title=decomposed).where(Finding.id == finding.id).execute()
    text = pdf_text(documents.conclusion_pdf(concluded["inspection"]))
    assert "Tiếp nhận hồ sơ quá hạn" in text
    assert decomposed not in text


@pytest.mark.parametrize("day, parts", [
    (dt.date(2026, 12, 5), {"day": "05", "month": "12", "year": 2026}),
    (dt.date(2027, 2, 14), {"day": "14", "month": "02", "year": 2027}),
    (dt.date(2027, 3, 1), {"day": "01", "month": "3", "year": 2027}),
])
def test_date_line_pads_days_under_10_and_january_and_february(app, day, parts):
    with app.test_request_context():
        assert date_line("Phú Hòa", day) == tr(
            app, "%(place)s, day %(day)s month %(month)s year %(year)s", place="Phú Hòa",
            **parts)


def test_date_line_without_a_place(app):
    with app.test_request_context():
        assert date_line("  ", dt.date(2026, 12, 5)) == tr(
            app, "day %(day)s month %(month)s year %(year)s", day="05", month="12",
            year=2026)


# --- the conclusion on the web and in the e-mail ----------------------------------------


def test_staff_and_the_units_head_download_the_conclusion(app, client, concluded):
    url = f"/inspections/{concluded['inspection'].id}/conclusion.pdf"
    for username in ("thanhtra", "hoaan"):
        sign_in(client, username)
        response = client.get(url)
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert "attachment" in response.headers["Content-Disposition"]
        assert "ket-luan-12-kl-ubnd.pdf" in response.headers["Content-Disposition"]
        assert "Xã Hòa An" in pdf_text(response.data)


def test_the_inspection_page_links_the_conclusion(app, client, concluded):
    sign_in(client, "thanhtra")
    page = client.get(f"/inspections/{concluded['inspection'].id}").get_data(as_text=True)
    assert f'href="/inspections/{concluded["inspection"].id}/conclusion.pdf"' in page


def test_another_units_head_gets_404_for_the_conclusion(app, client, concluded):
    make_user("khac", role="unit_head")
    sign_in(client, "khac")
    assert client.get(f"/inspections/{concluded['inspection'].id}/conclusion.pdf"
                      ).status_code == 404


def test_no_conclusion_before_it_is_issued(app, client, concluded):
    planned = make_inspection(concluded["unit"], start=dt.date(2027, 3, 1))
    sign_in(client, "thanhtra")
    assert client.get(f"/inspections/{planned.id}/conclusion.pdf").status_code == 404
    page = client.get(f"/inspections/{planned.id}").get_data(as_text=True)
    assert "conclusion.pdf" not in page
    assert client.get("/inspections/9999/conclusion.pdf").status_code == 404


def test_conclusion_email_carries_the_conclusion_pdf(app, concluded):
    messages = list(OutboxMessage
                    .select()
                    .where(OutboxMessage.dedupe_key.startswith("conclusion:"))
                    .order_by(OutboxMessage.id))
    # The head (in English), the unit's shared address (Vietnamese), none for the office.
    assert {m.recipients for m in messages} == {"an@example.vn", "hoaan@example.vn"}
    for message in messages:
        [attachment] = json.loads(message.attachments)
        assert attachment["filename"] == "ket-luan-12-kl-ubnd.pdf"
        assert attachment["content_type"] == "application/pdf"
        data = base64.b64decode(attachment["content_b64"])
        text = pdf_text(data)
        assert tr(app, "INSPECTION CONCLUSION", "vi") in text
        for finding in concluded["findings"]:
            assert finding.code in text


def test_the_extract_for_another_unit_holds_only_its_own_findings(app, concluded):
    data = documents.conclusion_extract_pdf(concluded["inspection"], concluded["office"])
    text = pdf_text(data)
    assert tr(app, "EXTRACT OF THE INSPECTION CONCLUSION") in text
    assert tr(app, "No.: %(number)s", number="12/KL-UBND") in text
    assert tr(app, "The findings for which %(unit)s is responsible",
              unit="Phòng Nội vụ") in text
    office_finding, *inspected_units = reversed(concluded["findings"])
    assert office_finding.code in text and "Hồ sơ công chức lưu trữ chưa khoa học" in text
    for finding in inspected_units:
        assert finding.code not in text and finding.title not in text
    # Neither the team, nor the overall results, nor the other recipients.
    assert "Đỗ Thị Mai" not in text and "còn một số tồn tại" not in text
    assert "- Phòng Nội vụ;" in text and "- Xã Hòa An;" not in text
    assert pdf_reader(data).metadata.title == tr(
        app, "Extract of inspection conclusion no. %(number)s for %(unit)s",
        number="12/KL-UBND", unit="Phòng Nội vụ")
    assert_only_embedded_truetype(data)
    assert_numbered_as_decree_30_sets(app, data)


# --- reports: fonts and numbered pages --------------------------------------------------


@pytest.fixture
def busy_month(app):
    """Enough findings in October 2026 for the summary to run over several pages."""
    set_authority()
    units = [make_unit(name=f"Xã Hòa Thịnh {n}") for n in range(25)]
    for n in range(120):
        make_issued_finding(units[n % 25], dt.date(2026, 9, 1 + n % 28),
                            dt.date(2026, 10, 1 + n % 30),
                            title=f"Chưa số hóa hồ sơ, kết quả giải quyết TTHC {n}",
                            code=f"KL-{n}/KL-UBND-1")
    return units


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_monthly_summary_pdf_embeds_its_fonts_and_numbers_pages(app, busy_month, locale):
    with time_machine.travel(NOW, tick=False):
        data = documents.monthly_summary_pdf(2026, 10, locale)
    assert len(pdf_reader(data).pages) >= 3
    assert_only_embedded_truetype(data)
    assert_numbered_pages(app, data, locale)
    metadata = pdf_reader(data).metadata
    assert metadata.title == tr(app, "Monthly summary %(month)s", locale, month="10/2026")
    assert metadata.author == "UBND huyện Phú Hòa"


def test_an_empty_month_still_uses_only_embedded_fonts(app):
    with time_machine.travel(NOW, tick=False):
        data = documents.monthly_summary_pdf(2026, 6)
    assert_only_embedded_truetype(data)
    text = pdf_text(data)
    assert tr(app, "No findings to chart.") in text
    assert tr(app, "No overdue findings.") in text


def test_monthly_summary_pdf_numbers_are_the_report_functions(app, busy_month):
    with time_machine.travel(NOW, tick=False):
        summary = monthly_summary(2026, 10)
        text = pdf_text(documents.summary_pdf(summary))
    totals = summary.totals
    assert totals.open_at_end == 120 and totals.overdue_at_end > 0
    for label, value in [("New findings", totals.findings_new),
                         ("Open at the end of the month", totals.open_at_end),
                         ("Overdue at the end of the month", totals.overdue_at_end),
                         ("Inspections planned in the month", totals.inspections_planned),
                         ("Conclusions issued in the month", totals.inspections_done)]:
        assert f"{tr(app, label)} {value}" in text, label
    for row in summary.units:
        assert (f"{row['rank']} {row['unit_name']} {row['open']} {row['overdue']} "
                f"{row['on_time']} {row['late']}") in text
    for row in summary.overdue:
        assert f"{row['deadline']:%d/%m/%Y} {row['days_overdue']}" in text
    assert tr(app, "Figures as at the end of %(date)s", date="31/10/2026") in text


def test_monthly_summary_pdf_lists_the_longest_overdue_with_their_number(app, monkeypatch):
    monkeypatch.setattr("inspect_app.reports.monthly.OVERDUE_LISTED", 2)
    unit = make_unit(name="Xã Hòa Quang")
    for code, deadline in (("KL-1/KL-UBND-1", 5), ("KL-2/KL-UBND-1", 25),
                           ("KL-3/KL-UBND-1", 15)):
        make_issued_finding(unit, dt.date(2026, 9, 1), dt.date(2026, 10, deadline),
                            code=code, title=f"Tồn tại {code}")
    with time_machine.travel(NOW, tick=False):
        text = pdf_text(documents.monthly_summary_pdf(2026, 10))
    assert "KL-1/KL-UBND-1" in text and "KL-3/KL-UBND-1" in text
    assert "KL-2/KL-UBND-1" not in text
    assert tr(app, "The %(listed)s longest overdue findings of %(total)s in all.",
              listed="2", total="3") in text
    assert f"{tr(app, 'Overdue at the end of the month')} 3" in text


def test_unit_report_pdf_lists_the_units_findings(app, busy_month):
    unit = busy_month[0]
    with time_machine.travel(NOW, tick=False):
        report = unit_report(unit, dt.date(2026, 12, 5))
        data = documents.report_pdf(report)
    assert_only_embedded_truetype(data)
    assert_numbered_pages(app, data)
    text = pdf_text(data)
    assert unit.name in text
    assert f"{tr(app, 'Overdue')} {report.counts['overdue']}" in text
    for row in report.open_findings:
        assert row["code"] in text
        with app.test_request_context(), force_locale("vi"):
            overdue = overdue_text(row["days_overdue"], row["working_days_overdue"])
        assert row["days_overdue"] and overdue in text
    assert pdf_reader(data).metadata.title == tr(app, "Remediation report of %(unit)s",
                                             unit=unit.name)


# --- charts -----------------------------------------------------------------------------


ROWS = [{"unit_name": "Xã Hòa Định Đông", "open": 7, "overdue": 3, "resolved": 2},
        {"unit_name": "Phòng <Tài chính> & Kế hoạch", "open": 2, "overdue": 0,
         "resolved": 5}]


def test_chart_svg_has_no_style_attributes_for_the_csp(app):
    with app.test_request_context():
        svg = charts.svg(charts.month_chart(ROWS, 500), "test-chart", "Biểu đồ")
    assert "style=" not in svg and "<style" not in svg
    assert svg.startswith("<svg") and 'id="test-chart"' in svg
    assert 'clip-path="url(#test-chart-clip)"' in svg and 'id="test-chart-clip"' in svg
    assert "Xã Hòa Định Đông" in svg
    assert "Phòng &lt;Tài chính&gt; &amp; Kế hoạch" in svg  # names are text, never markup
    assert 'fill="rgb(' in svg and 'font-family="DejaVu Sans, Arial, sans-serif"' in svg


def test_chart_bars_follow_the_data(app):
    with app.test_request_context():
        drawing = charts.month_chart(ROWS, 500)
    chart = next(item for item in drawing.contents if hasattr(item, "data"))
    # Drawn bottom-up: the last series and row first.
    assert chart.data == [[5, 2], [0, 3], [2, 7]]


def test_chart_of_nothing_says_so(app):
    with app.test_request_context():
        svg = charts.svg(charts.current_chart([], 500), "empty", "")
    assert tr(app, "No open findings.") in svg


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_the_monthly_charts_key_stays_on_the_page(app, busy_month, locale):
    with time_machine.travel(NOW, tick=False):
        data = documents.monthly_summary_pdf(2026, 10, locale)
    runs = [run for page in text_runs(data) for run in page]
    right_edge = A4[0] - layout.MARGINS["rightMargin"]
    for label in ("Open at the end of the month", "Overdue at the end of the month",
                  "Resolved in the month"):
        label = tr(app, label, locale)
        # In the chart's key (and the totals table): each whole, inside the margins.
        places = [x for text, x, _y in runs if text == label]
        assert places, label
        for x in places:
            assert x >= layout.MARGINS["leftMargin"]
            assert x + stringWidth(label, fonts.SANS, charts.LEGEND_FONT_SIZE) <= right_edge


# --- the fonts --------------------------------------------------------------------------


def test_the_body_font_has_the_metrics_of_times_new_roman_and_prints_vietnamese(app):
    fonts.register()
    # Liberation Serif keeps every glyph's width of Times New Roman (whose metrics the
    # PDF standard's Times-Roman carries), so a page sets as the decree's font would.
    sample = "The People's Committee concludes: 12/KL-UBND, (2026) [Wmi] 0123456789"
    for size in (13, 14):
        assert stringWidth(sample, fonts.SERIF, size) == pytest.approx(
            stringWidth(sample, "Times-Roman", size), rel=1e-3)
        assert stringWidth(sample, fonts.SERIF_BOLD, size) == pytest.approx(
            stringWidth(sample, "Times-Bold", size), rel=1e-3)
    vietnamese = ("ẠẢÃÀÁÂẬẦẤẨẪĂẮẰẶẲẴĐÈÉẸẺẼÊỀẾỆỂỄÌÍỊỈĨÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠÙÚỤỦŨƯỪỨỰỬỮỲÝỴỶỸ")
    for name in (fonts.SERIF, fonts.SERIF_BOLD, fonts.SERIF_ITALIC, fonts.SERIF_BOLD_ITALIC):
        face = pdfmetrics.getFont(name).face
        for letter in vietnamese + vietnamese.lower():
            assert ord(letter) in face.charToGlyph, (name, letter)


def test_every_bundled_font_ships_with_its_licence():
    for font in fonts.FONT_DIR.glob("*.ttf"):
        family = font.stem.split("-")[0].removesuffix("Serif").removesuffix("Sans")
        licence = fonts.FONT_DIR / f"LICENSE-{family}.txt"
        assert licence.is_file(), font.name
    assert "SIL Open Font License" in (fonts.FONT_DIR / "LICENSE-Liberation.txt").read_text()
