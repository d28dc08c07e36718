"""All models; each area adds its module here and its tables to ALL_MODELS."""
from .audit import AuditEvent
from .base import BaseModel
from .org import LOCALES, ROLES, Setting, Unit, UnitKind, User

ALL_MODELS = [Setting, UnitKind, Unit, User, AuditEvent]

__all__ = ["ALL_MODELS", "AuditEvent", "BaseModel", "LOCALES", "ROLES", "Setting",
           "Unit", "UnitKind", "User"]
