"""The CCHC index documents: a round's ranking and a unit's scoring sheet (phiếu chấm điểm).

Both are drawn from the scores assessments.queries computes with scoring.score, as the
pages are, and always in Vietnamese: they are the office's documents. The ranking is laid
out as an official document (Decree 30/2020/NĐ-CP) under the number and date of the
decision announcing it; before that it is marked provisional.
"""
from flask_babel import force_locale
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer, Table

from .. import authority, clock
from ..assessments import queries
from ..formatting import format_points, format_score
from ..i18n import gettext as _
from ..text import nfc
from . import layout
from .paragraphs import bold, date, markup, para

NUMBER_COLUMN = 17 * mm


def _dash(value, format_value=format_score):
    """A figure, or a dash where there is none."""
    return "–" if value is None else format_value(value)


# --- the ranking -----------------------------------------------------------------------


def _ranking_table(result, assessment_round, styles):
    """Rank, unit, appraised points, survey points, index and band of every unit."""
    total = format_points(result["total"])
    header = [_("Rank"), _("Unit"), _("Band"), _("Appraised (of %(max)s)", max=total),
              _("Survey (of %(max)s)", max=format_points(assessment_round.survey_share)),
              _("Index (of 100)")]
    rows = [[str(row["rank"]) if row["rank"] else "–", row["unit_name"], row["band"] or "–",
             _dash(row["appraised"]), _dash(row["survey"]), _dash(row["index"])]
            for row in result["rows"]]
    numbers = 3 * NUMBER_COLUMN
    widths = [12 * mm, layout.FRAME_WIDTH - 12 * mm - 24 * mm - numbers, 24 * mm,
              NUMBER_COLUMN, NUMBER_COLUMN, NUMBER_COLUMN]
    table = layout.data_table(header, rows, widths, styles, numeric_from=3)
    table.setStyle([("ALIGN", (0, 0), (0, -1), "RIGHT")])
    return table


def _rules(assessment_round, styles):
    """How the index is made, the bands and the tie rule."""
    bands = "; ".join(f"{label}: {_('from %(value)s', value=format_points(lowest))}"
                      for label, lowest in queries.bands(assessment_round))
    return [para(_("The index (of 100) is the appraised score, rescaled where criteria do "
                   "not apply, scaled to %(appraised)s points, plus up to %(survey)s points "
                   "from the citizens' survey.",
                   appraised=format_points(100 - assessment_round.survey_share),
                   survey=format_points(assessment_round.survey_share)), styles["body"]),
            para(_("Bands: %(bands)s.", bands=bands), styles["body"]),
            para(_("Ties: units with the same index are ranked by their appraised score; "
                   "units equal on both share the rank."), styles["body"])]


def _signature(assessment_round, styles):
    """Recipients on the left; the leader who published, on the right."""
    name = assessment_round.published_by.full_name if assessment_round.published_by_id else ""
    recipients = [Paragraph(f"<b><i>{markup(_('Recipients:'))}</i></b>", styles["small"]),
                  para(_("- The units assessed;"), styles["small"]),
                  para(_("- Archive: office."), styles["small"])]
    signer = [Paragraph(bold(_("LEADER")), styles["center_bold"]), Spacer(1, 24 * mm),
              Paragraph(bold(name), styles["center_bold"])]
    table = Table([[recipients, signer]],
                  colWidths=[layout.OFFICIAL_LEFT + 10 * mm,
                             layout.FRAME_WIDTH - layout.OFFICIAL_LEFT - 10 * mm])
    table.setStyle(layout.plain_table_style())
    return KeepTogether([Spacer(1, 6 * mm), table])


def ranking_pdf(assessment_round):
    """The bytes of the round's ranking, in Vietnamese."""
    with force_locale("vi"):
        styles = layout.styles(serif=True)
        result = queries.ranking(assessment_round)
        published = assessment_round.status == "published"
        day = assessment_round.decision_date if published else clock.today()
        version = authority.in_force(day)
        header = layout.official_header(
            assessment_round.decision_no if published else "", day, styles,
            nfc(version.parent_authority).upper(), nfc(version.authority_name).upper(),
            version.place_name)
        story = [header, Paragraph(bold(_("RESULTS AND RANKING OF THE ADMINISTRATIVE REFORM "
                                          "INDEX")), styles["title"]),
                 Paragraph(bold(assessment_round.name), styles["subtitle"])]
        if not published:
            story.append(para(_("Provisional: the results have not been published."),
                              styles["center_italic"]))
        story += [layout.official_rule(40 * mm), *_rules(assessment_round, styles),
                  CondPageBreak(layout.TABLE_ROOM), _ranking_table(result, assessment_round,
                                                                   styles)]
        if published:
            story.append(_signature(assessment_round, styles))
        author = nfc(version.authority_name).strip() or nfc(_("Inspection tracking"))
        return layout.build(story, title=nfc(_("Ranking: %(round)s",
                                               round=assessment_round.name)),
                            author=author, subject=nfc(assessment_round.name), serif=True)


