"""Findings read: the list with its filters and search, one finding's reports, requests and
history, the review queue and a unit's home."""
import datetime as dt
import functools

from flask_babel import get_locale
from peewee import JOIN, SQL, Case, fn

from .. import audit, clock, lineage
from ..cache import cached, cached_by_unit
from ..db import db, execute_prepared, is_sqlite
from ..formatting import format_date
from ..labels import FINDING_TIMELINE, OVERDUE
from ..models import (
    EXTENDABLE_STATES,
    RUNNING_STATES,
    Category,
    ExtensionRequest,
    Finding,
    Inspection,
    Response,
    Unit,
    User,
)
from ..policy import STAFF_ROLES, viewer_scope
from ..text import fold
from ..units.queries import unit_move


def overdue_condition(today):
    """The findings overdue on today: deadline passed while the unit still has to act."""
    return (Finding.deadline < today) & Finding.status.in_(RUNNING_STATES)


def _scoped(query, user):
    """Staff see every finding; anyone else only their unit's (and its predecessors') issued
    ones, as policy."""
    if user.role in STAFF_ROLES:
        return query
    return query.where(lineage.of_unit(Finding.responsible_unit, user.unit_id),
                       Finding.status != "draft")


# Trigram indexes (migration 0023) serve words of at least this many letters.
TRIGRAM = 3
# Words held by more findings than this are common: walking the list in its order meets
# a page of them sooner than sorting every match the index returns.
COMMON = 500
MATCHES = "SELECT rowid FROM finding_search WHERE finding_search MATCH ?"


def _phrases(words):
    """An FTS5 query holding every word: each one quoted phrase, matched as a substring."""
    return " ".join('"{}"'.format(word.replace('"', '""')) for word in words)


def _rare(phrases):
    """Whether at most COMMON findings match phrases (the index stops counting past it)."""
    probe = f"SELECT COUNT(*) FROM ({MATCHES} LIMIT ?)"
    return db.execute_sql(probe, (phrases, COMMON + 1)).fetchone()[0] <= COMMON


def _search(query, text):
    """Keep findings whose folded search text holds every folded word of text.

    On SQLite the words of three letters or more are looked up in the FTS5 trigram index
    when they are rare; common ones, and words too short for any trigram, are compared
    with the text as the list is walked. On PostgreSQL the same substring test (ILIKE)
    uses the pg_trgm index when the planner finds it worth it.
    """
    words = fold(text).split()
    indexed = [word for word in words if len(word) >= TRIGRAM] if is_sqlite() else []
    if indexed and _rare(_phrases(indexed)):
        query = query.where(Finding.id.in_(SQL(f"({MATCHES})", (_phrases(indexed),))))
    else:
        indexed = []
    for word in words:
        if word not in indexed:
            query = query.where(Finding.search_text.contains(word))
    return query


def _filtered(query, filters, today):
    """Apply the list filters (empty values ignored) to a findings query.

    A unit brings the units it replaced along, unless unit_only says otherwise.
    """
    if filters.get("unit"):
        query = query.where(lineage.of_unit(Finding.responsible_unit, filters["unit"],
                                            history=not filters.get("unit_only")))
    if filters.get("status") == OVERDUE:
        query = query.where(overdue_condition(today))
    elif filters.get("status"):
        query = query.where(Finding.status == filters["status"])
    if filters.get("severity"):
        query = query.where(Finding.severity == filters["severity"])
    if filters.get("category"):
        query = query.where(Finding.category == filters["category"])
    if filters.get("inspection"):
        query = query.where(Finding.inspection == filters["inspection"])
    if filters.get("deadline_from"):
        query = query.where(Finding.deadline >= filters["deadline_from"])
    if filters.get("deadline_to"):
        query = query.where(Finding.deadline <= filters["deadline_to"])
    return _search(query, filters.get("q") or "")


# The list's order: earliest deadline first, findings without one last.
LIST_ORDER = (Finding.deadline.asc(nulls="last"), Finding.id)


