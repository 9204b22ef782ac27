"""The department directory: units, their aliases, groups and channels."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from models.base import json_field, timestamp_field

KIND_UNIT = "unit"
KIND_GROUP = "group"
KIND_OFFICE = "office"


class Department(SQLModel, table=True):
    """A unit, a group of units (各相关部门) or the coordination office."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    kind: str = Field(default=KIND_UNIT)
    level: str | None = None
    parent_id: int | None = Field(default=None, foreign_key="department.id")
    channels: list[str] = json_field()
    head_channels: list[str] = json_field()
    contacts: list[dict[str, Any]] = json_field()
    provisional: bool = False
    created_at: datetime = timestamp_field()


class DepartmentAlias(SQLModel, table=True):
    """Another name under which a department appears in documents."""

    id: int | None = Field(default=None, primary_key=True)
    alias: str = Field(unique=True, index=True)
    department_id: int = Field(foreign_key="department.id", index=True)


class GroupMember(SQLModel, table=True):
    """Membership of a unit in a group such as 各相关部门."""

    group_id: int = Field(foreign_key="department.id", primary_key=True)
    member_id: int = Field(foreign_key="department.id", primary_key=True)
