"""The unit remediation report PDF: a unit's open and recently resolved findings."""
from flask_babel import force_locale
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Paragraph, Spacer, Table

from .. import authority
from ..deadlines import overdue_text
from ..i18n import gettext as _
from ..labels import FINDING_STATUS
from ..reports.unit_report import unit_report
from ..text import nfc
from . import layout
from .paragraphs import bold, date, markup, number, para, percent


def status_text(row):
    """Where an open finding stands: days overdue, waiting for review, or open."""
    if row["days_overdue"]:
        return overdue_text(row["days_overdue"], row["working_days_overdue"])
    return str(FINDING_STATUS.get(row["status"], row["status"]))


def _counts(report, styles):
    """The unit's figures today."""
    counts = report.counts
    rows = [(_("Awaiting the unit's report"), number(counts["open"])),
            (_("Overdue"), number(counts["overdue"])),
            (_("Due within 7 days"), number(counts["due_soon"])),
            (_("Waiting for the inspectors' review"), number(counts["waiting_for_review"])),
            (_("Resolved (all time)"), number(counts["resolved"])),
            (_("On-time remediation rate this year"), percent(report.year_rate))]
    table = Table([[para(label, styles["cell"]), para(value, styles["cell_bold"])]
                   for label, value in rows],
                  colWidths=[layout.FRAME_WIDTH * 0.6, layout.FRAME_WIDTH * 0.4])
    table.setStyle(layout.grid_table_style(header_rows=0, font=styles["cell"]))
    return [para(_("Overview"), styles["heading"]), table]


def _finding_cell(row, styles):
    """The finding's title in bold, then the recommendation."""
    text = bold(row["title"])
    if row.get("recommendation"):
        text += "<br/>" + markup(_("Recommendation: %(text)s", text=row["recommendation"]))
    return Paragraph(text, styles["cell"])


def _open(report, styles):
    """The findings the unit still has to remedy, earliest deadline first."""
    parts = [CondPageBreak(layout.TABLE_ROOM),
             para(_("Findings to remedy"), styles["table_heading"])]
    if not report.open_findings:
        return parts + [para(_("The unit has no open findings."), styles["body"])]
    header = [para(label, styles["cell_bold"]) for label in
              (_("Code"), _("Finding and recommendation"), _("Deadline"), _("Status"))]
    rows = [[para(row["code"], styles["cell"]), _finding_cell(row, styles),
             para(date(row["deadline"]), styles["cell"]),
             para(status_text(row), styles["cell"])] for row in report.open_findings]
    widths = [34 * mm, None, 21 * mm, 32 * mm]
    widths[1] = layout.FRAME_WIDTH - sum(w for w in widths if w)
    table = Table([header] + rows, colWidths=widths, repeatRows=1)
    table.setStyle(layout.grid_table_style(font=styles["cell"]))
    return parts + [table]


def _resolved(report, styles):
    """The findings resolved recently, latest first."""
    parts = [CondPageBreak(layout.TABLE_ROOM),
             para(_("Resolved since %(date)s", date=date(report.resolved_since)),
                  styles["table_heading"])]
    if not report.resolved:
        return parts + [para(_("None."), styles["note"])]
    rows = [(row["code"], row["title"], date(row["deadline"]), date(row["resolved_at"]),
             _("On time") if row["resolved_on_time"] else _("Late"))
            for row in report.resolved]
    widths = [34 * mm, None, 21 * mm, 21 * mm, 20 * mm]
    widths[1] = layout.FRAME_WIDTH - sum(w for w in widths if w)
    return parts + [layout.data_table([_("Code"), _("Finding"), _("Deadline"), _("Resolved on"),
                            _("On time")], rows, widths, styles)]


def issuer_on(day):
    """The authority's name heading the reports of day."""
    return nfc(authority.in_force(day).authority_name).strip()


def draw_report(report, issuer, locale="vi"):
    """The bytes of the PDF of a built unit report under issuer, in locale.

    It reads nothing from the database, so worker processes can draw it (pdf.parallel).
    """
    with force_locale(locale):
        styles = layout.styles()
        story = layout.report_heading(
            issuer, _("REMEDIATION REPORT"), report.unit.name,
            _("Situation on %(date)s", date=date(report.today)), styles)
        if report.predecessors:
            story.append(para(_("Including the units it replaced: %(units)s",
                                units=", ".join(report.predecessors)), styles["note"]))
        story += _counts(report, styles) + [Spacer(1, 2 * mm)]
        story += _open(report, styles) + _resolved(report, styles)
        return layout.build(
            story, title=nfc(_("Remediation report of %(unit)s", unit=report.unit.name)),
            author=issuer or nfc(_("Inspection tracking")),
            subject=nfc(_("Situation on %(date)s", date=date(report.today))))


def report_pdf(report, locale="vi"):
    """The bytes of the PDF of a built unit report, in locale."""
    return draw_report(report, issuer_on(report.today), locale)


def unit_report_pdf(unit, today, locale="vi"):
    """The bytes of the remediation report PDF of unit as it stands on today."""
    return report_pdf(unit_report(unit, today), locale)
