"""Units that merge, split and are renamed: what passes to the successors, who is told,
and the history that follows them (on SQLite and, with `make test-pg`, PostgreSQL)."""
import datetime as dt

import pytest

from inspect_app import clock, lineage
from inspect_app.errors import WorkflowError
from inspect_app.findings.services import decide_extension, request_extension
from inspect_app.jobs.reminders import run_reminders
from inspect_app.models import (
    AuditEvent,
    ExtensionRequest,
    Finding,
    OutboxMessage,
    Reorganisation,
    UnitSuccession,
)
from inspect_app.pdf import documents
from inspect_app.policy import can
from inspect_app.reports.monthly import monthly_summary
from inspect_app.units import services
from tests.factories import (
    make_case,
    make_finding,
    make_inspection,
    make_unit,
    make_user,
    work_every_day,
)
from tests.helpers import db_state, english, pdf_text, sign_in, text, tr

MERGED_ON = dt.date(2025, 7, 1)


def stored(obj):
    """obj as stored now."""
    return type(obj).get_by_id(obj.id)


def transfers(obj):
    """The "transfer" audit events of obj."""
    return list(AuditEvent.select().where(AuditEvent.action == "transfer",
                                          AuditEvent.entity == obj._meta.table_name,
                                          AuditEvent.entity_id == obj.id))


def inherited_mail(reorganisation):
    """The e-mails the reorganisation queued, by recipient."""
    return {m.recipients: m for m in OutboxMessage.select().where(
        OutboxMessage.dedupe_key.startswith(f"reorganisation:{reorganisation.id}:"))}


@pytest.fixture
def communes(app):
    """Xã Hòa An and Xã Hòa Định Đông with their records, and the new Xã Phú Hòa 1."""
    hoa_an = make_unit("X-HOAAN", "Xã Hòa An", email="ubnd@hoaan.example.vn")
    dinh_dong = make_unit("X-HOADINHDONG", "Xã Hòa Định Đông")
    phu_hoa_1 = make_unit("X-PHUHOA1", "Xã Phú Hòa 1", email="ubnd@phuhoa1.example.vn")
    old_head = make_user("cuchutich", role="unit_head", unit=hoa_an, email="cu@hoaan.example.vn")
    new_head = make_user("chutich", role="unit_head", unit=phu_hoa_1,
                         email="chutich@phuhoa1.example.vn", full_name="Lê Văn An")
    deadline = clock.today() + dt.timedelta(days=20)
    findings = {
        "open": make_finding(hoa_an, "open", deadline, code="5/KL-UBND-1"),
        "submitted": make_finding(hoa_an, "submitted", deadline, code="5/KL-UBND-2"),
        "changes": make_finding(dinh_dong, "changes_requested", deadline, code="6/KL-UBND-1"),
        "resolved": make_finding(hoa_an, "resolved", deadline, code="5/KL-UBND-3",
                                 resolved_at=dt.datetime(2025, 3, 1), resolved_on_time=True),
        "cancelled": make_finding(hoa_an, "cancelled", deadline, code="5/KL-UBND-4"),
    }
    extension = request_extension(old_head, findings["open"], deadline + dt.timedelta(days=30),
                                  "Chờ kinh phí")
    cases = {"open": make_case(hoa_an, "Trần Văn Khánh"),
             "deferred": make_case(dinh_dong, "Phạm Thị Lan", status="deferred"),
             "decided": make_case(hoa_an, "Lê Thị Mai", status="decided")}
    return {"hoa_an": hoa_an, "dinh_dong": dinh_dong, "phu_hoa_1": phu_hoa_1,
            "old_head": old_head, "new_head": new_head, "findings": findings,
            "extension": extension, "cases": cases, "admin": make_user("quantri", role="admin")}


def merge(world, **changes):
    """Merge Hòa An and Hòa Định Đông into Phú Hòa 1 on 1 July 2025, by the admin."""
    arguments = {"kind": "merge", "on_date": MERGED_ON,
                 "predecessors": [world["hoa_an"], world["dinh_dong"]],
                 "successors": [world["phu_hoa_1"]], "note": "Nghị quyết 1660/NQ-UBTVQH15"}
    return services.reorganise(world["admin"], **{**arguments, **changes})


