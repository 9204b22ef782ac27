"""The department directory: load the office's YAML file, resolve unit names, expand groups."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from models import (
    KIND_GROUP,
    KIND_OFFICE,
    KIND_UNIT,
    Assignment,
    Department,
    DepartmentAlias,
    GroupMember,
)
from models.base import id_of
from tasks.directory.directory_file import DirectoryEntry, read_directory_file
from tasks.errors import ConfigError, Problem

# An unknown name stands for a group (never one department) when, after an optional 其他/辖区/全市/全区/全县
# prefix, it begins with 各 "each" (各级政府, 各区、县（市）政府, 各乡镇（街道）, 各相关部门, 其他各相关部门,
# 辖区各公安分局), or when it is just "the relevant/other departments or units" ((其他)相关部门, 有关单位).
_GROUP_NAME = re.compile(r"^(?:其他|辖区|全市|全区|全县)?各\S|^(?:其他)?(?:相关|有关)?(?:部门|单位)$")


def is_group_name(name: str) -> bool:
    """Whether a unit name as written in a plan reads as a group of units (see ``_GROUP_NAME``)."""
    return bool(_GROUP_NAME.match(name.strip()))


@dataclass
class DirectorySummary:
    """What loading a directory file did."""

    file: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    merged_provisional: list[str] = field(default_factory=list)
    groups: dict[str, list[str]] = field(default_factory=dict)
    not_in_file: list[str] = field(default_factory=list)


def _by_name(session: Session) -> dict[str, Department]:
    """Every department by canonical name."""
    return {d.name: d for d in session.exec(select(Department))}


def _upsert(session: Session, entry: DirectoryEntry, existing: dict[str, Department],
            summary: DirectorySummary) -> Department:
    """Create or update one department (unit, group or office) from its directory entry."""
    dept = existing.get(entry.name)
    values: dict[str, Any] = {"kind": entry.kind, "level": entry.level, "channels": entry.channels,
                              "head_channels": entry.head_channels, "contacts": entry.contacts,
                              "provisional": False}
    if dept is None:
        dept = Department(name=entry.name, **values)
        session.add(dept)
        summary.created.append(entry.name)
    elif any(getattr(dept, key) != value for key, value in values.items()):
        for key, value in values.items():
            setattr(dept, key, value)
        summary.updated.append(entry.name)
    else:
        summary.unchanged.append(entry.name)
    session.flush()
    existing[entry.name] = dept
    return dept


def _merge_into(session: Session, provisional: Department, target: Department) -> None:
    """Move a provisional department's assignments to ``target`` and delete it."""
    for assignment in session.exec(select(Assignment).where(Assignment.department_id == provisional.id)).all():
        clash = session.exec(select(Assignment).where(
            Assignment.task_id == assignment.task_id, Assignment.role == assignment.role,
            Assignment.department_id == target.id)).first()
        if clash:
            session.delete(assignment)
        else:
            assignment.department_id = id_of(target)
    session.exec(delete(GroupMember).where(col(GroupMember.member_id) == provisional.id))
    session.flush()
    try:
        with session.begin_nested():
            session.delete(provisional)
    except Exception as exc:
        raise ConfigError(f"cannot merge provisional unit {provisional.name} into {target.name}: "
                          f"it already has history ({exc.__class__.__name__})") from None


def load_directory(session: Session, path: Path) -> DirectorySummary:
    """Load (or re-load) the YAML directory into the database; re-loading updates, never duplicates."""
    entries, groups = read_directory_file(path)
    summary = DirectorySummary(file=str(path))
    existing = _by_name(session)
    depts = {entry.name: _upsert(session, entry, existing, summary) for entry in entries}
    for entry in entries:
        dept = depts[entry.name]
        dept.parent_id = depts[entry.parent].id if entry.parent else None
        session.exec(delete(DepartmentAlias).where(col(DepartmentAlias.department_id) == dept.id))
    session.flush()
    for entry in entries:
        for alias in entry.aliases:
            stray = existing.get(alias)
            if stray is not None and stray.provisional:
                _merge_into(session, stray, depts[entry.name])
                summary.merged_provisional.append(alias)
                existing.pop(alias)
            session.exec(delete(DepartmentAlias).where(col(DepartmentAlias.alias) == alias))
            session.add(DepartmentAlias(alias=alias, department_id=id_of(depts[entry.name])))
    session.flush()
    for group_name, members in groups.items():
        group = depts[group_name]
        session.exec(delete(GroupMember).where(col(GroupMember.group_id) == group.id))
        session.add_all(GroupMember(group_id=id_of(group), member_id=id_of(depts[m])) for m in members)
        summary.groups[group_name] = members
    session.flush()
    summary.not_in_file = sorted(name for name, d in existing.items() if name not in depts and not d.provisional)
    return summary


