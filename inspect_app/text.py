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
