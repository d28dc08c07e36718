"""Creating and revoking a user's calendar feed address; the token is kept only hashed."""
import hashlib
import secrets

from peewee import IntegrityError

from .. import audit
from ..db import transaction
from ..errors import WorkflowError
from ..i18n import lazy_gettext as _l
from ..models import CalendarFeed
from ..policy import can


def token_hash(token):
    """The stored form of a feed token: a leaked table gives no usable address."""
    return hashlib.sha256(token.encode()).hexdigest()


def _require_owner(actor):
    """Refuse unless actor may have a calendar feed."""
    if not can(actor, "calendar_feed.own"):
        raise WorkflowError(_l("Sign in to manage your calendar feed."))


def create_feed(actor):
    """A new feed address for actor, replacing any earlier one; returns its token (once)."""
    _require_owner(actor)
    token = secrets.token_urlsafe(32)
    try:
        with transaction():
            replaced = CalendarFeed.delete().where(CalendarFeed.user == actor).execute()
            feed = CalendarFeed.create(user=actor, token_hash=token_hash(token))
            audit.record(actor, "replace" if replaced else "create", feed, {"user": actor.id})
    except IntegrityError as error:
        # A second click created one meanwhile (one feed per user): that one stands.
        raise WorkflowError(_l("A new address was just created. Create another one if "
                               "you did not see it.")) from error
    return token


def revoke_feed(actor):
    """End actor's feed address: calendars reading it get nothing more."""
    _require_owner(actor)
    with transaction():
        feed = CalendarFeed.get_or_none(CalendarFeed.user == actor)
        if feed is None:
            raise WorkflowError(_l("You have no calendar feed address."))
        feed.delete_instance()
        audit.record(actor, "delete", feed, {"user": actor.id})
