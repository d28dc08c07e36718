"""The inspection conclusion (kết luận kiểm tra), laid out as Decree 30/2020/NĐ-CP asks.

Top-left the parent authority and the authority with the document number; top-right
the national name and motto with the place and date line; then the title, the body
(inspection, team, scope, results), the table of findings and recommendations, the
recipients (Nơi nhận) and the signature block. Always in Vietnamese: it is an official
document whoever downloads it.

The names, place and signature block are those of the authority's version in force on the
conclusion's date (inspect_app.authority). The signer decides the voice: an authority
concludes in its own name and signs with its block ("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH /
PHÓ CHỦ TỊCH"); a team issues under its own name ("ĐOÀN KIỂM TRA", below the authority)
and its lead signs.

A responsible unit other than the inspected one receives an extract (trích kết luận):
the same header, opening and closing, with only its own findings, since it may not see
the rest of the conclusion.
"""
import re

from flask_babel import force_locale
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer, Table

from .. import authority
from ..i18n import gettext as _
from ..inspections import queries
from ..text import in_sentence, nfc
from . import layout
from .paragraphs import bold, date, markup, para

LEFT_COLUMN = layout.OFFICIAL_LEFT
RIGHT_COLUMN = layout.FRAME_WIDTH - LEFT_COLUMN
CELL_PADDING = 7
MAX_CODE_WIDTH = 42 * mm


def _rule(text_width):
    """The short line under a heading, about as wide as the text above it."""
    return layout.official_rule(text_width)


def _issuer_lines(version):
    """(the body above, the issuing body) in capitals, as the header prints them."""
    if version.signer == "team":
        return nfc(version.authority_name).upper(), _("INSPECTION TEAM")
    return nfc(version.parent_authority).upper(), nfc(version.authority_name).upper()


def _header(inspection, version, styles):
    """The two header columns: authority and number; national name, motto and date."""
    parent, issuer = _issuer_lines(version)
    return layout.official_header(inspection.conclusion_no, inspection.conclusion_date, styles,
                                  parent, issuer, version.place_name)


def _about(inspection):
    """What the conclusion is about: the inspection's title, naming the unit once.

    A title that already names the unit keeps it where it stands, its kind word in lower
    case inside the sentence ("… tại xã Hòa An"); any other title gets "at <unit>" added.
    """
    name, title = nfc(inspection.unit.name).strip(), nfc(inspection.title).strip()
    inside = in_sentence(name)
    named = re.compile(re.escape(name), re.IGNORECASE)
    if not named.search(title):
        return _("%(title)s at %(unit)s", title=title, unit=inside)
    return named.sub(lambda match: match.group(0) if match.start() == 0 else inside, title)


def _top(inspection, version, title, styles):
    """The header, the document's title, what it is about and the rule below."""
    return [_header(inspection, version, styles), Paragraph(bold(title), styles["title"]),
            Paragraph(bold(_about(inspection)), styles["subtitle"]), _rule(40 * mm)]


def _opening(inspection, version, styles):
    """Which decision the team acted on, where and when it inspected."""
    dates = {"unit": in_sentence(inspection.unit.name), "start": date(inspection.start_date),
             "end": date(inspection.end_date)}
    if inspection.decision_no:
        text = _("Pursuant to decision no. %(number)s of %(date)s establishing the "
                 "inspection team, the team inspected %(unit)s from %(start)s to %(end)s.",
                 number=inspection.decision_no, date=date(inspection.decision_date), **dates)
    else:
        text = _("The inspection team inspected %(unit)s from %(start)s to %(end)s.", **dates)
    if inspection.plan_id:
        text += " " + _("The inspection is part of the plan \"%(plan)s\".",
                        plan=inspection.plan.title)
    name = version.authority_name.strip()
    closing = (_("On the basis of the results, %(authority)s concludes as follows:",
                 authority=name) if version.signer == "authority" and name
               else _("On the basis of the results, the inspection team concludes as "
                      "follows:"))
    return [para(text, styles["body"]), para(closing, styles["body"])]


def _team(inspection, styles):
    """Section I: the team lead and members."""
    members = queries.conclusion_team(inspection)
    lines = []
    if inspection.lead_id:
        lines.append(_("- Team lead: %(name)s", name=inspection.lead.full_name))
    if members:
        lines.append(_("- Members: %(names)s", names=", ".join(m.full_name for m in members)))
    return [para(_("I. THE INSPECTION TEAM"), styles["heading"])] + \
        [para(line, styles["left"]) for line in lines or [_("- Not recorded.")]]


def _scope_and_results(inspection, styles):
    """Sections II and III: what was inspected and what the team found overall."""
    summary = inspection.conclusion_summary or _("The findings and recommendations are "
                                                 "listed in section IV.")
    return [para(_("II. SCOPE OF THE INSPECTION"), styles["heading"]),
            para(inspection.topics or inspection.title, styles["body"]),
            para(_("III. RESULTS OF THE INSPECTION"), styles["heading"]),
            para(summary, styles["body"])]


def _finding_cell(finding, styles):
    """The finding's title in bold, then its description."""
    text = bold(finding.title)
    if finding.description:
        text += "<br/>" + markup(finding.description)
    return Paragraph(text, styles["cell"])


