"""What the interface calls each state, severity, kind and role.

The one place forms, templates (the `labels` global), PDFs, exports and e-mails read these
names from. The values are lazy strings: each is translated where it is shown, in the
language in force there. Keys are the values stored in the database.
"""
from .i18n import lazy_gettext as _l

# The derived pseudo-status the lists filter on: running and past its deadline.
OVERDUE = "overdue"

FINDING_STATUS = {
    "draft": _l("Draft"),
    "open": _l("Open"),
    "submitted": _l("Waiting for review"),
    "changes_requested": _l("Changes requested"),
    "resolved": _l("Resolved"),
    "cancelled": _l("Cancelled"),
    OVERDUE: _l("Overdue"),
}

SEVERITY = {"high": _l("High"), "medium": _l("Medium"), "low": _l("Low")}

REVIEW = {"pending": _l("Waiting for review"), "accepted": _l("Accepted"),
          "changes_requested": _l("Changes requested")}

PLAN_STATUS = {"draft": _l("Draft"), "approved": _l("Approved")}

INSPECTION_STATUS = {"planned": _l("Planned"), "in_progress": _l("In progress"),
                     "concluded": _l("Concluded"), "closed": _l("Closed"),
                     "cancelled": _l("Cancelled")}

# Where a draft conclusion stands in its appraisal (Inspection.appraisal_status; "", never
# submitted, is shown as nothing).
APPRAISAL_STATUS = {"submitted": _l("Waiting for appraisal"), "appraised": _l("Appraised"),
                    "returned": _l("Returned for changes")}

# What the inspection page's appraisal history says each step did.
APPRAISAL_TIMELINE = {
    "submit_for_appraisal": _l("Submitted the draft conclusion for appraisal"),
    "appraise": _l("Appraised the draft conclusion"),
    "return_draft": _l("Returned the draft conclusion to the team"),
}

INSPECTION_KIND = {"scheduled": _l("Scheduled"), "surprise": _l("Surprise"),
                   "follow_up": _l("Follow-up")}

ROLE = {"admin": _l("Administrator"), "inspector": _l("Inspector"), "leader": _l("Leader"),
        "unit_head": _l("Unit head")}

# Each language is named in itself, whatever the language of the page.
LANGUAGE = {"vi": "Tiếng Việt", "en": "English"}

PERSON_TYPE = {"can_bo": _l("Elected or appointed official (cán bộ)"),
               "cong_chuc": _l("Civil servant (công chức)"),
               "vien_chuc": _l("Public employee (viên chức)")}

CASE_STATUS = {"open": _l("Being processed"), "deferred": _l("Deferred"),
               "decided": _l("Decided"), "dismissed": _l("Closed without a measure"),
               OVERDUE: _l("Overdue")}

DEFERRAL_GROUND = {
    "illness": _l("Illness or medical treatment"),
    "pregnancy_childcare": _l("Pregnancy, maternity leave or a child under 12 months"),
    "criminal_proceedings": _l("Detention or criminal proceedings"),
}

# What a finding's or a case's history says each recorded action did.
FINDING_TIMELINE = {
    "create": _l("Recorded the finding"),
    "update": _l("Edited the finding"),
    "issue": _l("Issued the finding with the conclusion"),
    "submit_report": _l("Submitted a remediation report"),
    "accept_report": _l("Accepted the remediation report"),
    "request_changes": _l("Asked for changes to the remediation report"),
    "request_extension": _l("Asked for a later deadline"),
    "approve_extension": _l("Approved the later deadline"),
    "reject_extension": _l("Rejected the later deadline"),
    "cancel": _l("Cancelled the finding"),
    "reopen": _l("Reopened the finding"),
    "transfer": _l("Passed the finding to the unit that took over"),
}

CASE_TIMELINE = {
    "create": _l("Opened the case"),
    "update": _l("Edited the case"),
    "extend": _l("Extended the processing time"),
    "decide": _l("Recorded the disciplinary decision"),
    "dismiss": _l("Closed the case without a disciplinary measure"),
    "defer": _l("Deferred the case"),
    "resume": _l("Resumed the case"),
    "transfer": _l("Passed the case to the unit that took over"),
}

# Who signs a conclusion (models.CONCLUSION_SIGNERS).
CONCLUSION_SIGNER = {"team": _l("The inspection team's lead, under the team's own name"),
                     "authority": _l("The authority, with the signature block below")}

# How units were reorganised (models.REORGANISATION_KINDS).
REORGANISATION_KIND = {"merge": _l("Merger"), "split": _l("Split"), "rename": _l("Renaming")}

# The days an admin adds to the holidays (workdays.py; models.CALENDAR_DAY_KINDS).
CALENDAR_DAY_KIND = {"day_off": _l("Extra day off"), "working_day": _l("Make-up working day")}

