"""The CCHC index demo: criteria sets for communes and wards (2025 and its 2026 version)
and for departments, a published 2025 round and 2026 rounds under way.

The sets follow the public structures (a ministry index of 7 fields, a provincial commune
index of 9 fields; 70 points appraised, 30 from the citizens' survey); the wording is
ours. The rounds cover the units present BY KIND, so the loader works on any demo's units.
Sets and rounds go through the services; the scores of units without a head account are
written directly, as a province entering last year's results would have them.
"""
import datetime as dt
from decimal import Decimal

from .. import clock
from ..criteria import queries as criteria
from ..criteria import services as criteria_services
from ..models import (
    AssessmentEvidence,
    AssessmentRound,
    CriteriaSet,
    NodeScore,
    UnitAssessment,
    UnitKind,
)
from . import queries, services

COMMUNE_KINDS = ("xa", "phuong", "thi_tran", "dac_khu")
DEPARTMENT_KINDS = ("so_nganh", "phong_ban")
LEGAL_BASIS = ("Quyết định số 876/QĐ-BNV ngày 10/11/2022 của Bộ Nội vụ; Quyết định số "
               "892/QĐ-BNV năm 2024 của Bộ Nội vụ")
BANDS = "Xuất sắc: 90; Tốt: 80; Khá: 70; Trung bình: 50; Yếu: 0"

# The commune index: 9 fields of 4 criteria, each criterion of 2 sub-criteria.
COMMUNE_FIELDS = [
    ("Công tác chỉ đạo, điều hành cải cách hành chính",
     ["Kế hoạch cải cách hành chính năm", "Báo cáo cải cách hành chính",
      "Kiểm tra cải cách hành chính", "Tuyên truyền cải cách hành chính"]),
    ("Xây dựng và thi hành văn bản quy phạm pháp luật",
     ["Ban hành văn bản quy phạm pháp luật", "Rà soát, hệ thống hóa văn bản",
      "Theo dõi thi hành pháp luật", "Phổ biến, giáo dục pháp luật"]),
    ("Cải cách thủ tục hành chính",
     ["Công khai thủ tục hành chính", "Giải quyết hồ sơ đúng hạn",
      "Bộ phận một cửa", "Tiếp nhận, xử lý phản ánh, kiến nghị"]),
    ("Cải cách tổ chức bộ máy",
     ["Sắp xếp tổ chức theo quy định", "Quy chế làm việc",
      "Phân công nhiệm vụ công chức", "Thực hiện quy chế dân chủ"]),
    ("Cải cách chế độ công vụ",
     ["Vị trí việc làm", "Tuyển dụng, sử dụng công chức",
      "Đánh giá, xếp loại công chức", "Kỷ luật, kỷ cương hành chính"]),
    ("Cải cách tài chính công",
     ["Dự toán và quyết toán ngân sách", "Công khai tài chính",
      "Quản lý tài sản công", "Thực hành tiết kiệm, chống lãng phí"]),
    ("Xây dựng chính quyền điện tử, chính quyền số",
     ["Hệ thống quản lý văn bản điện tử", "Chữ ký số", "Dịch vụ công trực tuyến",
      "Số hóa hồ sơ, kết quả giải quyết"]),
    ("Chuyển đổi số cộng đồng",
     ["Tổ công nghệ số cộng đồng", "Kỹ năng số cho người dân",
      "Thanh toán không dùng tiền mặt", "Nền tảng số tại địa phương"]),
    ("Tác động của cải cách hành chính",
     ["Thu hút đầu tư, phát triển kinh tế", "Trật tự, an toàn xã hội",
      "Sự hài lòng của tổ chức, công dân tại bộ phận một cửa",
      "Thực hiện các chỉ tiêu kinh tế - xã hội"]),
]
COMMUNE_MAXIMA_2026 = [6, 7, 10, 7, 8, 8, 9, 8, 7]
# 2025: chỉ đạo weighed a point more, chính quyền số a point less, chuyển đổi số had
# three criteria and 7.4 another name: the comparison of the versions shows each.
COMMUNE_MAXIMA_2025 = [7, 7, 10, 7, 8, 8, 8, 8, 7]
COMMUNE_FIELDS_2025 = [(field, names[:3] if number == 8 else names)
                       for number, (field, names) in enumerate(COMMUNE_FIELDS, start=1)]