def _listed(today):
    """Every finding as a list row (with unit, category and inspection), in LIST_ORDER."""
    return (Finding
            .select(Finding.id, Finding.code, Finding.title, Finding.recommendation,
                    Finding.severity, Finding.status, Finding.deadline,
                    Case(None, [(overdue_condition(today), True)], False).alias("overdue"),
                    Unit.name.alias("unit_name"), Category.name.alias("category_name"),
                    Inspection.title.alias("inspection_title"))
            .join(Unit, on=(Finding.responsible_unit == Unit.id))
            .switch(Finding)
            .join(Category, on=(Finding.category == Category.id))
            .switch(Finding)
            .join(Inspection, on=(Finding.inspection == Inspection.id))
            .order_by(*LIST_ORDER)
            .dicts())


def _matching_ids(user, filters, today):
    """The ids of the findings user may see that match filters (no joins)."""
    return _filtered(_scoped(Finding.select(Finding.id), user), filters, today)


def findings_query(user, filters, today=None):
    """The findings user may see that match filters, as dict rows, deadline first."""
    today = today or clock.today()
    return _filtered(_scoped(_listed(today), user), filters, today)


def count_findings(user, filters, today=None, limit=None):
    """How many findings findings_query lists, counted without its joins.

    With limit, counting stops past it: limit + 1 means "more than limit".
    """
    query = _matching_ids(user, filters, today or clock.today())
    return (query.limit(limit + 1) if limit else query).count()


def count_by_unit(user, filters, today, units=None):
    """{unit_id: how many of the unit's findings findings_query lists} of the units listed
    (every unit by default)."""
    query = _matching_ids(user, filters, today)
    if units is not None:
        query = query.where(Finding.responsible_unit.in_(units))
    return dict(query
                .select(Finding.responsible_unit, fn.COUNT(Finding.id))
                .group_by(Finding.responsible_unit)
                .tuples())


def findings_page(user, filters, page, per_page=25, today=None):
    """The rows of one page of findings_query.

    The page's ids are picked on the finding table alone and only those rows are
    joined, so a deep page does not join every row it skips.
    """
    today = today or clock.today()
    page_ids = _matching_ids(user, filters, today).order_by(*LIST_ORDER).paginate(page, per_page)
    return list(_listed(today).where(Finding.id.in_(page_ids)))


# The inspection filter offers the latest inspections (and the one asked for): a
# province holds tens of thousands, far too many for one drop-down.
INSPECTION_CHOICES = 200


def _inspections(user, selected=None):
    """The latest inspections whose findings user may list, latest first, plus selected."""
    query = (Inspection
             .select(Inspection.id, Inspection.title, Inspection.start_date)
             .order_by(Inspection.start_date.desc(), Inspection.id.desc()))
    if user.role not in STAFF_ROLES:
        query = query.where(lineage.of_unit(Inspection.unit, user.unit_id))
    latest = list(query.limit(INSPECTION_CHOICES))
    if selected and selected not in {i.id for i in latest}:
        latest += list(query.where(Inspection.id == selected))
    return latest


def filter_choices(user, selected_inspection=None):
    """{"units", "categories", "inspections"}: [(id, label)] for the filter form."""
    units = Unit.select(Unit.id, Unit.name).order_by(Unit.sort_name)
    categories = Category.select(Category.id, Category.name).order_by(Category.sort_name)
    return {
        "units": [(u.id, u.name) for u in units],
        "categories": [(c.id, c.name) for c in categories],
        "inspections": [(i.id, f"{i.title} ({format_date(i.start_date)})")
                        for i in _inspections(user, selected_inspection)],
    }


# The tables the filter choices and the list totals read (cache.cached), the totals of a
# search besides its index (kept in step with the findings by triggers); those the totals
# counted per unit read besides the findings'.
CHOICE_TABLES = ("unit", "category", "inspection", "unit_succession")
COUNT_TABLES = ("finding", "unit", "unit_succession")
UNIT_COUNT_TABLES = ("unit", "unit_succession")


def cached_filter_choices(user, selected_inspection=None):
    """filter_choices, kept until the data changes (per scope, inspection and language)."""
    key = ("finding filter choices", viewer_scope(user), selected_inspection,
           str(get_locale()))
    return cached(key, lambda: filter_choices(user, selected_inspection), CHOICE_TABLES)


