"""The bundled TrueType fonts, registered once with reportlab.

The standard 14 PDF fonts cannot print Vietnamese, so every piece of text in a document
uses one of these embedded fonts: for official documents Liberation Serif, metric-compatible
with the Times New Roman that Decree 30/2020/NĐ-CP asks for and covering Vietnamese; DejaVu
Sans for reports and charts. The licences are static/fonts/LICENSE-Liberation.txt and
LICENSE-DejaVu.txt.
"""
import functools
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"

SERIF = "LiberationSerif-Regular"
SERIF_BOLD = "LiberationSerif-Bold"
SERIF_ITALIC = "LiberationSerif-Italic"
SERIF_BOLD_ITALIC = "LiberationSerif-BoldItalic"
SANS = "DejaVuSans"
SANS_BOLD = "DejaVuSans-Bold"

# family name: (regular, bold, italic, bold italic); sans has no italic file bundled.
FAMILIES = {
    SERIF: (SERIF, SERIF_BOLD, SERIF_ITALIC, SERIF_BOLD_ITALIC),
    SANS: (SANS, SANS_BOLD, SANS, SANS_BOLD),
}


@functools.cache
def register():
    """Register the bundled fonts and their families with reportlab (once per process)."""
    for family, faces in FAMILIES.items():
        for name in set(faces):
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / f"{name}.ttf")))
        regular, bold, italic, bold_italic = faces
        # <b> and <i> in paragraphs pick the family's faces through these mappings.
        addMapping(family, 0, 0, regular)
        addMapping(family, 1, 0, bold)
        addMapping(family, 0, 1, italic)
        addMapping(family, 1, 1, bold_italic)
    return sorted({name for faces in FAMILIES.values() for name in faces})