SUB_CRITERIA = ("Thực hiện đầy đủ, đúng thời hạn", "Có tài liệu kiểm chứng đầy đủ")

# The department index: the ministry's 7 fields, 3 criteria each, 2 sub-criteria each.
DEPARTMENT_FIELDS = [
    ("Công tác chỉ đạo, điều hành", ["Kế hoạch CCHC", "Báo cáo CCHC", "Kiểm tra CCHC"]),
    ("Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật",
     ["Tham mưu văn bản", "Rà soát văn bản", "Thi hành pháp luật"]),
    ("Cải cách thủ tục hành chính",
     ["Kiểm soát thủ tục", "Công khai thủ tục", "Giải quyết hồ sơ"]),
    ("Cải cách tổ chức bộ máy hành chính nhà nước",
     ["Sắp xếp tổ chức", "Biên chế", "Phân cấp, ủy quyền"]),
    ("Cải cách chế độ công vụ", ["Vị trí việc làm", "Đánh giá công chức", "Kỷ luật, kỷ cương"]),
    ("Cải cách tài chính công", ["Ngân sách", "Tự chủ tài chính", "Tài sản công"]),
    ("Xây dựng và phát triển chính phủ điện tử, chính phủ số",
     ["Văn bản điện tử", "Dịch vụ công trực tuyến", "Dữ liệu số"]),
]
DEPARTMENT_MAXIMA = [10, 10, 12, 9, 10, 9, 10]


def _split(total, parts):
    """total split into parts whole-ish shares (halves where needed), largest first."""
    halves = int(total * 2)
    base, extra = divmod(halves, parts)
    return [Decimal(base + (1 if i < extra else 0)) / 2 for i in range(parts)]


def _rows(fields, maxima, renamed=None):
    """The sheet rows of a set: fields, criteria, sub-criteria, then bonus and penalty."""
    rows = []
    for f, ((field, criteria_names), field_max) in enumerate(zip(fields, maxima), start=1):
        rows.append({"code": str(f), "content": field, "max_points": str(field_max)})
        for c, (name, points) in enumerate(zip(criteria_names,
                                               _split(field_max, len(criteria_names))), 1):
            code = f"{f}.{c}"
            rows.append({"code": code, "content": (renamed or {}).get(code, name),
                         "max_points": str(points), "na_allowed": "có" if f == 8 else "",
                         "guidance": "Chấm theo hồ sơ, tài liệu kiểm chứng của đơn vị."})
            for s, (sub, sub_points) in enumerate(zip(SUB_CRITERIA, _split(points, 2)), 1):
                row = {"code": f"{code}.{s}", "content": f"{sub}: {name.lower()}",
                       "max_points": str(sub_points),
                       "evidence": "Văn bản, báo cáo, sổ theo dõi liên quan"}
                if s == 1 and sub_points >= 1:
                    row["scoring"] = (f"Đầy đủ, đúng hạn: {sub_points}; Chậm: "
                                      f"{sub_points / 2}; Không thực hiện: 0"
                                      ).replace(".", ",")
                rows.append(row)
    rows += [{"code": "T", "content": "Điểm thưởng", "max_points": "2", "kind": "Điểm thưởng"},
             {"code": "T.1", "content": "Sáng kiến, mô hình cải cách hành chính được công "
              "nhận", "max_points": "1", "kind": "Điểm thưởng"},
             {"code": "T.2", "content": "Được khen thưởng về cải cách hành chính",
              "max_points": "1", "kind": "Điểm thưởng"},
             {"code": "K", "content": "Điểm trừ", "max_points": "3", "kind": "Điểm trừ"},
             {"code": "K.1", "content": "Để xảy ra sai phạm trong giải quyết thủ tục hành "
              "chính bị xử lý", "max_points": "3", "kind": "Điểm trừ"}]
    return list(enumerate(rows, start=2))


