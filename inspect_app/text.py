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


# Vietnamese alphabetical order, as Unicode CLDR's "vi" collation (ICU's) tailors it:
# "&a<ă<â &d<đ &e<ê &o<ô<ơ &u<ư": the letters with a breve, circumflex, horn or stroke are
# letters of their own; the tones only break ties between names spelled with the same
# letters, and case only between otherwise equal ones. f, j, w and z (in foreign names)
# take their Latin places. Unlike CLDR, a tone counts per word, not per letter, so that the
# older spelling "Hoà" sorts with "Hòa".
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Without a tone, then huyền, hỏi, ngã, sắc, nặng (CLDR: "&̀<<̉<<̃<<́<<̣"), as dictionaries do.
TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_BASE_WITH_MARK = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê",
                   ("o", "\u0302"): "ô", ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}
_SEPARATOR, _DIGITS, _LETTERS, _OTHER = 0x1, 0x10, 0x100, 0x200


def _letters(value):
    """(letter, tone, upper) for each character of value; ă, â, ê, ô, ơ, ư as one letter."""
    for char in nfc(value):
        base, *marks = unicodedata.normalize("NFD", char)
        lower = base.lower()
        tone = 0
        for mark in marks:
            if mark in TONES:
                tone = TONES[mark]
            else:
                lower = _BASE_WITH_MARK.get((lower, mark), lower)
        yield lower, tone, char != char.lower()


def _primary(letters):
    """The primary weights: letters by the alphabet, numbers by value, anything else after."""
    weights, digits = [], ""
    for letter, _tone, _upper in [*letters, (" ", 0, False)]:
        if letter.isdigit() and letter.isascii():
            digits += letter
            continue
        if digits:
            number = digits.lstrip("0") or "0"
            weights += [_DIGITS + len(number), *(_DIGITS + int(d) for d in number)]
            digits = ""
        if letter in ALPHABET:
            weights.append(_LETTERS + ALPHABET.index(letter))
        elif letter.isalpha():
            weights.append(_OTHER + min(ord(letter), 0xFDFF))
        elif weights and weights[-1] != _SEPARATOR:
            weights.append(_SEPARATOR)
    while weights and weights[-1] == _SEPARATOR:
        weights.pop()
    return weights


def _word_tones(letters):
    """The tone of each word: "Hòa" and the older spelling "Hoà" carry the same one."""
    tone = None
    for letter, letter_tone, _upper in [*letters, (" ", 0, False)]:
        if letter.isalpha():
            tone = max(tone or 0, letter_tone)
        elif tone is not None:
            yield tone
            tone = None


def sort_key(value):
    """A key that puts names in Vietnamese alphabetical order, as text of hex digits.

    "Anh" < "Ân", "Dương" < "Đông" < "Tây", "Xã Hòa Định Tây" < "Xã Hòa Trị", "Phú Hòa 2"
    < "Phú Hòa 10". Hex digits compare the same way under every database collation, so a
    column holding this key orders rows the same on SQLite and PostgreSQL.
    """
    letters = list(_letters(value))
    primary = "".join(f"{weight:04x}" for weight in _primary(letters))
    tones = "".join(str(tone) for tone in _word_tones(letters))
    cases = "".join("1" if upper else "0" for letter, _tone, upper in letters if letter.isalpha())
    return f"{primary}0000{tones}0{cases}"