# --- what passes on --------------------------------------------------------------------


def test_a_merge_passes_exactly_the_open_items_to_the_successor(app, communes):
    reorganisation = merge(communes)
    findings, cases, successor = communes["findings"], communes["cases"], communes["phu_hoa_1"]
    moved = {name: stored(f).responsible_unit_id for name, f in findings.items()}
    assert moved == {"open": successor.id, "submitted": successor.id, "changes": successor.id,
                     "resolved": communes["hoa_an"].id, "cancelled": communes["hoa_an"].id}
    assert {name: stored(c).unit_id for name, c in cases.items()} == {
        "open": successor.id, "deferred": successor.id, "decided": communes["hoa_an"].id}
    # The request for more time hangs on its finding, still waiting for a decision.
    assert stored(communes["extension"]).status == "pending"
    assert stored(communes["extension"]).finding.responsible_unit_id == successor.id
    for name in ("open", "submitted", "changes"):
        [event] = transfers(findings[name])
        assert event.changed_fields["reorganisation"] == reorganisation.id
        assert event.changed_fields["responsible_unit"][1] == successor.id
    for name in ("resolved", "cancelled"):
        assert transfers(findings[name]) == []
    assert [len(transfers(cases[name])) for name in ("open", "deferred", "decided")] == [1, 1, 0]


def test_the_units_that_end_keep_their_records_and_take_no_new_inspections(app, communes):
    merge(communes)
    for unit in (communes["hoa_an"], communes["dinh_dong"]):
        assert (stored(unit).active, stored(unit).valid_to) == (False, dt.date(2025, 6, 30))
    assert Finding.select().where(Finding.responsible_unit == communes["hoa_an"]).count() == 2
    with pytest.raises(WorkflowError) as refused:
        make_inspection(stored(communes["hoa_an"]), start=clock.today())
    assert refused.value.field == "unit"
    links = UnitSuccession.select().where(UnitSuccession.successor == communes["phu_hoa_1"])
    assert {link.predecessor_id for link in links} == {communes["hoa_an"].id,
                                                       communes["dinh_dong"].id}


def test_the_successors_head_gets_one_email_listing_what_they_inherited(app, communes):
    reorganisation = merge(communes)
    mail = inherited_mail(reorganisation)
    # The head only: the unit's shared mailbox is not told about named officials' cases.
    assert set(mail) == {"chutich@phuhoa1.example.vn"}
    [message] = mail.values()
    assert message.dedupe_key == (f"reorganisation:{reorganisation.id}:unit:"
                                  f"{communes['phu_hoa_1'].id}:user:{communes['new_head'].id}")
    body = message.body_text
    for code in ("5/KL-UBND-1", "5/KL-UBND-2", "6/KL-UBND-1"):
        assert code in body
    for code in ("5/KL-UBND-3", "5/KL-UBND-4"):
        assert code not in body
    assert "Trần Văn Khánh" in body and "Phạm Thị Lan" in body and "Lê Thị Mai" not in body
    assert tr(app, "A request for more time, to %(date)s, is waiting for a decision.",
              date=communes["extension"].requested_deadline.strftime("%d/%m/%Y")) in body
    assert f"http://testserver/findings/{communes['findings']['open'].id}" in body
    assert f"http://testserver/discipline/{communes['cases']['open'].id}" in body


