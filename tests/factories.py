"""Factory functions for test data, with sensible defaults and overrides."""
import io
import itertools
import struct
import zlib
from decimal import Decimal

from pypdf import PdfWriter

from inspect_app import authority
from inspect_app.admin.services import save_authority_version
from inspect_app.auth import services as accounts
from inspect_app.models import AssessmentRound, AuthorityVersion, Unit, UnitKind
from inspect_app.units.services import save_unit

PASSWORD = "matkhau123"
_counter = itertools.count(1)


def make_unit(code=None, name=None, kind_code="xa", email="", parent=None):
    """A unit of the given kind (a commune by default)."""
    n = next(_counter)
    kind = UnitKind.get(UnitKind.code == kind_code)
    return save_unit(None, Unit(), code or f"U{n}", name or f"Xã Thử Nghiệm {n}", kind,
                     parent=parent, email=email)


def make_user(username=None, role="inspector", unit=None, password=PASSWORD, email="",
              full_name=None, locale="vi"):
    """An account; a unit head gets a new unit unless one is given."""
    n = next(_counter)
    if role == "unit_head" and unit is None:
        unit = make_unit()
    return accounts.create_user(None, username or f"user{n}", full_name or f"Người Dùng {n}",
                                role, password, unit=unit, email=email, locale=locale)


def make_concluded_inspection(unit=None, title=None, start=None, end=None,
                              status="concluded", lead=None):
    """An inspection row of unit (a new commune by default), written directly."""
    import datetime as dt

    from inspect_app.models import Inspection

    n = next(_counter)
    start = start or dt.date(2026, 1, 5)
    return Inspection.create(unit=unit or make_unit(), title=title or f"Kiểm tra CCHC {n}",
                             start_date=start, end_date=end or start, status=status,
                             lead=lead, conclusion_no=f"{n}/KL")


def make_finding(unit=None, status="open", deadline=None, title=None, severity="medium",
                 category_code="TTHC-TREHAN", inspection=None, code=None, description="",
                 resolved_at=None, resolved_on_time=None):
    """A finding row with its search text, on a new concluded inspection unless given."""
    from inspect_app.models import Category, Finding
    from inspect_app.text import fold

    n = next(_counter)
    inspection = inspection or make_concluded_inspection(unit)
    code = code if code is not None else f"KL-{n}/2026-1"
    title = title or f"Tồn tại số {n}"
    return Finding.create(
        inspection=inspection, responsible_unit=unit or inspection.unit,
        category=Category.get(Category.code == category_code), severity=severity,
        title=title, description=description, deadline=deadline, original_deadline=deadline,
        code=code, status=status, resolved_at=resolved_at, resolved_on_time=resolved_on_time,
        search_text=fold(" ".join([code, title, description])))


