"""Database models. Geometry is stored as WKB and points as lat/lon in EPSG:4326, so the
embedded SQLite needs no extension."""

from app.models.base import Base
from app.models.boundaries import BoundaryImport, Commune, Village
from app.models.plans import TaskMark
from app.models.records import (
    Baseline,
    ChangeLog,
    DrugTest,
    Incident,
    Inspection,
    OutreachEvent,
    OutreachVillage,
    Person,
    PersonState,
    Pledge,
    PreventionModel,
    School,
    Tip,
    TipBox,
    Venue,
)
from app.models.users import AuditEvent, LoginSession, LoginThrottle, User, UserScope

__all__ = [
    "AuditEvent", "LoginSession", "LoginThrottle", "User", "UserScope",
    "Base", "BoundaryImport", "Commune", "Village", "Baseline", "ChangeLog", "DrugTest",
    "Incident", "Inspection", "OutreachEvent", "OutreachVillage", "Person", "PersonState",
    "Pledge", "PreventionModel", "School", "Tip", "TipBox", "Venue", "TaskMark",
]
