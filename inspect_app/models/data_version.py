"""The data version: a counter the database raises on every change to a tracked table."""
from peewee import BigIntegerField, IntegerField

from .base import BaseModel

# The tables whose rows feed cached figures (dashboard, monthly summary, list totals).
# Triggers created by migrations/0007_data_version.py (and by the migration adding a
# table since: 0011 the working calendar, which the days overdue depend on, 0013 the
# deferrals, 0014 the units' reorganisations, which every unit's history follows, 0015 the
# authority's versions, which every document's header reads, 0016 and 0017 the criteria
# sets and assessment rounds, whose progress and ranking the home page and the monthly
# summary show) raise the version on any insert, update or delete in them. Users, audit
# events, mail, job tables and evidence are left out: they change on every login or job run
# and no cached figure reads them (tests/test_cache_rule.py checks).
TRACKED_TABLES = ("setting", "unit_kind", "unit", "plan", "inspection", "inspection_member",
                  "category", "finding", "response", "extension_request",
                  "discipline_measure", "discipline_case", "discipline_case_finding",
                  "work_calendar_day", "discipline_deferral", "reorganisation",
                  "unit_succession", "authority_version", "criteria_set",
                  "criteria_set_kind", "criteria_node", "assessment_round",
                  "assessment_round_member", "unit_assessment", "node_score")


class DataVersion(BaseModel):
    """The one row holding the version; it only ever grows."""

    id = IntegerField(primary_key=True)
    version = BigIntegerField(default=0)
