"""Bar charts drawn with reportlab graphics: a flowable in PDFs, SVG on web pages."""
import math
import re
import xml.etree.ElementTree as ET

from flask_babel import get_locale
from markupsafe import Markup
from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from ..cache import derived
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..text import nfc
from . import fonts

BAR_HEIGHT = 5
GAP = 6
LABEL_WIDTH = 150
LABEL_CHARS = 30
# The colour key: its font size, a row's height, the swatch and the space after each entry.
LEGEND_FONT_SIZE = 8
LEGEND_ROW = 12
LEGEND_SWATCH = 8
LEGEND_SWATCH_GAP = 6
LEGEND_ENTRY_GAP = 18
# Below the key, room for the value axis' labels.
AXIS_ROOM = 24
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# On web pages a chart is drawn as in the PDFs, then enlarged to WEB_WIDTH pixels so its
# text reads like the page's (narrow screens scroll it sideways).
WEB_WIDTH = 720
WEB_SCALE = 1.5
# Browsers do not know reportlab's font names; give them the family and fallbacks.
WEB_FONTS = {fonts.SANS: "DejaVu Sans, Arial, sans-serif",
             fonts.SANS_BOLD: "DejaVu Sans, Arial, sans-serif"}

OPEN = colors.HexColor("#1f6fb2")
OVERDUE = colors.HexColor("#c0392b")
RESOLVED = colors.HexColor("#2e8b57")
# The series of the per-unit charts: (row key, label, colour).
MONTH_SERIES = [("open", _l("Open at the end of the month"), OPEN),
                ("overdue", _l("Overdue at the end of the month"), OVERDUE),
                ("resolved", _l("Resolved in the month"), RESOLVED)]
CURRENT_SERIES = [("open", _l("Open"), OPEN), ("overdue", _l("Overdue"), OVERDUE)]


def _short(name):
    """A unit name cut to fit beside the bars."""
    name = nfc(name)
    return name if len(name) <= LABEL_CHARS else name[:LABEL_CHARS - 1] + "…"


def _step(largest):
    """A whole, round value-axis step giving about five ticks up to largest."""
    raw = max(1, math.ceil(largest / 5))
    magnitude = 10 ** (len(str(raw)) - 1)
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return raw


def _drawing(width, height):
    """An empty drawing whose default font is an embedded one, never a standard one."""
    drawing = Drawing(width, height)
    drawing.initialFontName = fonts.SANS
    return drawing


def _empty(width, message):
    """A small drawing saying there is nothing to chart."""
    drawing = _drawing(width, 30)
    drawing.add(String(0, 10, nfc(str(message)), fontName=fonts.SANS, fontSize=9))
    return drawing


def unit_bar_chart(rows, series, width, empty_message=""):
    """Horizontal bars per unit: rows are dicts with unit_name and each series' key.

    series is [(key, label, colour)]; the first row is drawn at the top.
    """
    fonts.register()
    if not rows:
        return _empty(width, empty_message)
    group = len(series) * BAR_HEIGHT + GAP
    plot_height = group * len(rows)
    legend = _legend(series, width)
    legend_height = legend.columnMaximum * LEGEND_ROW
    drawing = _drawing(width, plot_height + legend_height + AXIS_ROOM + 8)
    chart = HorizontalBarChart()
    chart.x, chart.y = LABEL_WIDTH, legend_height + AXIS_ROOM
    chart.width, chart.height = width - LABEL_WIDTH - 10, plot_height
    # The axes run upwards: reversed rows and series put the first of each at the top.
    rows, drawn = list(reversed(rows)), list(reversed(series))
    chart.data = [[row[key] for row in rows] for key, _label, _colour in drawn]
    chart.barWidth, chart.groupSpacing, chart.barSpacing = BAR_HEIGHT, GAP, 0
    for index, (_key, _label, colour) in enumerate(drawn):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = None
    chart.categoryAxis.categoryNames = [_short(row["unit_name"]) for row in rows]
    chart.categoryAxis.labels.fontName = fonts.SANS
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.boxAnchor = "e"
    largest = max(max(values) for values in chart.data)
    step = _step(largest)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(step, math.ceil(largest / step) * step)
    chart.valueAxis.valueStep = step
    chart.valueAxis.labels.fontName = fonts.SANS
    chart.valueAxis.labels.fontSize = 7.5
    chart.valueAxis.labelTextFormat = "%d"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#dddddd")
    drawing.add(chart)
    drawing.add(legend)
    return drawing


