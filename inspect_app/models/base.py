"""The base model every table inherits: bound to the database proxy."""
from peewee import Model

from ..db import db


class BaseModel(Model):
    """A table in the application database."""

    class Meta:
        database = db
        legacy_table_names = False