def cached_count(user, filters, limit=None):
    """count_findings of today, kept until the data changes (a list is counted once).

    Without a limit it is kept per unit, so a write recounts the writing unit's findings
    only; a search counted up to a limit is kept until any finding changes.
    """
    today = clock.today()
    if limit is None:
        key = ("finding count by unit", viewer_scope(user), tuple(sorted(filters.items())),
               today)
        counts = cached_by_unit(key, lambda units: count_by_unit(user, filters, today, units),
                                UNIT_COUNT_TABLES)
        return sum(counts.values())
    key = ("finding count", viewer_scope(user), tuple(sorted(filters.items())), limit, today)
    return cached(key, lambda: count_findings(user, filters, today, limit), COUNT_TABLES)


def unit_heads(unit_id):
    """The active unit heads of a unit."""
    return list(User
                .select()
                .where(User.unit == unit_id,
                       User.role == "unit_head",
                       User.active))


def is_overdue(finding, today):
    """Whether the finding's deadline has passed while the unit still has to act."""
    return (finding.status in RUNNING_STATES and finding.deadline is not None
            and finding.deadline < today)


DUE_SOON_DAYS = 7


@functools.cache
def _finding_shown_query(database_kind):
    """finding_shown's query and its SQL for a kind of database, the id its one parameter.

    Built once: making the SQL of its seventy columns costs more than running it.
    """
    query = (Finding
             .select(Finding, Inspection, Unit, Category)
             .join(Inspection)
             .switch(Finding)
             .join(Unit, on=(Finding.responsible_unit == Unit.id))
             .switch(Finding)
             .join(Category)
             .where(Finding.id == 0))
    sql, _params = query.sql()
    return query, sql


def finding_shown(finding_id):
    """The finding with this id as its page shows it (inspection, unit, category), or None."""
    query, sql = _finding_shown_query(type(db.obj))
    cursor = execute_prepared("finding_shown", sql, (finding_id,))
    # The query's own reader makes the finding and its joined rows from the cursor.
    return next(iter(query._get_cursor_wrapper(cursor)), None)


def latest_response(finding):
    """The finding's latest report (the one a review decides on), or None."""
    return (Response
            .select(Response.id, Response.review)
            .where(Response.finding == finding)
            .order_by(Response.submitted_at.desc(), Response.id.desc())
            .first())


def pending_extension(finding):
    """The finding's request for more time waiting for a decision, or None (one at most)."""
    return (ExtensionRequest
            .select()
            .where(ExtensionRequest.finding == finding, ExtensionRequest.status == "pending")
            .first())


def responses_of(finding):
    """The finding's reports, oldest first, with author and reviewer (their names)."""
    Reviewer = User.alias()
    return list(Response
                .select(Response, User.id, User.full_name, Reviewer.id, Reviewer.full_name)
                .join(User, on=(Response.author == User.id))
                .switch(Response)
                .join(Reviewer, join_type=JOIN.LEFT_OUTER, on=(Response.reviewer == Reviewer.id))
                .where(Response.finding == finding)
                .order_by(Response.submitted_at, Response.id))


def extensions_of(finding):
    """The finding's extension requests, oldest first, with who asked and decided (names)."""
    Decider = User.alias()
    return list(ExtensionRequest
                .select(ExtensionRequest, User.id, User.full_name, Decider.id, Decider.full_name)
                .join(User, on=(ExtensionRequest.requested_by == User.id))
                .switch(ExtensionRequest)
                .join(Decider, join_type=JOIN.LEFT_OUTER,
                      on=(ExtensionRequest.decided_by == Decider.id))
                .where(ExtensionRequest.finding == finding)
                .order_by(ExtensionRequest.created_at, ExtensionRequest.id))


def _entry_details(event, changes, responses, extensions):
    """(note, deadline) shown under a timeline entry, from the report or request it names."""
    response = responses.get(changes.get("response"))
    extension = extensions.get(changes.get("extension"))
    if event.action == "submit_report" and response:
        return response.body, None
    if event.action in ("accept_report", "request_changes") and response:
        return response.review_note, None
    if event.action == "request_extension" and extension:
        return extension.reason, extension.requested_deadline
    if event.action in ("approve_extension", "reject_extension") and extension:
        return extension.note, extension.requested_deadline
    if event.action in ("cancel", "reopen"):
        return changes.get("reason", ""), None
    if event.action == "transfer":
        return unit_move(changes.get("responsible_unit")), None
    return "", None


