"""The demo data of DOMAIN.md: Đắk Lắk in 2026, with the seed's huyện Phú Hòa as its history.

Today's province: the Sở Nội vụ's team inspects communes, wards and departments of Đắk
Lắk. Its history: the seed article's district, whose communes and offices were inspected
in 2024 and 2025 and which ended on 30 June 2025 (Resolution 202/2025/QH15); its nine
communes were merged into xã Phú Hòa 1 and xã Phú Hòa 2 on 1 July 2025, through the
app's own reorganisation step, so their open items passed to the new communes.

Everything is written through the services, with the clock held at the day each step
happened: the history on its own dates (2024 and 2025), today's inspections on days
counted from the day the demo is loaded, so that every screen (overdue, due soon,
waiting for review, resolved on time and late) shows data. The demo is meant to be
loaded from 2026 on, when today's data (the last seven months) come after the merger.
"""
import datetime as dt

from . import clock
from .assessments import demo as assessments_demo
from .auth import services as accounts
from .checklists import services as checklists
from .demo_authorities import REORGANISED_ON, seed_demo_authorities
from .discipline import queries as discipline_queries
from .discipline import services as discipline
from .findings import services as findings
from .inspections import services as inspections
from .models import (
    Category,
    ChecklistItem,
    ChecklistTemplate,
    ChecklistTemplateItem,
    DisciplineCase,
    ExtensionRequest,
    Finding,
    Inspection,
    Plan,
    Response,
    Unit,
    UnitKind,
    User,
)
from .units import queries as unit_queries
from .units import services as units

DEMO_PASSWORD = "demo12345"

# Resolution 202/2025/QH15 and the communes' reorganisation took effect on this day.
MERGE_DAY = REORGANISED_ON
DISTRICT_LAST_DAY = MERGE_DAY - dt.timedelta(days=1)

