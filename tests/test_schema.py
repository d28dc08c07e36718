"""The migrations build exactly the schema the models describe, once."""
import datetime as dt

import pytest
from peewee import IntegrityError, SqliteDatabase, Table

from inspect_app import cache, schema
from inspect_app.db import db
from inspect_app.models import (
    ALL_MODELS,
    AuditEvent,
    AuthorityVersion,
    Category,
    DisciplineCase,
    DisciplineDeferral,
    ExtensionRequest,
    Finding,
    Inspection,
    Setting,
    Unit,
    UnitKind,
    User,
)
from tests.factories import make_case

IGNORED_TABLES = {"schema_migration"}
# The findings' search index (migration 0023) belongs to no model: an FTS5 table and its
# shadow tables on SQLite, a pg_trgm index on PostgreSQL.
SEARCH_INDEX_TABLES = "finding_search"
SEARCH_INDEXES = {"finding_search_text_trgm"}


def partial_condition(index_sql):
    """The WHERE condition of a partial index's definition ("" for a whole-table index)."""
    return (index_sql or "").partition(" WHERE ")[2].strip()


def describe(database):
    """Tables of a peewee database (SQLite or PostgreSQL): columns, indexes, foreign keys."""
    with database.connection_context():
        described = {}
        for table in database.get_tables():
            if (table in IGNORED_TABLES or table.startswith("sqlite_")
                    or table.startswith(SEARCH_INDEX_TABLES)):
                continue
            described[table] = {
                "columns": {(c.name, c.data_type.upper(), c.null, c.primary_key)
                            for c in database.get_columns(table)},
                "indexes": {(tuple(i.columns), i.unique, partial_condition(i.sql))
                            for i in database.get_indexes(table)
                            if i.name not in SEARCH_INDEXES},
                "foreign keys": {(fk.column, fk.dest_table, fk.dest_column)
                                 for fk in database.get_foreign_keys(table)},
            }
    return described


def differences(models, migrated):
    """Readable differences between the two descriptions (empty when they agree)."""
    found = []
    for table in sorted(set(models) - set(migrated)):
        found.append(f"table {table}: in the models, not created by the migrations")
    for table in sorted(set(migrated) - set(models)):
        found.append(f"table {table}: created by the migrations, not in the models")
    for table in sorted(set(models) & set(migrated)):
        for part in ("columns", "indexes", "foreign keys"):
            only_models = models[table][part] - migrated[table][part]
            only_migrated = migrated[table][part] - models[table][part]
            for item in sorted(only_models, key=repr):
                found.append(f"{table} {part}: models have {item}, migrations do not")
            for item in sorted(only_migrated, key=repr):
                found.append(f"{table} {part}: migrations have {item}, models do not")
    return found


def test_migrated_schema_matches_the_models(make_app):
    models_app = make_app("models.db")
    with models_app.app_context():
        db.connect(reuse_if_open=True)
        db.create_tables(ALL_MODELS)
        db.close()
    migrated_app = make_app("migrated.db")
    with migrated_app.app_context():
        db.connect(reuse_if_open=True)
        schema.upgrade()
        db.close()

    models = describe(models_app.extensions["database"])
    migrated = describe(migrated_app.extensions["database"])
    assert {m._meta.table_name for m in ALL_MODELS} <= set(models)
    problems = differences(models, migrated)
    assert not problems, "models and migrations differ:\n" + "\n".join(problems)


def test_schema_comparison_notices_a_difference(tmp_path):
    """The comparison itself is not blind: an extra column is reported."""
    for name, extra in (("a.db", ""), ("b.db", ", note TEXT")):
        database = SqliteDatabase(str(tmp_path / name))
        with database:
            database.execute_sql(f"CREATE TABLE t (id INTEGER PRIMARY KEY{extra})")
    problems = differences(describe(SqliteDatabase(str(tmp_path / "a.db"))),
                           describe(SqliteDatabase(str(tmp_path / "b.db"))))
    assert problems == ["t columns: migrations have ('note', 'TEXT', True, False), "
                        "models do not"]


def test_upgrade_applies_every_migration_once(make_app):
    app = make_app("fresh.db")
    names = [path.stem for path in schema.migration_files()]
    assert names[:2] == ["0001_initial", "0002_unit_kinds"]
    with app.app_context():
        db.connect(reuse_if_open=True)
        assert schema.upgrade() == names
        assert schema.upgrade() == []
        assert schema.pending_migrations() == []
        assert schema.applied_names() == set(names)
        assert UnitKind.select().count() == 7
        db.close()


def test_db_upgrade_command_prints_the_applied_migrations(make_app):
    app = make_app("cli.db")
    runner = app.test_cli_runner()
    names = [path.stem for path in schema.migration_files()]

    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"Applied {len(names)} migration(s)" in result.output
    for name in names:
        assert name in result.output

    again = runner.invoke(args=["db", "upgrade"])
    assert again.exit_code == 0, again.output
    assert "Applied 0 migration(s); the schema is up to date." in again.output
    for name in names:
        assert name not in again.output


