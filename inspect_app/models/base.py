"""The base model every table inherits: bound to the database proxy."""
from peewee import Model

from ..db import db
from ..text import sort_key


class BaseModel(Model):
    """A table in the application database."""

    class Meta:
        database = db
        legacy_table_names = False


class ListedByName:
    """A row listed by its name: sort_name keeps the name's Vietnamese order key (text.sort_key).

    Lists order by sort_name in SQL so that SQLite and PostgreSQL give the same order;
    every save recomputes it from the field named by name_field.
    """

    name_field = "name"

    def save(self, *args, **kwargs):
        """Save the row with the sort key of its current name."""
        self.sort_name = sort_key(getattr(self, self.name_field))
        return super().save(*args, **kwargs)
