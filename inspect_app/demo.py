"""The demo data of DOMAIN.md: the authority, its units, five accounts, inspections."""
import datetime as dt

from . import clock, settings
from .admin.services import save_settings
from .assessments import demo as assessments_demo
from .auth import services as accounts
from .discipline import queries as discipline_queries
from .discipline import services as discipline
from .findings import services as findings
from .inspections import services as inspections
from .models import Category, DisciplineCase, Finding, Inspection, Plan, Unit, UnitKind, User
from .units.services import save_unit

DEMO_PASSWORD = "demo12345"

AUTHORITY = {
    "authority_name": "UBND huyện Phú Hòa",
    "parent_authority": "UBND tỉnh Phú Yên",
    "place_name": "Phú Hòa",
}

UNITS = [
    ("TT-PHUHOA", "Thị trấn Phú Hòa", "thi_tran"),
    ("X-HOAAN", "Xã Hòa An", "xa"),
    ("X-HOADINHDONG", "Xã Hòa Định Đông", "xa"),
    ("X-HOADINHTAY", "Xã Hòa Định Tây", "xa"),
    ("X-HOAHOI", "Xã Hòa Hội", "xa"),
    ("X-HOAQUANGBAC", "Xã Hòa Quang Bắc", "xa"),
    ("X-HOAQUANGNAM", "Xã Hòa Quang Nam", "xa"),
    ("X-HOATHANG", "Xã Hòa Thắng", "xa"),
    ("X-HOATRI", "Xã Hòa Trị", "xa"),
    ("VP-UBND", "Văn phòng HĐND và UBND", "phong_ban"),
    ("P-NOIVU", "Phòng Nội vụ", "phong_ban"),
    ("P-TUPHAP", "Phòng Tư pháp", "phong_ban"),
    ("P-TCKH", "Phòng Tài chính - Kế hoạch", "phong_ban"),
    ("P-VHTT", "Phòng Văn hóa và Thông tin", "phong_ban"),
]

ACCOUNTS = [
    ("admin", "Quản trị hệ thống", "admin", None),
    ("thanhtra", "Nguyễn Văn Thanh", "inspector", None),
    ("lanhdao", "Trần Thị Lãnh", "leader", None),
    ("hoaan", "Lê Văn An", "unit_head", "X-HOAAN"),
    ("noivu", "Phạm Thị Nội", "unit_head", "P-NOIVU"),
]


def _load_units():
    """Create the demo units that are missing."""
    kinds = {k.code: k for k in UnitKind.select()}
    existing = {u.code for u in Unit.select(Unit.code)}
    for code, name, kind in UNITS:
        if code not in existing:
            save_unit(None, Unit(), code, name, kinds[kind],
                      email=f"{code.lower()}@phuhoa.example.vn")


def _load_accounts():
    """Create the demo accounts that are missing."""
    units = {u.code: u for u in Unit.select()}
    existing = {u.username for u in User.select(User.username)}
    for username, full_name, role, unit_code in ACCOUNTS:
        if username not in existing:
            accounts.create_user(None, username, full_name, role, DEMO_PASSWORD,
                                 unit=units.get(unit_code),
                                 email=f"{username}@phuhoa.example.vn")


def load():
    """Load the demo data; running it again adds only what is missing."""
    blank = {key: value for key, value in AUTHORITY.items() if not settings.get(key)}
    if blank:
        save_settings(None, blank)
    _load_units()
    _load_accounts()
    _load_inspections()
    _load_discipline()
    assessments_demo.load(_people())


# Inspections and findings, dated relative to the day the demo is loaded so that every
# screen (overdue, due soon, waiting for review, resolved on time and late) shows data.
DEMO_PLAN_TITLE = ("Kế hoạch kiểm tra công tác cải cách hành chính, kỷ luật kỷ cương hành "
                   "chính năm {year}")


def _days(n):
    """The date n days from today (negative: in the past)."""
    return clock.today() + dt.timedelta(days=n)


def _category(code):
    """A seeded finding category."""
    return Category.get(Category.code == code)


