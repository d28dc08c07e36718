"""Each deferral of a disciplinary case as a row of a tracked table.

The monthly summary counts the month's deferrals, resumed cases' included, but a resumed
case's row keeps no trace of its deferral: the count was read from the audit trail, which
the figure cache does not track. The deferrals recorded so far are copied from the audit
trail, each dated the local day (APP_TIMEZONE) it was recorded, as the summary counted
them; the new table raises the data version like those of 0007_data_version.py.
"""
import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app
from peewee import (
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
    chunked,
)

TABLE = "discipline_deferral"
RAISE_VERSION = "UPDATE data_version SET version = version + 1 WHERE id = 1"


def _raise_the_data_version(database):
    """The data-version triggers of 0007_data_version.py, on the new table."""
    if isinstance(database, SqliteDatabase):
        for event in ("insert", "update", "delete"):
            database.execute_sql(f"CREATE TRIGGER {TABLE}_{event}_data_version AFTER "
                                 f"{event.upper()} ON {TABLE} BEGIN {RAISE_VERSION}; END")
        return
    database.execute_sql(f"CREATE TRIGGER {TABLE}_data_version BEFORE INSERT OR UPDATE OR "
                         f"DELETE OR TRUNCATE ON {TABLE} FOR EACH STATEMENT "
                         f"EXECUTE FUNCTION raise_data_version()")


def upgrade(database, migrator):
    """Create the discipline_deferral table as it was here, filled from the audit trail."""

    class Base(Model):
        class Meta:
            legacy_table_names = False

    Base._meta.set_database(database)

    class DisciplineCase(Base):
        pass

    class AuditEvent(Base):
        at = DateTimeField()
        action = CharField(max_length=32)
        entity = CharField(max_length=32)
        entity_id = IntegerField(null=True)

    class DisciplineDeferral(Base):
        case = ForeignKeyField(DisciplineCase, backref="deferrals", on_delete="CASCADE")
        deferred_on = DateField(index=True)

    database.create_tables([DisciplineDeferral])
    _raise_the_data_version(database)
    zone = ZoneInfo(current_app.config["APP_TIMEZONE"])
    recorded = (AuditEvent
                .select(AuditEvent.entity_id, AuditEvent.at)
                .join(DisciplineCase, on=(AuditEvent.entity_id == DisciplineCase.id))
                .where(AuditEvent.entity == "discipline_case", AuditEvent.action == "defer")
                .order_by(AuditEvent.id)
                .tuples())
    rows = [{"case": case_id,
             "deferred_on": at.replace(tzinfo=dt.timezone.utc).astimezone(zone).date()}
            for case_id, at in recorded]
    for batch in chunked(rows, 500):
        DisciplineDeferral.insert_many(batch).execute()
