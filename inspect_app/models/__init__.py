"""All models; each area adds its module here and its tables to ALL_MODELS."""
from .assessments import (
                         EVIDENCE_STAGES,
                         MAX_SURVEY_SHARE,
                         ROUND_STATES,
                         SCORE_STAGES,
                         SECOND_ROUND_STATES,
                         SHEET_STATES,
                         AssessmentEvidence,
                         AssessmentRound,
                         AssessmentRoundMember,
                         NodeScore,
                         UnitAssessment,
)
from .audit import AuditEvent
from .base import BaseModel
from .calendar import CALENDAR_DAY_KINDS, CalendarFeed, WorkCalendarDay
from .checklists import (
                         ANSWERS,
                         CLIENT_ID_LENGTH,
                         SYNC_KINDS,
                         SYNC_OUTCOMES,
                         Checklist,
                         ChecklistItem,
                         ChecklistPhoto,
                         ChecklistTemplate,
                         ChecklistTemplateItem,
                         SyncChange,
)
from .criteria import (
                         CRITERIA_SET_STATES,
                         NODE_KINDS,
                         SCORING_RULES,
                         CriteriaNode,
                         CriteriaSet,
                         CriteriaSetKind,
)
from .data_version import (
    TRACKED_TABLES,
    UNIT_TRACKED_TABLES,
    DataVersion,
    TableVersion,
    UnitVersion,
)
from .discipline import (
                         CASE_STATES,
                         DEFERRAL_GROUNDS,
                         MAX_PROCESSING_DAYS,
                         PERSON_TYPES,
                         PROCESSING_DAYS,
                         DisciplineCase,
                         DisciplineCaseFinding,
                         DisciplineDeferral,
                         DisciplineMeasure,
)
from .documents import DocumentBuild
from .inspections import (
                         CANCELLABLE_STATES,
                         DRAFTING_STATES,
                         EXTENDABLE_STATES,
                         EXTENSION_STATES,
                         FINDING_STATES,
                         INSPECTION_KINDS,
                         INSPECTION_STATES,
                         PLAN_STATES,
                         REVIEW_STATES,
                         RUNNING_STATES,
                         SEVERITIES,
                         Attachment,
                         Category,
                         ExtensionRequest,
                         Finding,
                         Inspection,
                         InspectionMember,
                         Plan,
                         Response,
)
from .jobs import REMINDER_KINDS, SCHEDULER_LEASE, JobRun, ReminderLog, SchedulerLease
from .mail import OUTBOX_STATES, OutboxMessage
from .org import (
                         CONCLUSION_SIGNERS,
                         LOCALES,
                         REORGANISATION_KINDS,
                         ROLES,
                         AuthorityVersion,
                         Reorganisation,
                         Setting,
                         Unit,
                         UnitKind,
                         UnitSuccession,
                         User,
)
from .signin import LoginThrottle, UserSession

ALL_MODELS = [Setting, UnitKind, Unit, User, AuditEvent, Plan, Inspection, InspectionMember,
              Category, Finding, Response, ExtensionRequest, Attachment, OutboxMessage,
              ReminderLog, SchedulerLease, JobRun,
              DisciplineMeasure, DisciplineCase, DisciplineCaseFinding, DataVersion,
              UserSession, LoginThrottle, DocumentBuild, DisciplineDeferral, WorkCalendarDay,
              CalendarFeed, Reorganisation, UnitSuccession, AuthorityVersion, CriteriaSet,
              CriteriaSetKind, CriteriaNode, AssessmentRound, AssessmentRoundMember,
              UnitAssessment, NodeScore, AssessmentEvidence, ChecklistTemplate,
              ChecklistTemplateItem, Checklist, ChecklistItem, ChecklistPhoto, SyncChange,
              TableVersion, UnitVersion]

__all__ = ["ALL_MODELS", "ANSWERS", "CLIENT_ID_LENGTH", "Checklist", "ChecklistItem",
           "ChecklistPhoto", "ChecklistTemplate", "ChecklistTemplateItem", "SYNC_KINDS",
           "SYNC_OUTCOMES", "SyncChange", "AssessmentEvidence", "AssessmentRound",
           "AssessmentRoundMember",
           "CRITERIA_SET_STATES", "CriteriaNode", "CriteriaSet", "CriteriaSetKind",
           "EVIDENCE_STAGES", "MAX_SURVEY_SHARE", "NODE_KINDS", "NodeScore", "ROUND_STATES",
           "SCORE_STAGES", "SCORING_RULES", "SECOND_ROUND_STATES", "SHEET_STATES",
           "UnitAssessment", "AuthorityVersion", "CALENDAR_DAY_KINDS", "CONCLUSION_SIGNERS",
           "CANCELLABLE_STATES", "CASE_STATES",
           "CalendarFeed", "DEFERRAL_GROUNDS", "DRAFTING_STATES", "DisciplineCase",
           "EXTENDABLE_STATES",
           "DisciplineCaseFinding", "DisciplineDeferral", "DisciplineMeasure",
           "MAX_PROCESSING_DAYS", "WorkCalendarDay",
           "PERSON_TYPES", "PROCESSING_DAYS", "Attachment", "AuditEvent", "BaseModel", "Category",
           "DataVersion", "DocumentBuild",
           "EXTENSION_STATES", "ExtensionRequest", "FINDING_STATES", "Finding",
           "INSPECTION_KINDS", "INSPECTION_STATES", "Inspection", "InspectionMember", "JobRun",
           "LOCALES", "LoginThrottle", "OUTBOX_STATES", "OutboxMessage", "PLAN_STATES", "Plan",
           "REMINDER_KINDS", "REORGANISATION_KINDS", "REVIEW_STATES", "ROLES", "ReminderLog",
           "Reorganisation", "RUNNING_STATES",
           "SCHEDULER_LEASE", "Response", "SEVERITIES", "SchedulerLease", "Setting",
           "TRACKED_TABLES", "TableVersion", "UNIT_TRACKED_TABLES", "Unit", "UnitKind",
           "UnitSuccession", "UnitVersion", "User", "UserSession"]
