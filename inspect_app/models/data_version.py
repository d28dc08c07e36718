"""Where the data changed: the data version, and the version of each table and unit.

The data version is a counter the database raises on every change to a tracked table;
the change also stamps its table (table_version) and, for the rows of a unit's findings,
the unit (unit_version) with the version it raised. Triggers do it (migrations 0007 and
0024), in the transaction of the change.
"""
from peewee import BigIntegerField, CharField, IntegerField

from .base import BaseModel

# The tables whose rows feed kept figures (dashboard, monthly summary, list totals).
# Triggers created by migrations/0007_data_version.py (and by the migration adding a
# table since: 0011 the working calendar, which the days overdue depend on, 0013 the
# deferrals, 0014 the units' reorganisations, which every unit's history follows, 0015 the
# authority's versions, which every document's header reads, 0016 and 0017 the criteria
# sets and assessment rounds, whose progress and ranking the home page and the monthly
# summary show) raise the version on any insert, update or delete in them; since 0024 they
# also stamp the table in table_version (a table added later needs its row there and
# triggers like 0024's). Since 0025 the attachments, the audit events about findings and
# the changes to who a user is (name, account, role, unit, active; not their sign-in time,
# password or language) do too: a finding's page keeps its files, history and names.
# Mail, job tables, sessions and evidence are left out: they change on every job run or
# request and no kept figure reads them (tests/test_cache_rule.py checks).
TRACKED_TABLES = ("setting", "unit_kind", "unit", "plan", "inspection", "inspection_member",
                  "category", "finding", "response", "extension_request",
                  "discipline_measure", "discipline_case", "discipline_case_finding",
                  "work_calendar_day", "discipline_deferral", "reorganisation",
                  "unit_succession", "authority_version", "criteria_set",
                  "criteria_set_kind", "criteria_node", "assessment_round",
                  "assessment_round_member", "unit_assessment", "node_score",
                  "audit_event", "attachment", "users")
# The tracked tables whose changes also stamp the units of the findings they touch
# (migration 0024): a finding, report or extension its finding's responsible unit, an
# inspection the units of its findings (its conclusion date is when they were issued).
UNIT_TRACKED_TABLES = ("finding", "response", "extension_request", "inspection")


class DataVersion(BaseModel):
    """The one row holding the version; it only ever grows."""

    id = IntegerField(primary_key=True)
    version = BigIntegerField(default=0)


class TableVersion(BaseModel):
    """A tracked table and the data version its latest change raised."""

    name = CharField(max_length=64, primary_key=True)
    version = BigIntegerField()


class UnitVersion(BaseModel):
    """A unit and the data version of the latest change to its findings, reports or extensions.

    A unit whose findings never changed since migration 0024 has no row.
    """

    unit_id = IntegerField(primary_key=True)
    version = BigIntegerField(index=True)
