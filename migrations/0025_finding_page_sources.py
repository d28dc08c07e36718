"""The tables a finding's page shows besides its finding: its history, its files, people's names.

A finding's page keeps its details as markup (findings.details), so what they show must
raise the data version and stamp its table as the tables of 0024 do: the audit events of a
finding's history, the attachments of the finding and its reports, the names of the people
who acted on it. Only what the page shows counts, or every sign-in, language switch or new
password would throw away every kept page and document: an audit event counts when it
is about a finding, a change to a user when it changes who they are (name, account, role,
unit, whether active). The columns are written out as they were at this migration.
"""
from peewee import SqliteDatabase

USER_COLUMNS = ("username", "full_name", "sort_name", "role", "unit_id", "active")
# For each table: the condition on an inserted, updated and deleted row (None: every row).
CONDITIONS = {
    "attachment": {"INSERT": None, "UPDATE": None, "DELETE": None},
    "audit_event": {"INSERT": "NEW.entity = 'finding'", "UPDATE": None,
                    "DELETE": "OLD.entity = 'finding'"},
    "users": {"INSERT": None, "DELETE": None,
              "UPDATE": " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}"
                                    for column in USER_COLUMNS)},
}
CURRENT = "(SELECT version FROM data_version WHERE id = 1)"


def _sqlite_triggers(database, table):
    """Row triggers raising the version and stamping the table, as 0024's, when they count."""
    for event, condition in CONDITIONS[table].items():
        # SQLite spells IS DISTINCT FROM as IS NOT.
        when = f"WHEN {condition.replace('IS DISTINCT FROM', 'IS NOT')} " if condition else ""
        database.execute_sql(
            f"CREATE TRIGGER {table}_{event.lower()}_data_version AFTER {event} ON {table} "
            f"{when}BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; "
            f"UPDATE table_version SET version = {CURRENT} WHERE name = '{table}'; END")


def _postgres_triggers(database, table):
    """0007's statement trigger for a table where every change counts, else row triggers.

    A row trigger takes the counter row's lock after the row's own; the rows here are new
    audit events and users, which no transaction holding the counter waits for.
    """
    conditions = CONDITIONS[table]
    if not any(conditions.values()):
        database.execute_sql(f"CREATE TRIGGER {table}_data_version BEFORE INSERT OR UPDATE "
                             f"OR DELETE OR TRUNCATE ON {table} FOR EACH STATEMENT "
                             f"EXECUTE FUNCTION raise_data_version()")
        return
    for event, condition in conditions.items():
        when = f"WHEN ({condition}) " if condition else ""
        database.execute_sql(f"CREATE TRIGGER {table}_{event.lower()}_data_version AFTER "
                             f"{event} ON {table} FOR EACH ROW {when}"
                             f"EXECUTE FUNCTION raise_data_version()")


def upgrade(database, migrator):
    """Stamp the three tables with today's version and give them their triggers."""
    version = database.execute_sql("SELECT version FROM data_version WHERE id = 1").fetchone()[0]
    for table in CONDITIONS:
        database.execute_sql("INSERT INTO table_version (name, version) VALUES (%s, %s)"
                             .replace("%s", database.param), (table, version))
        if isinstance(database, SqliteDatabase):
            _sqlite_triggers(database, table)
        else:
            _postgres_triggers(database, table)
