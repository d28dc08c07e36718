"""A trigram index over the findings' folded search text, so a search word is looked up
instead of compared with every finding.

SQLite: an FTS5 table with the trigram tokenizer whose content is finding.search_text
(external content: the text is stored once), filled from the column and kept in step
with it by triggers, so every write path (services, imports, hand-made SQL) keeps it true.
PostgreSQL: a pg_trgm GIN index on the column, which ILIKE '%word%' uses as it is and
PostgreSQL keeps up to date itself. Either index serves words of three letters or more.
"""
from peewee import SqliteDatabase

SQLITE_STATEMENTS = (
    "CREATE VIRTUAL TABLE finding_search USING fts5(search_text, content='finding', "
    "content_rowid='id', tokenize='trigram')",
    "INSERT INTO finding_search(finding_search) VALUES ('rebuild')",
    "CREATE TRIGGER finding_search_insert AFTER INSERT ON finding BEGIN "
    "INSERT INTO finding_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER finding_search_delete AFTER DELETE ON finding BEGIN "
    "INSERT INTO finding_search(finding_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER finding_search_update AFTER UPDATE OF search_text ON finding BEGIN "
    "INSERT INTO finding_search(finding_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO finding_search(rowid, search_text) VALUES (new.id, new.search_text); END",
)
POSTGRES_STATEMENTS = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX finding_search_text_trgm ON finding USING gin (search_text gin_trgm_ops)",
)


def upgrade(database, migrator):
    """Create the index of the database's kind and fill it from the existing findings."""
    sqlite = isinstance(database, SqliteDatabase)
    for statement in SQLITE_STATEMENTS if sqlite else POSTGRES_STATEMENTS:
        database.execute_sql(statement)
