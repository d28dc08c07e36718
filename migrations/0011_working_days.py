"""Working days: the admin's calendar table, how each deadline is counted, calendar feeds.

- work_calendar_day holds the days off and make-up working days that the government's
  notices add to the public holidays of the `holidays` package. It is seeded with those of
  2024 to 2026 that the package (0.108) does not already know: every other day off and
  swap of those years it gives itself (tests/test_workdays.py holds the whole table).
  The figure cache follows it: the days overdue shown in the monthly summary count
  working days.
- Each deadline keeps its basis (unit, start, count) next to the date. Existing deadlines
  stay as they are: drafts keep the rule they were recorded with (a date, or calendar
  days from the conclusion), disciplinary cases their 90 days from the opening (or the
  date an extension gave), extension requests their date; issued findings have no basis
  and show no explanation.
- calendar_feed holds each user's private feed token, hashed.
"""
from peewee import (
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
)
from playhouse.migrate import migrate

RAISE_VERSION = "UPDATE data_version SET version = version + 1 WHERE id = 1"

# (day, kind, reason, notice): what the notices of 2024-2026 add to the package's days.
SEED = [
    ("2026-01-02", "day_off",
     "Hoán đổi ngày làm việc (làm bù thứ Bảy 10/01/2026)",
     "Công văn 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ"),
    ("2026-01-10", "working_day",
     "Làm bù cho thứ Sáu 02/01/2026 (Tết Dương lịch)",
     "Công văn 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ"),
]


def _tables(database):
    """The tables this migration creates, as they were here."""

    class Base(Model):
        class Meta:
            legacy_table_names = False

    Base._meta.set_database(database)

    class User(Base):
        class Meta:
            table_name = "users"

    class WorkCalendarDay(Base):
        day = DateField(unique=True)
        kind = CharField(max_length=16)
        reason = CharField(max_length=300)
        notice = CharField(max_length=300, default="")

    class CalendarFeed(Base):
        user = ForeignKeyField(User, unique=True, on_delete="CASCADE")
        token_hash = CharField(max_length=64, unique=True)
        created_at = DateTimeField()

    return WorkCalendarDay, CalendarFeed


def _add_basis_columns(database, migrator):
    """The basis of each kind of deadline, next to its date."""
    # A NOT NULL column with a default, added in place: peewee's SQLite migrator would copy
    # the table, which its foreign keys forbid.
    for table, column in (("finding", "deadline_unit"), ("extension_request", "requested_unit"),
                          ("discipline_case", "deadline_unit")):
        database.execute_sql(f"ALTER TABLE {table} ADD COLUMN {column} VARCHAR(16) NOT NULL "
                             "DEFAULT ''")
    migrate(migrator.add_column("finding", "deadline_from", DateField(null=True)),
            migrator.add_column("extension_request", "requested_from", DateField(null=True)),
            migrator.add_column("extension_request", "requested_days", IntegerField(null=True)),
            migrator.add_column("discipline_case", "deadline_from", DateField(null=True)),
            migrator.add_column("discipline_case", "deadline_days", IntegerField(null=True)))


def _fill_existing_bases(database):
    """The basis of the deadlines whose rule is known (see the module's docstring)."""
    for sql in (
            "UPDATE finding SET deadline_unit = 'calendar_days' "
            "WHERE status = 'draft' AND deadline_days IS NOT NULL",
            "UPDATE finding SET deadline_unit = 'date', deadline_from = deadline "
            "WHERE status = 'draft' AND deadline_days IS NULL AND deadline IS NOT NULL",
            "UPDATE extension_request SET requested_unit = 'date', "
            "requested_from = requested_deadline",
            "UPDATE discipline_case SET deadline_unit = 'calendar_days', "
            "deadline_from = opened_on, deadline_days = 90 WHERE extension_reason = ''",
            "UPDATE discipline_case SET deadline_unit = 'date', deadline_from = deadline "
            "WHERE extension_reason <> ''"):
        database.execute_sql(sql)


def _track(database):
    """Raise the data version on every change to the calendar table (as migration 0007)."""
    if isinstance(database, SqliteDatabase):
        for event in ("insert", "update", "delete"):
            database.execute_sql(
                f"CREATE TRIGGER work_calendar_day_{event}_data_version AFTER {event.upper()} "
                f"ON work_calendar_day BEGIN {RAISE_VERSION}; END")
        return
    database.execute_sql("CREATE TRIGGER work_calendar_day_data_version BEFORE INSERT OR "
                         "UPDATE OR DELETE OR TRUNCATE ON work_calendar_day FOR EACH STATEMENT "
                         "EXECUTE FUNCTION raise_data_version()")


def upgrade(database, migrator):
    """Create the tables, add and fill the deadline bases, seed the calendar, track it."""
    work_calendar_day, calendar_feed = _tables(database)
    database.create_tables([work_calendar_day, calendar_feed])
    _add_basis_columns(database, migrator)
    _fill_existing_bases(database)
    _track(database)
    work_calendar_day.insert_many(
        [{"day": day, "kind": kind, "reason": reason, "notice": notice}
         for day, kind, reason, notice in SEED]).execute()
