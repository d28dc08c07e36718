"""Discipline: measures (seeded by legal basis and validity), cases and their findings."""
import datetime as dt

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

DECREE_112 = "Nghị định 112/2020/NĐ-CP (sửa đổi bởi Nghị định 71/2023/NĐ-CP)"
DECREE_172 = "Nghị định 172/2025/NĐ-CP"
# Decree 172/2025 replaces Decree 112/2020 for cán bộ and công chức from 1 July 2025.
END_112 = dt.date(2025, 6, 30)
START_172 = dt.date(2025, 7, 1)

LEADERS_ONLY = "Chỉ áp dụng với công chức giữ chức vụ lãnh đạo, quản lý"
MANAGERS_ONLY = "Chỉ áp dụng với viên chức quản lý"

# (code, name, sort order) of each measure.
KHIEN_TRACH = ("khien_trach", "Khiển trách", 10)
CANH_CAO = ("canh_cao", "Cảnh cáo", 20)
HA_BAC_LUONG = ("ha_bac_luong", "Hạ bậc lương", 30)
GIANG_CHUC = ("giang_chuc", "Giáng chức", 40)
CACH_CHUC = ("cach_chuc", "Cách chức", 50)
BAI_NHIEM = ("bai_nhiem", "Bãi nhiệm", 60)
BUOC_THOI_VIEC = ("buoc_thoi_viec", "Buộc thôi việc", 70)

# (person type, legal basis, valid from, valid to, [(measure, note)]) from DOMAIN.md.
MEASURES = [
    ("can_bo", DECREE_112, None, END_112,
     [(KHIEN_TRACH, ""), (CANH_CAO, ""), (CACH_CHUC, ""), (BAI_NHIEM, "")]),
    ("cong_chuc", DECREE_112, None, END_112,
     [(KHIEN_TRACH, ""), (CANH_CAO, ""), (HA_BAC_LUONG, ""), (GIANG_CHUC, LEADERS_ONLY),
      (CACH_CHUC, LEADERS_ONLY), (BUOC_THOI_VIEC, "")]),
    ("vien_chuc", DECREE_112, None, None,
     [(KHIEN_TRACH, ""), (CANH_CAO, ""), (CACH_CHUC, MANAGERS_ONLY), (BUOC_THOI_VIEC, "")]),
    ("can_bo", DECREE_172, START_172, None,
     [(KHIEN_TRACH, ""), (CANH_CAO, ""), (CACH_CHUC, ""), (BAI_NHIEM, "")]),
    ("cong_chuc", DECREE_172, START_172, None,
     [(KHIEN_TRACH, ""), (CANH_CAO, ""), (CACH_CHUC, LEADERS_ONLY), (BUOC_THOI_VIEC, "")]),
]


def seed_rows():
    """The measure rows to insert, one per measure, person type and legal basis."""
    return [{"code": code, "name": name, "person_type": person_type,
             "legal_basis": basis, "valid_from": valid_from, "valid_to": valid_to,
             "note": note, "sort_order": order, "active": True}
            for person_type, basis, valid_from, valid_to, measures in MEASURES
            for (code, name, order), note in measures]


def upgrade(database, migrator):
    """Create the discipline tables as they were at this migration, and seed the measures."""

    class Base(Model):
        class Meta:
            legacy_table_names = False

    Base._meta.set_database(database)

    class Unit(Base):
        pass

    class User(Base):
        class Meta:
            table_name = "users"

    class Finding(Base):
        pass

    class DisciplineMeasure(Base):
        code = CharField(max_length=32)
        name = CharField(max_length=100)
        person_type = CharField(max_length=16)
        legal_basis = CharField(max_length=200)
        valid_from = DateField(null=True)
        valid_to = DateField(null=True)
        note = TextField(default="")
        sort_order = IntegerField(default=0)
        active = BooleanField(default=True)

        class Meta:
            indexes = ((("code", "person_type", "legal_basis"), True),)

    class DisciplineCase(Base):
        official_name = CharField(max_length=200)
        official_position = CharField(max_length=200, default="")
        person_type = CharField(max_length=16)
        unit = ForeignKeyField(Unit)
        violation = TextField()
        opened_on = DateField(index=True)
        deadline = DateField(index=True)
        original_deadline = DateField()
        extension_reason = TextField(default="")
        paused_days = IntegerField(default=0)
        status = CharField(max_length=16, default="open", index=True)
        measure = ForeignKeyField(DisciplineMeasure, null=True)
        decision_no = CharField(max_length=64, default="")
        decision_date = DateField(null=True)
        issuing_authority = CharField(max_length=200, default="")
        outcome_reason = TextField(default="")
        deferral_ground = CharField(max_length=32, default="")
        outcome_on = DateField(null=True)
        search_text = TextField(default="")
        created_by = ForeignKeyField(User, null=True)
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            indexes = ((("unit", "status"), False),)

    class DisciplineCaseFinding(Base):
        case = ForeignKeyField(DisciplineCase, on_delete="CASCADE")
        finding = ForeignKeyField(Finding)

        class Meta:
            indexes = ((("case", "finding"), True),)

    database.create_tables([DisciplineMeasure, DisciplineCase, DisciplineCaseFinding])
    DisciplineMeasure.insert_many(seed_rows()).execute()