def test_a_split_gives_each_open_item_to_the_successor_assigned_to_it(app, communes):
    tuy_hoa = make_unit("P-TUYHOA", "Phường Tuy Hòa")
    tuy_hoa_head = make_user("phuongtruong", role="unit_head", unit=tuy_hoa,
                             email="truong@tuyhoa.example.vn")
    findings, cases = communes["findings"], communes["cases"]
    successor = communes["phu_hoa_1"]
    assignments = {("finding", findings["open"].id): successor.id,
                   ("finding", findings["submitted"].id): tuy_hoa.id,
                   ("discipline_case", cases["open"].id): tuy_hoa.id}
    reorganisation = services.reorganise(communes["admin"], "split", MERGED_ON,
                                         [communes["hoa_an"]], [successor, tuy_hoa],
                                         assignments=assignments)
    assert stored(findings["open"]).responsible_unit_id == successor.id
    assert stored(findings["submitted"]).responsible_unit_id == tuy_hoa.id
    assert stored(cases["open"]).unit_id == tuy_hoa.id
    # Hòa Định Đông was not part of it.
    assert stored(findings["changes"]).responsible_unit_id == communes["dinh_dong"].id
    mail = inherited_mail(reorganisation)
    assert set(mail) == {"chutich@phuhoa1.example.vn", "truong@tuyhoa.example.vn"}
    mine, theirs = mail["chutich@phuhoa1.example.vn"], mail[tuy_hoa_head.email]
    assert "5/KL-UBND-1" in mine.body_text and "5/KL-UBND-2" not in mine.body_text
    assert "5/KL-UBND-2" in theirs.body_text and "Trần Văn Khánh" in theirs.body_text
    assert "Trần Văn Khánh" not in mine.body_text


def test_a_split_without_a_unit_for_every_open_item_changes_nothing(app, communes):
    tuy_hoa = make_unit("P-TUYHOA", "Phường Tuy Hòa")
    before = db_state()
    with pytest.raises(WorkflowError) as refused:
        services.reorganise(communes["admin"], "split", MERGED_ON, [communes["hoa_an"]],
                            [communes["phu_hoa_1"], tuy_hoa],
                            assignments={("finding", communes["findings"]["open"].id):
                                         tuy_hoa.id})
    assert english(app, refused.value) == ("Choose, for every open item, the unit that takes "
                                           "it over.")
    assert db_state() == before


@pytest.mark.parametrize("kind, predecessors, successors, message", [
    ("merge", ["hoa_an"], ["phu_hoa_1", "dinh_dong"],
     "A merge has exactly one unit that takes over."),
    ("split", ["hoa_an"], ["phu_hoa_1"],
     "A split ends one unit and has at least two that take over."),
    ("rename", ["hoa_an", "dinh_dong"], ["phu_hoa_1"],
     "A renaming ends one unit and has one that takes over."),
    ("merge", ["hoa_an", "phu_hoa_1"], ["phu_hoa_1"], "A unit cannot both end and take over."),
])
def test_each_kind_has_its_shape(app, communes, kind, predecessors, successors, message):
    with pytest.raises(WorkflowError) as refused:
        services.reorganise(communes["admin"], kind, MERGED_ON,
                            [communes[name] for name in predecessors],
                            [communes[name] for name in successors])
    assert english(app, refused.value) == message


def test_a_reorganisation_waits_for_the_inspections_under_way(app, communes):
    inspection = make_inspection(communes["dinh_dong"], start=dt.date(2025, 6, 2),
                                 title="Kiểm tra văn thư")
    with pytest.raises(WorkflowError) as refused:
        merge(communes)
    assert "Xã Hòa Định Đông: Kiểm tra văn thư" in english(app, refused.value)
    assert stored(communes["dinh_dong"]).active
    assert stored(inspection).unit_id == communes["dinh_dong"].id


def test_a_reorganisation_is_recorded_once_it_has_taken_effect(app, communes):
    with pytest.raises(WorkflowError) as refused:
        merge(communes, on_date=clock.today() + dt.timedelta(days=1))
    assert refused.value.field == "on_date"
    assert Reorganisation.select().count() == 0


def test_only_the_admin_reorganises(app, communes):
    with pytest.raises(WorkflowError):
        services.reorganise(make_user(role="leader"), "merge", MERGED_ON,
                            [communes["hoa_an"]], [communes["phu_hoa_1"]])
    assert stored(communes["hoa_an"]).active