def _findings(findings, styles):
    """Section IV: the table of findings and recommendations with their deadlines."""
    heading = para(_("IV. FINDINGS AND RECOMMENDATIONS"), styles["table_heading"])
    if not findings:
        return [heading, para(_("The inspection found nothing to remedy."), styles["body"])]
    cell = styles["cell"]
    header = [Paragraph(bold(label), styles["cell_bold"]) for label in (
        _("Code"), _("Finding"), _("Recommendation"), _("Responsible unit"), _("Deadline"))]
    rows = [[para(f.code, cell), _finding_cell(f, styles), para(f.recommendation, cell),
             para(f.responsible_unit.name, cell),
             para(date(f.original_deadline or f.deadline), cell)] for f in findings]
    table = Table([header] + rows, colWidths=_finding_columns(findings, cell), repeatRows=1)
    table.setStyle(layout.grid_table_style(font=cell))
    return [CondPageBreak(50 * mm), heading, table, Spacer(1, 3 * mm)]


def _finding_columns(findings, style):
    """Column widths: the codes and dates unbroken, the rest shared by the texts."""
    def width(text):
        return stringWidth(nfc(text), style.fontName, style.fontSize) + CELL_PADDING

    code = min(max(width(f.code) for f in findings), MAX_CODE_WIDTH)
    deadline = width("00/00/0000")
    rest = layout.FRAME_WIDTH - code - deadline
    return [code, rest * 0.37, rest * 0.37, rest * 0.26, deadline]


def _conclusion_recipients(inspection, findings):
    """The names of the inspected unit and of every responsible unit, once each."""
    units = [inspection.unit.name]
    for finding in findings:
        if finding.responsible_unit.name not in units:
            units.append(finding.responsible_unit.name)
    return units


def _recipients(units, styles):
    """Nơi nhận: the units named, and the archive."""
    lines = [f"- {name};" for name in units] + [_("- Archive: office, inspection team.")]
    heading = _("Recipients:")
    return [Paragraph(f"<b><i>{markup(heading)}</i></b>", styles["small"])] + \
        [para(line, styles["small"]) for line in lines]


def _signature(inspection, version, styles):
    """The signer's position, room for the signature and seal, and the name."""
    if version.signer == "authority":
        lines, name = version.signature_title.splitlines(), version.signer_name
    else:
        lines = [_("HEAD OF THE INSPECTION TEAM")]
        name = inspection.lead.full_name if inspection.lead_id else ""
    return [Paragraph(bold(line), styles["center_bold"]) for line in lines] + [
        Spacer(1, 24 * mm), Paragraph(bold(name), styles["center_bold"])]


def _closing_block(inspection, version, findings, recipients, styles):
    """The request to report back, then recipients and signature, kept on one page.

    The last paragraph goes with the signature so that it never stands alone on a page.
    """
    parts = []
    if findings:
        parts.append(para(_("The responsible units shall remedy the findings above by their "
                            "deadlines and report the results, with evidence, in the "
                            "inspection tracking system."), styles["body"]))
    table = Table([[_recipients(recipients, styles), _signature(inspection, version, styles)]],
                  colWidths=[LEFT_COLUMN + 10 * mm, RIGHT_COLUMN - 10 * mm])
    table.setStyle(layout.plain_table_style())
    return KeepTogether(parts + [Spacer(1, 6 * mm), table])


def _document(inspection, version, story, title):
    """The bytes of the PDF of story, with the conclusion's metadata."""
    author = version.authority_name.strip() or _("Inspection team")
    return layout.build(story, title=nfc(title), author=nfc(author),
                        subject=nfc(inspection.title), serif=True)


def conclusion_pdf(inspection):
    """The bytes of the conclusion of a concluded (or closed) inspection, in Vietnamese."""
    with force_locale("vi"):
        styles = layout.styles(serif=True)
        version = authority.in_force(inspection.conclusion_date)
        findings = queries.conclusion_findings(inspection)
        story = [*_top(inspection, version, _("INSPECTION CONCLUSION"), styles),
                 *_opening(inspection, version, styles), *_team(inspection, styles),
                 *_scope_and_results(inspection, styles), *_findings(findings, styles),
                 _closing_block(inspection, version, findings,
                                _conclusion_recipients(inspection, findings), styles)]
        return _document(inspection, version, story,
                         _("Inspection conclusion no. %(number)s",
                           number=inspection.conclusion_no))


def conclusion_extract_pdf(inspection, unit):
    """The bytes of the extract of the conclusion for unit: its findings only, in Vietnamese."""
    with force_locale("vi"):
        styles = layout.styles(serif=True)
        version = authority.in_force(inspection.conclusion_date)
        findings = queries.conclusion_findings(inspection, unit)
        story = [*_top(inspection, version, _("EXTRACT OF THE INSPECTION CONCLUSION"), styles),
                 para(_("The findings for which %(unit)s is responsible",
                        unit=in_sentence(unit.name)), styles["center_italic"]),
                 Spacer(1, 4 * mm), *_opening(inspection, version, styles),
                 *_findings(findings, styles),
                 _closing_block(inspection, version, findings, [unit.name], styles)]
        return _document(inspection, version, story,
                         _("Extract of inspection conclusion no. %(number)s for %(unit)s",
                           number=inspection.conclusion_no, unit=unit.name))
