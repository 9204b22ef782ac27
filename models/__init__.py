"""duban's tables (SQLModel) and the database engine."""

from models.department import KIND_GROUP, KIND_OFFICE, KIND_UNIT, Department, DepartmentAlias, GroupMember
from models.evaluation import Evaluation
from models.indicator import Indicator, IndicatorReading, IndicatorTarget
from models.notification import Notification
from models.plan import (
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
    OfficeUser,
    ReportingRound,
    RoundExpectation,
    StatusUpdate,
    UpdateReview,
)

__all__ = [
    "KIND_GROUP", "KIND_OFFICE", "KIND_UNIT", "ROLES", "ROLE_LEAD", "ROLE_RESPONSIBLE", "ROLE_SUPPORT",
    "AccessLink", "Assignment", "Department", "DepartmentAlias", "Evaluation", "Evidence", "GroupMember",
    "Indicator", "IndicatorReading", "IndicatorTarget", "Milestone", "MilestoneCompletion", "Notification",
    "OfficeUser", "Plan", "PlanRevision", "ReportingRound", "RoundExpectation", "StatusUpdate", "Task",
    "UnitCompletion", "UpdateReview",
]
