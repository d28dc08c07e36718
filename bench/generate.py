"""Generate a province's data with a fixed seed: `python bench/generate.py --size full`.

Full size: 500 units, 2,000 users, 10 years of plans, 20,000 inspections, 200,000
findings (most old ones resolved, some overdue, drafts in running inspections), about
250,000 remediation reports with their reviews, their audit history (some findings with
50-event timelines), extension requests, 2,000 discipline cases, and a CCHC index round
of every unit on a 210-node criteria set, every sheet scored. Demo size is the
same shape a hundred times smaller. Every date is relative to TODAY, so the benchmark
freezes the clock there. Rows are written with insert_many in chunks, one transaction
per chunk, with ids given here so that no row has to be read back.

The SQLite file is cached under build/ (bench-<size>.sqlite); BENCH_DATABASE_URL loads
the data into that database instead, and --postgres into a throwaway PostgreSQL server
(tests/pg.py) to time the load.
"""
import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 20261115
TODAY = dt.date(2026, 11, 15)
FIRST_YEAR = TODAY.year - 9
CHUNK = 20000
PASSWORD_HASH = "scrypt:32768:8:1$bench$0"
SIZES = {
    "full": {"units": 500, "users": 2000, "inspections": 20000, "findings_per": 10,
             "cases": 2000, "long_timelines": 20},
    "demo": {"units": 5, "users": 20, "inspections": 200, "findings_per": 10,
             "cases": 20, "long_timelines": 2},
}
# The users every benchmark signs in as.
INSPECTOR = "thanhtra"
UNIT_HEAD = "truong0001"
LEADER = "lanhdao"