def _entry_text(event, changes):
    """What the timeline says the event did."""
    text = FINDING_TIMELINE.get(event.action)
    if text is None:
        # Steps recorded by other areas (the conclusion) read by the state they set.
        opened = changes.get("status", [None, None])[-1] == "open"
        text = FINDING_TIMELINE["issue"] if opened else FINDING_TIMELINE["update"]
    return text


def timeline(finding, responses=None, extensions=None):
    """The finding's history as audit.timeline entries (at, actor, kind, text, note, deadline)."""
    responses = {r.id: r for r in (responses if responses is not None
                                   else responses_of(finding))}
    extensions = {e.id: e for e in (extensions if extensions is not None
                                    else extensions_of(finding))}

    def describe(event, changes):
        note, deadline = _entry_details(event, changes, responses, extensions)
        return {"text": _entry_text(event, changes), "note": note, "deadline": deadline}
    return audit.timeline(finding, describe)


def review_queue():
    """(pending reports oldest first, pending extension requests oldest first)."""
    reports = (Response
               .select(Response, Finding, Unit, User)
               .join(Finding)
               .join(Unit, on=(Finding.responsible_unit == Unit.id))
               .switch(Response)
               .join(User, on=(Response.author == User.id))
               .where(Response.review == "pending",
                      Finding.status == "submitted")
               .order_by(Response.submitted_at, Response.id))
    extensions = (ExtensionRequest
                  .select(ExtensionRequest, Finding, Unit, User)
                  .join(Finding)
                  .join(Unit, on=(Finding.responsible_unit == Unit.id))
                  .switch(ExtensionRequest)
                  .join(User, on=(ExtensionRequest.requested_by == User.id))
                  .where(ExtensionRequest.status == "pending",
                         Finding.status.in_(EXTENDABLE_STATES))
                  .order_by(ExtensionRequest.created_at, ExtensionRequest.id))
    return list(reports), list(extensions)


HOME_GROUPS = ("overdue", "due_soon", "open", "submitted", "resolved")


# The unit home shows the latest resolved findings; the findings list has them all.
HOME_RESOLVED = 10


def _home_group(finding, today):
    """The unit-home group a finding falls in."""
    if finding.status == "submitted":
        return "submitted"
    if finding.status == "resolved":
        return "resolved"
    if is_overdue(finding, today):
        return "overdue"
    if finding.deadline is not None \
            and finding.deadline <= today + dt.timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    return "open"


def _home_columns():
    """The finding columns the unit home shows or groups by."""
    return (Finding.id, Finding.code, Finding.title, Finding.severity, Finding.deadline,
            Finding.status, Finding.resolved_at)


def unit_home(unit, today):
    """The unit's issued findings grouped: overdue, due soon, open, submitted, resolved.

    The resolved group holds the latest HOME_RESOLVED only, the units it replaced
    included; a unit resolves hundreds over the years and the findings list holds them all.
    """
    awaiting = (Finding
                .select(*_home_columns())
                .where(Finding.responsible_unit == unit,
                       Finding.status.in_(RUNNING_STATES + ("submitted",)))
                .order_by(Finding.deadline, Finding.id))
    groups = {name: [] for name in HOME_GROUPS}
    for finding in awaiting:
        groups[_home_group(finding, today)].append(finding)
    groups["resolved"] = list(Finding
                              .select(*_home_columns())
                              .where(lineage.of_unit(Finding.responsible_unit, unit.id),
                                     Finding.status == "resolved")
                              .order_by(Finding.resolved_at.desc(nulls="last"),
                                        Finding.id.desc())
                              .limit(HOME_RESOLVED))
    return groups


def resolved_count(unit):
    """How many findings of the unit and of the units it replaced are resolved."""
    return (Finding
            .select()
            .where(lineage.of_unit(Finding.responsible_unit, unit.id),
                   Finding.status == "resolved")
            .count())