def make_pdf(title=""):
    """A real one-page PDF, made by pypdf; a title makes its bytes distinct."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if title:
        writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF_BYTES = make_pdf()
# A catalog, its page tree and one A4 page: objects 1 to 3 of make_object_stream_pdf.
PDF_PAGE_OBJECTS = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
                    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"}


def make_object_stream_pdf(objects=None, compressed=True):
    """A PDF 1.5 keeping its objects in one object stream (FlateDecode unless compressed is
    False), found through a cross-reference stream, as Acrobat or Word save it.

    objects ({number: source}) replace or add to PDF_PAGE_OBJECTS.
    """
    objects = {**PDF_PAGE_OBJECTS, **(objects or {})}
    numbers = sorted(objects)
    offsets, body = [], b""
    for number in numbers:
        offsets.append(f"{number} {len(body)}")
        body += objects[number] + b"\n"
    index = " ".join(offsets).encode() + b"\n"
    data = zlib.compress(index + body) if compressed else index + body
    stream_number, xref_number = numbers[-1] + 1, numbers[-1] + 2
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    stream_offset = len(out)
    out += (f"{stream_number} 0 obj\n<< /Type /ObjStm /N {len(numbers)} /First {len(index)} "
            + ("/Filter /FlateDecode " if compressed else "")
            + f"/Length {len(data)} >>\nstream\n").encode() + data + b"\nendstream\nendobj\n"
    xref_offset = len(out)
    rows = [(0, 0, 65535)]
    for number in range(1, xref_number + 1):
        if number in objects:
            rows.append((2, stream_number, numbers.index(number)))
        else:
            rows.append((1, stream_offset if number == stream_number else xref_offset, 0))
    table = b"".join(struct.pack(">BIH", *row) for row in rows)
    out += (f"{xref_number} 0 obj\n<< /Type /XRef /Size {xref_number + 1} /W [1 4 2] "
            f"/Root 1 0 R /Length {len(table)} >>\nstream\n").encode() + table
    out += f"\nendstream\nendobj\nstartxref\n{xref_offset}\n%%EOF\n".encode()
    return bytes(out)


def make_inspection_in_progress(unit=None, lead=None, start=None, members=()):
    """An inspection of unit in progress, led by lead (a new inspector by default)."""
    import datetime as dt

    from inspect_app.models import Inspection, InspectionMember

    n = next(_counter)
    start = start or dt.date(2030, 1, 5)
    inspection = Inspection.create(unit=unit or make_unit(), title=f"Kiểm tra công vụ {n}",
                                   start_date=start, end_date=start + dt.timedelta(days=2),
                                   status="in_progress",
                                   lead=lead or make_user(role="inspector"))
    for member in members:
        InspectionMember.create(inspection=inspection, user=member)
    return inspection


def record_draft(inspection, title=None, severity="medium", deadline=None,
                 deadline_days=None, category_code="TTHC-TREHAN", responsible_unit=None,
                 description="", recommendation="", deadline_unit="calendar_days"):
    """A draft finding recorded by the inspection's lead through the findings service."""
    from inspect_app.findings.services import record_finding
    from inspect_app.models import Category

    n = next(_counter)
    return record_finding(inspection.lead, inspection,
                          Category.get(Category.code == category_code), severity,
                          title or f"Tồn tại ghi nhận {n}", description, recommendation,
                          responsible_unit=responsible_unit, deadline=deadline,
                          deadline_days=deadline_days, deadline_unit=deadline_unit)


def issue_findings(inspection, conclusion_no=None, conclusion_date=None):
    """Issue the inspection's conclusion (service); returns its findings, now open."""
    from inspect_app import clock
    from inspect_app.inspections.services import issue_conclusion

    n = next(_counter)
    return issue_conclusion(inspection.lead, inspection, conclusion_no or f"{n}/KL-UBND",
                            conclusion_date or clock.today())


def make_plan(year=2026, title=None, decision_no="", decision_date=None):
    """An annual plan in draft, created through the plans service."""
    from inspect_app.inspections.services import save_plan
    from inspect_app.models import Plan

    n = next(_counter)
    return save_plan(None, Plan(), year, title or f"Kế hoạch kiểm tra CCHC năm {year} ({n})",
                     decision_no, decision_date)


def make_inspection(unit=None, start=None, days=2, title=None, topics="", lead=None,
                    members=(), plan=None, kind="scheduled", follow_up_of=None):
    """A planned inspection created through the inspections service (by the system)."""
    import datetime as dt

    from inspect_app.inspections.services import save_inspection
    from inspect_app.models import Inspection

    n = next(_counter)
    start = start or dt.date(2030, 3, 10)
    inspection, _overlaps = save_inspection(
        None, Inspection(), unit=unit or make_unit(), title=title or f"Kiểm tra định kỳ {n}",
        topics=topics, kind=kind, follow_up_of=follow_up_of, plan=plan, start_date=start,
        end_date=start + dt.timedelta(days=days), lead=lead, members=list(members))
    return inspection


def make_case(unit=None, official_name=None, person_type="cong_chuc", opened_on=None,
              status="open", deadline=None, measure_code=None, decision_date=None,
              outcome_on=None, violation=None, official_position="", findings=()):
    """A disciplinary case row (written directly) with its search text and findings.

    A decided case gets the measure measure_code in force for person_type on
    decision_date (by default its outcome date, else the opening date).
    """
    import datetime as dt

    from inspect_app import clock
    from inspect_app.discipline.queries import measures_offered
    from inspect_app.models import DisciplineCase, DisciplineCaseFinding
    from inspect_app.text import fold

    n = next(_counter)
    opened_on = opened_on or clock.today() - dt.timedelta(days=10)
    official_name = official_name or f"Cán Bộ Thử {n}"
    violation = violation or f"Vi phạm số {n}"
    measure = None
    if status == "decided":
        decision_date = decision_date or outcome_on or opened_on
        measure = next(m for m in measures_offered(person_type, decision_date)
                       if m.code == (measure_code or "khien_trach"))
        outcome_on = decision_date
    # Counted as the service counts it: 90 days from the opening, or the date given.
    basis = ({"deadline_unit": "date", "deadline_from": deadline} if deadline else
             {"deadline_unit": "calendar_days", "deadline_from": opened_on, "deadline_days": 90})
    case = DisciplineCase.create(
        official_name=official_name, official_position=official_position,
        person_type=person_type, unit=unit or make_unit(), violation=violation, **basis,
        opened_on=opened_on, deadline=deadline or opened_on + dt.timedelta(days=90),
        original_deadline=opened_on + dt.timedelta(days=90), status=status, measure=measure,
        decision_no=f"{n}/QĐ-UBND" if measure else "", decision_date=decision_date,
        outcome_on=outcome_on, search_text=fold(" ".join([official_name, violation])))
    for finding in findings:
        DisciplineCaseFinding.create(case=case, finding=finding)
    return case


