"""The on-site record (biên bản kiểm tra) of an inspection's checklist, in Vietnamese.

The official header (Decree 30/2020/NĐ-CP) with the team as issuer and the day it is
printed, what was checked and where, the team and the unit's representatives, the items
not met with their notes, then the two signature columns: the unit's and the team's.
"""
from flask_babel import force_locale
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from .. import authority, clock
from ..checklists import queries
from ..i18n import gettext as _
from ..text import nfc
from . import layout
from .paragraphs import bold, para

# The record is numbered by hand when it is signed: the header leaves room for it.
BLANK_NUMBER = "……/BB-KT"


def _people(heading, people, styles):
    """A heading and one line per person (a dotted line when nobody is recorded)."""
    lines = [f"- {person.full_name}" for person in people] or ["- ……………………………………"]
    return [para(heading, styles["heading"])] + [para(line, styles["left"]) for line in lines]


def _not_met(rows, styles):
    """The items not met, numbered, each with its note."""
    heading = para(_("III. ITEMS NOT MET"), styles["heading"])
    if not rows:
        return [heading, para(_("Every item checked was met or not applicable."),
                              styles["body"])]
    return [heading] + [para(f"{number}. {item.code}. {item.content}"
                             + (f": {item.note}" if item.note else ""), styles["left"])
                        for number, item in enumerate(rows, start=1)]


def _signatures(team, representatives, styles):
    """The unit's and the team's signature columns, room to sign above each name."""
    def column(heading, people):
        names = [Paragraph(bold(person.full_name), styles["center_bold"]) for person in people]
        return [Paragraph(bold(heading), styles["center_bold"]), Spacer(1, 24 * mm), *names]
    table = Table([[column(_("FOR THE UNIT"), representatives),
                    column(_("FOR THE INSPECTION TEAM"), team)]],
                  colWidths=[layout.FRAME_WIDTH / 2] * 2)
    table.setStyle(layout.plain_table_style())
    return table


def checklist_record_pdf(inspection, checklist):
    """The bytes of the on-site record of the inspection's checklist, in Vietnamese."""
    with force_locale("vi"):
        styles = layout.styles(serif=True)
        today = clock.today()
        version = authority.in_force(today)
        record = queries.record(inspection, checklist)
        story = [layout.official_header(BLANK_NUMBER, today, styles,
                                        nfc(version.authority_name).upper(),
                                        _("INSPECTION TEAM"), version.place_name),
                 Paragraph(bold(_("ON-SITE INSPECTION RECORD")), styles["title"]),
                 Paragraph(bold(nfc(inspection.title)), styles["subtitle"]),
                 para(_("At %(unit)s, the inspection team checked the items of the "
                        "checklist \"%(checklist)s\".", unit=nfc(inspection.unit.name),
                        checklist=nfc(checklist.title)), styles["body"]),
                 *_people(_("I. THE INSPECTION TEAM"), record["team"], styles),
                 *_people(_("II. REPRESENTATIVES OF THE UNIT"), record["representatives"],
                          styles),
                 *_not_met(record["not_met"], styles),
                 para(_("The record was read to those present, who agreed with it and "
                        "signed it."), styles["body"]),
                 _signatures(record["team"], record["representatives"], styles)]
        author = version.authority_name.strip() or _("Inspection team")
        return layout.build(story, title=nfc(_("On-site inspection record")),
                            author=nfc(author), subject=nfc(inspection.title), serif=True)
