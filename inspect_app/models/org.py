"""The organisation: settings, unit kinds, units and user accounts."""
from flask_login import UserMixin
from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, TextField
from werkzeug.security import check_password_hash, generate_password_hash

from .. import clock
from .base import BaseModel, ListedByName

ROLES = ("admin", "inspector", "leader", "unit_head")
LOCALES = ("vi", "en")
# merge: several units (or one) into one; split: one into several; rename: one to one.
REORGANISATION_KINDS = ("merge", "split", "rename")
# Who signs a conclusion: the inspection team (its lead, under the team's own symbol) or
# the authority (its signature block, e.g. "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH").
CONCLUSION_SIGNERS = ("team", "authority")


class Setting(BaseModel):
    """A value the admin edits, stored as text under a key (see inspect_app.settings)."""

    key = CharField(max_length=64, unique=True)
    value = TextField(default="")


class AuthorityVersion(BaseModel):
    """The inspecting authority as its documents name it, from a date on.

    A document takes the version in force on its own date; the version without a date
    holds from the beginning until the first dated one.
    """

    valid_from = DateField(null=True, unique=True)
    parent_authority = CharField(max_length=200, default="")
    authority_name = CharField(max_length=200, default="")
    place_name = CharField(max_length=100, default="")
    signer = CharField(max_length=16, default="team")
    # The signature block's lines above the name, e.g. "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC".
    signature_title = TextField(default="")
    signer_name = CharField(max_length=200, default="")

    def __str__(self):
        return self.authority_name


class UnitKind(BaseModel):
    """A kind of unit: xã, phường, phòng/ban, ..."""

    code = CharField(max_length=32, unique=True)
    label = CharField(max_length=100)
    active = BooleanField(default=True)

    def __str__(self):
        return self.label


class Unit(ListedByName, BaseModel):
    """An inspected unit: a commune, a ward or an office."""

    code = CharField(max_length=32, unique=True)
    name = CharField(max_length=200)
    sort_name = TextField(default="")
    kind = ForeignKeyField(UnitKind, backref="units")
    parent = ForeignKeyField("self", null=True, backref="children")
    email = CharField(max_length=254, default="")
    active = BooleanField(default=True)
    # The days the unit existed: open at either end when unknown or still in existence.
    valid_from = DateField(null=True)
    valid_to = DateField(null=True)

    def __str__(self):
        return self.name


class User(ListedByName, UserMixin, BaseModel):
    """A person who signs in; a unit head belongs to one unit."""

    name_field = "full_name"

    username = CharField(max_length=64, unique=True)
    full_name = CharField(max_length=200)
    sort_name = TextField(default="")
    email = CharField(max_length=254, default="")
    password_hash = CharField(max_length=255)
    role = CharField(max_length=16, index=True)
    unit = ForeignKeyField(Unit, null=True, backref="users")
    active = BooleanField(default=True)
    locale = CharField(max_length=8, default="vi")
    must_change_password = BooleanField(default=False)
    created_at = DateTimeField(default=clock.now)
    last_login_at = DateTimeField(null=True)

    # The token of the session this instance was signed in or loaded with (auth.sessions).
    session_token = None

    class Meta:
        table_name = "users"

    def __str__(self):
        return self.full_name or self.username

    def get_session_token(self):
        """What the signed cookie carries (Flask-Login's id_attribute): the session's token."""
        return self.session_token

    @property
    def is_active(self):
        """Flask-Login: a deactivated account cannot hold a session."""
        return self.active

    def set_password(self, password):
        """Store a scrypt hash of password."""
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password):
        """Whether password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles):
        """Whether the user's role is one of roles."""
        return self.role in roles


class Reorganisation(BaseModel):
    """A merge, split or renaming of units on a date, recorded by an administrator."""

    kind = CharField(max_length=16)
    on_date = DateField(index=True)
    note = TextField(default="")
    recorded_by = ForeignKeyField(User, null=True, backref="reorganisations")
    recorded_at = DateTimeField(default=clock.now)


class UnitSuccession(BaseModel):
    """One unit that ended in a reorganisation and one unit that took over from it."""

    reorganisation = ForeignKeyField(Reorganisation, backref="successions")
    predecessor = ForeignKeyField(Unit, backref="successor_links")
    successor = ForeignKeyField(Unit, backref="predecessor_links")

    class Meta:
        indexes = ((("predecessor", "successor"), True),)