def make_issued_finding(unit, issued_on, deadline, status="open", title=None, code=None,
                        resolved_at=None, resolved_on_time=None, recommendation=""):
    """A finding of unit issued by a conclusion dated issued_on (its own inspection)."""
    import datetime as dt

    from inspect_app.models import Category, Finding, Inspection
    from inspect_app.text import fold

    n = next(_counter)
    inspection = Inspection.create(unit=unit, title=f"Kiểm tra chuyên đề {n}",
                                   start_date=issued_on - dt.timedelta(days=2),
                                   end_date=issued_on - dt.timedelta(days=1),
                                   status="concluded", conclusion_no=f"{n}/KL-UBND",
                                   conclusion_date=issued_on)
    code = code or f"KL-{n}/KL-UBND-1"
    title = title or f"Tồn tại tháng {issued_on.month} số {n}"
    return Finding.create(
        inspection=inspection, responsible_unit=unit, ordinal=1,
        category=Category.get(Category.code == "TTHC-TREHAN"), title=title,
        recommendation=recommendation, deadline=deadline, original_deadline=deadline,
        code=code, status=status, resolved_at=resolved_at, resolved_on_time=resolved_on_time,
        search_text=fold(" ".join([code, title])))


def work_every_day(first, last):
    """Make every day from first to last a working day (rows of the admin's calendar).

    For tests of the reminder stages day by day, where days off would only get in the way.
    """
    import datetime as dt

    from inspect_app import workdays
    from inspect_app.models import WorkCalendarDay

    calendar, day = workdays.load(), first
    while day <= last:
        if not calendar.is_working_day(day):
            WorkCalendarDay.create(day=day, kind="working_day", reason="Ngày thử nghiệm")
        day += dt.timedelta(days=1)


def set_authority(valid_from=None, authority_name="UBND huyện Phú Hòa",
                  parent_authority="UBND tỉnh Phú Yên", place_name="Phú Hòa", signer="team",
                  signature_title="", signer_name=""):
    """Store the authority's version in force from valid_from (None: from the beginning)."""
    version = (authority.base() if valid_from is None else
               AuthorityVersion.get_or_none(AuthorityVersion.valid_from == valid_from)
               or AuthorityVersion())
    return save_authority_version(None, version, valid_from, parent_authority,
                                  authority_name, place_name, signer, signature_title,
                                  signer_name)
# --- the CCHC index ----------------------------------------------------------------------

# A small criteria set whose figures are worked out by hand in the tests: two fields of 10
# points (a level-scored node, a node a unit may mark not applicable, a node that applies
# to wards only), a bonus group capped at 2 and a penalty group capped at 3.
SMALL_SET_ROWS = [
    {"code": "1", "content": "Công tác chỉ đạo, điều hành", "max_points": "10"},
    {"code": "1.1", "content": "Kế hoạch CCHC năm", "max_points": "4",
     "evidence": "Kế hoạch CCHC"},
    {"code": "1.2", "content": "Báo cáo CCHC", "max_points": "6"},
    {"code": "1.2.1", "content": "Báo cáo định kỳ", "max_points": "3",
     "scoring": "Đầy đủ, đúng hạn: 3; Chậm: 1,5; Không thực hiện: 0"},
    {"code": "1.2.2", "content": "Báo cáo chuyên đề", "max_points": "3",
     "na_allowed": "có"},
    {"code": "2", "content": "Cải cách thủ tục hành chính", "max_points": "10"},
    {"code": "2.1", "content": "Công khai thủ tục", "max_points": "5"},
    {"code": "2.2", "content": "Giải quyết hồ sơ đúng hạn", "max_points": "5",
     "applies_to": "Phường"},
    {"code": "T", "content": "Điểm thưởng", "max_points": "2", "kind": "Điểm thưởng"},
    {"code": "T.1", "content": "Sáng kiến CCHC", "max_points": "1,5", "kind": "Điểm thưởng"},
    {"code": "T.2", "content": "Mô hình mới", "max_points": "1,5", "kind": "Điểm thưởng"},
    {"code": "K", "content": "Điểm trừ", "max_points": "3", "kind": "Điểm trừ"},
    {"code": "K.1", "content": "Để xảy ra sai phạm", "max_points": "3", "kind": "Điểm trừ"},
]


