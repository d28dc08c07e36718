"""The A4 page template, paragraph styles and table styles every document shares."""
import functools
import io

from flask_babel import get_locale
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import HRFlowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..i18n import gettext as _
from . import fonts
from .paragraphs import bold, date_line, markup

# Decree 30/2020/NĐ-CP margins: top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm.
MARGINS = {"topMargin": 20 * mm, "bottomMargin": 20 * mm, "leftMargin": 30 * mm,
           "rightMargin": 15 * mm}
# platypus frames keep 6 pt of padding on each side inside the margins.
FRAME_PADDING = 6
FRAME_WIDTH = A4[0] - MARGINS["leftMargin"] - MARGINS["rightMargin"] - 2 * FRAME_PADDING
GRID = colors.HexColor("#9aa0a6")
HEADER_FILL = colors.HexColor("#e8eaed")
# Where a table starts: leave room for its heading and a few rows, else a new page.
TABLE_ROOM = 40 * mm
# An official document's page number: size 13 to 14, in the top margin (Decree 30/2020).
PAGE_NUMBER_SIZE = 13
PAGE_NUMBER_FROM_TOP = 13 * mm
# The left column of an official document's header: the authority and the number.
OFFICIAL_LEFT = 58 * mm


class NumberedCanvas(Canvas):
    """A canvas that holds its pages back until the end to print "Page x/y" on each.

    page_label(page, pages) gives the text; it is called while the document is built,
    so it sees the document's language.
    """

    def __init__(self, *args, page_label, footer_font=fonts.SANS, **kwargs):
        super().__init__(*args, **kwargs)
        self._page_label = page_label
        self._footer_font = footer_font
        self._pages = []

    def showPage(self):
        """Keep the finished page's state instead of writing it out now."""
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        """Write every kept page with its number and the total, then the file."""
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._draw_page_number(total)
            super().showPage()
        super().save()

    def _draw_page_number(self, total):
        """Print the page label centred in the bottom margin."""
        self.saveState()
        self.setFont(self._footer_font, 9)
        self.setFillColor(colors.HexColor("#555555"))
        centre = MARGINS["leftMargin"] + FRAME_PADDING + FRAME_WIDTH / 2
        self.drawCentredString(centre, 10 * mm, self._page_label(self._pageNumber, total))
        self.restoreState()


class DecreeNumberedCanvas(NumberedCanvas):
    """Page numbers as Decree 30/2020/NĐ-CP sets them for official documents: the number
    alone, centred in the top margin, from page 2 on (the first page shows none)."""

    def _draw_page_number(self, total):
        """Print the page number centred in the top margin, except on page 1."""
        if self._pageNumber == 1:
            return
        self.saveState()
        self.setFont(self._footer_font, PAGE_NUMBER_SIZE)
        centre = MARGINS["leftMargin"] + FRAME_PADDING + FRAME_WIDTH / 2
        self.drawCentredString(centre, A4[1] - PAGE_NUMBER_FROM_TOP, str(self._pageNumber))
        self.restoreState()


def page_label(page, pages):
    """The footer text of a page, in the current language: "Trang 2/5"."""
    return _("Page %(page)d/%(pages)d", page=page, pages=pages)


def build(flowables, title, author, subject="", serif=False):
    """The bytes of an A4 PDF of flowables, with its metadata and numbered pages.

    An official document (serif) is numbered as the decree sets, a report "Page x/y" at
    the foot of every page.
    """
    fonts.register()
    body_font = fonts.SERIF if serif else fonts.SANS
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, title=title, author=author, subject=subject,
        creator=author, lang=str(get_locale() or "vi"), initialFontName=body_font,
        **MARGINS)
    canvasmaker = functools.partial(DecreeNumberedCanvas if serif else NumberedCanvas,
                                    page_label=page_label, footer_font=body_font)
    document.build(list(flowables), canvasmaker=canvasmaker)
    return buffer.getvalue()


