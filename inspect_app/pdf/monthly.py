"""The monthly summary PDF: every section of reports.monthly.monthly_summary, in order.

The web page's sections, rendered from the same summary with the same chart, are kept
here too (monthly_sections_html).
"""
from flask import render_template
from flask_babel import force_locale, get_locale
from markupsafe import Markup
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Spacer, Table

from .. import authority
from ..cache import derived
from ..formatting import format_score
from ..i18n import gettext as _
from ..labels import REORGANISATION_KIND
from ..reports.monthly import cached_summary, chart_rows, monthly_summary
from ..text import nfc
from . import charts, layout
from .paragraphs import date, number, para, percent, points


def _heading(section, styles):
    """A section's heading, on a new page when too little room is left for it."""
    return [CondPageBreak(layout.TABLE_ROOM), para(section.title, styles["table_heading"])]


def _totals(section, summary, styles):
    """The headline figures as label and value pairs, with the definitions."""
    t = section.data
    change = _("previous month: %(rate)s; change: %(change)s",
               rate=percent(t.previous_rate), change=points(t.rate_change))
    rows = [
        (_("Inspections planned in the month"), number(t.inspections_planned)),
        (_("Conclusions issued in the month"), number(t.inspections_done)),
        (_("New findings"), number(t.findings_new)),
        (_("Findings resolved"), _("%(total)s (on time: %(on_time)s, late: %(late)s)",
                                   total=number(t.findings_resolved),
                                   on_time=number(t.resolved_on_time),
                                   late=number(t.resolved_late))),
        (_("Open at the end of the month"), number(t.open_at_end)),
        (_("Overdue at the end of the month"), number(t.overdue_at_end)),
        (_("On-time remediation rate"), f"{percent(t.on_time_rate)} ({change})"),
    ]
    table = Table([[para(label, styles["cell"]), para(value, styles["cell_bold"])]
                   for label, value in rows],
                  colWidths=[layout.FRAME_WIDTH * 0.45, layout.FRAME_WIDTH * 0.55])
    table.setStyle(layout.grid_table_style(header_rows=0, font=styles["cell"]))
    notes = _("Overdue: the deadline in force had passed while the unit had not reported "
              "or its report had been sent back. On time: the accepted report was "
              "submitted by the deadline in force. Cancelled findings are not counted.")
    return [para(section.title, styles["heading"]), table, Spacer(1, 2 * mm),
            para(notes, styles["note"])]


def _units(section, summary, styles):
    """The ranked per-unit table."""
    if not section.data:
        return [*_heading(section, styles), para(_("No findings to report."), styles["body"])]
    header = [_("Rank"), _("Unit"), _("Open"), _("Overdue"), _("On time"), _("Late"),
              _("Rate")]
    rows = [(str(row["rank"]), row["unit_name"], number(row["open"]), number(row["overdue"]),
             number(row["on_time"]), number(row["late"]), percent(row["rate"]))
            for row in section.data]
    rest = layout.FRAME_WIDTH - 12 * mm - 5 * 17 * mm
    widths = [12 * mm, rest] + [17 * mm] * 5
    note = _("Ranked by overdue findings at the end of the month (fewest first), then by "
             "on-time rate.")
    return [*_heading(section, styles),
            layout.data_table(header, rows, widths, styles, numeric_from=2),
            Spacer(1, 2 * mm), para(note, styles["note"])]


def _chart(section, summary, styles):
    """The bar chart of the busiest units."""
    return [*_heading(section, styles), charts.month_chart(section.data, layout.FRAME_WIDTH),
            para(_("The %(count)d units with most open findings.",
                   count=len(section.data)), styles["note"])]


