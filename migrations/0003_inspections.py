"""Plans, inspections, categories (seeded), findings, reports, extensions, files, outbox."""
from peewee import (
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

CATEGORIES = [
    ("TTHC-NIEMYET", "TTHC", "Thủ tục hành chính không niêm yết, niêm yết không đầy đủ hoặc không cập nhật", "medium"),
    ("TTHC-TREHAN", "TTHC", "Hồ sơ thủ tục hành chính giải quyết trễ hạn", "high"),
    ("TTHC-XINLOI", "TTHC", "Không có văn bản xin lỗi khi hồ sơ trễ hạn", "medium"),
    ("TTHC-MOTCUA", "TTHC", "Bộ phận một cửa chưa đúng quy định (thẻ, biển tên, quy trình)", "medium"),
    ("DVC-TRUCTUYEN", "Chính quyền số", "Tỷ lệ sử dụng dịch vụ công trực tuyến thấp", "medium"),
    ("SOHOA", "Chính quyền số", "Hồ sơ, kết quả giải quyết chưa được số hóa", "medium"),
    ("VANBAN-DIENTU", "Chính quyền số", "Chưa sử dụng hệ thống văn bản điện tử, chữ ký số", "low"),
    ("KYLUAT-GIOGIAC", "Kỷ luật, kỷ cương", "Giờ giấc làm việc: đi muộn, về sớm, vắng không lý do", "high"),
    ("KYLUAT-CONGVU", "Kỷ luật, kỷ cương", "Văn hóa công vụ, sử dụng tài sản công sai mục đích", "high"),
    ("TOCHUC-BOMAY", "Tổ chức bộ máy", "Tổ chức bộ máy, vị trí việc làm", "medium"),
    ("HOSO-LUUTRU", "Chỉ đạo, điều hành", "Hồ sơ công việc, lưu trữ chưa đầy đủ", "low"),
    ("CHIDAO-DIEUHANH", "Chỉ đạo, điều hành", "Kế hoạch, báo cáo, văn bản chỉ đạo chậm hoặc thiếu", "medium"),
]


def upgrade(database, migrator):
    """Create the inspection tables as they were at this migration, and seed categories."""

    class Base(Model):
        class Meta:
            legacy_table_names = False

    Base._meta.set_database(database)

    class Unit(Base):
        pass

    class User(Base):
        class Meta:
            table_name = "users"

    class Plan(Base):
        year = IntegerField(index=True)
        title = CharField(max_length=300)
        decision_no = CharField(max_length=64, default="")
        decision_date = DateField(null=True)
        status = CharField(max_length=16, default="draft")
        created_at = DateTimeField()

    class Inspection(Base):
        plan = ForeignKeyField(Plan, null=True)
        unit = ForeignKeyField(Unit)
        title = CharField(max_length=300)
        topics = TextField(default="")
        kind = CharField(max_length=16, default="scheduled")
        follow_up_of = ForeignKeyField("self", null=True)
        start_date = DateField(index=True)
        end_date = DateField()
        lead = ForeignKeyField(User, null=True)
        decision_no = CharField(max_length=64, default="")
        decision_date = DateField(null=True)
        status = CharField(max_length=16, default="planned", index=True)
        cancel_reason = TextField(default="")
        conclusion_no = CharField(max_length=64, default="")
        conclusion_date = DateField(null=True)
        conclusion_summary = TextField(default="")
        created_at = DateTimeField()

    class InspectionMember(Base):
        inspection = ForeignKeyField(Inspection, on_delete="CASCADE")
        user = ForeignKeyField(User)

        class Meta:
            indexes = ((("inspection", "user"), True),)

    class Category(Base):
        code = CharField(max_length=32, unique=True)
        name = CharField(max_length=200)
        area = CharField(max_length=64)
        default_severity = CharField(max_length=8, default="medium")
        active = BooleanField(default=True)

    class Finding(Base):
        inspection = ForeignKeyField(Inspection)
        responsible_unit = ForeignKeyField(Unit)
        category = ForeignKeyField(Category)
        severity = CharField(max_length=8, default="medium")
        title = CharField(max_length=300)
        description = TextField(default="")
        recommendation = TextField(default="")
        official_name = CharField(max_length=200, default="")
        official_position = CharField(max_length=200, default="")
        deadline_days = IntegerField(null=True)
        deadline = DateField(null=True, index=True)
        original_deadline = DateField(null=True)
        ordinal = IntegerField(null=True)
        code = CharField(max_length=100, default="")
        status = CharField(max_length=20, default="draft", index=True)
        cancel_reason = TextField(default="")
        resolved_at = DateTimeField(null=True)
        resolved_by = ForeignKeyField(User, null=True)
        resolved_on_time = BooleanField(null=True)
        search_text = TextField(default="")
        created_by = ForeignKeyField(User, null=True)
        created_at = DateTimeField()

        class Meta:
            indexes = ((("responsible_unit", "status"), False),)

    class Response(Base):
        finding = ForeignKeyField(Finding)
        author = ForeignKeyField(User)
        body = TextField()
        submitted_at = DateTimeField()
        submitted_on = DateField()
        review = CharField(max_length=20, default="pending", index=True)
        reviewer = ForeignKeyField(User, null=True)
        reviewed_at = DateTimeField(null=True)
        review_note = TextField(default="")

    class ExtensionRequest(Base):
        finding = ForeignKeyField(Finding)
        requested_by = ForeignKeyField(User)
        requested_deadline = DateField()
        previous_deadline = DateField()
        reason = TextField()
        status = CharField(max_length=16, default="pending", index=True)
        decided_by = ForeignKeyField(User, null=True)
        decided_at = DateTimeField(null=True)
        note = TextField(default="")
        created_at = DateTimeField()

    class Attachment(Base):
        inspection = ForeignKeyField(Inspection, null=True)
        finding = ForeignKeyField(Finding, null=True)
        response = ForeignKeyField(Response, null=True)
        original_name = CharField(max_length=255)
        stored_name = CharField(max_length=64, unique=True)
        content_type = CharField(max_length=100)
        size = BigIntegerField()
        sha256 = CharField(max_length=64)
        uploader = ForeignKeyField(User)
        uploaded_at = DateTimeField()

    class OutboxMessage(Base):
        dedupe_key = CharField(max_length=200, unique=True)
        recipients = TextField()
        subject = CharField(max_length=300)
        body_text = TextField()
        body_html = TextField(default="")
        attachments = TextField(default="[]")
        locale = CharField(max_length=8, default="vi")
        status = CharField(max_length=16, default="pending", index=True)
        attempts = IntegerField(default=0)
        next_attempt_at = DateTimeField(index=True)
        last_error = TextField(default="")
        message_id = CharField(max_length=200, default="")
        created_at = DateTimeField()
        sent_at = DateTimeField(null=True)

    database.create_tables([Plan, Inspection, InspectionMember, Category, Finding, Response,
                            ExtensionRequest, Attachment, OutboxMessage])
    Category.insert_many(
        [{"code": code, "area": area, "name": name, "default_severity": severity,
          "active": True} for code, area, name, severity in CATEGORIES]).execute()
