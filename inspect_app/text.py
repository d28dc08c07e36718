"""Text helpers: NFC normalisation and accent folding for search."""
import unicodedata


def nfc(value):
    """value normalised to NFC, the form stored and printed."""
    return unicodedata.normalize("NFC", value or "")


def fold(value):
    """Lower-case value without Vietnamese accents: "Trễ hạn" → "tre han"."""
    decomposed = unicodedata.normalize("NFD", value or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("đ", "d").replace("Đ", "D").lower()


def clean_text(value):
    """Typed text as stored: NFC, without control characters other than tabs and newlines.

    A NUL is accepted by SQLite but refused by PostgreSQL, and no control character
    belongs in a form's text.
    """
    if not isinstance(value, str):
        return value
    return "".join(c for c in nfc(value)
                   if c in "\t\n\r" or unicodedata.category(c) != "Cc")
