"""Seed the standard unit kinds (admin can edit them later)."""

UNIT_KINDS = [
    ("xa", "Xã"), ("phuong", "Phường"), ("thi_tran", "Thị trấn"), ("dac_khu", "Đặc khu"),
    ("phong_ban", "Phòng/Ban"), ("so_nganh", "Sở/Ngành"), ("dvsn", "Đơn vị sự nghiệp"),
]


def upgrade(database, migrator):
    """Insert the unit kinds that are not there yet."""
    for code, label in UNIT_KINDS:
        database.execute_sql(
            "INSERT INTO unit_kind (code, label, active) "
            "SELECT %s, %s, %s WHERE NOT EXISTS (SELECT 1 FROM unit_kind WHERE code = %s)"
            .replace("%s", database.param), (code, label, True, code))