@functools.cache
def styles(serif=False):
    """The paragraph styles of a document: official (serif) or report (sans)."""
    fonts.register()
    family = fonts.SERIF if serif else fonts.SANS
    bold_font = fonts.SERIF_BOLD if serif else fonts.SANS_BOLD
    italic_font = fonts.SERIF_ITALIC if serif else fonts.SANS
    size = 12 if serif else 10
    body = ParagraphStyle("body", fontName=family, fontSize=size, leading=size * 1.35,
                          alignment=TA_JUSTIFY, spaceAfter=size * 0.4)
    return {
        "body": body,
        "left": ParagraphStyle("left", parent=body, alignment=TA_LEFT),
        "center": ParagraphStyle("center", parent=body, alignment=TA_CENTER, spaceAfter=0),
        # The header blocks of an official document: the national name must fit one line.
        "header": ParagraphStyle("header", parent=body, fontSize=size - 1,
                                 leading=(size - 1) * 1.3, alignment=TA_CENTER, spaceAfter=0),
        "header_bold": ParagraphStyle("header_bold", parent=body, fontName=bold_font,
                                      fontSize=size - 1, leading=(size - 1) * 1.3,
                                      alignment=TA_CENTER, spaceAfter=0),
        "center_bold": ParagraphStyle("center_bold", parent=body, fontName=bold_font,
                                      alignment=TA_CENTER, spaceAfter=0),
        "center_italic": ParagraphStyle("center_italic", parent=body, fontName=italic_font,
                                        alignment=TA_CENTER, spaceAfter=0),
        "title": ParagraphStyle("title", parent=body, fontName=bold_font, fontSize=size + 3,
                                leading=(size + 3) * 1.3, alignment=TA_CENTER,
                                spaceBefore=size, spaceAfter=size * 0.3),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontName=bold_font,
                                   alignment=TA_CENTER, spaceAfter=size),
        "heading": ParagraphStyle("heading", parent=body, fontName=bold_font, fontSize=size + 1,
                                  leading=(size + 1) * 1.3, alignment=TA_LEFT,
                                  spaceBefore=size * 0.8, spaceAfter=size * 0.4,
                                  keepWithNext=True),
        # Above a long table: keepWithNext would push the whole table to the next page,
        # so a CondPageBreak before the heading keeps the two together instead.
        "table_heading": ParagraphStyle("table_heading", parent=body, fontName=bold_font,
                                        fontSize=size + 1, leading=(size + 1) * 1.3,
                                        alignment=TA_LEFT, spaceBefore=size * 0.8,
                                        spaceAfter=size * 0.4),
        "note": ParagraphStyle("note", parent=body, fontSize=size - 1.5,
                               leading=(size - 1.5) * 1.3, alignment=TA_LEFT,
                               textColor=colors.HexColor("#444444")),
        "cell": ParagraphStyle("cell", parent=body, fontSize=size - 2,
                               leading=(size - 2) * 1.25, alignment=TA_LEFT, spaceAfter=0),
        "cell_bold": ParagraphStyle("cell_bold", parent=body, fontName=bold_font,
                                    fontSize=size - 2, leading=(size - 2) * 1.25,
                                    alignment=TA_LEFT, spaceAfter=0),
        "cell_bold_right": ParagraphStyle("cell_bold_right", parent=body, fontName=bold_font,
                                          fontSize=size - 2, leading=(size - 2) * 1.25,
                                          alignment=TA_RIGHT, spaceAfter=0),
        "small": ParagraphStyle("small", parent=body, fontSize=size - 1,
                                leading=(size - 1) * 1.25, alignment=TA_LEFT, spaceAfter=0),
    }


def grid_table_style(numeric_from=None, header_rows=1, font=None):
    """A bordered table with a shaded header; columns from numeric_from are right-aligned.

    font (a paragraph style) sets the font of plain string cells, which would otherwise
    be one of the standard 14 fonts.
    """
    font = font or styles()["cell"]
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), font.fontName),
        ("FONTSIZE", (0, 0), (-1, -1), font.fontSize),
        ("LEADING", (0, 0), (-1, -1), font.leading),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL))
    if numeric_from is not None:
        commands.append(("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"))
    return TableStyle(commands)


def plain_table_style():
    """A table used only to place blocks side by side: no borders, no padding."""
    # Tables set a font for every cell, even one holding paragraphs: never a standard one.
    return TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), fonts.SANS),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ])


def report_heading(authority, title, subtitle, as_at_line, styles):
    """The top of a report: the authority, the title, what it covers and as at when."""
    parts = []
    if authority:
        parts.append(Paragraph(bold(authority.upper()), styles["left"]))
    parts += [Paragraph(bold(title), styles["title"]),
              Paragraph(bold(subtitle), styles["subtitle"]),
              Paragraph(f"<i>{markup(as_at_line)}</i>", styles["center"]),
              Spacer(1, 4 * mm)]
    return parts


def data_table(header, rows, widths, styles, numeric_from=None):
    """A bordered table with a repeated header row; numeric columns are right-aligned.

    Text cells are paragraphs (they wrap); numbers are plain strings, much cheaper to
    lay out in long tables.
    """
    numeric_from = len(header) if numeric_from is None else numeric_from

    def heading(index, label):
        style = styles["cell_bold"] if index < numeric_from else styles["cell_bold_right"]
        return Paragraph(bold(label), style)

    def cells(row):
        return [Paragraph(markup(value), styles["cell"]) if index < numeric_from else value
                for index, value in enumerate(row)]

    table = Table([[heading(i, label) for i, label in enumerate(header)]]
                  + [cells(row) for row in rows], colWidths=widths, repeatRows=1)
    table.setStyle(grid_table_style(numeric_from, font=styles["cell"]))
    return table


def official_rule(text_width):
    """The short line under an official heading, about as wide as the text above it."""
    return HRFlowable(width=text_width, thickness=0.6, color=colors.black, spaceBefore=3,
                      spaceAfter=4, hAlign="CENTER")


def official_header(number, day, styles, parent, issuer, place_name):
    """The two header columns of an official document (Decree 30/2020/NĐ-CP): the body
    above, the issuing body and the number; the national name, the motto and the place and
    date line. parent and issuer are printed as given; styles are the serif ones."""
    motto = _("Independence - Freedom - Happiness")
    motto_style = styles["center_bold"]
    header, header_bold = styles["header"], styles["header_bold"]
    left = [Paragraph(markup(parent), header)] if parent else []
    left += [Paragraph(bold(issuer), header_bold),
             official_rule(min(stringWidth(issuer, fonts.SERIF_BOLD,
                                           header_bold.fontSize) / 2, OFFICIAL_LEFT - 10 * mm)),
             Paragraph(markup(_("No.: %(number)s", number=number)), styles["center"])]
    right = [Paragraph(bold(_("SOCIALIST REPUBLIC OF VIETNAM")), header_bold),
             Paragraph(bold(motto), motto_style),
             official_rule(stringWidth(motto, fonts.SERIF_BOLD, motto_style.fontSize)),
             Paragraph(markup(date_line(place_name, day)), styles["center_italic"])]
    table = Table([[left, right]], colWidths=[OFFICIAL_LEFT, FRAME_WIDTH - OFFICIAL_LEFT])
    table.setStyle(plain_table_style())
    # The short rules under the authority and the motto are centred like the text.
    table.setStyle([("ALIGN", (0, 0), (-1, -1), "CENTER")])
    return table