def test_reminders_follow_the_finding_to_the_successors_head(app, communes):
    finding = communes["findings"]["open"]
    today = stored(finding).deadline - dt.timedelta(days=7)
    work_every_day(today - dt.timedelta(days=1), today + dt.timedelta(days=1))
    merge(communes)
    run_reminders(today)
    reminded = {m.recipients for m in OutboxMessage.select().where(
        OutboxMessage.dedupe_key.startswith(f"reminder:{today.isoformat()}:"))}
    assert reminded == {"chutich@phuhoa1.example.vn", "ubnd@phuhoa1.example.vn"}


# --- the page --------------------------------------------------------------------------


def test_the_admin_records_a_split_on_the_page_choosing_a_unit_per_item(app, client, communes):
    tuy_hoa = make_unit("P-TUYHOA", "Phường Tuy Hòa")
    sign_in(client, "quantri")
    form = {"kind": "split", "on_date": MERGED_ON.isoformat(),
            "predecessors": [communes["hoa_an"].id],
            "successors": [communes["phu_hoa_1"].id, tuy_hoa.id], "note": ""}
    asked = text(client.post("/admin/units/reorganise", data=form))
    assert tr(app, "Choose, for every open item, the unit that takes it over.") in asked
    open_finding = communes["findings"]["open"]
    assert f'name="assign-finding-{open_finding.id}"' in asked
    assert f'name="assign-discipline_case-{communes["cases"]["open"].id}"' in asked
    assert stored(communes["hoa_an"]).active
    choices = {f"assign-finding-{f.id}": tuy_hoa.id
               for f in (open_finding, communes["findings"]["submitted"])}
    choices[f"assign-discipline_case-{communes['cases']['open'].id}"] = communes["phu_hoa_1"].id
    response = client.post("/admin/units/reorganise", data={**form, **choices})
    assert response.status_code == 302
    assert stored(open_finding).responsible_unit_id == tuy_hoa.id
    assert stored(communes["cases"]["open"]).unit_id == communes["phu_hoa_1"].id
    edit_page = text(client.get(f"/admin/units/{communes['phu_hoa_1'].id}"))
    assert tr(app, "%(date)s: took over from %(unit)s (%(kind)s)", date="01/07/2025",
              unit="Xã Hòa An", kind=tr(app, "Split")) in edit_page


# --- the history that follows ----------------------------------------------------------


def test_the_lineage_reaches_the_units_replaced_through_others(app, communes):
    merge(communes)
    later = make_unit("X-PHUHOA", "Xã Phú Hòa")
    services.reorganise(communes["admin"], "rename", clock.today(), [communes["phu_hoa_1"]],
                        [later])
    assert lineage.unit_ids(later.id) == {later.id, communes["phu_hoa_1"].id,
                                          communes["hoa_an"].id, communes["dinh_dong"].id}
    assert lineage.unit_ids(communes["hoa_an"].id) == {communes["hoa_an"].id}


def test_the_findings_filter_finds_what_was_filed_against_the_predecessors(app, client,
                                                                           communes):
    merge(communes)
    sign_in(client, make_user("thanhtra", role="inspector"))
    successor = communes["phu_hoa_1"].id
    page = text(client.get(f"/findings?unit={successor}&status=resolved"))
    assert "5/KL-UBND-3" in page
    only = text(client.get(f"/findings?unit={successor}&status=resolved&unit_only=y"))
    assert "5/KL-UBND-3" not in only
    export = client.get(f"/findings/export.csv?unit={successor}").get_data(as_text=True)
    for code in ("5/KL-UBND-1", "5/KL-UBND-3", "5/KL-UBND-4", "6/KL-UBND-1"):
        assert code in export


def test_the_discipline_filter_finds_the_predecessors_cases(app, client, communes):
    merge(communes)
    sign_in(client, make_user("thanhtra", role="inspector"))
    successor = communes["phu_hoa_1"].id
    assert "Lê Thị Mai" in text(client.get(f"/discipline?unit={successor}"))
    assert "Lê Thị Mai" not in text(client.get(f"/discipline?unit={successor}&unit_only=y"))


