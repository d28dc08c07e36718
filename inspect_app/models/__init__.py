"""All models; each area adds its module here and its tables to ALL_MODELS."""
from .audit import AuditEvent
from .base import BaseModel
from .inspections import (EXTENSION_STATES, FINDING_STATES, INSPECTION_KINDS,
                          INSPECTION_STATES, PLAN_STATES, REVIEW_STATES, RUNNING_STATES,
                          SEVERITIES, Attachment, Category, ExtensionRequest, Finding,
                          Inspection, InspectionMember, Plan, Response)
from .org import LOCALES, ROLES, Setting, Unit, UnitKind, User
from .outbox import OUTBOX_STATES, OutboxMessage

ALL_MODELS = [Setting, UnitKind, Unit, User, AuditEvent, Plan, Inspection, InspectionMember,
              Category, Finding, Response, ExtensionRequest, Attachment, OutboxMessage]

__all__ = ["ALL_MODELS", "Attachment", "AuditEvent", "BaseModel", "Category",
           "EXTENSION_STATES", "ExtensionRequest", "FINDING_STATES", "Finding",
           "INSPECTION_KINDS", "INSPECTION_STATES", "Inspection", "InspectionMember",
           "LOCALES", "OUTBOX_STATES", "OutboxMessage", "PLAN_STATES", "Plan",
           "REVIEW_STATES", "ROLES", "RUNNING_STATES", "Response", "SEVERITIES", "Setting",
           "Unit", "UnitKind", "User"]