def _people():
    """The demo accounts by username."""
    return {u.username: u for u in User.select().where(User.username.in_(
        [username for username, *_ in ACCOUNTS]))}


def _inspection(plan, inspector, unit_code, title, topics, start, kind="scheduled"):
    """Create one inspection led by inspector, started `start` days from today."""
    unit = Unit.get(Unit.code == unit_code)
    start_date = _days(start)
    inspection, _ = inspections.save_inspection(
        None, Inspection(), unit=unit, title=title, topics=topics, kind=kind,
        start_date=start_date, end_date=start_date + dt.timedelta(days=2),
        plan=plan if plan.year == start_date.year else None, lead=inspector,
        decision_no=f"{abs(start) + 100}/QĐ-UBND", decision_date=start_date - dt.timedelta(days=7))
    return inspection


def _draft(inspector, inspection, category, severity, title, recommendation, **deadline):
    """Record one draft finding on inspection."""
    return findings.record_finding(
        inspector, inspection, _category(category), severity, title,
        f"Qua kiểm tra thực tế tại đơn vị: {title.lower()}.", recommendation, **deadline)


def _conclude(inspector, inspection, number, days_ago):
    """Issue the conclusion `days_ago` days before today; returns its findings by title."""
    issued = inspections.issue_conclusion(
        inspector, inspection, number, _days(-days_ago),
        "Đơn vị cơ bản thực hiện tốt; còn một số tồn tại, hạn chế cần khắc phục.")
    return {f.title: f for f in issued}


def _report(head, finding, text):
    """The unit head reports on finding; returns the response."""
    return findings.submit_report(head, finding, text)


def _load_hoa_an(plan, people):
    """Xã Hòa An: a closed earlier inspection and a concluded one with findings in every state."""
    inspector, head = people["thanhtra"], people["hoaan"]
    earlier = _inspection(plan, inspector, "X-HOAAN", "Kiểm tra công tác văn thư, lưu trữ",
                          "Hồ sơ công việc, lưu trữ", -150)
    inspections.start_inspection(inspector, earlier)
    _draft(inspector, earlier, "HOSO-LUUTRU", "low", "Hồ sơ công việc năm trước chưa lập đầy đủ",
           "Lập đầy đủ hồ sơ công việc theo quy định.", deadline=_days(-100))
    done = _conclude(inspector, earlier, "05/KL-UBND", 145)
    for finding in done.values():
        findings.accept_report(inspector, _report(head, finding, "Đã lập bổ sung hồ sơ."))
    inspections.close_inspection(inspector, earlier)

    current = _inspection(plan, inspector, "X-HOAAN",
                          "Kiểm tra công tác cải cách hành chính và kỷ luật, kỷ cương",
                          "Giải quyết thủ tục hành chính; bộ phận một cửa; kỷ luật, kỷ cương", -45)
    inspections.start_inspection(inspector, current)
    drafts = [
        ("TTHC-TREHAN", "high", "Hồ sơ thủ tục hành chính giải quyết trễ hạn",
         {"deadline_days": 15, "deadline_unit": "working_days"}),
        ("TTHC-XINLOI", "medium", "Chưa có văn bản xin lỗi đối với hồ sơ trễ hạn",
         {"deadline_days": 30}),
        ("TTHC-MOTCUA", "medium", "Bộ phận một cửa chưa niêm yết đầy đủ thủ tục",
         {"deadline": _days(3)}),
        ("DVC-TRUCTUYEN", "medium", "Tỷ lệ hồ sơ trực tuyến thấp", {"deadline": _days(45)}),
        ("SOHOA", "medium", "Chưa số hóa kết quả giải quyết thủ tục hành chính",
         {"deadline": _days(20)}),
        ("KYLUAT-GIOGIAC", "high", "Công chức đi muộn, về sớm không có lý do",
         {"deadline_days": 15}),
        ("VANBAN-DIENTU", "low", "Chưa sử dụng chữ ký số trên hệ thống iOffice",
         {"deadline": _days(10)}),
        ("CHIDAO-DIEUHANH", "medium", "Báo cáo định kỳ gửi chậm", {"deadline": _days(25)}),
    ]
    for category, severity, title, deadline in drafts:
        _draft(inspector, current, category, severity, title,
               "Khắc phục và báo cáo kết quả bằng văn bản.", **deadline)
    issued = _conclude(inspector, current, "12/KL-UBND", 40)
    _report(head, issued["Chưa số hóa kết quả giải quyết thủ tục hành chính"],
            "Đã số hóa 80% kết quả giải quyết, phần còn lại hoàn thành trong tháng.")
    late = issued["Công chức đi muộn, về sớm không có lý do"]
    findings.accept_report(inspector,
                           _report(head, late, "Đã chấn chỉnh, lập sổ theo dõi giờ giấc."))
    on_time = issued["Chưa sử dụng chữ ký số trên hệ thống iOffice"]
    findings.accept_report(inspector, _report(head, on_time, "Đã cấp và sử dụng chữ ký số."))
    again = issued["Báo cáo định kỳ gửi chậm"]
    findings.request_changes(inspector, _report(head, again, "Đã chấn chỉnh."),
                             "Đề nghị gửi kèm danh mục báo cáo và ngày gửi thực tế.")