def apply_migrations_before(monkeypatch, number):
    """Apply the migrations numbered below number; the names of the others, in order.

    schema.upgrade() applies the others once monkeypatch.undo() has been called.
    """
    every = schema.migration_files()
    monkeypatch.setattr(schema, "migration_files",
                        lambda: [path for path in every if path.stem < number])
    schema.upgrade()
    return [path.stem for path in every if path.stem >= number]


def _unit_head_as_of_0007(unit):
    """A unit head written into the users table as migrations up to 0007 shaped it.

    The model has lost the per-account lock columns since 0009, so it cannot write them.
    """
    p = db.obj.param
    db.execute_sql("INSERT INTO users (username, full_name, email, password_hash, role, "
                   "unit_id, active, locale, failed_logins, session_version, "
                   "must_change_password, created_at) "
                   f"VALUES ('truongdonvi', 'Trưởng Đơn Vị', '', 'x', 'unit_head', {p}, {p}, "
                   f"'vi', 0, 1, {p}, {p})",
                   (unit.id, True, False, dt.datetime(2026, 1, 1)))
    return User.select(User.id).where(User.username == "truongdonvi").get()


# The columns migration 0011 added, by table: rows written before it cannot have them.
ADDED_IN_0011 = {"finding": {"deadline_unit", "deadline_from"},
                 "extension_request": {"requested_unit", "requested_from", "requested_days"},
                 "discipline_case": {"deadline_unit", "deadline_from", "deadline_days"}}


def _insert_before_0011(row):
    """Insert an unsaved model instance as its table stood before 0011; return it, saved."""
    return _insert_without(row, ADDED_IN_0011[row._meta.table_name])


def _insert_without(row, left_out):
    """Insert an unsaved model instance without the columns left_out; return it, saved."""
    model = type(row)
    values = {field.column_name: field.db_value(getattr(row, field.name))
              for field in model._meta.sorted_fields
              if field.name != "id" and field.column_name not in left_out}
    name = model._meta.table_name
    Table(name, columns=list(values)).insert(values).execute(db)
    row.id = db.execute_sql(f"SELECT MAX(id) FROM {name}").fetchone()[0]
    return row


def _unit_before_0014():
    """A commune written as the unit table stood before 0014 (no validity dates)."""
    return _insert_without(Unit(code=f"XA-{Unit.select().count() + 1}", name="Xã Trước 0014",
                                kind=UnitKind.get(UnitKind.code == "xa")),
                           {"valid_from", "valid_to", "sort_name"})


# The inspection's columns that migration 0019 added.
ADDED_IN_0019 = {"appraisal_status", "appraiser_id", "appraisal_requested_by_id",
                 "appraisal_round"}


def _inspection_before_0019(unit, status):
    """An inspection of unit written as the table stood before 0019 (no appraisal)."""
    return _insert_without(Inspection(unit=unit, title="Kiểm tra trước 0011",
                                      start_date=dt.date(2026, 1, 5),
                                      end_date=dt.date(2026, 1, 6), status=status),
                           ADDED_IN_0019)


def _finding_before_0011(unit, status="open", deadline=None, deadline_days=None):
    """A finding of unit (and its inspection) written as the tables stood before 0011."""
    inspection = _inspection_before_0019(unit, "in_progress" if status == "draft"
                                         else "concluded")
    finding = Finding(inspection=inspection, responsible_unit=unit, title="Tồn tại cũ",
                      category=Category.select(Category.id)
                      .where(Category.code == "TTHC-TREHAN").get(), status=status,
                      deadline=deadline, original_deadline=deadline, deadline_days=deadline_days)
    return _insert_before_0011(finding)


def test_one_pending_extension_migration_keeps_the_earliest_and_closes_the_others(
        make_app, monkeypatch):
    """Duplicates left by earlier bursts: the earliest stays pending, the later are rejected."""
    app = make_app("before-0008.db")
    with app.app_context():
        db.connect(reuse_if_open=True)
        later = apply_migrations_before(monkeypatch, "0008")
        unit = _unit_before_0014()
        head = _unit_head_as_of_0007(unit)
        burst_hit, other = _finding_before_0011(unit), _finding_before_0011(unit)
        deadline = dt.date(2030, 6, 30)

        def ask(finding, status="pending"):
            request = ExtensionRequest(finding=finding, requested_by=head, status=status,
                                       requested_deadline=deadline,
                                       previous_deadline=deadline, reason="Chờ kinh phí")
            return _insert_before_0011(request)

        approved, first, second, third, alone = (ask(burst_hit, "approved"), ask(burst_hit),
                                                 ask(burst_hit), ask(burst_hit), ask(other))
        monkeypatch.undo()
        assert schema.upgrade() == later

        def stored(request):
            return ExtensionRequest.get_by_id(request.id)

        assert [stored(r).status for r in (approved, first, second, third, alone)] == \
            ["approved", "pending", "rejected", "rejected", "pending"]
        assert stored(second).note and stored(second).decided_at is not None
        with pytest.raises(IntegrityError), db.atomic():
            ask(other)
        db.close()