# The seed's huyện Phú Hòa: its nine communes and five offices, until 30 June 2025.
DISTRICT_UNITS = [
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
DISTRICT_OFFICES = ("VP-UBND", "P-NOIVU", "P-TUPHAP", "P-TCKH", "P-VHTT")

# Today's province (from 1 July 2025): communes, wards and departments of Đắk Lắk. The
# Sở Nội vụ is the inspecting body, so it is not among the inspected units.
PROVINCE_UNITS = [
    ("X-PHUHOA1", "Xã Phú Hòa 1", "xa"),
    ("X-PHUHOA2", "Xã Phú Hòa 2", "xa"),
    ("X-TAYHOA", "Xã Tây Hòa", "xa"),
    ("X-HOAXUAN", "Xã Hòa Xuân", "xa"),
    ("X-HOATHINH", "Xã Hòa Thịnh", "xa"),
    ("X-TUYANBAC", "Xã Tuy An Bắc", "xa"),
    ("PH-TUYHOA", "Phường Tuy Hòa", "phuong"),
    ("PH-BINHKIEN", "Phường Bình Kiến", "phuong"),
    ("S-TUPHAP", "Sở Tư pháp", "so_nganh"),
    ("S-TAICHINH", "Sở Tài chính", "so_nganh"),
    ("S-VHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "so_nganh"),
    ("S-KHCN", "Sở Khoa học và Công nghệ", "so_nganh"),
]

# The sources say only that the nine communes became xã Phú Hòa 1 and xã Phú Hòa 2 and
# that the villages of Hòa An and Hòa Trị east of the expressway went to phường Tuy Hòa.
# ASSUMPTION (README.md says it too): Phú Hòa 1 takes the eastern communes (thị trấn
# Phú Hòa, Hòa An, Hòa Định Đông, Hòa Thắng, Hòa Trị), Phú Hòa 2 the western ones (Hòa
# Định Tây, Hòa Hội, Hòa Quang Bắc, Hòa Quang Nam); Hòa An and Hòa Trị are split between
# Phú Hòa 1 and phường Tuy Hòa. The other predecessors of phường Tuy Hòa are left out.
SPLIT_NOTE = ("Sắp xếp đơn vị hành chính cấp xã từ ngày 01/7/2025: các thôn phía đông đường "
              "cao tốc nhập vào phường Tuy Hòa, phần còn lại nhập vào xã Phú Hòa 1.")
REORGANISATIONS = [
    ("split", ["X-HOAAN"], ["X-PHUHOA1", "PH-TUYHOA"], SPLIT_NOTE),
    ("split", ["X-HOATRI"], ["X-PHUHOA1", "PH-TUYHOA"], SPLIT_NOTE),
    ("merge", ["TT-PHUHOA", "X-HOADINHDONG", "X-HOATHANG"], ["X-PHUHOA1"],
     "Sắp xếp đơn vị hành chính cấp xã từ ngày 01/7/2025: thành lập xã Phú Hòa 1."),
    ("merge", ["X-HOADINHTAY", "X-HOAHOI", "X-HOAQUANGBAC", "X-HOAQUANGNAM"], ["X-PHUHOA2"],
     "Sắp xếp đơn vị hành chính cấp xã từ ngày 01/7/2025: thành lập xã Phú Hòa 2."),
]
# The open findings of the two splits that went with the eastern villages to phường Tuy
# Hòa; every other open item of Hòa An and Hòa Trị passed to xã Phú Hòa 1.
TO_TUY_HOA = ("Thôn phía đông chưa được hướng dẫn nộp hồ sơ trực tuyến",
              "Hồ sơ hộ tịch của các thôn phía đông chưa được số hóa")

# The five sign-in accounts of README.md, at today's units.
ACCOUNTS = [
    ("admin", "Quản trị hệ thống", "admin", None),
    ("thanhtra", "Nguyễn Văn Thanh", "inspector", None),
    ("lanhdao", "Trần Thị Lãnh", "leader", None),
    ("hoaan", "Lê Văn An", "unit_head", "X-PHUHOA1"),
    ("noivu", "Phạm Thị Nội", "unit_head", "S-TUPHAP"),
]
# Where the two unit heads worked until the district ended.
DISTRICT_POSTS = {"hoaan": "X-HOAAN", "noivu": "P-NOIVU"}
# The heads of today's other units (same password), who answer their units' findings.
UNIT_HEADS = [
    ("phuhoa2", "Nguyễn Thị Hòa", "X-PHUHOA2"),
    ("tayhoa", "Trần Văn Tây", "X-TAYHOA"),
    ("hoaxuan", "Lê Thị Xuân", "X-HOAXUAN"),
    ("hoathinh", "Võ Văn Thịnh", "X-HOATHINH"),
    ("tuyanbac", "Phạm Văn Tuy", "X-TUYANBAC"),
    ("tuyhoa", "Huỳnh Thị Tuyết", "PH-TUYHOA"),
    ("binhkien", "Đỗ Văn Kiên", "PH-BINHKIEN"),
    ("taichinh", "Ngô Thị Tài", "S-TAICHINH"),
    ("vhttdl", "Bùi Văn Hóa", "S-VHTTDL"),
    ("khcn", "Đinh Thị Khoa", "S-KHCN"),
]


def _d(year, month, day):
    """A day of the history."""
    return dt.date(year, month, day)


# --- the demo's story: inspections and cases, as data ----------------------------------
#
# A day is a date (the history) or a number of days from the load day (today's data).
# An inspection: unit, title, topics, kind, plan, start day, decision number, and
# optionally its conclusion (number, day), the day it closed, or the day it was
# cancelled with the reason. A finding: category, severity, title, deadline (a day, or
# {"deadline_days": n[, "deadline_unit": ...]} counted from the conclusion) and its steps:
# (day, "report" | "accept" | "changes" | "extend" | "approve" | "cancel", text[, day]).

HISTORY_PLANS = [
    (2024, "Kế hoạch kiểm tra công tác cải cách hành chính, kỷ luật kỷ cương hành chính "
           "của UBND huyện Phú Hòa năm 2024", "05/KH-UBND", _d(2024, 1, 10)),
    (2025, "Kế hoạch kiểm tra công tác cải cách hành chính, kỷ luật kỷ cương hành chính "
           "của UBND huyện Phú Hòa năm 2025", "03/KH-UBND", _d(2025, 1, 8)),
]
PROVINCE_PLAN = ("Kế hoạch kiểm tra công tác cải cách hành chính năm {year} của Sở Nội vụ "
                 "tỉnh Đắk Lắk", "01/KH-SNV", -200)

HISTORY_INSPECTIONS = [
    {"unit": "X-HOAAN", "title": "Kiểm tra công tác văn thư, lưu trữ",
     "topics": "Hồ sơ công việc, lưu trữ; văn bản điện tử", "start": _d(2024, 3, 11),
     "decision": "21/QĐ-UBND", "conclusion": ("18/KL-UBND", _d(2024, 3, 20)),
     "closed": _d(2024, 5, 6), "findings": [
         ("HOSO-LUUTRU", "low", "Hồ sơ công việc năm 2023 chưa lập đầy đủ",
          _d(2024, 5, 15), [(_d(2024, 4, 25), "report", "Đã lập bổ sung hồ sơ công việc."),
                            (_d(2024, 4, 29), "accept", "")]),
         ("VANBAN-DIENTU", "medium", "Văn bản đi chưa ký số trên iOffice", _d(2024, 4, 15),
          [(_d(2024, 4, 25), "report", "Lãnh đạo xã đã ký số toàn bộ văn bản đi."),
           (_d(2024, 4, 29), "accept", "")]),
     ]},
    {"unit": "P-NOIVU", "title": "Kiểm tra công tác tổ chức bộ máy",
     "topics": "Tổ chức bộ máy, vị trí việc làm", "start": _d(2025, 2, 17),
     "decision": "11/QĐ-UBND", "conclusion": ("09/KL-UBND", _d(2025, 2, 28)),
     "closed": _d(2025, 6, 5), "findings": [
         ("TOCHUC-BOMAY", "medium", "Chưa rà soát chức năng, nhiệm vụ các phòng chuyên môn",
          _d(2025, 4, 30),
          [(_d(2025, 4, 20), "extend", "Chờ đề án sắp xếp tổ chức bộ máy của tỉnh.",
            _d(2025, 5, 31)),
           (_d(2025, 4, 22), "approve", ""),
           (_d(2025, 5, 28), "report", "Đã rà soát, trình UBND huyện quyết định."),
           (_d(2025, 5, 30), "accept", "")]),
         ("HOSO-LUUTRU", "low", "Hồ sơ cán bộ, công chức của huyện lưu trữ chưa đầy đủ",
          _d(2025, 3, 31), [(_d(2025, 3, 25), "report", "Đã bổ sung và sắp xếp lại hồ sơ."),
                            (_d(2025, 3, 28), "accept", "")]),
     ]},
    {"unit": "X-HOAAN", "title": "Kiểm tra công tác cải cách hành chính và kỷ luật, kỷ cương",
     "topics": "Giải quyết thủ tục hành chính; bộ phận một cửa; kỷ luật, kỷ cương",
     "start": _d(2025, 4, 14), "decision": "24/QĐ-UBND",
     "conclusion": ("27/KL-UBND", _d(2025, 4, 25)), "closed": _d(2025, 9, 5), "findings": [
         ("TTHC-TREHAN", "high", "Hồ sơ thủ tục hành chính giải quyết trễ hạn",
          _d(2025, 6, 20), [(_d(2025, 7, 22), "report", "Đã giải quyết xong hồ sơ tồn."),
                            (_d(2025, 7, 25), "accept", "")]),
         ("TTHC-XINLOI", "medium", "Chưa gửi văn bản xin lỗi người dân khi hồ sơ trễ hạn",
          _d(2025, 5, 26), [(_d(2025, 5, 20), "report", "Đã gửi văn bản xin lỗi."),
                            (_d(2025, 5, 23), "accept", "")]),
         ("TTHC-MOTCUA", "medium", "Bộ phận một cửa chưa niêm yết đầy đủ thủ tục hành chính",
          _d(2025, 7, 31), [(_d(2025, 6, 25), "report", "Đã niêm yết đầy đủ."),
                            (_d(2025, 7, 4), "accept", "")]),
         ("KYLUAT-GIOGIAC", "high", "Cán bộ, công chức xã đi muộn, về sớm", _d(2025, 5, 16),
          [(_d(2025, 7, 28), "report", "Đã chấn chỉnh, lập sổ theo dõi giờ giấc."),
           (_d(2025, 7, 30), "accept", "")]),
         ("DVC-TRUCTUYEN", "medium", TO_TUY_HOA[0], _d(2025, 7, 31),
          [(_d(2025, 8, 5), "report", "Đã hướng dẫn."),
           (_d(2025, 8, 8), "changes", "Đề nghị gửi danh sách thôn và số hồ sơ đã hướng dẫn."),
           (_d(2025, 8, 20), "report", "Gửi kèm danh sách các thôn và số hồ sơ trực tuyến."),
           (_d(2025, 8, 22), "accept", "")]),
     ]},
    {"unit": "X-HOATRI", "title": "Kiểm tra việc giải quyết thủ tục hành chính",
     "topics": "Niêm yết, giải quyết thủ tục hành chính; số hóa hồ sơ",
     "start": _d(2025, 5, 12), "decision": "29/QĐ-UBND",
     "conclusion": ("31/KL-UBND", _d(2025, 5, 22)), "closed": _d(2025, 9, 5), "findings": [
         ("TTHC-NIEMYET", "medium", "Thủ tục hành chính niêm yết chưa được cập nhật",
          _d(2025, 7, 15), [(_d(2025, 7, 10), "report", "Đã cập nhật theo đơn vị mới."),
                            (_d(2025, 7, 14), "accept", "")]),
         ("SOHOA", "medium", TO_TUY_HOA[1], _d(2025, 8, 29),
          [(_d(2025, 8, 25), "report", "Đã số hóa toàn bộ sổ hộ tịch."),
           (_d(2025, 8, 27), "accept", "")]),
     ]},
    {"unit": "X-HOAQUANGBAC", "title": "Kiểm tra công tác chuyển đổi số",
     "topics": "Dịch vụ công trực tuyến; văn bản điện tử", "start": _d(2025, 6, 2),
     "decision": "33/QĐ-UBND", "conclusion": ("35/KL-UBND", _d(2025, 6, 12)),
     "closed": _d(2025, 8, 20), "findings": [
         ("DVC-TRUCTUYEN", "medium", "Tỷ lệ hồ sơ trực tuyến của xã thấp", _d(2025, 8, 15),
          [(_d(2025, 8, 12), "report", "Đã bố trí công chức hướng dẫn tại một cửa."),
           (_d(2025, 8, 14), "accept", "")]),
         ("VANBAN-DIENTU", "low", "Lãnh đạo xã chưa ký số văn bản đi", _d(2025, 8, 15),
          [(_d(2025, 8, 12), "report", "Toàn bộ văn bản đi đã được ký số."),
           (_d(2025, 8, 14), "accept", "")]),
     ]},
    {"unit": "X-HOAHOI", "title": "Kiểm tra kỷ luật, kỷ cương hành chính",
     "topics": "Kỷ luật, kỷ cương hành chính; văn hóa công vụ", "start": _d(2025, 7, 14),
     "decision": "40/QĐ-UBND",
     "cancelled": (_d(2025, 6, 27), "Xã Hòa Hội nhập vào xã Phú Hòa 2 từ ngày 01/7/2025; "
                                    "nội dung kiểm tra chuyển sang năm sau."),
     "findings": []},
]

PROVINCE_INSPECTIONS = [
    {"unit": "X-PHUHOA1", "title": "Kiểm tra công tác cải cách hành chính và kỷ luật, kỷ cương",
     "topics": "Giải quyết thủ tục hành chính; bộ phận một cửa; kỷ luật, kỷ cương",
     "start": -45, "decision": "112/QĐ-SNV", "conclusion": ("12/KL-SNV", -40), "findings": [
         ("TTHC-TREHAN", "high", "Hồ sơ đất đai, hộ tịch giải quyết trễ hạn",
          {"deadline_days": 15, "deadline_unit": "working_days"}, []),
         ("TTHC-XINLOI", "medium", "Chưa có văn bản xin lỗi đối với hồ sơ trễ hạn",
          {"deadline_days": 30}, []),
         ("TTHC-MOTCUA", "medium", "Bộ phận một cửa chưa niêm yết thủ tục của đơn vị mới", 3,
          []),
         ("DVC-TRUCTUYEN", "medium", "Tỷ lệ hồ sơ trực tuyến toàn trình thấp", 45, []),
         ("SOHOA", "medium", "Chưa số hóa kết quả giải quyết thủ tục hành chính", 20,
          [(-3, "report", "Đã số hóa 80% kết quả, phần còn lại hoàn thành trong tháng.")]),
         ("KYLUAT-GIOGIAC", "high", "Công chức đi muộn, về sớm không có lý do",
          {"deadline_days": 15},
          [(-6, "report", "Đã chấn chỉnh, lập sổ theo dõi giờ giấc."), (-4, "accept", "")]),
         ("VANBAN-DIENTU", "low", "Chưa sử dụng chữ ký số trên hệ thống iOffice", 10,
          [(-12, "report", "Đã cấp và sử dụng chữ ký số."), (-11, "accept", "")]),
         ("CHIDAO-DIEUHANH", "medium", "Báo cáo định kỳ gửi chậm", 25,
          [(-14, "report", "Đã chấn chỉnh."),
           (-12, "changes", "Đề nghị gửi kèm danh mục báo cáo và ngày gửi thực tế.")]),
         ("HOSO-LUUTRU", "low", "Hồ sơ của các xã cũ chưa bàn giao đầy đủ", 60,
          [(-20, "cancel", "Đã xử lý trong kế hoạch bàn giao hồ sơ, tài liệu khi sắp xếp "
                           "đơn vị hành chính.")]),
     ]},
    {"unit": "S-TUPHAP", "title": "Kiểm tra công tác tổ chức bộ máy",
     "topics": "Tổ chức bộ máy, vị trí việc làm", "start": -25, "decision": "131/QĐ-SNV",
     "conclusion": ("15/KL-SNV", -20), "findings": [
         ("TOCHUC-BOMAY", "medium", "Đề án vị trí việc làm chưa cập nhật",
          {"deadline_days": 30},
          [(-5, "extend", "Chờ hướng dẫn của Bộ Nội vụ về vị trí việc làm.", 40)]),
         ("HOSO-LUUTRU", "low", "Hồ sơ cán bộ, công chức lưu trữ chưa khoa học",
          {"deadline_days": 15}, []),
     ]},
    {"unit": "X-PHUHOA2", "title": "Kiểm tra công tác chuyển đổi số",
     "topics": "Dịch vụ công trực tuyến; số hóa hồ sơ", "start": -90, "decision": "71/QĐ-SNV",
     "conclusion": ("08/KL-SNV", -85), "findings": [
         ("DVC-TRUCTUYEN", "medium",
          "Chưa hướng dẫn người dân nộp hồ sơ trực tuyến tại bộ phận một cửa", -55,
          [(-60, "report", "Đã bố trí công chức hướng dẫn."), (-58, "accept", "")]),
         ("SOHOA", "low", "Kho lưu trữ của các xã cũ chưa được số hóa", -30, []),
     ]},
    {"unit": "X-TAYHOA", "title": "Kiểm tra việc giải quyết thủ tục hành chính",
     "topics": "Niêm yết, giải quyết thủ tục hành chính", "start": -120,
     "decision": "52/QĐ-SNV", "conclusion": ("05/KL-SNV", -115), "closed": -70, "findings": [
         ("TTHC-TREHAN", "high", "Hồ sơ chứng thực giải quyết trễ hạn", -85,
          [(-80, "report", "Đã giải quyết xong hồ sơ tồn đọng."), (-78, "accept", "")]),
         ("TTHC-NIEMYET", "medium", "Niêm yết thủ tục hành chính chưa cập nhật theo đơn vị mới",
          -90, [(-95, "report", "Đã niêm yết lại toàn bộ."), (-93, "accept", "")]),
     ]},
    {"unit": "X-TAYHOA", "title": "Kiểm tra kỷ luật, kỷ cương hành chính",
     "topics": "Kỷ luật, kỷ cương hành chính; văn hóa công vụ", "start": 20,
     "decision": "168/QĐ-SNV", "findings": []},
    {"unit": "X-HOAXUAN", "title": "Kiểm tra công tác cải cách hành chính",
     "topics": "Bộ phận một cửa; kỷ luật, kỷ cương", "start": -60, "decision": "95/QĐ-SNV",
     "conclusion": ("10/KL-SNV", -55), "findings": [
         ("TTHC-MOTCUA", "medium", "Chưa bố trí công chức thường trực tại bộ phận một cửa", 20,
          []),
         ("KYLUAT-CONGVU", "high", "Sử dụng xe công không đúng mục đích", -25,
          [(-26, "report", "Đã chấn chỉnh, ban hành quy chế sử dụng xe công.")]),
     ]},
    {"unit": "X-TUYANBAC", "title": "Kiểm tra công tác văn thư, lưu trữ",
     "topics": "Hồ sơ công việc, lưu trữ; văn bản điện tử", "start": -150,
     "decision": "31/QĐ-SNV", "conclusion": ("03/KL-SNV", -145), "closed": -100, "findings": [
         ("HOSO-LUUTRU", "low", "Hồ sơ công việc chưa lập theo danh mục", -115,
          [(-118, "report", "Đã lập hồ sơ theo danh mục."), (-116, "accept", "")]),
         ("VANBAN-DIENTU", "medium", "Văn bản đi chưa ký số đầy đủ", -120,
          [(-110, "report", "Đã ký số toàn bộ văn bản đi."), (-108, "accept", "")]),
     ]},
    {"unit": "X-TUYANBAC", "title": "Kiểm tra việc giải quyết thủ tục hành chính",
     "topics": "Giải quyết thủ tục hành chính; dịch vụ công trực tuyến", "start": -35,
     "decision": "135/QĐ-SNV", "conclusion": ("13/KL-SNV", -33), "findings": [
         ("TTHC-TREHAN", "medium", "Hồ sơ cấp giấy chứng nhận quyền sử dụng đất trễ hạn", -3,
          []),
         ("DVC-TRUCTUYEN", "low", "Chưa trả kết quả trực tuyến cho hồ sơ nộp trực tuyến", 20,
          [(-1, "report", "Đã trả kết quả trực tuyến cho toàn bộ hồ sơ.")]),
     ]},
    {"unit": "X-HOATHINH", "title": "Kiểm tra đột xuất việc chấp hành giờ giấc làm việc",
     "topics": "Kỷ luật, kỷ cương hành chính", "kind": "surprise", "start": -30,
     "decision": "140/QĐ-SNV", "conclusion": ("14/KL-SNV", -28), "findings": [
         ("KYLUAT-GIOGIAC", "high", "Cán bộ vắng mặt trong giờ làm việc không có lý do", 5, []),
         ("CHIDAO-DIEUHANH", "medium", "Chưa ban hành quy chế làm việc của Ủy ban nhân dân xã",
          15, [(-8, "report", "Đã dự thảo quy chế."),
               (-5, "changes", "Đề nghị gửi quy chế đã được ban hành.")]),
     ]},
    {"unit": "PH-TUYHOA", "title": "Kiểm tra công tác cải cách hành chính",
     "topics": "Giải quyết thủ tục hành chính; dịch vụ công trực tuyến", "start": -75,
     "decision": "80/QĐ-SNV", "conclusion": ("09/KL-SNV", -70), "findings": [
         ("TTHC-TREHAN", "high", "Hồ sơ đất đai giải quyết trễ hạn, chưa xin lỗi người dân",
          -40, []),
         ("DVC-TRUCTUYEN", "medium", "Thanh toán trực tuyến phí, lệ phí còn thấp", -35,
          [(-40, "report", "Đã niêm yết mã QR thanh toán."), (-37, "accept", "")]),
         ("SOHOA", "low", "Chưa số hóa hồ sơ của các điểm tiếp nhận cũ", 10, []),
     ]},
    {"unit": "PH-BINHKIEN", "title": "Kiểm tra việc thực hiện dịch vụ công trực tuyến",
     "topics": "Dịch vụ công trực tuyến", "start": -100, "decision": "61/QĐ-SNV",
     "conclusion": ("07/KL-SNV", -95), "findings": [
         ("DVC-TRUCTUYEN", "medium", "Hồ sơ trực tuyến không được tiếp nhận đúng hạn", -65,
          [(-60, "report", "Đã phân công tiếp nhận hằng ngày."), (-57, "accept", "")]),
         ("TTHC-XINLOI", "medium", "Văn bản xin lỗi chưa gửi đúng thời hạn", 15, []),
     ]},
    {"unit": "PH-BINHKIEN", "title": "Kiểm tra công tác văn thư",
     "topics": "Văn bản điện tử", "start": 10, "decision": "170/QĐ-SNV",
     "cancelled": (-1, "Trùng lịch với đoàn kiểm tra của Bộ Nội vụ."), "findings": []},
    {"unit": "S-TAICHINH", "title": "Kiểm tra công tác cải cách hành chính",
     "topics": "Văn bản điện tử; tổ chức bộ máy", "start": -50, "decision": "101/QĐ-SNV",
     "conclusion": ("11/KL-SNV", -48), "findings": [
         ("VANBAN-DIENTU", "medium", "Hồ sơ công việc điện tử chưa được lập trên hệ thống", -10,
          []),
         ("TOCHUC-BOMAY", "low", "Quy chế làm việc chưa cập nhật sau khi hợp nhất sở", 12,
          [(-2, "report", "Đã ban hành quy chế làm việc mới.")]),
     ]},
    {"unit": "S-VHTTDL", "title": "Kiểm tra kỷ luật, kỷ cương hành chính",
     "topics": "Kỷ luật, kỷ cương hành chính; thủ tục hành chính", "start": -20,
     "decision": "150/QĐ-SNV", "conclusion": ("16/KL-SNV", -18), "findings": [
         ("KYLUAT-GIOGIAC", "high", "Viên chức đi muộn, về sớm tại đơn vị trực thuộc", 25, []),
         ("TTHC-NIEMYET", "medium", "Chưa công khai thủ tục hành chính lĩnh vực du lịch", 8,
          [(-4, "report", "Đã công khai trên cổng thông tin của sở."), (-3, "accept", "")]),
     ]},
    {"unit": "S-KHCN", "title": "Kiểm tra công tác chuyển đổi số",
     "topics": "Dịch vụ công trực tuyến; số hóa hồ sơ", "start": -2, "decision": "165/QĐ-SNV",
     "findings": [
         ("DVC-TRUCTUYEN", "medium", "Cổng dịch vụ công của sở chưa tích hợp đủ thủ tục",
          None, []),
         ("SOHOA", "low", "Kết quả giải quyết thủ tục chưa được số hóa", None, []),
     ]},
]

# A checklist template: (code, content, points or None), and the checklist made from it
# for the inspection in progress, partly answered: code -> (answer, note, points).
CHECKLIST_TEMPLATE = ("Kiểm tra công vụ tại Bộ phận Một cửa", [
    ("1", "Bộ phận Một cửa", None),
    ("1.1", "Niêm yết công khai TTHC tại Bộ phận một cửa", "2"),
    ("1.2", "Sổ theo dõi hồ sơ", "2"),
    ("1.3", "Hòm thư góp ý, số điện thoại đường dây nóng", None),
    ("2", "Công chức, viên chức", None),
    ("2.1", "Đeo thẻ công chức", None),
    ("2.2", "Chấp hành giờ giấc làm việc", None),
])
CHECKLIST_INSPECTION = ("S-KHCN", "Kiểm tra công tác chuyển đổi số")
CHECKLIST_ANSWERS = {
    "1.1": ("met", "Niêm yết đủ 45 thủ tục, đúng quy định.", "2"),
    "1.2": ("not_met", "Sổ chưa ghi ngày trả kết quả của 12 hồ sơ.", "0,5"),
    "2.1": ("met", "", None),
}

# Disciplinary cases: official, position, person type, unit, violation, opened, the
# findings they arose from, and what followed: (day, "extend" | "decide" | "dismiss" |
# "defer", details).
HISTORY_CASES = [
    ("Phạm Văn Em", "Phó Chủ tịch UBND xã", "can_bo", "X-HOAAN",
     "Thiếu trách nhiệm trong chỉ đạo lập hồ sơ công việc, lưu trữ.", _d(2024, 4, 2),
     ["Hồ sơ công việc năm 2023 chưa lập đầy đủ"],
     [(_d(2024, 6, 14), "decide", ("khien_trach", "45/QĐ-UBND", "UBND huyện Phú Hòa"))]),
    ("Lê Văn Dũng", "Công chức Địa chính - Xây dựng", "cong_chuc", "TT-PHUHOA",
     "Giải quyết hồ sơ đất đai không đúng quy trình, gây phiền hà cho người dân.",
     _d(2024, 8, 5), [],
     [(_d(2024, 10, 18), "decide", ("ha_bac_luong", "112/QĐ-UBND",
                                    "Chủ tịch UBND thị trấn Phú Hòa"))]),
    ("Võ Thị Giang", "Chuyên viên", "cong_chuc", "P-NOIVU",
     "Sắp xếp, lưu trữ hồ sơ cán bộ, công chức không khoa học, khó tra cứu.",
     _d(2025, 3, 5), ["Hồ sơ cán bộ, công chức của huyện lưu trữ chưa đầy đủ"],
     [(_d(2025, 4, 10), "dismiss", "Vi phạm đã được khắc phục kịp thời, chưa đến mức phải "
                                   "xử lý kỷ luật; nhắc nhở, rút kinh nghiệm.")]),
    ("Nguyễn Văn Bình", "Công chức Văn phòng - Thống kê", "cong_chuc", "X-HOAAN",
     "Nhiều lần đi muộn, về sớm, vắng mặt không có lý do trong giờ làm việc.",
     _d(2025, 5, 5), ["Cán bộ, công chức xã đi muộn, về sớm"],
     [(_d(2025, 8, 20), "decide", ("khien_trach", "15/QĐ-UBND", "Chủ tịch UBND xã Phú Hòa 1"))]),
    ("Đặng Thị Hoa", "Công chức Văn hóa - Xã hội", "cong_chuc", "X-HOAAN",
     "Không hướng dẫn người dân nộp hồ sơ trực tuyến theo phân công.", _d(2025, 5, 12),
     [TO_TUY_HOA[0]],
     [(_d(2025, 6, 2), "defer", ("pregnancy_childcare", "Đang nghỉ chế độ thai sản."))]),
]
PROVINCE_CASES = [
    ("Trần Thị Cúc", "Công chức Tư pháp - Hộ tịch", "cong_chuc", "X-PHUHOA1",
     "Để hồ sơ chứng thực, hộ tịch giải quyết trễ hạn, không có văn bản xin lỗi người dân.",
     -38, ["Hồ sơ đất đai, hộ tịch giải quyết trễ hạn",
           "Chưa có văn bản xin lỗi đối với hồ sơ trễ hạn"],
     [(-5, "extend", "Vụ việc phức tạp, cần xác minh thêm hồ sơ liên quan.")]),
    ("Nguyễn Thị Mai", "Công chức Địa chính - Nông nghiệp - Xây dựng", "cong_chuc",
     "PH-TUYHOA", "Giải quyết hồ sơ đất đai không đúng quy trình.", -100, [], []),
    ("Hồ Văn Phúc", "Công chức Văn phòng - Thống kê", "cong_chuc", "X-TAYHOA",
     "Để hồ sơ chứng thực trễ hạn nhiều lần.", -110, ["Hồ sơ chứng thực giải quyết trễ hạn"],
     [(-20, "decide", ("khien_trach", "32/QĐ-UBND", "Chủ tịch UBND xã Tây Hòa"))]),
    ("Trương Thị Lan", "Chuyên viên", "cong_chuc", "S-TUPHAP",
     "Lưu trữ hồ sơ cán bộ, công chức không đầy đủ.", -18,
     ["Hồ sơ cán bộ, công chức lưu trữ chưa khoa học"],
     [(-6, "dismiss", "Đã khắc phục kịp thời; nhắc nhở, rút kinh nghiệm.")]),
    ("Lý Văn Sơn", "Công chức Văn phòng - Thống kê", "cong_chuc", "X-HOAXUAN",
     "Sử dụng xe công vào việc riêng.", -50, ["Sử dụng xe công không đúng mục đích"], []),
]


# --- loading ---------------------------------------------------------------------------


def load():
    """Load the demo data; running it again adds only what is missing."""
    seed_demo_authorities()
    _load_units()
    _load_history()
    _load_accounts()
    _load_province()
    assessments_demo.load(_staff())
    _load_checklist()


def _load_checklist():
    """The demo checklist template, and the checklist of the inspection in progress
    partly answered by its lead, once."""
    name, rows = CHECKLIST_TEMPLATE
    if ChecklistTemplate.select().where(ChecklistTemplate.name == name).exists():
        return
    admin = User.get(User.username == "admin")
    template = checklists.save_template(
        admin, ChecklistTemplate(), name, "Các nội dung kiểm tra trực tiếp tại Bộ phận Một "
        "cửa và việc chấp hành kỷ luật, kỷ cương hành chính.")
    for code, content, points in rows:
        checklists.save_template_item(admin, template, ChecklistTemplateItem(), code, content,
                                      max_points=points)
    unit_code, title = CHECKLIST_INSPECTION
    inspection = (Inspection
                  .select()
                  .join(Unit)
                  .where(Unit.code == unit_code, Inspection.title == title,
                         Inspection.status == "in_progress")
                  .first())
    if inspection is None:
        return
    checklist = checklists.create_checklist(inspection.lead, inspection, template)
    for item in checklist.items.where(ChecklistItem.code.in_(list(CHECKLIST_ANSWERS))):
        answer, note, points = CHECKLIST_ANSWERS[item.code]
        checklists.save_item(inspection.lead, inspection, item.id,
                             {"answer": answer, "note": note, "points": points}, item.version)


def _load_units():
    """Create the demo units that are missing: the district's, and today's from the merger."""
    kinds = {k.code: k for k in UnitKind.select()}
    existing = {u.code for u in Unit.select(Unit.code)}
    for code, name, kind in DISTRICT_UNITS:
        if code not in existing:
            units.save_unit(None, Unit(), code, name, kinds[kind],
                            email=f"{code.lower()}@phuhoa.example.vn")
    for code, name, kind in PROVINCE_UNITS:
        if code not in existing:
            units.save_unit(None, Unit(), code, name, kinds[kind],
                            email=f"{code.lower()}@daklak.example.vn", valid_from=MERGE_DAY)


def _unit(code):
    """A demo unit by code."""
    return Unit.get(Unit.code == code)


def _create_account(username, full_name, role, unit_code):
    """Create one demo account, unless it exists."""
    if not User.select().where(User.username == username).exists():
        accounts.create_user(None, username, full_name, role, DEMO_PASSWORD,
                             unit=_unit(unit_code) if unit_code else None,
                             email=f"{username}@daklak.example.vn")


def _load_accounts():
    """Create the demo accounts that are missing, at today's units."""
    for username, full_name, role, unit_code in ACCOUNTS:
        _create_account(username, full_name, role, unit_code)
    for username, full_name, unit_code in UNIT_HEADS:
        _create_account(username, full_name, "unit_head", unit_code)


def _staff():
    """The five demo accounts by username: the CCHC index demo acts as the staff and leaves
    the sheets of the two unit heads' units for the demo to score by hand."""
    return {user.username: user for user in User.select().where(
        User.username.in_([account[0] for account in ACCOUNTS]))}


def _load_history():
    """The district's 2024-2025 inspections and cases, and the merger of 1 July 2025, once."""
    if Plan.select().where(Plan.title == HISTORY_PLANS[0][1]).exists():
        return
    story = _Story()
    story.at(_d(2024, 1, 2), _open_district_accounts)
    for year, title, decision_no, approved_on in HISTORY_PLANS:
        story.at(approved_on, story.plan, year, title, decision_no, approved_on)
    for spec in HISTORY_INSPECTIONS:
        story.inspection(spec)
    for case in HISTORY_CASES:
        story.case(*case)
    story.at(MERGE_DAY, _merge_communes)
    story.run()


def _load_province():
    """Today's plan, inspections and cases, counted from the load day, once."""
    title, decision_no, approved = PROVINCE_PLAN
    if Plan.select().where(Plan.decision_no == decision_no).exists():
        return
    story = _Story()
    day = _day(approved)
    story.at(day, story.plan, clock.today().year, title.format(year=clock.today().year),
             decision_no, day)
    for spec in PROVINCE_INSPECTIONS:
        story.inspection(spec)
    for case in PROVINCE_CASES:
        story.case(*case)
    story.run()


def _open_district_accounts():
    """The five accounts as the district had them: hoaan at Hòa An, noivu at Phòng Nội vụ."""
    for username, full_name, role, unit_code in ACCOUNTS:
        _create_account(username, full_name, role, DISTRICT_POSTS.get(username, unit_code))


def _merge_communes():
    """1 July 2025: the district's offices end, the heads take their new posts, and the
    communes are merged through the reorganisation step, passing their open items on."""
    for code in DISTRICT_OFFICES:
        office = _unit(code)
        units.save_unit(None, office, office.code, office.name, office.kind, office.parent,
                        office.email, office.valid_from, DISTRICT_LAST_DAY)
        units.set_unit_active(None, office, False)
    for username, full_name, unit_code in UNIT_HEADS:
        _create_account(username, full_name, "unit_head", unit_code)
    for username in DISTRICT_POSTS:
        user = User.get(User.username == username)
        new_post = next(code for name, *_, code in ACCOUNTS if name == username)
        accounts.update_user(None, user, user.full_name, user.role, _unit(new_post),
                             user.email, user.locale)
    admin = User.get(User.username == "admin")
    tuy_hoa = _unit("PH-TUYHOA")
    for kind, before, after, note in REORGANISATIONS:
        predecessors = [_unit(code) for code in before]
        successors = [_unit(code) for code in after]
        units.reorganise(admin, kind, MERGE_DAY, predecessors, successors, note,
                         _split_assignments(predecessors, successors, tuy_hoa))


def _split_assignments(predecessors, successors, tuy_hoa):
    """In a split, the eastern villages' open findings go to phường Tuy Hòa, every other
    open item to the other successor (xã Phú Hòa 1)."""
    if len(successors) == 1:
        return {}
    commune = next(unit for unit in successors if unit.id != tuy_hoa.id)
    ids = [unit.id for unit in predecessors]
    assignments = {("finding", f.id): (tuy_hoa if f.title in TO_TUY_HOA else commune).id
                   for f in unit_queries.passing_findings(ids)}
    assignments.update({("discipline_case", c.id): commune.id
                        for c in unit_queries.passing_cases(ids)})
    return assignments


def _day(day):
    """A story day as a date: itself, or that many days from today."""
    return day if isinstance(day, dt.date) else clock.today() + dt.timedelta(days=day)


def _deadline_basis(deadline):
    """record_finding's deadline arguments: a story day as a date, or days counted from
    the conclusion as given; none for a draft that has none yet."""
    if isinstance(deadline, dict):
        return deadline
    return {"deadline": None if deadline is None else _day(deadline)}


def _category(code):
    """A seeded finding category."""
    return Category.get(Category.code == code)


def _head(unit_id):
    """The head of a unit (the first, should it have several)."""
    return (User
            .select()
            .where(User.role == "unit_head", User.active, User.unit == unit_id)
            .order_by(User.id)
            .first())


class _Story:
    """The demo's steps, run in the order of their days with the clock held at each day."""

    def __init__(self):
        self.steps = []
        self.plans = {}  # year -> id of this story's plan
        self.found = {}  # finding title -> id, once its conclusion is issued

    def at(self, day, step, *args):
        """Run step(*args) on day (a date or days from today), after the earlier steps."""
        self.steps.append((_day(day), len(self.steps), step, args))

    def run(self):
        """Every step in order, each at 08:00 of its day plus a minute per step."""
        for day, order, step, args in sorted(self.steps, key=lambda s: s[:2]):
            moment = clock.start_of_day_utc(day) + dt.timedelta(hours=8, minutes=order % 480)
            with clock.held_at(moment):
                step(*args)

    def plan(self, year, title, decision_no, approved_on):
        """Create and approve a plan; the inspections of its year join it."""
        plan = inspections.save_plan(None, Plan(), year, title, decision_no, approved_on)
        inspections.approve_plan(None, plan)
        self.plans[year] = plan.id

    def _finding(self, title):
        """An issued demo finding by title, as it is now."""
        return Finding.get_by_id(self.found[title])

    def inspection(self, spec):
        """The steps of one inspection and of its findings."""
        start = _day(spec["start"])
        key = {}
        self.at(min(start - dt.timedelta(days=30), clock.today()), self._plan_inspection,
                spec, start, key)
        if "cancelled" in spec:
            day, reason = spec["cancelled"]
            self.at(day, lambda: inspections.cancel_inspection(
                self._inspector(), Inspection.get_by_id(key["id"]), reason))
            return
        if start > clock.today():
            return
        drafts = [(category, severity, title, _deadline_basis(deadline))
                  for category, severity, title, deadline, _steps in spec["findings"]]
        self.at(start, self._start_inspection, key, drafts)
        if "conclusion" not in spec:
            return
        number, day = spec["conclusion"]
        self.at(day, self._conclude, key, number, _day(day))
        for *_, title, _deadline, steps in spec["findings"]:
            for day, action, text, *until in steps:
                self.at(day, self._finding_step, title, action, text,
                        *(_day(later) for later in until))
        if "closed" in spec:
            self.at(spec["closed"], lambda: inspections.close_inspection(
                self._inspector(), Inspection.get_by_id(key["id"])))

    @staticmethod
    def _inspector():
        """The demo inspector, who leads every inspection."""
        return User.get(User.username == "thanhtra")

    def _plan_inspection(self, spec, start, key):
        """Create the inspection, in this story's plan of its year when there is one."""
        plan = Plan.get_or_none(Plan.id == self.plans.get(start.year))
        inspection, _ = inspections.save_inspection(
            None, Inspection(), unit=_unit(spec["unit"]), title=spec["title"],
            topics=spec["topics"], kind=spec.get("kind", "scheduled"), start_date=start,
            end_date=start + dt.timedelta(days=2), plan=plan, lead=self._inspector(),
            decision_no=spec["decision"], decision_date=start - dt.timedelta(days=7))
        key["id"] = inspection.id

    def _start_inspection(self, key, drafts):
        """Start the inspection and record its findings as drafts."""
        inspector, inspection = self._inspector(), Inspection.get_by_id(key["id"])
        inspections.start_inspection(inspector, inspection)
        for category, severity, title, basis in drafts:
            findings.record_finding(
                inspector, inspection, _category(category), severity, title,
                f"Qua kiểm tra thực tế tại đơn vị: {title.lower()}.",
                "Khắc phục và báo cáo kết quả bằng văn bản.", **basis)

    def _conclude(self, key, number, day):
        """Issue the conclusion on day."""
        issued = inspections.issue_conclusion(
            self._inspector(), Inspection.get_by_id(key["id"]), number, day,
            "Đơn vị cơ bản thực hiện tốt; còn một số tồn tại, hạn chế cần khắc phục.")
        self.found.update({finding.title: finding.id for finding in issued})

    def _finding_step(self, title, action, text, until=None):
        """One step on a finding, by its unit's head of the day or by the inspectors."""
        finding = self._finding(title)
        inspector = self._inspector()
        if action == "report":
            findings.submit_report(_head(finding.responsible_unit_id), finding, text)
        elif action == "extend":
            findings.request_extension(_head(finding.responsible_unit_id), finding, until,
                                       text)
        elif action == "approve":
            extension = finding.extensions.where(
                ExtensionRequest.status == "pending").get()
            findings.decide_extension(User.get(User.username == "lanhdao"), extension, True)
        elif action == "cancel":
            findings.cancel_finding(inspector, finding, text)
        else:
            response = finding.responses.order_by(Response.id.desc()).get()
            if action == "accept":
                findings.accept_report(inspector, response)
            else:
                findings.request_changes(inspector, response, text)

    def case(self, official, position, person_type, unit_code, violation, opened, titles,
             outcomes):
        """The steps of one disciplinary case."""
        key = {}
        self.at(opened, self._open_case, key, official, position, person_type, unit_code,
                violation, _day(opened), titles)
        for day, action, details in outcomes:
            self.at(day, self._case_step, key, action, details, _day(day))

    def _open_case(self, key, official, position, person_type, unit_code, violation, opened,
                   titles):
        """Open the case, linked to the demo findings it arose from."""
        related = [self._finding(title) for title in titles]
        case = discipline.open_case(self._inspector(), official, position, person_type,
                                    _unit(unit_code), violation, opened, related)
        key["id"] = case.id

    def _case_step(self, key, action, details, day):
        """Extend, decide, dismiss or defer the case."""
        inspector, case = self._inspector(), DisciplineCase.get_by_id(key["id"])
        if action == "extend":
            discipline.extend_deadline(inspector, case, case.latest_deadline(), details)
        elif action == "decide":
            code, decision_no, issuing_authority = details
            measure = next(m for m in discipline_queries.measures_offered(case.person_type, day)
                           if m.code == code)
            discipline.decide_case(inspector, case, measure, decision_no, day,
                                   issuing_authority)
        elif action == "dismiss":
            discipline.dismiss_case(inspector, case, details)
        else:
            discipline.defer_case(inspector, case, *details)