def _load_noi_vu(plan, people):
    """Phòng Nội vụ: a concluded inspection with an overdue finding and a pending extension."""
    inspector, head = people["thanhtra"], people["noivu"]
    inspection = _inspection(plan, inspector, "P-NOIVU", "Kiểm tra công tác tổ chức bộ máy",
                             "Tổ chức bộ máy, vị trí việc làm", -25)
    inspections.start_inspection(inspector, inspection)
    _draft(inspector, inspection, "TOCHUC-BOMAY", "medium", "Đề án vị trí việc làm chưa cập nhật",
           "Rà soát, cập nhật đề án vị trí việc làm.", deadline_days=30)
    _draft(inspector, inspection, "HOSO-LUUTRU", "low",
           "Hồ sơ cán bộ, công chức lưu trữ chưa khoa học", "Sắp xếp lại hồ sơ theo quy định.",
           deadline_days=15)
    issued = _conclude(inspector, inspection, "15/KL-UBND", 20)
    findings.request_extension(head, issued["Đề án vị trí việc làm chưa cập nhật"], _days(40),
                               "Chờ hướng dẫn của cấp trên về vị trí việc làm.")


def _load_other_states(plan, people):
    """An inspection in progress with drafts, one planned and one cancelled."""
    inspector = people["thanhtra"]
    ongoing = _inspection(plan, inspector, "X-HOADINHDONG", "Kiểm tra công tác chuyển đổi số",
                          "Dịch vụ công trực tuyến; số hóa hồ sơ", -2)
    inspections.start_inspection(inspector, ongoing)
    _draft(inspector, ongoing, "DVC-TRUCTUYEN", "medium",
           "Chưa hướng dẫn người dân nộp hồ sơ trực tuyến",
           "Bố trí công chức hướng dẫn tại bộ phận một cửa.")
    _draft(inspector, ongoing, "SOHOA", "low", "Kho lưu trữ chưa được số hóa",
           "Lập kế hoạch số hóa.")
    _inspection(plan, inspector, "X-HOAHOI", "Kiểm tra kỷ luật, kỷ cương hành chính",
                "Kỷ luật, kỷ cương hành chính; văn hóa công vụ", 20)
    cancelled = _inspection(plan, inspector, "X-HOATRI", "Kiểm tra công tác văn thư",
                            "Văn bản điện tử", 10)
    inspections.cancel_inspection(inspector, cancelled, "Trùng lịch với đoàn kiểm tra của tỉnh.")


def _load_inspections():
    """Create the demo plan with its inspections and findings, once."""
    year = clock.today().year
    title = DEMO_PLAN_TITLE.format(year=year)
    if Plan.select().where(Plan.title == title).exists():
        return
    people = _people()
    plan = inspections.save_plan(None, Plan(), year, title, "01/KH-UBND", _days(-200))
    inspections.approve_plan(None, plan)
    _load_hoa_an(plan, people)
    _load_noi_vu(plan, people)
    _load_other_states(plan, people)