def test_deferrals_migration_copies_the_audit_trails_deferrals_by_local_day(
        make_app, monkeypatch):
    """Deferrals recorded before 0013, of resumed cases too, become rows on their local day."""
    app = make_app("before-0013.db")
    with app.app_context():
        db.connect(reuse_if_open=True)
        later = apply_migrations_before(monkeypatch, "0013")
        resumed = make_case(unit=_unit_before_0014())
        deferred = make_case(unit=resumed.unit, status="deferred")

        def event(case, action, at, entity="discipline_case"):
            AuditEvent.create(at=at, action=action, entity=entity, entity_id=case.id)

        event(resumed, "defer", dt.datetime(2026, 10, 20, 3, 0))
        event(resumed, "resume", dt.datetime(2026, 10, 25, 3, 0))
        # 23:30 UTC on 31 October is 06:30 on 1 November in Hanoi.
        event(resumed, "defer", dt.datetime(2026, 10, 31, 23, 30))
        event(resumed, "resume", dt.datetime(2026, 11, 5, 3, 0))
        event(deferred, "defer", dt.datetime(2026, 11, 10, 3, 0))
        event(deferred, "defer", dt.datetime(2026, 11, 11, 3, 0), entity="finding")
        version = cache.data_version()
        monkeypatch.undo()
        assert schema.upgrade() == later

        assert sorted((row.case_id, row.deferred_on) for row in DisciplineDeferral.select()) \
            == [(resumed.id, dt.date(2026, 10, 20)), (resumed.id, dt.date(2026, 11, 1)),
                (deferred.id, dt.date(2026, 11, 10))]
        assert cache.data_version() > version
def _case_before_0011(unit, opened_on, deadline, extension_reason=""):
    """A disciplinary case written as the table stood before 0011."""
    return _insert_before_0011(DisciplineCase(
        official_name="Nguyễn Văn A", person_type="cong_chuc", unit=unit, violation="Vi phạm",
        opened_on=opened_on, deadline=deadline, extension_reason=extension_reason,
        original_deadline=opened_on + dt.timedelta(days=90)))


def test_working_days_migration_keeps_deadlines_and_records_the_known_rules(make_app,
                                                                            monkeypatch):
    """0011: drafts keep their rule, cases their 90 days, requests their date; issued
    findings get no basis; every deadline stays as it was."""
    app = make_app("before-0011.db")
    with app.app_context():
        db.connect(reuse_if_open=True)
        later = apply_migrations_before(monkeypatch, "0011")
        unit, opened = _unit_before_0014(), dt.date(2026, 1, 5)
        rows = {"draft in days": _finding_before_0011(unit, "draft", deadline_days=20),
                "draft on a date": _finding_before_0011(unit, "draft",
                                                        deadline=dt.date(2026, 2, 14)),
                "issued": _finding_before_0011(unit, "open", deadline=dt.date(2026, 2, 14),
                                               deadline_days=30),
                "case": _case_before_0011(unit, opened, opened + dt.timedelta(days=90)),
                "extended case": _case_before_0011(unit, opened, dt.date(2026, 5, 30),
                                                   "Vụ việc phức tạp")}
        monkeypatch.undo()
        assert schema.upgrade() == later

        def stored(name):
            row = type(rows[name]).get_by_id(rows[name].id)
            return row.deadline_unit, row.deadline_from, row.deadline_days, row.deadline

        assert stored("draft in days") == ("calendar_days", None, 20, None)
        assert stored("draft on a date") == ("date", dt.date(2026, 2, 14), None,
                                             dt.date(2026, 2, 14))
        assert stored("issued") == ("", None, 30, dt.date(2026, 2, 14))
        assert stored("case") == ("calendar_days", opened, 90, dt.date(2026, 4, 5))
        assert stored("extended case") == ("date", dt.date(2026, 5, 30), None,
                                           dt.date(2026, 5, 30))
        db.close()


def test_authority_migration_moves_the_names_into_the_first_version(make_app, monkeypatch):
    """0015: the authority's settings become the version from the beginning, signed by
    the team as every conclusion was; the other settings stay."""
    app = make_app("before-0015.db")
    with app.app_context():
        db.connect(reuse_if_open=True)
        later = apply_migrations_before(monkeypatch, "0015")
        for key, value in (("authority_name", "UBND huyện Phú Hòa"),
                           ("parent_authority", "UBND tỉnh Phú Yên"), ("place_name", "Phú Hòa"),
                           ("monthly_recipients", "vanphong@phuhoa.vn")):
            Setting.create(key=key, value=value)
        monkeypatch.undo()
        assert schema.upgrade() == later

        [version] = AuthorityVersion.select()
        assert (version.valid_from, version.authority_name, version.parent_authority,
                version.place_name, version.signer) == (
            None, "UBND huyện Phú Hòa", "UBND tỉnh Phú Yên", "Phú Hòa", "team")
        assert [(row.key, row.value) for row in Setting.select()] == [
            ("monthly_recipients", "vanphong@phuhoa.vn")]
        before = cache.data_version()
        AuthorityVersion.update(place_name="Tuy Hòa").execute()
        assert cache.data_version() > before
