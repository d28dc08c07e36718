"""Reading checklists: an inspection's checklist, its items as pages and the API show them."""
from flask import url_for
from peewee import JOIN, fn

from ..models import (
    Attachment,
    Checklist,
    ChecklistItem,
    ChecklistPhoto,
    ChecklistTemplate,
    ChecklistTemplateItem,
    Finding,
    Inspection,
    InspectionMember,
    User,
)
from ..policy import can

# The most earlier findings of a unit a laptop keeps for offline work.
MAX_OFFLINE_FINDINGS = 200


def get_checklist(inspection):
    """The inspection's checklist, or None."""
    return Checklist.get_or_none(Checklist.inspection == inspection)


def active_templates():
    """The templates a checklist may be made from, by name."""
    return list(ChecklistTemplate
                .select()
                .where(ChecklistTemplate.active)
                .order_by(ChecklistTemplate.name))


def all_templates():
    """Every template, those offered first, by name, with their number of items."""
    count = fn.COUNT(ChecklistTemplateItem.id)
    return list(ChecklistTemplate
                .select(ChecklistTemplate, count.alias("item_count"))
                .join(ChecklistTemplateItem, JOIN.LEFT_OUTER)
                .group_by(ChecklistTemplate.id)
                .order_by(ChecklistTemplate.active.desc(), ChecklistTemplate.name))


def template_items(template):
    """The template's items in tree order (parents before their children)."""
    return list(ChecklistTemplateItem
                .select()
                .where(ChecklistTemplateItem.template == template)
                .order_by(ChecklistTemplateItem.position))


def items(checklist):
    """The checklist's items in tree order, with who last answered each."""
    return list(ChecklistItem
                .select(ChecklistItem, User.id, User.full_name)
                .join(User, on=(ChecklistItem.updated_by == User.id),
                      join_type=JOIN.LEFT_OUTER)
                .where(ChecklistItem.checklist == checklist)
                .order_by(ChecklistItem.position))


def _photos_by_item(item_ids):
    """{item id: [photo dict]} for the items, oldest photo first."""
    photos = (ChecklistPhoto
              .select(ChecklistPhoto, Attachment)
              .join(Attachment)
              .where(ChecklistPhoto.item.in_(item_ids))
              .order_by(ChecklistPhoto.id))
    found = {}
    for photo in photos:
        found.setdefault(photo.item_id, []).append({
            "id": photo.id, "name": photo.attachment.original_name,
            "url": url_for("files.download", attachment_id=photo.attachment_id)})
    return found


def _findings_by_id(finding_ids, viewer):
    """{finding id: finding dict} for the findings made from items that viewer may see (a
    unit head never learns of a draft)."""
    findings = (Finding
                .select(Finding.id, Finding.title, Finding.status, Finding.responsible_unit)
                .where(Finding.id.in_(finding_ids)))
    return {finding.id: finding_data(finding) for finding in findings
            if can(viewer, "findings.view", finding)}


def finding_data(finding):
    """A finding as the API names it."""
    return {"id": finding.id, "title": finding.title,
            "url": url_for("findings.show", finding_id=finding.id)}


def _number(value):
    """A decimal as a JSON number, None as null."""
    return None if value is None else float(value)


def item_dicts(rows, viewer):
    """The items as the API gives them to viewer (three queries whatever their number)."""
    photos = _photos_by_item([item.id for item in rows])
    findings = _findings_by_id([item.finding_id for item in rows if item.finding_id], viewer)
    return [{"id": item.id, "parent_id": item.parent_id, "code": item.code,
             "content": item.content, "guidance": item.guidance,
             "max_points": _number(item.max_points), "is_section": item.is_section,
             "answer": item.answer, "note": item.note, "points": _number(item.points),
             "version": item.version,
             "updated_by": item.updated_by.full_name if item.updated_by_id else None,
             "updated_at": item.updated_at.isoformat() if item.updated_at else None,
             "finding": findings.get(item.finding_id),
             "photos": photos.get(item.id, [])}
            for item in rows]


def item_dict(item_id, viewer):
    """One item, read afresh, as the API gives it to viewer."""
    row = (ChecklistItem
           .select(ChecklistItem, User.id, User.full_name)
           .join(User, on=(ChecklistItem.updated_by == User.id), join_type=JOIN.LEFT_OUTER)
           .where(ChecklistItem.id == item_id)
           .get())
    return item_dicts([row], viewer)[0]


def earlier_findings(inspection, limit=MAX_OFFLINE_FINDINGS):
    """Ids of the issued findings of the inspection's unit from its earlier inspections."""
    return [finding.id for finding in (Finding
                                       .select(Finding.id)
                                       .join(Inspection)
                                       .where(Finding.responsible_unit == inspection.unit_id,
                                              Finding.status != "draft",
                                              Inspection.id != inspection.id)
                                       .order_by(Finding.id.desc())
                                       .limit(limit))]


def record(inspection, checklist):
    """What the on-site record shows: the items, those not met, the team and the unit's
    representatives (page and PDF alike)."""
    rows = items(checklist)
    members = list(User
                   .select()
                   .join(InspectionMember)
                   .where(InspectionMember.inspection == inspection,
                          User.id != (inspection.lead_id or 0))
                   .order_by(User.full_name))
    representatives = list(User
                           .select()
                           .where(User.unit == inspection.unit_id, User.role == "unit_head",
                                  User.active)
                           .order_by(User.full_name))
    return {"inspection": inspection, "checklist": checklist, "items": rows,
            "not_met": [item for item in rows if item.answer == "not_met"],
            "team": ([inspection.lead] if inspection.lead_id else []) + members,
            "representatives": representatives}