def _overdue(section, summary, styles):
    """The longest overdue findings at the end of the month, and how many in all."""
    listing = section.data
    if not listing.rows:
        return [*_heading(section, styles), para(_("No overdue findings."), styles["body"])]
    header = [_("Code"), _("Finding"), _("Unit"), _("Deadline"), _("Days overdue"),
              _("Working days")]
    rows = [(row["code"], row["title"], row["unit_name"], date(row["deadline"]),
             number(row["days_overdue"]), number(row["working_days_overdue"]))
            for row in listing.rows]
    widths = [34 * mm, None, 32 * mm, 20 * mm, 17 * mm, 17 * mm]
    widths[1] = layout.FRAME_WIDTH - sum(w for w in widths if w)
    parts = [*_heading(section, styles)]
    if not listing.complete:
        parts += [para(_("The %(listed)s longest overdue findings of %(total)s in all.",
                         listed=number(len(listing.rows)), total=number(listing.total)),
                       styles["left"]),
                  Spacer(1, 1 * mm)]
    parts.append(layout.data_table(header, rows, widths, styles, numeric_from=4))
    if not listing.complete:
        parts += [Spacer(1, 2 * mm),
                  para(_("Every finding overdue today is in the findings list of the "
                         "application (status: overdue)."), styles["note"])]
    return parts


def _inspections(section, summary, styles):
    """The conclusions issued in the month and the inspections it planned."""
    done, planned = section.data["done"], section.data["planned"]
    parts = [*_heading(section, styles),
             para(_("Conclusions issued in the month"), styles["left"])]
    if done:
        rows = [(date(row["conclusion_date"]), row["conclusion_no"], row["unit_name"],
                 row["title"], number(row["findings"])) for row in done]
        widths = [20 * mm, 28 * mm, 38 * mm, None, 17 * mm]
        widths[3] = layout.FRAME_WIDTH - sum(w for w in widths if w)
        header = [_("Date"), _("Number"), _("Unit"), _("Inspection"), _("Findings")]
        parts.append(layout.data_table(header, rows, widths, styles, numeric_from=4))
    else:
        parts.append(para(_("None."), styles["note"]))
    parts += [Spacer(1, 3 * mm), para(_("Inspections planned in the month"), styles["left"])]
    if planned:
        rows = [(f"{date(row['start_date'])} – {date(row['end_date'])}", row["unit_name"],
                 row["title"]) for row in planned]
        widths = [40 * mm, 45 * mm, layout.FRAME_WIDTH - 85 * mm]
        header = [_("Dates"), _("Unit"), _("Inspection")]
        parts.append(layout.data_table(header, rows, widths, styles))
    else:
        parts.append(para(_("None."), styles["note"]))
    return parts


def _discipline(section, summary, styles):
    """The month's disciplinary cases: totals, decisions by measure, figures by unit."""
    d = section.data
    rows = [(_("Cases opened"), number(d.opened)), (_("Decisions"), number(d.decided)),
            (_("Closed without a measure"), number(d.dismissed)),
            (_("Deferred"), number(d.deferred)),
            (_("Awaiting a decision at the end of the month"), number(d.open_at_end)),
            (_("Past the processing deadline at the end of the month"),
             number(d.overdue_at_end))]
    totals = layout.data_table([_("Figure"), _("Cases")], rows,
                               [layout.FRAME_WIDTH - 30 * mm, 30 * mm], styles, numeric_from=1)
    parts = [*_heading(section, styles), totals]
    if d.by_measure:
        parts += [Spacer(1, 3 * mm), para(_("Decisions by measure"), styles["left"]),
                  layout.data_table([_("Measure"), _("Decisions")],
                                    [(row["measure"], number(row["count"]))
                                     for row in d.by_measure],
                                    [layout.FRAME_WIDTH - 30 * mm, 30 * mm], styles,
                                    numeric_from=1)]
    if d.by_unit:
        header = [_("Unit"), _("Opened"), _("Decided"), _("Closed"), _("Deferred"),
                  _("Pending"), _("Late")]
        unit_rows = [(row["unit_name"], number(row["opened"]), number(row["decided"]),
                      number(row["dismissed"]), number(row["deferred"]),
                      number(row["open_at_end"]), number(row["overdue_at_end"]))
                     for row in d.by_unit]
        widths = [layout.FRAME_WIDTH - 6 * 18 * mm] + [18 * mm] * 6
        parts += [Spacer(1, 3 * mm), para(_("By unit"), styles["left"]),
                  layout.data_table(header, unit_rows, widths, styles, numeric_from=1)]
    return parts


