"""duban's tables (SQLModel) and the database engine."""

from models.audit import AuditEntry
from models.department import KIND_GROUP, KIND_OFFICE, KIND_UNIT, Department, DepartmentAlias, GroupMember
from models.evaluation import Evaluation
from models.indicator import Indicator, IndicatorReading, IndicatorTarget
from models.notification import Notification
from models.plan import (
    PLAN_CONFIRMED,
    PLAN_DRAFT,
    ROLE_LEAD,
    ROLE_RESPONSIBLE,
    ROLE_SUPPORT,
    ROLES,
    Assignment,
    Milestone,
    MilestoneCompletion,
    Plan,
    PlanRevision,
    Task,
    UnitCompletion,
)
from models.status import (
    AccessLink,
    Evidence,
    LoginThrottle,
    OfficeUser,
    ReportingRound,
    RoundExpectation,
    StatusUpdate,
    UpdateReview,
)

__all__ = [
    "KIND_GROUP", "KIND_OFFICE", "KIND_UNIT", "PLAN_CONFIRMED", "PLAN_DRAFT", "ROLES", "ROLE_LEAD",
    "ROLE_RESPONSIBLE", "ROLE_SUPPORT",
    "AccessLink", "Assignment", "AuditEntry", "Department", "DepartmentAlias", "Evaluation", "Evidence", "GroupMember",
    "Indicator", "IndicatorReading", "IndicatorTarget", "LoginThrottle", "Milestone", "MilestoneCompletion",
    "Notification", "OfficeUser", "Plan", "PlanRevision", "ReportingRound", "RoundExpectation", "StatusUpdate", "Task",
    "UnitCompletion", "UpdateReview",
]
