"""The finding page's details: its facts, files, reports, requests, cases and history."""
from flask import render_template, request
from flask_babel import get_locale
from markupsafe import Markup

from ..cache import cached_markup
from ..discipline import queries as discipline
from ..models import Attachment
from . import queries

# What the details show: the finding with its inspection, unit and category, the files of
# the finding and its reports, the reports and requests with the names of who wrote and
# decided them, the history (audit events, units moved between), the working calendar that
# explains deadlines, and the disciplinary cases opened from it.
DETAIL_TABLES = ("finding", "inspection", "unit", "category", "attachment", "response",
                 "extension_request", "users", "audit_event", "unit_succession",
                 "work_calendar_day", "discipline_case", "discipline_case_finding",
                 "discipline_measure")


def _files_by_response(responses):
    """The reports' attachments grouped by report id, in one query."""
    grouped = {r.id: [] for r in responses}
    if grouped:
        files = (Attachment
                 .select()
                 .where(Attachment.response.in_(list(grouped)))
                 .order_by(Attachment.id))
        for attachment in files:
            grouped[attachment.response_id].append(attachment)
    return grouped


def _render(finding_id, with_discipline):
    """The details of the finding as stored now, as markup."""
    # Read again rather than taken from the page: what is kept must be no older than the
    # versions it is kept with, and those are read after the page read its finding.
    finding = queries.finding_shown(finding_id)
    responses = queries.responses_of(finding)
    extensions = queries.extensions_of(finding)
    return Markup(render_template(
        "findings/_details.html", finding=finding, responses=responses, extensions=extensions,
        files=_files_by_response(responses),
        finding_files=list(finding.attachments.order_by(Attachment.id)),
        timeline=queries.timeline(finding, responses, extensions),
        with_discipline=with_discipline,
        discipline_cases=discipline.cases_of_finding(finding) if with_discipline else []))


def details_html(finding_id, with_discipline):
    """The finding's details as markup, kept until anything they show changes.

    A long history costs ten times the rest of the page to read and render. Every viewer
    who may see the finding reads the same details, save the disciplinary cases shown to
    those who handle discipline (with_discipline): the key holds that, the language and
    the script root (links).
    """
    key = ("finding details", finding_id, with_discipline, str(get_locale()),
           request.script_root)
    return cached_markup(key, lambda: _render(finding_id, with_discipline), DETAIL_TABLES)