# --- a unit's scoring sheet ------------------------------------------------------------


def _figure(result, node_id, shown):
    """A node's points at a stage, N/A when not applicable, empty when not shown."""
    if result is None or not shown:
        return ""
    outcome = result.nodes[node_id]
    return _("N/A") if outcome.na else format_points(outcome.earned)


def _node_cell(row, styles):
    """The node's code and content, indented by depth; bold for fields."""
    text = markup(f"{row.node.code}. {row.node.content}")
    if row.node.parent_id is None:
        text = f"<b>{text}</b>"
    return Paragraph(("&nbsp;" * 3 * row.node.depth) + text, styles["cell"])


def _sheet_table(view, styles):
    """Every node: maximum, the unit's score, round 1's and the final one."""
    header = [_("Criterion"), _("Max."), _("Self"), _("Appraisal 1"), _("Final")]
    first = view.results.get("first")
    body = [[_node_cell(row, styles), format_points(row.node.max_points),
             _figure(view.results["self"], row.node.id, True),
             _figure(first, row.node.id, "first" in view.stages),
             _figure(view.results.get("final"), row.node.id, "final" in view.stages)]
            for row in view.rows]
    widths = [layout.FRAME_WIDTH - 4 * 15 * mm] + [15 * mm] * 4
    table = Table([[Paragraph(bold(label), styles["cell_bold"]) for label in header]] + body,
                  colWidths=widths, repeatRows=1)
    table.setStyle(layout.grid_table_style(numeric_from=1, font=styles["cell"]))
    return table


def _totals(view, styles):
    """The sheet's figures at the unit's stage and at the final one."""
    final = view.results.get("final") if "final" in view.stages else None
    own = view.results["self"]

    def pair(own_value, final_value):
        return [format_score(own_value), "" if final is None else format_score(final_value)]

    rows = [[_("Points earned"), *pair(own.earned, final and final.earned)],
            [_("Applicable maximum"), *pair(own.applicable, final and final.applicable)],
            [_("Rescaled to %(total)s", total=format_points(view.total)),
             *pair(own.rescaled, final and final.rescaled)],
            [_("Bonus points"), *pair(own.bonus, final and final.bonus)],
            [_("Penalty points"), *pair(own.penalty, final and final.penalty)],
            [_("Appraised score"), *pair(own.appraised, final and final.appraised)],
            [_("Survey points"), "", _dash(view.sheet.survey_points) if final else ""],
            [_("Index (of 100)"), format_score(view.index["self"]),
             format_score(view.index["final"]) if final else ""]]
    return [CondPageBreak(layout.TABLE_ROOM), para(_("Totals"), styles["table_heading"]),
            layout.data_table([_("Figure"), _("Self"), _("Final")], rows,
                              [layout.FRAME_WIDTH - 50 * mm, 25 * mm, 25 * mm], styles,
                              numeric_from=1)]


def sheet_pdf(view):
    """The bytes of a unit's scoring sheet (a queries.SheetView), in Vietnamese."""
    with force_locale("vi"):
        styles = layout.styles()
        sheet = view.sheet
        issuer = nfc(authority.in_force(clock.today()).authority_name).strip()
        story = layout.report_heading(
            issuer, _("CCHC INDEX SCORING SHEET"),
            f"{sheet.unit.name} · {sheet.assessment_round.name}",
            _("Situation on %(date)s", date=date(clock.today())), styles)
        story += [_sheet_table(view, styles), *_totals(view, styles)]
        return layout.build(story, title=nfc(_("Scoring sheet of %(unit)s",
                                               unit=sheet.unit.name)),
                            author=issuer or nfc(_("Inspection tracking")),
                            subject=nfc(sheet.assessment_round.name))
