"""Where the data changed: the version of each tracked table and of each unit's findings.

The data version of 0007_data_version.py stays the one sequence every change raises; a
change now also stamps its table in table_version with the version it raised, and a
change to a finding, a remediation report or an extension request stamps the finding's
responsible unit in unit_version, as a change to an inspection stamps the units of its
findings (its conclusion date is when they were issued). A kept figure then follows only
the tables it reads, and figures kept per unit recompute only the units whose findings
changed: a report from one commune no longer recomputes the whole province. Triggers still do it all, for the
reasons of 0007 (bulk updates, imports and hand-made SQL change the data too). The
table lists are written out as they were at this migration.
"""
from peewee import BigIntegerField, CharField, IntegerField, Model, SqliteDatabase

TRACKED_TABLES = ("setting", "unit_kind", "unit", "plan", "inspection", "inspection_member",
                  "category", "finding", "response", "extension_request",
                  "discipline_measure", "discipline_case", "discipline_case_finding",
                  "work_calendar_day", "discipline_deferral", "reorganisation",
                  "unit_succession", "authority_version", "criteria_set",
                  "criteria_set_kind", "criteria_node", "assessment_round",
                  "assessment_round_member", "unit_assessment", "node_score")
# The tables whose rows belong to one unit's findings, and how a row names its unit.
UNIT_OF_ROW = {
    "finding": "{row}.responsible_unit_id",
    "response": "(SELECT responsible_unit_id FROM finding WHERE id = {row}.finding_id)",
    "extension_request": "(SELECT responsible_unit_id FROM finding WHERE id = {row}.finding_id)",
}
CURRENT = "(SELECT version FROM data_version WHERE id = 1)"
# An inspection's rows stamp the units of its findings (an inspection is created before
# its findings and cannot be deleted while it has any: updates are what count).
UNITS_OF_INSPECTION = "SELECT DISTINCT responsible_unit_id FROM finding WHERE inspection_id = {row}.id"

# PostgreSQL: the statement trigger of 0007 keeps taking the counter row's lock first (so
# no two writers can deadlock); it now stamps the table too. A TRUNCATE marks every unit.
POSTGRES_RAISE = """
CREATE OR REPLACE FUNCTION raise_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    raised BIGINT;
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1 RETURNING version INTO raised;
    UPDATE table_version SET version = raised WHERE name = TG_TABLE_NAME;
    IF TG_OP = 'TRUNCATE' THEN
        INSERT INTO unit_version (unit_id, version) SELECT id, raised FROM unit
        ON CONFLICT (unit_id) DO UPDATE SET version = EXCLUDED.version;
    END IF;
    RETURN NULL;
END $$"""
POSTGRES_MARK_UNIT = """
CREATE FUNCTION mark_{table}_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO unit_version (unit_id, version)
        SELECT unit_id, {current} FROM (SELECT {new_unit} AS unit_id) AS changed
        WHERE unit_id IS NOT NULL
        ON CONFLICT (unit_id) DO UPDATE SET version = EXCLUDED.version;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO unit_version (unit_id, version)
        SELECT unit_id, {current} FROM (SELECT {old_unit} AS unit_id) AS changed
        WHERE unit_id IS NOT NULL
        ON CONFLICT (unit_id) DO UPDATE SET version = EXCLUDED.version;
    END IF;
    RETURN NULL;
END $$"""
POSTGRES_MARK_INSPECTION_UNITS = f"""
CREATE FUNCTION mark_inspection_units() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO unit_version (unit_id, version)
    SELECT responsible_unit_id, {CURRENT} FROM ({UNITS_OF_INSPECTION.format(row="NEW")}) AS units
    ON CONFLICT (unit_id) DO UPDATE SET version = EXCLUDED.version;
    RETURN NULL;
END $$"""


