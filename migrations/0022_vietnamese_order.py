"""Names in Vietnamese alphabetical order, the same on SQLite and PostgreSQL.

Units, user accounts and finding categories keep the sort key of their name
(text.sort_key: hex digits, which every collation compares alike) in sort_name, so that
lists sorted and paginated in SQL follow the Vietnamese alphabet ("Anh" before "Ân",
"Dương" before "Đông" before "Tây"). Existing rows get the key of their name now; the
models keep it on every save. Should the key's definition change, a new migration
recomputes it the same way.
"""
from inspect_app.text import sort_key

NAMED_TABLES = (("unit", "name"), ("users", "full_name"), ("category", "name"))


def upgrade(database, migrator):
    """Add sort_name to units, users and categories and fill it from their names."""
    for table, name in NAMED_TABLES:
        # Added in place: peewee's SQLite migrator would copy the table, which its foreign
        # keys forbid (as in 0011_working_days.py).
        database.execute_sql(f"ALTER TABLE {table} ADD COLUMN sort_name TEXT NOT NULL DEFAULT ''")
        rows = database.execute_sql(f"SELECT id, {name} FROM {table}").fetchall()
        for row_id, value in rows:
            database.execute_sql(f"UPDATE {table} SET sort_name = %s WHERE id = %s"
                                 .replace("%s", database.param), (sort_key(value), row_id))
