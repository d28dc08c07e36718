"""Text for reportlab: NFC-normalised, escaped for paragraph markup, dates as decreed."""
from xml.sax.saxutils import escape

from reportlab.platypus import Paragraph

from ..formatting import format_date, format_number, format_percent
from ..i18n import gettext as _
from ..text import nfc


def markup(value):
    """value as paragraph markup: NFC (precomposed letters), escaped, line breaks kept."""
    return escape(nfc("" if value is None else str(value))).replace("\n", "<br/>")


def para(value, style):
    """A paragraph of plain text value in style."""
    return Paragraph(markup(value), style)


def bold(value):
    """Plain text value as bold paragraph markup."""
    return f"<b>{markup(value)}</b>"


def date(value):
    """A date as dd/mm/yyyy (empty for None)."""
    return format_date(value)


def number(value):
    """An integer with dots between thousands."""
    return format_number(value)


def percent(value):
    """A percentage with a decimal comma, or a dash when there is none."""
    return "–" if value is None else format_percent(value)


def points(value):
    """A change in percentage points with its sign, or a dash when there is none."""
    if value is None:
        return "–"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return _("%(sign)s%(value)s points", sign=sign,
             value=f"{abs(value):.1f}".replace(".", ","))


def date_line(place, day):
    """The place and date line of an official document: "Phú Hòa, ngày 05 tháng 12 năm 2026".

    Decree 30/2020/NĐ-CP writes days below 10 and the months January and February with
    a leading zero.
    """
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    parts = {"day": f"{day.day:02d}", "month": month, "year": day.year}
    if not (place or "").strip():
        return _("day %(day)s month %(month)s year %(year)s", **parts)
    return _("%(place)s, day %(day)s month %(month)s year %(year)s", place=nfc(place).strip(),
             **parts)