def _legend(series, width):
    """The colour key below the chart, in as many columns as fit in width.

    The entries stand side by side when they fit, else in columns of several rows: the
    key never runs past the drawing, whatever the language of its labels.
    """
    legend = Legend()
    legend.alignment = "right"
    legend.fontName = fonts.SANS
    legend.fontSize = LEGEND_FONT_SIZE
    names = [nfc(str(label)) for _key, label, _colour in series]
    widest = max(stringWidth(name, fonts.SANS, legend.fontSize) for name in names)
    entry = LEGEND_SWATCH + LEGEND_SWATCH_GAP + widest + LEGEND_ENTRY_GAP
    columns = max(1, min(len(names), int(width // entry)))
    legend.columnMaximum = math.ceil(len(names) / columns)
    legend.dx, legend.dy = LEGEND_SWATCH, LEGEND_SWATCH
    legend.dxTextSpace, legend.deltax = LEGEND_SWATCH_GAP, entry
    legend.deltay, legend.yGap = LEGEND_ROW, 0
    # The first row's top edge; further rows go down from it.
    legend.x, legend.y = 0, legend.columnMaximum * LEGEND_ROW
    legend.colorNamePairs = [(colour, name) for (_key, _label, colour), name
                             in zip(series, names)]
    return legend


def _style_to_attributes(element):
    """Move an element's style="" declarations to presentation attributes (CSP-safe)."""
    style = element.attrib.pop("style", "")
    for declaration in style.split(";"):
        name, _sep, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name and value:
            element.set(name, WEB_FONTS.get(value, value) if name == "font-family" else value)


def svg(drawing, element_id, title="", scale=1.0):
    """The drawing, enlarged by scale, as an inline <svg> element without style attributes.

    The page's Content-Security-Policy (style-src 'self') blocks style="" attributes,
    which reportlab's SVG renderer writes, so they become presentation attributes;
    ids are prefixed with element_id so several charts can share a page.
    """
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    drawing.scale(scale, scale)
    drawing.width, drawing.height = drawing.width * scale, drawing.height * scale
    root = ET.fromstring(renderSVG.drawToString(drawing).encode("utf-8"))
    for element in root.iter():
        _style_to_attributes(element)
        if "id" in element.attrib:
            element.set("id", f"{element_id}-{element.get('id')}")
        for name, value in list(element.attrib.items()):
            if "url(#" in value:
                element.set(name, re.sub(r"url\(#", f"url(#{element_id}-", value))
    root.set("id", element_id)
    root.set("role", "img")
    root.set("aria-label", nfc(str(title)))
    for tag in ("title", "desc"):
        node = root.find(f"{{{SVG_NS}}}{tag}")
        if node is not None:
            node.text = nfc(str(title)) if tag == "title" else ""
    return ET.tostring(root, encoding="unicode")


def month_chart(rows, width):
    """The monthly summary's chart: open and overdue at the end, resolved in the month."""
    return unit_bar_chart(rows, MONTH_SERIES, width, _l("No findings to chart."))


def current_chart(rows, width):
    """The home page's chart: findings open and overdue today."""
    return unit_bar_chart(rows, CURRENT_SERIES, width, _l("No open findings."))


def web_svg(chart, rows, element_id, title):
    """chart(rows, width) drawn for a web page, as inline SVG markup text."""
    return svg(chart(rows, WEB_WIDTH / WEB_SCALE), element_id, title, WEB_SCALE)


def home_chart_svg(today, rows):
    """The home page's chart of today's rows (cached_staff_home's chart_rows) as inline SVG
    markup, kept while the rows are the same.

    Drawing it costs more than the rest of the page, so the markup is kept too.
    """
    def draw():
        return Markup(web_svg(current_chart, rows, "home-unit-chart",
                              _("Open and overdue findings by unit")))
    return derived(("staff home chart", today, str(get_locale())), rows, draw)
