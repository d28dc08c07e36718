"""The filtered disciplinary cases as an Excel workbook."""
from ..i18n import gettext as _
from ..labels import CASE_STATUS, DEFERRAL_GROUND, PERSON_TYPE, plain
from ..spreadsheet import write_workbook


def header():
    """The column titles, in the user's language."""
    return [_("Name of the official"), _("Position of the official"), _("Person type"),
            _("Unit"), _("Violation"), _("Related findings"), _("Opened on"),
            _("Processing deadline"), _("Status"), _("Overdue"), _("Disciplinary measure"),
            _("Legal basis"), _("Decision number"), _("Decision date"),
            _("Issuing authority"), _("Ground"), _("Reason")]


def values(row, codes, names):
    """One case row as the exported cells (dates stay dates)."""
    return [row["official_name"], row["official_position"],
            names["person_type"].get(row["person_type"], row["person_type"]),
            row["unit_name"], row["violation"], ", ".join(codes.get(row["id"], [])),
            row["opened_on"], row["deadline"],
            names["status"].get(row["status"], row["status"]),
            _("Yes") if row["overdue"] else "", row["measure_name"] or "",
            row["legal_basis"] or "", row["decision_no"], row["decision_date"],
            row["issuing_authority"],
            names["ground"].get(row["deferral_ground"], row["deferral_ground"]),
            row["outcome_reason"]]


def write_xlsx(rows, codes, output):
    """Write the workbook of the cases of rows to the binary file output;
    codes: {case id: [finding codes]}."""
    names = {"person_type": plain(PERSON_TYPE), "status": plain(CASE_STATUS),
             "ground": plain(DEFERRAL_GROUND)}
    write_workbook(output, _("Disciplinary cases"), header(),
                   (values(row, codes, names) for row in rows))