def _mark_unit_sqlite(row, unit):
    """The SQLite statement stamping the unit a row belongs to (none when it has none)."""
    return (f"INSERT INTO unit_version (unit_id, version) SELECT unit_id, {CURRENT} "
            f"FROM (SELECT {unit.format(row=row)} AS unit_id) WHERE unit_id IS NOT NULL "
            f"ON CONFLICT (unit_id) DO UPDATE SET version = excluded.version;")


def _mark_inspection_units_sqlite(row):
    """The SQLite statement stamping the units of an inspection's findings."""
    # "WHERE true": SQLite needs a WHERE before ON CONFLICT in INSERT ... SELECT.
    return (f"INSERT INTO unit_version (unit_id, version) SELECT responsible_unit_id, "
            f"{CURRENT} FROM ({UNITS_OF_INSPECTION.format(row=row)}) WHERE true "
            f"ON CONFLICT (unit_id) DO UPDATE SET version = excluded.version;")


def _unit_marks_sqlite(table, event):
    """The statements of a table's trigger on event stamping the units its rows touch."""
    rows = {"insert": ("new",), "update": ("new", "old"), "delete": ("old",)}[event]
    if table in UNIT_OF_ROW:
        return "".join(_mark_unit_sqlite(row, UNIT_OF_ROW[table]) for row in rows)
    if table == "inspection" and event == "update":
        return _mark_inspection_units_sqlite("new")
    return ""


def _sqlite_triggers(database, table):
    """Row triggers of 0007 again, now stamping the table and the units its rows touch."""
    for event in ("insert", "update", "delete"):
        marks = _unit_marks_sqlite(table, event)
        database.execute_sql(f"DROP TRIGGER {table}_{event}_data_version")
        database.execute_sql(
            f"CREATE TRIGGER {table}_{event}_data_version AFTER {event.upper()} ON {table} "
            f"BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; "
            f"UPDATE table_version SET version = {CURRENT} WHERE name = '{table}'; "
            f"{marks} END")


def _postgres_unit_trigger(database, table):
    """A row trigger stamping the unit of each finding, report or extension changed."""
    unit = UNIT_OF_ROW[table]
    database.execute_sql(POSTGRES_MARK_UNIT.format(
        table=table, current=CURRENT, new_unit=unit.format(row="NEW"),
        old_unit=unit.format(row="OLD")))
    database.execute_sql(f"CREATE TRIGGER {table}_unit_version AFTER INSERT OR UPDATE OR "
                         f"DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION mark_{table}_unit()")


def _tables(database):
    """The two tables, as they were here."""

    class TableVersion(Model):
        name = CharField(max_length=64, primary_key=True)
        version = BigIntegerField()

        class Meta:
            table_name = "table_version"

    class UnitVersion(Model):
        unit_id = IntegerField(primary_key=True)
        version = BigIntegerField(index=True)

        class Meta:
            table_name = "unit_version"

    for model in (TableVersion, UnitVersion):
        model._meta.set_database(database)
    return [TableVersion, UnitVersion]


def upgrade(database, migrator):
    """Create the two tables, stamp every table with today's version, replace the triggers."""
    database.create_tables(_tables(database))
    version = database.execute_sql("SELECT version FROM data_version WHERE id = 1").fetchone()[0]
    for table in TRACKED_TABLES:
        database.execute_sql("INSERT INTO table_version (name, version) VALUES (%s, %s)"
                             .replace("%s", database.param), (table, version))
    if isinstance(database, SqliteDatabase):
        for table in TRACKED_TABLES:
            _sqlite_triggers(database, table)
        return
    database.execute_sql(POSTGRES_RAISE)
    for table in UNIT_OF_ROW:
        _postgres_unit_trigger(database, table)
    database.execute_sql(POSTGRES_MARK_INSPECTION_UNITS)
    database.execute_sql("CREATE TRIGGER inspection_unit_version AFTER UPDATE ON inspection "
                         "FOR EACH ROW EXECUTE FUNCTION mark_inspection_units()")
