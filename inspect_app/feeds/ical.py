"""A feed's events as an iCalendar document (RFC 5545), read by Outlook, Google, Thunderbird."""
import datetime as dt
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event

PRODID = "-//Theo doi kiem tra va ky luat//Lich cong viec//VI"


def _utc(moment):
    """A stored naive UTC datetime as an aware one."""
    return moment.replace(tzinfo=dt.timezone.utc)


def _event(item, host):
    """One all-day VEVENT; its DTSTAMP is its last change, so the document is stable."""
    event = Event()
    event.add("uid", f"{item.uid}@{host}")
    event.add("dtstamp", _utc(item.last_modified))
    event.add("last-modified", _utc(item.last_modified))
    event.add("sequence", item.sequence)
    event.add("dtstart", item.first_day)
    event.add("dtend", item.last_day + dt.timedelta(days=1))
    event.add("summary", item.summary)
    if item.description:
        event.add("description", item.description)
    event.add("url", item.url)
    event.add("transp", "TRANSPARENT")
    return event


def document(name, events):
    """The iCalendar bytes of a calendar called name holding events."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for item in events:
        calendar.add_component(_event(item, host))
    return calendar.to_ical()
