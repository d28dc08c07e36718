"""The appraisal of draft conclusions (Law on Inspection 84/2025/QH15).

An inspection records where its draft conclusion stands in the appraisal (never
submitted, submitted, appraised or returned), who appraises it, who asked and which round
it is. Existing inspections were never submitted. The inspection table already raises the
data version (0007_data_version.py).
"""
from peewee import ForeignKeyField, Model
from playhouse.migrate import migrate


def upgrade(database, migrator):
    """Add the inspection's appraisal columns."""

    class User(Model):
        class Meta:
            table_name = "users"

    User._meta.set_database(database)
    # NOT NULL columns with a default, added in place: peewee's SQLite migrator would copy
    # the table, which its foreign keys forbid (as in 0011_working_days.py).
    database.execute_sql("ALTER TABLE inspection ADD COLUMN appraisal_status VARCHAR(16) "
                         "NOT NULL DEFAULT ''")
    database.execute_sql("ALTER TABLE inspection ADD COLUMN appraisal_round INTEGER "
                         "NOT NULL DEFAULT 0")
    migrate(migrator.add_column("inspection", "appraiser_id",
                                ForeignKeyField(User, null=True, field=User.id)),
            migrator.add_column("inspection", "appraisal_requested_by_id",
                                ForeignKeyField(User, null=True, field=User.id)))
