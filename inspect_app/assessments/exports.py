"""A round as an Excel workbook: one row per unit, then one row per unit and criterion.

The first sheet's "Mã đơn vị" and "Điểm khảo sát" columns are what the survey import
reads, so the export can be filled in and imported back.
"""
from .. import scoring
from ..criteria import queries as criteria
from ..errors import WorkflowError
from ..files.services import validate_upload
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..labels import SHEET_STATUS, plain
from ..spreadsheet import UnreadableSheet, read_table, write_sheets
from . import queries

# The survey import's columns: folded headings (Vietnamese or English) and their keys.
SURVEY_HEADINGS = {"ma don vi": "unit_code", "unit code": "unit_code",
                   "diem khao sat": "points", "survey points": "points"}


def _number(value):
    """A figure as the workbook stores it: a number, or empty."""
    return float(value) if value is not None else None


def _unit_rows(assessment_round, tree, sheets, answers, statuses):
    """One row per unit: its state, its index at each stage and its final field points."""
    roots = [node for node in tree if node.parent_id is None]
    ranked = {row["sheet_id"]: row for row in queries.ranking(assessment_round)["rows"]}
    for sheet in sheets:
        nodes = criteria.scoring_nodes(tree, sheet.unit.kind.code)
        own = scoring.score(nodes, answers.get(sheet.id, {}).get("self", {}))
        final = scoring.score(nodes, answers.get(sheet.id, {}).get("final", {}))
        row = ranked[sheet.id]
        yield [row["rank"], sheet.unit.code, sheet.unit.name, sheet.unit.kind.label,
               statuses.get(sheet.status, sheet.status), sheet.submitted_on,
               _("Yes") if sheet.submitted_late else "",
               _number(scoring.index(own, None, assessment_round.survey_share)),
               _number(row["appraised"]), _number(sheet.survey_points), _number(row["index"]),
               row["band"], *[_number(final.nodes[root.id].earned) if sheet.status == "final"
                              else None for root in roots]]


def _node_rows(tree, sheets, answers):
    """One row per unit and node: the maximum and the points at each stage."""
    for sheet in sheets:
        nodes = criteria.scoring_nodes(tree, sheet.unit.kind.code)
        results = {stage: scoring.score(nodes, answers.get(sheet.id, {}).get(stage, {}))
                   for stage in queries.STAGES}
        for node in tree:
            yield [sheet.unit.code, sheet.unit.name, node.code, node.content,
                   _number(node.max_points),
                   *[None if results[stage].nodes[node.id].na
                     else _number(results[stage].nodes[node.id].earned)
                     for stage in queries.STAGES]]


def write_xlsx(assessment_round, output):
    """Write the round's workbook to the binary file output."""
    tree = criteria.nodes(assessment_round.criteria_set)
    sheets = queries.round_sheets(assessment_round)
    answers = queries.round_answers(assessment_round)
    roots = [node for node in tree if node.parent_id is None]
    units_header = [_("Rank"), "Mã đơn vị", _("Unit"), _("Unit kind"),
                    _("Status"), _("Submitted on"), _("Late"), _("Self-assessed index"),
                    _("Appraised score"), "Điểm khảo sát", _("Index (of 100)"), _("Band"),
                    *[root.code for root in roots]]
    nodes_header = ["Mã đơn vị", _("Unit"), _("Code"), _("Criterion"), _("Max."), _("Self"),
                    _("Appraisal 1"), _("Final")]
    statuses = plain(SHEET_STATUS)
    write_sheets(output, [
        (_("Units"), units_header, _unit_rows(assessment_round, tree, sheets, answers,
                                              statuses)),
        (_("Criteria"), nodes_header, _node_rows(tree, sheets, answers))])


def read_survey_rows(file_storage):
    """[(row number, {"unit_code", "points"})] of an uploaded survey workbook, or a refusal."""
    upload = validate_upload(file_storage)
    if upload.extension != "xlsx":
        raise WorkflowError(_l("Choose an Excel workbook (.xlsx)."), field="file")
    try:
        return read_table(upload.data, SURVEY_HEADINGS, ("unit_code", "points"))
    except UnreadableSheet as error:
        raise WorkflowError(_l("The first sheet of the workbook has no row with the headings "
                               "Mã đơn vị and Điểm khảo sát, or the file cannot be read."),
                            field="file") from error
