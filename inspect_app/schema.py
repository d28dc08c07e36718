"""Apply the migrations in migrations/ (peewee's playhouse.migrations) in order, once each."""
import importlib.util
from pathlib import Path

from peewee import CharField, DateTimeField, Model
from playhouse.migrate import SchemaMigrator

from . import clock
from .db import db, transaction

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


class SchemaMigration(Model):
    """One applied migration."""

    name = CharField(max_length=100, primary_key=True)
    applied_at = DateTimeField()

    class Meta:
        database = db
        table_name = "schema_migration"


def migration_files():
    """The migration modules' paths, in order of their number."""
    return sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.py"))


def applied_names():
    """Names of the migrations already applied."""
    if not db.table_exists("schema_migration"):
        return set()
    return {m.name for m in SchemaMigration.select()}


def pending_migrations():
    """Paths of migrations not yet applied."""
    done = applied_names()
    return [path for path in migration_files() if path.stem not in done]


def _load(path):
    """Import one migration module from its file."""
    spec = importlib.util.spec_from_file_location(f"migration_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade():
    """Apply every pending migration, each in its own transaction; return their names."""
    db.create_tables([SchemaMigration], safe=True)
    migrator = SchemaMigrator.from_database(db.obj)
    applied = []
    for path in pending_migrations():
        module = _load(path)
        with transaction():
            module.upgrade(db.obj, migrator)
            SchemaMigration.create(name=path.stem, applied_at=clock.now())
        applied.append(path.stem)
    return applied