# How a deadline given as a number of days is counted (deadlines.CALENDAR_DAYS, WORKING_DAYS).
DAY_UNIT = {"calendar_days": _l("calendar days"), "working_days": _l("working days")}

# The CCHC index: criteria sets, their nodes, rounds and the units' sheets.
CRITERIA_SET_STATUS = {"draft": _l("Draft"), "published": _l("Published"),
                       "retired": _l("Retired")}

NODE_KIND = {"regular": _l("Scored"), "bonus": _l("Bonus points"),
             "penalty": _l("Penalty points")}

SCORING_RULE = {"range": _l("Any value up to the maximum"), "levels": _l("Levels")}

ROUND_STATUS = {"draft": _l("Being prepared"), "open": _l("Under way"),
                "published": _l("Results published")}

SHEET_STATUS = {"draft": _l("Self-assessment"), "submitted": _l("Waiting for appraisal"),
                "explaining": _l("Explanation asked"), "explained": _l("Explained"),
                "appraised": _l("Appraised (round 1)"), "final": _l("Final scores")}

CRITERIA_TIMELINE = {
    "create": _l("Created the criteria set"),
    "update": _l("Edited the criteria set"),
    "import": _l("Imported the criteria set from Excel"),
    "new_version": _l("Made a new version of the criteria set"),
    "publish": _l("Published the criteria set"),
    "retire": _l("Retired the criteria set"),
}

ROUND_TIMELINE = {
    "create": _l("Created the round"),
    "update": _l("Edited the round"),
    "open": _l("Opened the self-assessment"),
    "survey": _l("Recorded the survey points"),
    "publish": _l("Published the results"),
}

SHEET_TIMELINE = {
    "score": _l("Saved scores"),
    "add_evidence": _l("Added evidence"),
    "remove_evidence": _l("Removed evidence"),
    "submit": _l("Submitted the self-assessment"),
    "finish_first_appraisal": _l("Finished appraisal round 1"),
    "explain": _l("Sent the explanation"),
    "finish_second_appraisal": _l("Fixed the final scores (appraisal round 2)"),
    "lost_points_findings": _l("Turned lost points into draft findings"),
}

OUTBOX_STATUS = {"pending": _l("Waiting"), "sent": _l("Sent"),
                 "failed": _l("Failed, will retry"), "dead": _l("Given up")}


# The audit log in words (the admin's Audit log page).
# What each audited table is called.
# A checklist item's answer ("" is not answered yet).
CHECKLIST_ANSWER = {"": _l("Not answered"), "met": _l("Met"), "not_met": _l("Not met"),
                    "not_applicable": _l("Not applicable")}

# The fields of a checklist item a change sets, as a conflict names them.
CHECKLIST_FIELD = {"answer": _l("Answer"), "note": _l("Note"), "points": _l("Points")}

# What the browser shows beside a change the server has not confirmed yet.
NOT_SYNCED = _l("not synced")

# What the inspector chose when the server's version of an item had moved on.
CONFLICT_CHOICE = {"mine": _l("Kept mine"), "theirs": _l("Kept theirs")}

AUDIT_OBJECT = {
    "finding": _l("Finding"), "inspection": _l("Inspection"), "plan": _l("Plan"),
    "unit": _l("Unit"), "unit_kind": _l("Unit kind"), "users": _l("User"),
    "category": _l("Category"), "discipline_case": _l("Discipline case"),
    "discipline_measure": _l("Disciplinary measure"), "criteria_set": _l("Criteria set"),
    "criteria_node": _l("Criterion"), "assessment_round": _l("Assessment round"),
    "unit_assessment": _l("Self-assessment sheet"), "outbox_message": _l("E-mail"),
    "work_calendar_day": _l("Working calendar"), "calendar_feed": _l("Calendar feed"),
    "reorganisation": _l("Reorganisation of units"), "authority_version": _l("Authority"),
    "setting": _l("Settings"), "login_throttle": _l("Sign-in attempts"),
    "checklist": _l("Checklist"), "checklist_item": _l("Checklist item"),
    "checklist_template": _l("Checklist template"),
    "checklist_template_item": _l("Item of a checklist template"),
}