TITLES = [
    "Hồ sơ thủ tục hành chính giải quyết trễ hạn, chưa xin lỗi người dân",
    "Chưa công khai đầy đủ thủ tục hành chính tại bộ phận một cửa",
    "Hồ sơ công việc năm trước chưa lập đầy đủ, chưa nộp lưu",
    "Chưa ban hành kế hoạch cải cách hành chính năm",
    "Cán bộ đi muộn, về sớm, không đeo thẻ công chức",
    "Chưa số hóa kết quả giải quyết thủ tục hành chính",
    "Văn bản ban hành sai thể thức, kỹ thuật trình bày",
    "Chưa cập nhật hồ sơ lên Hệ thống thông tin giải quyết thủ tục hành chính",
    "Tiếp nhận hồ sơ không đúng quy trình, thu thêm giấy tờ ngoài quy định",
    "Chậm trả kết quả, trễ hạn so với phiếu hẹn",
]
RECOMMENDATIONS = [
    "Khắc phục ngay và báo cáo kết quả bằng văn bản.",
    "Rà soát, chấn chỉnh và kiểm điểm trách nhiệm cá nhân liên quan.",
    "Xây dựng kế hoạch khắc phục, gửi về Thanh tra trước thời hạn.",
]
PLACES = ["Hòa An", "Hòa Bình", "Tân Phú", "Phú Thạnh", "An Nhơn", "Sơn Thành", "Xuân Lộc",
          "Đồng Xuân", "Tuy An", "Sông Cầu", "Đức Bình", "Ea Bar", "Sơn Hòa", "Hòa Xuân"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Đặng", "Bùi", "Đỗ"]
GIVEN = ["Văn An", "Thị Bình", "Minh Châu", "Văn Dũng", "Thị Hà", "Quốc Hùng", "Thị Lan",
         "Văn Nam", "Thanh Tâm", "Hữu Phước", "Thị Thu", "Văn Vinh"]
DEADLINE_DAYS = (15, 30, 45, 60, 90)


def _days(n):
    """The date n days from TODAY (negative: before it)."""
    return TODAY + dt.timedelta(days=n)


def _moment(day, rng):
    """A stored UTC moment during office hours of the local date day."""
    from inspect_app import clock

    return clock.start_of_day_utc(day) + dt.timedelta(hours=rng.randint(1, 9),
                                                      minutes=rng.randint(0, 59))


def _name(rng):
    """A Vietnamese full name."""
    return f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"


class Loader:
    """Buffers rows per model and writes them in chunks, parents before children."""

    def __init__(self):
        self.buffers, self.counts, self.next_ids = {}, {}, {}

    def new_id(self, model):
        """The next id of model (rows are numbered here, from 1)."""
        self.next_ids[model] = self.next_ids.get(model, 0) + 1
        return self.next_ids[model]

    def add(self, model, row):
        """Queue a row of model (written by the next flush)."""
        self.buffers.setdefault(model, []).append(row)

    def maybe_flush(self):
        """Write the queued rows once they make a chunk: call it between whole objects."""
        if sum(len(rows) for rows in self.buffers.values()) >= CHUNK:
            self.flush()

    def flush(self):
        """Write every queued row in one transaction, models in the order first queued."""
        from peewee import chunked

        from inspect_app.db import db

        with db.atomic():
            for model, rows in self.buffers.items():
                # SQLite allows 32,766 parameters per statement.
                for batch in chunked(rows, max(1, 30000 // len(rows[0]))) if rows else ():
                    model.insert_many(batch).execute()
                self.counts[model.__name__] = self.counts.get(model.__name__, 0) + len(rows)
                self.buffers[model] = []


def _organisation(loader, rng, size):
    """Units, users and plans; returns (unit ids, head ids by unit, inspector ids)."""
    from inspect_app.models import Plan, Unit, UnitKind, User

    kinds = {k.code: k.id for k in UnitKind.select()}
    commune_kinds = [kinds[c] for c in ("xa", "phuong", "thi_tran") if c in kinds]
    office_kind = kinds.get("phong_ban", commune_kinds[0])
    units = []
    for n in range(1, size["units"] + 1):
        unit_id = loader.new_id(Unit)
        office = n % 10 == 0
        place = f"{PLACES[n % len(PLACES)]} {n:03d}"
        loader.add(Unit, {"id": unit_id, "code": f"DV-{n:04d}",
                          "name": f"{'Phòng' if office else 'Xã'} {place}",
                          "kind": office_kind if office else rng.choice(commune_kinds),
                          "email": f"dv{n:04d}@tinh.example.vn"})
        units.append(unit_id)
    loader.flush()
    staff = [("admin", "admin"), (LEADER, "leader")]
    staff += [(f"lanhdao{n:02d}", "leader") for n in range(1, max(2, size["users"] // 200))]
    staff += [(INSPECTOR, "inspector")]
    staff += [(f"thanhtra{n:03d}", "inspector") for n in range(1, max(2, size["users"] // 20))]
    inspectors, heads = [], {}
    for username, role in staff:
        user_id = loader.new_id(User)
        loader.add(User, {"id": user_id, "username": username, "full_name": _name(rng),
                          "email": f"{username}@tinh.example.vn",
                          "password_hash": PASSWORD_HASH, "role": role, "unit": None})
        if role == "inspector":
            inspectors.append(user_id)
    for n in range(size["users"] - len(staff)):
        user_id, unit = loader.new_id(User), units[n % len(units)]
        loader.add(User, {"id": user_id, "username": f"truong{n + 1:04d}",
                          "full_name": _name(rng), "email": f"truong{n + 1:04d}@tinh.example.vn",
                          "password_hash": PASSWORD_HASH, "role": "unit_head", "unit": unit})
        heads.setdefault(unit, []).append(user_id)
    for year in range(FIRST_YEAR, TODAY.year + 1):
        loader.add(Plan, {"id": loader.new_id(Plan), "year": year,
                          "title": f"Kế hoạch kiểm tra công tác cải cách hành chính năm {year}",
                          "decision_no": f"{year - 2000}/QĐ-UBND",
                          "decision_date": dt.date(year - 1, 12, 20), "status": "approved"})
    loader.flush()
    return units, heads, inspectors


def _inspection_status(start):
    """An inspection's state from its start date."""
    if start > _days(0):
        return "planned"
    if start > _days(-20):
        return "in_progress"
    return "closed" if start < _days(-730) else "concluded"


def _inspection(loader, rng, n, units, inspectors):
    """One inspection row (queued); returns it."""
    from inspect_app.models import Inspection

    first = dt.date(FIRST_YEAR, 1, 5)
    span = (_days(30) - first).days
    start = first + dt.timedelta(days=span * n // loader.total_inspections + rng.randint(0, 3))
    status = _inspection_status(start)
    concluded = status in ("concluded", "closed")
    row = {"id": loader.new_id(Inspection), "plan": start.year - FIRST_YEAR + 1,
           "unit": rng.choice(units), "title": f"Kiểm tra công tác cải cách hành chính, "
           f"kỷ luật kỷ cương hành chính số {n + 1}", "start_date": start,
           "end_date": start + dt.timedelta(days=2), "lead": rng.choice(inspectors),
           "decision_no": f"{n + 1}/QĐ-TTr", "decision_date": start - dt.timedelta(days=10),
           "status": status, "topics": "Cải cách hành chính; thủ tục hành chính",
           "created_at": _moment(start - dt.timedelta(days=10), rng),
           "conclusion_no": "", "conclusion_date": None, "conclusion_summary": ""}
    if concluded:
        row.update(conclusion_no=f"{n + 1}/KL-TTr",
                   conclusion_date=start + dt.timedelta(days=rng.randint(7, 20)),
                   conclusion_summary="Đơn vị cơ bản thực hiện tốt; còn một số tồn tại.")
    loader.add(Inspection, row)
    return row


def _state(rng, issued):
    """A finding's state from the age of its conclusion: most old findings are resolved."""
    age = (TODAY - issued).days
    if age > 365:
        weights = (0, 2, 1, 1, 92, 4)
    elif age > 90:
        weights = (0, 18, 8, 4, 64, 6)
    else:
        weights = (0, 55, 15, 5, 20, 5)
    return rng.choices(("draft", "open", "submitted", "changes_requested", "resolved",
                        "cancelled"), weights)[0]


class History:
    """The reports, reviews, extensions and audit events of one finding, as they happened."""

    def __init__(self, loader, rng, finding, head, reviewer):
        self.loader, self.rng, self.finding = loader, rng, finding
        self.head, self.reviewer = head, reviewer

    def event(self, day, actor, action, changes):
        """Queue one audit event on the finding."""
        from inspect_app.models import AuditEvent

        self.loader.add(AuditEvent, {"id": self.loader.new_id(AuditEvent),
                                     "at": _moment(day, self.rng), "actor": actor,
                                     "action": action, "entity": "finding",
                                     "entity_id": self.finding["id"],
                                     "changes": json.dumps(changes)})

    def report(self, sent, review, reviewed):
        """A remediation report sent on sent, reviewed (or not) on reviewed."""
        from inspect_app.models import Response

        response_id = self.loader.new_id(Response)
        self.loader.add(Response, {
            "id": response_id, "finding": self.finding["id"], "author": self.head,
            "body": "Đơn vị đã khắc phục, gửi kèm hồ sơ chứng minh.",
            "submitted_at": _moment(sent, self.rng), "submitted_on": sent, "review": review,
            "reviewer": self.reviewer if reviewed else None,
            "reviewed_at": _moment(reviewed, self.rng) if reviewed else None,
            "review_note": "Chưa đủ hồ sơ chứng minh." if review == "changes_requested" else ""})
        self.event(sent, self.head, "submit_report",
                   {"response": response_id, "status": ["open", "submitted"]})
        if reviewed:
            action = "accept_report" if review == "accepted" else "request_changes"
            after = "resolved" if review == "accepted" else "changes_requested"
            self.event(reviewed, self.reviewer, action,
                       {"response": response_id, "status": ["submitted", after]})

    def extension(self, day, status):
        """An extension request made on day, decided (status) a few days later."""
        from inspect_app.models import ExtensionRequest

        finding = self.finding
        extension_id = self.loader.new_id(ExtensionRequest)
        later = finding["deadline"] + dt.timedelta(days=30)
        decided = day + dt.timedelta(days=3) if status != "pending" else None
        self.loader.add(ExtensionRequest, {
            "id": extension_id, "finding": finding["id"], "requested_by": self.head,
            "requested_deadline": later, "previous_deadline": finding["deadline"],
            "reason": "Cần thêm thời gian để hoàn thiện hồ sơ.", "status": status,
            "decided_by": self.reviewer if decided else None,
            "decided_at": _moment(decided, self.rng) if decided else None,
            "created_at": _moment(day, self.rng)})
        self.event(day, self.head, "request_extension", {"extension": extension_id})
        if status == "approved":
            finding["deadline"] = later
            self.event(decided, self.reviewer, "approve_extension",
                       {"extension": extension_id, "deadline": [str(finding["original_deadline"]),
                                                                str(later)]})
        elif status == "rejected":
            self.event(decided, self.reviewer, "reject_extension", {"extension": extension_id})


def _history(history, state, issued, long_timeline):
    """Write the finding's history leading to state; sets its resolution fields."""
    rng, finding = history.rng, history.finding
    history.event(issued, history.reviewer, "issue", {"status": ["draft", "open"]})
    if rng.random() < 0.12:
        day = min(finding["deadline"] - dt.timedelta(days=5), _days(-1))
        history.extension(max(day, issued), rng.choice(("approved", "approved", "rejected")))
    last_day = min(finding["deadline"] + dt.timedelta(days=40), _days(-1))
    rounds = 24 if long_timeline else (1 if rng.random() < 0.75 else 2)
    if state in ("open", "cancelled"):
        rounds = 0
    sent = issued
    for n in range(rounds):
        sent = min(sent + dt.timedelta(days=rng.randint(1, 10)), last_day)
        final = n == rounds - 1
        if final and state == "submitted":
            history.report(sent, "pending", None)
        elif final and state == "resolved":
            reviewed = min(sent + dt.timedelta(days=rng.randint(0, 5)), _days(-1))
            history.report(sent, "accepted", reviewed)
            finding.update(resolved_at=_moment(reviewed, rng), resolved_by=history.reviewer,
                           resolved_on_time=sent <= finding["deadline"])
        else:
            reviewed = min(sent + dt.timedelta(days=rng.randint(0, 5)), _days(-1))
            history.report(sent, "changes_requested", reviewed)
            sent = reviewed
    if state == "open" and rng.random() < 0.1:
        history.extension(min(finding["deadline"] - dt.timedelta(days=3), _days(-1)), "pending")
    if state == "cancelled":
        history.event(min(issued + dt.timedelta(days=10), _days(-1)), history.reviewer,
                      "cancel", {"reason": "Trùng với kết luận khác.",
                                 "status": ["open", "cancelled"]})


def _finding(loader, rng, inspection, ordinal, categories, heads, long_timeline):
    """One finding of inspection with its whole history (queued)."""
    from inspect_app.models import Finding
    from inspect_app.text import fold

    issued = inspection.get("conclusion_date")
    state = _state(rng, issued) if issued else "draft"
    if long_timeline:
        state = "resolved"
    title = rng.choice(TITLES)
    days = rng.choice(DEADLINE_DAYS)
    deadline = issued + dt.timedelta(days=days) if issued else None
    code = f"KL-{inspection['conclusion_no'] or inspection['decision_no']}-{ordinal}"
    official = _name(rng) if rng.random() < 0.2 else ""
    recommendation = rng.choice(RECOMMENDATIONS)
    description = f"Qua kiểm tra thực tế: {title.lower()}."
    finding = {"id": loader.new_id(Finding), "inspection": inspection["id"],
               "responsible_unit": inspection["unit"], "category": rng.choice(categories),
               "severity": rng.choice(("low", "medium", "medium", "high")), "title": title,
               "description": description, "recommendation": recommendation,
               "official_name": official, "deadline_days": days, "deadline": deadline,
               "original_deadline": deadline, "ordinal": ordinal, "code": code,
               "status": state, "created_by": inspection["lead"], "resolved_at": None,
               "resolved_by": None, "resolved_on_time": None,
               "created_at": _moment(inspection["start_date"], rng),
               "search_text": fold(" ".join(p for p in (code, title, description,
                                                         recommendation, official) if p))}
    loader.add(Finding, finding)
    if issued:
        head = rng.choice(heads.get(inspection["unit"]) or [inspection["lead"]])
        _history(History(loader, rng, finding, head, inspection["lead"]), state, issued,
                 long_timeline)


def _cases(loader, rng, size, units, leader):
    """Discipline cases across their states, with measures for the decided ones."""
    from inspect_app.models import DisciplineCase, DisciplineMeasure

    measures = {}
    for measure in DisciplineMeasure.select():
        measures.setdefault(measure.person_type, []).append(measure.id)
    for n in range(size["cases"]):
        opened = _days(-rng.randint(1, 3650) if rng.random() < 0.8 else -rng.randint(1, 160))
        recent = (TODAY - opened).days < 150
        status = (rng.choices(("open", "decided", "dismissed", "deferred"), (60, 25, 10, 5))[0]
                  if recent else rng.choices(("decided", "dismissed"), (85, 15))[0])
        person_type = rng.choice(("can_bo", "cong_chuc", "vien_chuc"))
        deadline = opened + dt.timedelta(days=90)
        outcome = min(opened + dt.timedelta(days=rng.randint(10, 85)), _days(-1))
        decided = status == "decided"
        name = _name(rng)
        loader.add(DisciplineCase, {
            "id": loader.new_id(DisciplineCase), "official_name": name,
            "official_position": "Công chức văn phòng - thống kê", "person_type": person_type,
            "unit": rng.choice(units), "violation": "Vi phạm quy định về thời gian làm việc.",
            "opened_on": opened, "deadline": deadline, "original_deadline": deadline,
            "status": status, "measure": rng.choice(measures[person_type]) if decided else None,
            "decision_no": f"{n + 1}/QĐ-KL" if decided else "",
            "decision_date": outcome if decided else None,
            "issuing_authority": "Chủ tịch UBND tỉnh" if decided else "",
            "deferral_ground": "illness" if status == "deferred" else "",
            "outcome_on": outcome if status != "open" else None,
            "search_text": name.lower(), "created_by": leader,
            "created_at": _moment(opened, rng), "updated_at": _moment(opened, rng)})
    loader.flush()


# The CCHC index round: a set of 10 fields, 4 criteria each, 4 sub-criteria each (210
# nodes), every unit's sheet scored by itself and fixed by the appraisal.
INDEX_FIELDS, INDEX_CRITERIA, INDEX_SUBS = 10, 4, 4


def _index_set(loader, rng, admin, kinds):
    """A published criteria set of 7-point fields; returns its leaves' (id, max points)."""
    from decimal import Decimal

    from inspect_app.models import CriteriaNode, CriteriaSet, CriteriaSetKind

    set_id = loader.new_id(CriteriaSet)
    loader.add(CriteriaSet, {"id": set_id, "name": "Bộ Chỉ số CCHC cấp xã", "first_year":
                             TODAY.year, "last_year": TODAY.year, "step": Decimal("0.25"),
                             "status": "published", "created_by": admin,
                             "created_at": _moment(_days(-300), rng),
                             "published_at": _moment(_days(-300), rng)})
    for kind in kinds:
        loader.add(CriteriaSetKind, {"id": loader.new_id(CriteriaSetKind),
                                     "criteria_set": set_id, "kind": kind})
    leaves, position = [], 0

    def node(parent, depth, code, points):
        nonlocal position
        position += 1
        node_id = loader.new_id(CriteriaNode)
        loader.add(CriteriaNode, {"id": node_id, "criteria_set": set_id, "parent": parent,
                                  "position": position, "depth": depth, "code": code,
                                  "content": f"Tiêu chí {code}", "kind": "regular",
                                  "max_points": points, "scoring": "range", "levels": "",
                                  "guidance": "", "evidence": "Văn bản, báo cáo",
                                  "applies_to": "", "na_allowed": depth == 2})
        return node_id

    for f in range(1, INDEX_FIELDS + 1):
        field = node(None, 0, str(f), Decimal(7))
        for c in range(1, INDEX_CRITERIA + 1):
            criterion = node(field, 1, f"{f}.{c}", Decimal("1.75"))
            for sub in range(1, INDEX_SUBS + 1):
                points = Decimal("0.5") if sub < INDEX_SUBS else Decimal("0.25")
                leaves.append((node(criterion, 2, f"{f}.{c}.{sub}", points), points))
    loader.flush()
    return set_id, leaves


def _index_round(loader, rng, units, inspectors):
    """A round of every unit on the index set, each sheet final: self and appraisal scores."""
    from decimal import Decimal

    from inspect_app.models import (
        AssessmentRound,
        AssessmentRoundMember,
        NodeScore,
        UnitAssessment,
        UnitKind,
        User,
    )

    admin = User.get(User.username == "admin").id
    set_id, leaves = _index_set(loader, rng, admin, [k.id for k in UnitKind.select()])
    moment = _moment(_days(-20), rng)
    round_id = loader.new_id(AssessmentRound)
    loader.add(AssessmentRound, {
        "id": round_id, "name": f"Đánh giá Chỉ số CCHC năm {TODAY.year}", "year": TODAY.year,
        "criteria_set": set_id, "survey_share": Decimal(30), "self_deadline": _days(-40),
        "bands": json.dumps([["Xuất sắc", "90"], ["Tốt", "80"], ["Khá", "70"],
                             ["Trung bình", "50"], ["Yếu", "0"]], ensure_ascii=False),
        "status": "open", "created_by": admin, "created_at": moment, "opened_at": moment})
    for inspector in inspectors[:3]:
        loader.add(AssessmentRoundMember, {"id": loader.new_id(AssessmentRoundMember),
                                           "assessment_round": round_id, "user": inspector})
    for unit in units:
        sheet_id = loader.new_id(UnitAssessment)
        loader.add(UnitAssessment, {
            "id": sheet_id, "assessment_round": round_id, "unit": unit, "status": "final",
            "submitted_at": moment, "submitted_on": _days(-41), "submitted_late": False,
            "first_appraised_at": moment, "final_at": moment, "updated_at": moment,
            "survey_points": Decimal(rng.randint(40, 60)) / 2})
        for node_id, points in leaves:
            own = points if rng.random() < 0.9 else points - Decimal("0.25")
            loader.add(NodeScore, {
                "id": loader.new_id(NodeScore), "assessment": sheet_id, "node": node_id,
                "self_points": own, "self_note": "Có văn bản kèm theo",
                "first_points": own if rng.random() < 0.85 else Decimal(0),
                "first_note": "", "explanation": "", "second_note": ""})
        loader.maybe_flush()
    loader.flush()
    return round_id


def generate(size_name):
    """Fill the current app's (empty, migrated) database; returns the row counts."""
    from inspect_app.models import Category, User

    size = SIZES[size_name]
    rng = random.Random(SEED)
    loader = Loader()
    loader.total_inspections = size["inspections"]
    units, heads, inspectors = _organisation(loader, rng, size)
    categories = [c.id for c in Category.select(Category.id).order_by(Category.id)]
    long_every = size["inspections"] // size["long_timelines"]
    for n in range(size["inspections"]):
        inspection = _inspection(loader, rng, n, units, inspectors)
        if inspection["status"] == "planned":
            continue
        for ordinal in range(1, size["findings_per"] + 1):
            long_timeline = (inspection.get("conclusion_date") is not None
                             and n % long_every == 0 and ordinal == 1)
            _finding(loader, rng, inspection, ordinal, categories, heads, long_timeline)
            loader.maybe_flush()
    loader.flush()
    _cases(loader, rng, size, units, User.get(User.username == LEADER).id)
    _index_round(loader, rng, units, inspectors)
    return loader.counts


def app_for(database_url, instance):
    """The application on a benchmark database."""
    from inspect_app import create_app

    return create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "bench",
                       "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False})


def sqlite_path(size_name):
    """The cached SQLite file of a size."""
    return ROOT / "build" / f"bench-{size_name}.sqlite"


def build(size_name, database_url=None):
    """Migrate and fill a database (the cached SQLite file unless database_url); timed."""
    from inspect_app import schema
    from inspect_app.db import db

    if database_url is None:
        path = sqlite_path(size_name)
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
        database_url = f"sqlite:///{path}"
    app = app_for(database_url, ROOT / "build" / "bench-instance")
    started = time.perf_counter()
    with app.app_context():
        db.connect(reuse_if_open=True)
        schema.upgrade()
        counts = generate(size_name)
        if database_url.startswith("sqlite"):
            db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            _reset_sequences()
        db.execute_sql("ANALYZE")
        db.close()
    return counts, time.perf_counter() - started


def _reset_sequences():
    """PostgreSQL: move each id sequence past the ids given here."""
    from peewee import AutoField

    from inspect_app.db import db
    from inspect_app.models import ALL_MODELS

    for model in ALL_MODELS:
        if not isinstance(model._meta.primary_key, AutoField):
            continue  # keyed by a name or another table's id: no sequence
        table = model._meta.table_name
        db.execute_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                       f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)")


def build_postgres(size_name):
    """Load the size into a throwaway PostgreSQL server (tests/pg.py), timed, then stop it."""
    from tests.pg import start_cluster

    cluster = start_cluster()
    try:
        return build(size_name, cluster.url)
    finally:
        cluster.stop()


def main():
    """Generate the data of --size into the cached SQLite file (or DATABASE_URL)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--postgres", action="store_true",
                        help="load into a throwaway PostgreSQL server instead (timing only)")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL")
    if args.postgres:
        counts, seconds = build_postgres(args.size)
    else:
        counts, seconds = build(args.size, url)
    postgres = args.postgres or (url or "").startswith("postgres")
    print(json.dumps({"size": args.size, "database": "postgresql" if postgres else "sqlite",
                      "seconds": round(seconds, 1), "rows": counts}))


if __name__ == "__main__":
    main()