# Every point of the small set's scored leaves a commune can earn.
FULL_SCORES = {"1.1": "4", "1.2.1": "3", "1.2.2": "3", "2.1": "5"}


def sheet_rows(rows=None):
    """[(row number, cells)] of criteria rows as an imported sheet gives them."""
    return [(number, cells) for number, cells in enumerate(rows or SMALL_SET_ROWS, start=2)]


def make_criteria_set(rows=None, kinds=("xa", "phuong"), publish=True, name=None,
                      year=2026, predecessor=None, actor=None):
    """A criteria set imported from rows by an admin (published unless asked not to)."""
    from inspect_app.criteria import services as criteria

    actor = actor or make_user(role="admin")
    set_kinds = list(UnitKind.select().where(UnitKind.code.in_(kinds)))
    criteria_set = criteria.import_set(
        actor, sheet_rows(rows), name or f"Bộ chỉ số CCHC cấp xã {year}", year, year,
        "Quyết định 876/QĐ-BNV", Decimal("0.25"), set_kinds, predecessor=predecessor)
    return criteria.publish_set(actor, criteria_set) if publish else criteria_set


def make_round(criteria_set, units, team=(), self_deadline=None, survey_share="30",
               opened=True, actor=None, name=None):
    """An assessment round over units with team (a new inspector by default), opened."""
    import datetime as dt

    from inspect_app import clock
    from inspect_app.assessments import services as assessments

    team = list(team) or [make_user(role="inspector")]
    actor = actor or team[0]
    assessment_round = assessments.save_round(
        actor, AssessmentRound(), name or f"Đánh giá Chỉ số CCHC năm {criteria_set.first_year}",
        criteria_set.first_year, criteria_set, Decimal(survey_share),
        self_deadline or clock.today() + dt.timedelta(days=14), None, None,
        "Xuất sắc: 90; Tốt: 80; Khá: 70; Trung bình: 50; Yếu: 0", units=units, team=team)
    return assessments.open_round(actor, assessment_round) if opened else assessment_round


# A photo as the checks read one: the format's signature, then data.
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 64
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# A template's items: (code, content, max points or None); "1" holds the items "1.x".
TEMPLATE_ROWS = [
    ("1", "Bộ phận Một cửa", None),
    ("1.1", "Niêm yết công khai TTHC tại Bộ phận một cửa", "2"),
    ("1.2", "Sổ theo dõi hồ sơ", "3"),
    ("2", "Công chức", None),
    ("2.1", "Đeo thẻ công chức", None),
]


def make_template(rows=TEMPLATE_ROWS, name=None, actor=None):
    """A checklist template made by an admin through the services."""
    from inspect_app.checklists import services as checklists
    from inspect_app.models import ChecklistTemplate, ChecklistTemplateItem

    actor = actor or make_user(role="admin")
    template = checklists.save_template(actor, ChecklistTemplate(),
                                        name or f"Kiểm tra công vụ {next(_counter)}")
    for code, content, max_points in rows:
        checklists.save_template_item(actor, template, ChecklistTemplateItem(), code, content,
                                      max_points=Decimal(max_points) if max_points else None)
    return template


def make_checklist(inspection, template=None):
    """The inspection's checklist made by its lead from template (a new one by default)."""
    from inspect_app.checklists import services as checklists

    return checklists.create_checklist(inspection.lead, inspection,
                                       template or make_template())


def checklist_item(checklist, code):
    """The checklist's item of this code."""
    from inspect_app.models import ChecklistItem

    return ChecklistItem.get(ChecklistItem.checklist == checklist, ChecklistItem.code == code)
