"""Indexes for province-scale data: the staff home page and the findings filters."""
from playhouse.migrate import migrate


def upgrade(database, migrator):
    """Index findings by state with their resolution time and their deadline, per unit too.

    The unit index gains the deadline so that counting a unit's running and overdue
    findings reads the index alone.
    """
    migrate(migrator.drop_index("finding", "finding_responsible_unit_id_status"),
            migrator.add_index("finding", ("responsible_unit_id", "status", "deadline"), False),
            migrator.add_index("finding", ("status", "resolved_at"), False),
            migrator.add_index("finding", ("status", "deadline"), False))