# What an action did, where the object's own history has no name for it.
AUDIT_ACTION = {
    "create": _l("Created"), "update": _l("Edited"), "delete": _l("Deleted"),
    "approve": _l("Approved"), "start": _l("Started the inspection"),
    "attach": _l("Attached a file"), "conclude": _l("Issued the conclusion"),
    "close": _l("Closed the inspection"), "cancel": _l("Cancelled"),
    "end": _l("Ended the unit"), "reset_password": _l("Reset the password"),
    "change_password": _l("Changed the password"), "retry": _l("Sent the e-mail again"),
    "throttle": _l("Blocked sign-in attempts for a while"),
    "activate": _l("Put back in use"), "deactivate": _l("Taken out of use"),
    "replace": _l("Replaced"), "answer": _l("Answered the item"),
    "resolve_conflict": _l("Settled a conflict between two versions"),
    "add_photo": _l("Added a photo"), "make_finding": _l("Made a draft finding of the item"),
}

# The names each object's history gives its actions, which the audit log uses first.
AUDIT_ACTIONS_OF = {"finding": FINDING_TIMELINE, "discipline_case": CASE_TIMELINE,
                    "inspection": APPRAISAL_TIMELINE, "criteria_set": CRITERIA_TIMELINE,
                    "assessment_round": ROUND_TIMELINE, "unit_assessment": SHEET_TIMELINE}

# The fields the audit log names, by the labels their forms give them.
AUDIT_FIELD = {
    "active": _l("In use"), "applies_to": _l("Applies to"), "area": _l("Area"),
    "authority_name": _l("Authority name"), "bands": _l("Rating bands"),
    "category": _l("Category"), "code": _l("Code"), "content": _l("Content"),
    "criteria_set": _l("Criteria set"), "day": _l("Date"), "deadline": _l("Deadline"),
    "deadline_days": _l("Or days after the conclusion"), "deadline_unit": _l("Counted in"),
    "decision_date": _l("Decision date"), "decision_no": _l("Decision number"),
    "default_severity": _l("Default severity"), "description": _l("Details"),
    "email": _l("Email"), "end_date": _l("End date"), "first_year": _l("First year"),
    "follow_up_of": _l("Follow-up of"), "full_name": _l("Full name"), "kind": _l("Kind"),
    "label": _l("Label"), "last_year": _l("Last year"), "lead": _l("Team lead"),
    "legal_basis": _l("Legal basis"), "locale": _l("Language"), "members": _l("Team members"),
    "name": _l("Name"), "note": _l("Note"), "notice": _l("Notice"),
    "official_name": _l("Name of the official"),
    "official_position": _l("Position of the official"), "opened_on": _l("Opened on"),
    "parent": _l("Parent unit"), "person_type": _l("Person type"), "plan": _l("Plan"),
    "reason": _l("Reason"), "recommendation": _l("Recommendation"),
    "responsible_unit": _l("Responsible unit"), "role": _l("Role"),
    "self_deadline": _l("Self-assessment deadline"), "severity": _l("Severity"),
    "start_date": _l("Start date"), "status": _l("Status"), "team": _l("Appraisal team"),
    "title": _l("Title"), "topics": _l("Topics"), "unit": _l("Unit"),
    "username": _l("Username"), "valid_from": _l("Valid from"),
    "valid_to": _l("Valid until"), "violation": _l("Violation"), "year": _l("Year"),
    "answer": _l("Answer"), "points": _l("Points"), "max_points": _l("Maximum points"),
    "guidance": _l("Guidance"), "photo": _l("Photo"), "finding": _l("Finding"),
    "source": _l("Made from"), "choice": _l("Choice"), "conflict": _l("Conflicting change"),
}

# The names of a field's stored values, by (object, field) first, then by field.
AUDIT_VALUES_OF = {
    ("finding", "status"): FINDING_STATUS, ("inspection", "status"): INSPECTION_STATUS,
    ("plan", "status"): PLAN_STATUS, ("discipline_case", "status"): CASE_STATUS,
    ("criteria_set", "status"): CRITERIA_SET_STATUS,
    ("assessment_round", "status"): ROUND_STATUS, ("unit_assessment", "status"): SHEET_STATUS,
    ("outbox_message", "status"): OUTBOX_STATUS, ("inspection", "kind"): INSPECTION_KIND,
    ("work_calendar_day", "kind"): CALENDAR_DAY_KIND,
    "severity": SEVERITY, "default_severity": SEVERITY, "role": ROLE, "locale": LANGUAGE,
    "person_type": PERSON_TYPE, "appraisal_status": APPRAISAL_STATUS,
    "deadline_unit": DAY_UNIT, "signer": CONCLUSION_SIGNER,
    ("checklist_item", "answer"): CHECKLIST_ANSWER, "choice": CONFLICT_CHOICE,
}


def choices(names, keys=None):
    """[(key, name)] for a select field: every entry of names, or those of keys in order."""
    return [(key, names[key]) for key in (keys if keys is not None else names)]


def plain(names):
    """{key: name} with every name translated now (for a document built in one language)."""
    return {key: str(name) for key, name in names.items()}
