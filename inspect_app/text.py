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


# The common nouns of administrative units (Decree 30/2020/NĐ-CP, appendix II): inside a
# sentence they are written in lower case before the unit's proper name ("tại xã Hòa An"),
# while the names of agencies keep their capital ("Phòng Nội vụ", "Sở Tư pháp").
ADMINISTRATIVE_NOUNS = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Huyện",
                        "Quận", "Tỉnh", "Xã")


def in_sentence(name):
    """A unit's name as written inside a sentence: "Xã Hòa An" → "xã Hòa An".

    Only the leading noun of an administrative unit is lowered; the proper name after it,
    and any other name, stay as they are.
    """
    name = nfc(name).strip()
    for noun in ADMINISTRATIVE_NOUNS:
        if name.startswith(noun + " "):
            return noun.lower() + name[len(noun):]
    return name