@dataclass
class UnitResolver:
    """Resolves unit names against the directory (cached); unknown ones become provisional units or groups."""

    session: Session
    names: dict[str, Department] = field(default_factory=dict)
    aliases: dict[str, Department] = field(default_factory=dict)
    unknown: dict[str, list[str]] = field(default_factory=dict)  # provisional unit name → rows
    memberless: dict[str, list[str]] = field(default_factory=dict)  # group (no members yet) name → rows
    filled: set[int] = field(default_factory=set)  # ids of groups that have members

    def __post_init__(self) -> None:
        departments = list(self.session.exec(select(Department)))
        self.names = {d.name: d for d in departments}
        self.filled = set(self.session.exec(select(GroupMember.group_id)))
        by_id = {d.id: d for d in departments}
        for alias in self.session.exec(select(DepartmentAlias)):
            self.aliases[alias.alias] = by_id[alias.department_id]

    def known_names(self) -> list[str]:
        """Canonical names and aliases of non-provisional departments."""
        return [n for n, d in self.names.items() if not d.provisional] + list(self.aliases)

    def lookup(self, name: str) -> Department | None:
        """Exact name, then alias, then the name without a trailing parenthetical (市卫生计生委（市精卫办）)."""
        found = self.names.get(name) or self.aliases.get(name)
        if (found is None or found.provisional) and name.endswith("）") and "（" in name:
            core = name[:name.rindex("（")]
            found = self.names.get(core) or self.aliases.get(core) or found
        return found

    def resolve(self, name: str, ref: str) -> Department:
        """The department ``name`` stands for; unknown names become provisional units or groups (remembered)."""
        dept = self.lookup(name)
        if dept is None:
            dept = Department(name=name, kind=KIND_GROUP if is_group_name(name) else KIND_UNIT, provisional=True)
            self.session.add(dept)
            self.session.flush()
            self.names[name] = dept
        elif dept.provisional and dept.kind == KIND_UNIT and is_group_name(dept.name):
            dept.kind = KIND_GROUP  # kept as a unit by an earlier import: a group all the same
        if dept.kind == KIND_GROUP and dept.id not in self.filled:
            self.memberless.setdefault(dept.name, []).append(ref)
        elif dept.provisional:
            self.unknown.setdefault(name, []).append(ref)
        return dept

    def problems(self, file: str) -> list[Problem]:
        """One warning per unknown unit name (with the closest known names) and per group without members."""
        known = self.known_names()
        out = []
        for name, refs in self.unknown.items():
            close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
            hint = f"; closest known: {', '.join(close)}" if close else "; no similar name in the directory"
            out.append(Problem(file, refs[0], f"unknown unit '{name}' kept as a provisional department"
                               f"{hint}{_more(refs)}", "warning", "unknown_unit"))
        for name, refs in self.memberless.items():
            where = ("not in the directory, kept as a provisional group" if self.names[name].provisional
                     else "a directory group")
            out.append(Problem(file, refs[0], f"group '{name}' ({where}) has no members: nobody is reminded for it "
                               f"until the directory lists its members under groups: {name}{_more(refs)}",
                               "warning", "group_without_members"))
        return out


def _more(refs: list[str]) -> str:
    """' (also N more row(s))' when a name occurs in several rows."""
    return f" (also {len(refs) - 1} more row(s))" if len(refs) > 1 else ""


def resolve_units(session: Session, names: list[str], *, file: str, ref: str
                  ) -> tuple[list[Department], list[Problem]]:
    """Resolve unit names (exact → alias); unknown ones become provisional units or groups, with a warning."""
    resolver = UnitResolver(session)
    depts: list[Department] = []
    for name in names:
        dept = resolver.resolve(name, ref)
        if dept not in depts:
            depts.append(dept)
    return depts, resolver.problems(file)


def expand_members(session: Session, department_ids: list[int]) -> dict[int, list[Department]]:
    """Each id mapped to the units it stands for: a group to its (nested) members, a unit to itself."""
    departments = {d.id: d for d in session.exec(select(Department))}
    members: dict[int, list[int]] = {}
    for link in session.exec(select(GroupMember)):
        members.setdefault(link.group_id, []).append(link.member_id)

    def walk(dept_id: int, seen: set[int]) -> list[Department]:
        dept = departments[dept_id]
        if dept.kind != KIND_GROUP:
            return [dept]
        out: list[Department] = []
        for member_id in members.get(dept_id, []):
            if member_id not in seen:
                out += [d for d in walk(member_id, seen | {member_id}) if d not in out]
        return out

    return {dept_id: walk(dept_id, {dept_id}) for dept_id in department_ids if dept_id in departments}


def coordination_office(session: Session) -> Department | None:
    """The coordination office (kind ``office``), if the directory names one."""
    return session.exec(select(Department).where(Department.kind == KIND_OFFICE).order_by(col(Department.id))).first()


def list_departments(session: Session) -> list[Department]:
    """Every department: office first, then units, groups, provisional units; by name."""
    order = {KIND_OFFICE: 0, KIND_UNIT: 1, KIND_GROUP: 2}
    return sorted(session.exec(select(Department)), key=lambda d: (d.provisional, order.get(d.kind, 3), d.name))


def list_units(session: Session) -> list[Department]:
    """Every unit (not groups nor the office), by name: the dashboard's department filter."""
    return list(session.exec(select(Department).where(col(Department.kind) == KIND_UNIT)
                             .order_by(col(Department.name))))


def aliases_of(session: Session) -> dict[int, list[str]]:
    """Aliases by department id (for listings)."""
    out: dict[int, list[str]] = {}
    for alias in session.exec(select(DepartmentAlias).order_by(DepartmentAlias.alias)):
        out.setdefault(alias.department_id, []).append(alias.alias)
    return out


def groups_containing(session: Session, department_id: int) -> list[Department]:
    """Every group that contains the department, directly or through nested groups."""
    parents: dict[int, list[int]] = {}
    for link in session.exec(select(GroupMember)):
        parents.setdefault(link.member_id, []).append(link.group_id)
    found: list[int] = []
    todo = list(parents.get(department_id, []))
    while todo:
        group_id = todo.pop()
        if group_id not in found:
            found.append(group_id)
            todo.extend(parents.get(group_id, []))
    return [session.get_one(Department, group_id) for group_id in found]  # ids read from the membership table