def _kinds(codes):
    """The unit kinds of codes."""
    return list(UnitKind.select().where(UnitKind.code.in_(codes)))


def _published_set(admin, name, year, rows, kinds, predecessor=None):
    """A set imported from rows and published."""
    criteria_set = criteria_services.import_set(admin, rows, name, year, year, LEGAL_BASIS,
                                                Decimal("0.25"), kinds, predecessor=predecessor)
    return criteria_services.publish_set(admin, criteria_set)


def _load_sets(admin):
    """The commune sets of 2025 and 2026 (its new version) and the department set."""
    communes = _kinds(COMMUNE_KINDS)
    older = _published_set(admin, "Bộ Chỉ số CCHC cấp xã", 2025,
                           _rows(COMMUNE_FIELDS_2025, COMMUNE_MAXIMA_2025, renamed={
                               "7.4": "Số hóa hồ sơ thủ tục hành chính"}), communes)
    newer = _published_set(admin, "Bộ Chỉ số CCHC cấp xã", 2026,
                           _rows(COMMUNE_FIELDS, COMMUNE_MAXIMA_2026), communes,
                           predecessor=older)
    departments = _published_set(admin, "Bộ Chỉ số CCHC các cơ quan chuyên môn", 2026,
                                 _rows(DEPARTMENT_FIELDS, DEPARTMENT_MAXIMA),
                                 _kinds(DEPARTMENT_KINDS))
    return older, newer, departments


# --- the units' scores -----------------------------------------------------------------


def _given(node, levels, step):
    """The points of a leaf a step below its best: 0 is full marks."""
    if levels:
        return levels[min(step, len(levels) - 1)][1]
    return max(node.max_points - Decimal("0.25") * step, Decimal(0))


def _answers(tree, kind_code, seed):
    """{node id: (self, first, second, asked)} of the applicable regular leaves."""
    leaves = criteria.is_leaf_map(tree)
    found = {}
    for position, node in enumerate(tree):
        if not leaves[node.id] or node.kind != "regular" or (
                node.applies_to and kind_code not in node.applies_to.split()):
            continue
        levels = criteria.levels(node)
        own = 1 if (position + seed) % 9 == 0 else 0
        cut = own + (1 if (position * 3 + seed) % 5 == 0 else 0)
        asked = cut > own and (position + seed) % 2 == 0
        found[node.id] = (_given(node, levels, own), _given(node, levels, cut),
                          _given(node, levels, own if asked else cut), asked)
    return found


# The stages each state of a sheet has reached, in order.
REACHED = {"draft": 0, "submitted": 1, "appraised": 2, "explaining": 2, "explained": 3,
           "final": 4}


def _score_rows(sheet, answers, state):
    """The NodeScore rows of a sheet brought to state."""
    reached, rows = REACHED[state], []
    asking = state in ("explaining", "explained", "final")
    for node_id, (own, first, second, asked) in answers.items():
        asked = asked and asking
        rows.append({
            "assessment": sheet.id, "node": node_id, "self_points": own,
            "self_note": "Có văn bản, báo cáo kèm theo",
            "first_points": first if reached >= 2 else None,
            "first_note": "Hồ sơ chưa đầy đủ theo hướng dẫn" if reached >= 2 and first < own
            else "",
            "explanation_asked": asked,
            "explanation": "Đơn vị đã bổ sung văn bản ban hành đúng hạn"
            if asked and reached >= 3 else "",
            "second_points": second if reached >= 4 and asked else None,
            "second_note": "Chấp nhận giải trình" if reached >= 4 and asked else ""})
    return rows