def _reorganisations(section, summary, styles):
    """The units that ended in the month and those that took over from them."""
    header = [_("Date"), _("Reorganisation"), _("Units that ended"), _("Units that took over")]
    rows = [(date(row["on_date"]), str(REORGANISATION_KIND[row["kind"]]),
             ", ".join(row["predecessors"]), ", ".join(row["successors"]))
            for row in section.data]
    widths = [20 * mm, 26 * mm, None, 45 * mm]
    widths[2] = layout.FRAME_WIDTH - sum(w for w in widths if w)
    return [*_heading(section, styles), layout.data_table(header, rows, widths, styles)]
def _assessments(section, summary, styles):
    """The CCHC index: each round's progress, and the top of each ranking published."""
    d = section.data
    parts = [*_heading(section, styles)]
    if d.under_way:
        rows = [(row["round"].name, number(row["covered"]), number(row["submitted"]),
                 number(row["appraised"]), number(row["final"])) for row in d.under_way]
        widths = [layout.FRAME_WIDTH - 4 * 20 * mm] + [20 * mm] * 4
        parts += [para(_("Rounds under way at the end of the month"), styles["left"]),
                  layout.data_table([_("Round"), _("Units"), _("Submitted"), _("Appraised"),
                                     _("Final")], rows, widths, styles, numeric_from=1)]
    for item in d.published:
        rows = [(str(row["rank"]), row["unit_name"], row["band"], format_score(row["index"]))
                for row in item["top"]]
        bands = "; ".join(f"{label}: {number(count)}" for label, count in item["bands"])
        parts += [Spacer(1, 3 * mm),
                  para(_("Results published: %(round)s", round=item["round"].name),
                       styles["left"]),
                  layout.data_table([_("Rank"), _("Unit"), _("Band"), _("Index")], rows,
                                    [15 * mm, layout.FRAME_WIDTH - 65 * mm, 30 * mm, 20 * mm],
                                    styles, numeric_from=3),
                  para(_("Units by band: %(bands)s.", bands=bands), styles["note"])]
    return parts


# How each section key is drawn; a new section registers its renderer here.
RENDERERS = {"totals": _totals, "units": _units, "chart": _chart, "overdue": _overdue,
             "inspections": _inspections, "discipline": _discipline,
             "reorganisations": _reorganisations, "assessments": _assessments}


def as_at_line(period):
    """The line saying which day's end the figures describe."""
    line = _("Figures as at the end of %(date)s", date=date(period.as_at))
    if not period.complete:
        line += " " + _("(the month is not over yet)")
    return line


def summary_pdf(summary, locale="vi"):
    """The bytes of the PDF of a built monthly summary, in locale."""
    with force_locale(locale):
        styles = layout.styles()
        issuer = nfc(authority.in_force(summary.period.as_at).authority_name).strip()
        title = _("MONTHLY SUMMARY %(month)s", month=summary.month.label())
        story = layout.report_heading(
            issuer, title, _("Inspections and the remediation of findings"),
            as_at_line(summary.period), styles)
        for section in summary.sections:
            story += RENDERERS[section.key](section, summary, styles)
        return layout.build(
            story, title=nfc(_("Monthly summary %(month)s", month=summary.month.label())),
            author=issuer or nfc(_("Inspection tracking")),
            subject=nfc(_("Inspections and the remediation of findings")))


def monthly_summary_pdf(year, month, locale="vi", today=None):
    """The bytes of the monthly summary PDF of a month (ValueError if not begun)."""
    return summary_pdf(monthly_summary(year, month, today), locale)


def monthly_sections_html(month, today):
    """The summary's sections rendered for its web page (with the chart), kept like the summary.

    They are the same for every reader and the unit table alone has hundreds of rows.
    """
    summary = cached_summary(month, today)

    def render():
        chart = Markup(charts.web_svg(charts.month_chart, chart_rows(summary.units),
                                      "monthly-chart", _("Open and overdue findings by unit")))
        return Markup(render_template("reports/_monthly_sections.html", summary=summary,
                                      chart_svg=chart))
    return derived(("monthly sections", str(month), today, str(get_locale() or "vi")),
                   summary, render)