def test_the_successors_head_reads_the_predecessors_records_and_acts_only_on_its_own(
        app, client, communes):
    merge(communes)
    head, resolved = communes["new_head"], communes["findings"]["resolved"]
    decided = communes["cases"]["decided"]
    assert can(stored(head), "findings.view", stored(resolved))
    assert can(stored(head), "discipline.view", stored(decided))
    assert not can(stored(head), "findings.respond", stored(resolved))
    sign_in(client, head)
    assert client.get(f"/findings/{resolved.id}").status_code == 200
    assert client.get(f"/discipline/{decided.id}").status_code == 200
    assert client.get("/reports/units/X-HOAAN").status_code == 200
    listed = text(client.get("/findings?status=resolved"))
    assert "5/KL-UBND-3" in listed
    assert "Lê Thị Mai" in text(client.get("/discipline"))
    home = text(client.get("/"))
    assert "5/KL-UBND-3" in home
    # Another unit's head learns nothing of them.
    sign_in(client, make_user("khac", role="unit_head"))
    assert client.get(f"/findings/{resolved.id}").status_code == 404
    assert client.get(f"/discipline/{decided.id}").status_code == 404


def test_the_predecessors_head_does_not_read_the_successors_records(app, client, communes):
    merge(communes)
    newer = make_finding(communes["phu_hoa_1"], "open", clock.today(), code="9/KL-SNV-1")
    assert not can(stored(communes["old_head"]), "findings.view", newer)


def test_the_unit_report_counts_the_predecessors_history(app, client, communes):
    merge(communes)
    finding = communes["findings"]["resolved"]
    Finding.update(resolved_at=clock.now() - dt.timedelta(days=3)).where(
        Finding.id == finding.id).execute()
    sign_in(client, make_user("thanhtra", role="inspector"))
    page = text(client.get("/reports/units/X-PHUHOA1"))
    assert "5/KL-UBND-3" in page
    assert tr(app, "Including the units it replaced: %(units)s",
              units="Xã Hòa An, Xã Hòa Định Đông") in page


def test_moved_items_show_the_move_in_their_history(app, client, communes):
    merge(communes)
    sign_in(client, make_user("thanhtra", role="inspector"))
    page = text(client.get(f"/findings/{communes['findings']['open'].id}"))
    assert tr(app, "Passed the finding to the unit that took over") in page
    assert "Xã Hòa An → Xã Phú Hòa 1" in page
    case_page = text(client.get(f"/discipline/{communes['cases']['open'].id}"))
    assert tr(app, "Passed the case to the unit that took over") in case_page


def test_the_request_for_more_time_is_decided_for_the_successor(app, communes):
    merge(communes)
    decide_extension(make_user("lanhdao", role="leader"),
                     ExtensionRequest.get_by_id(communes["extension"].id), approve=True)
    assert stored(communes["findings"]["open"]).deadline == \
        communes["extension"].requested_deadline
    decided = OutboxMessage.get(OutboxMessage.dedupe_key.startswith(
        f"extension:{communes['extension'].id}:decided"))
    assert decided.recipients == "chutich@phuhoa1.example.vn"


def test_the_monthly_summary_names_the_units_merged_in_its_month(app, client, communes):
    merge(communes)
    summary = monthly_summary(2025, 7)
    assert summary.section("reorganisations").data == [{
        "on_date": MERGED_ON, "kind": "merge", "note": "Nghị quyết 1660/NQ-UBTVQH15",
        "predecessors": ["Xã Hòa An", "Xã Hòa Định Đông"], "successors": ["Xã Phú Hòa 1"]}]
    assert monthly_summary(2025, 8).section("reorganisations") is None
    words = "".join(pdf_text(documents.summary_pdf(summary)).split())
    assert "".join(tr(app, "Units reorganised in the month").split()) in words
    assert "XãHòaAn,XãHòaĐịnhĐông" in words and "XãPhúHòa1" in words
    sign_in(client, make_user("lanhdao", role="leader"))
    page = text(client.get("/reports/monthly/2025-07"))
    assert "Xã Hòa An, Xã Hòa Định Đông" in page