def _bring_to(sheet, tree, state, seed, survey=None):
    """Write a sheet's scores and dates as if it had gone through the steps to state."""
    NodeScore.delete().where(NodeScore.assessment == sheet).execute()
    if state == "draft":
        return
    NodeScore.insert_many(_score_rows(sheet, _answers(tree, sheet.unit.kind.code, seed),
                                      state)).execute()
    now, today = clock.now(), clock.today()
    reached = REACHED[state]
    UnitAssessment.update(
        status=state, submitted_at=now, submitted_on=today, submitted_late=seed % 4 == 3,
        first_appraised_at=now if reached >= 2 else None,
        explanation_deadline=today + dt.timedelta(days=7)
        if state in ("explaining", "explained", "final") else None,
        explained_at=now if reached >= 3 else None, final_at=now if reached >= 4 else None,
        survey_points=survey).where(UnitAssessment.id == sheet.id).execute()


def _round(inspector, criteria_set, kinds, name, deadline):
    """A round of every unit of kinds, prepared and opened by inspector."""
    assessment_round = services.save_round(
        inspector, AssessmentRound(), name, criteria_set.first_year, criteria_set,
        Decimal(30), deadline, deadline + dt.timedelta(days=5),
        deadline + dt.timedelta(days=30), BANDS, kinds=_kinds(kinds), team=[inspector])
    return services.open_round(inspector, assessment_round)


# The states the 2026 commune round's sheets go through, unit by unit.
UNDER_WAY = ("submitted", "explaining", "explained", "appraised", "final", "draft",
             "submitted", "final")


def _load_rounds(inspector, leader, by_hand, older, newer, departments):
    """A published 2025 round, and the 2026 rounds under way with a sheet in every state."""
    last_year = _round(inspector, older, COMMUNE_KINDS,
                       "Đánh giá Chỉ số CCHC cấp xã năm 2025", clock.today())
    tree = criteria.nodes(older)
    for seed, sheet in enumerate(queries.round_sheets(last_year)):
        _bring_to(sheet, tree, "final", seed, survey=Decimal(22 + seed % 8))
        # A document cited as evidence, which carries over to the 2026 sheet.
        AssessmentEvidence.create(assessment=sheet, node=next(n for n in tree
                                                              if n.code == "1.1.1"),
                                  document_no=f"{seed + 12}/KH-UBND",
                                  document_date=clock.today() - dt.timedelta(days=300))
    services.publish_round(leader, queries.get_round(last_year.id), "125/QĐ-UBND",
                           clock.today())
    this_year = _round(inspector, newer, COMMUNE_KINDS,
                       "Đánh giá Chỉ số CCHC cấp xã năm 2026",
                       clock.today() + dt.timedelta(days=10))
    _spread(this_year, criteria.nodes(newer), by_hand)
    departments_round = _round(inspector, departments, DEPARTMENT_KINDS,
                               "Đánh giá Chỉ số CCHC các cơ quan chuyên môn năm 2026",
                               clock.today() + dt.timedelta(days=14))
    _spread(departments_round, criteria.nodes(departments), by_hand)


def _spread(assessment_round, tree, by_hand):
    """Bring the round's sheets to the states of UNDER_WAY in turn; the units in by_hand
    (those of the demo's named unit heads) stay in self-assessment, for the demo to go
    through by hand."""
    others = [s for s in queries.round_sheets(assessment_round) if s.unit_id not in by_hand]
    for seed, sheet in enumerate(others):
        state = UNDER_WAY[seed % len(UNDER_WAY)]
        _bring_to(sheet, tree, state, seed, survey=Decimal(20 + seed % 9)
                  if state == "final" else None)


def load(people):
    """Load the CCHC index demo once (nothing when a criteria set exists)."""
    if CriteriaSet.select().exists():
        return
    sets = _load_sets(people["admin"])
    by_hand = {user.unit_id for user in people.values() if user.role == "unit_head"}
    _load_rounds(people["thanhtra"], people["lanhdao"], by_hand, *sets)