# Disciplinary cases in every state, most of them opened from the demo findings above:
# (official, position, person type, unit, violation, opened days ago, finding titles).
DEMO_CASES = [
    ("Nguyễn Văn Bình", "Công chức Văn phòng - Thống kê", "cong_chuc", "X-HOAAN",
     "Nhiều lần đi muộn, về sớm, vắng mặt không có lý do trong giờ làm việc.", 30,
     ["Công chức đi muộn, về sớm không có lý do"]),
    ("Trần Thị Cúc", "Công chức Tư pháp - Hộ tịch", "cong_chuc", "X-HOAAN",
     "Để hồ sơ chứng thực, hộ tịch giải quyết trễ hạn, không có văn bản xin lỗi người dân.",
     38, ["Hồ sơ thủ tục hành chính giải quyết trễ hạn",
          "Chưa có văn bản xin lỗi đối với hồ sơ trễ hạn"]),
    ("Lê Văn Dũng", "Công chức Địa chính - Xây dựng", "cong_chuc", "TT-PHUHOA",
     "Giải quyết hồ sơ đất đai không đúng quy trình, gây phiền hà cho người dân.", 100, []),
    ("Phạm Văn Em", "Phó Chủ tịch UBND xã", "can_bo", "X-HOAAN",
     "Thiếu trách nhiệm trong chỉ đạo lập hồ sơ công việc, lưu trữ.", 140,
     ["Hồ sơ công việc năm trước chưa lập đầy đủ"]),
    ("Võ Thị Giang", "Chuyên viên", "cong_chuc", "P-NOIVU",
     "Sắp xếp, lưu trữ hồ sơ cán bộ, công chức không khoa học, khó tra cứu.", 18,
     ["Hồ sơ cán bộ, công chức lưu trữ chưa khoa học"]),
    ("Đặng Thị Hoa", "Công chức Văn hóa - Xã hội", "cong_chuc", "X-HOAAN",
     "Không hướng dẫn người dân nộp hồ sơ trực tuyến theo phân công.", 25,
     ["Tỷ lệ hồ sơ trực tuyến thấp"]),
]


def _open_demo_case(inspector, official, position, person_type, unit_code, violation,
                    days_ago, finding_titles):
    """Open one demo case, linked to the demo findings of its unit that exist."""
    unit = Unit.get(Unit.code == unit_code)
    related = list(Finding.select().where(Finding.title.in_(finding_titles),
                                          Finding.responsible_unit == unit,
                                          Finding.status != "draft"))
    return discipline.open_case(inspector, official, position, person_type, unit, violation,
                                _days(-days_ago), related)


def _load_discipline():
    """The demo disciplinary cases (open, extended, overdue, decided, closed, deferred), once."""
    names = [case[0] for case in DEMO_CASES]
    if DisciplineCase.select().where(DisciplineCase.official_name.in_(names)).exists():
        return
    inspector = _people()["thanhtra"]
    opened = {case[0]: _open_demo_case(inspector, *case) for case in DEMO_CASES}
    extended = opened["Trần Thị Cúc"]
    discipline.extend_deadline(inspector, extended, extended.latest_deadline(),
                               "Vụ việc phức tạp, cần xác minh thêm hồ sơ liên quan.")
    decided, decision_date = opened["Phạm Văn Em"], _days(-60)
    reprimand = next(m for m in discipline_queries.measures_offered("can_bo", decision_date)
                     if m.code == "khien_trach")
    discipline.decide_case(inspector, decided, reprimand, "45/QĐ-UBND", decision_date,
                           settings.get("authority_name"))
    discipline.dismiss_case(inspector, opened["Võ Thị Giang"],
                            "Vi phạm đã được khắc phục kịp thời, chưa đến mức phải xử lý "
                            "kỷ luật; nhắc nhở, rút kinh nghiệm.")
    discipline.defer_case(inspector, opened["Đặng Thị Hoa"], "pregnancy_childcare",
                          "Đang nghỉ chế độ thai sản.")
