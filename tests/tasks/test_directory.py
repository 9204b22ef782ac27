"""The department directory: loading YAML, resolving unit names, expanding groups."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from models import Assignment, Department, DepartmentAlias, GroupMember
from tasks.directory import (
    coordination_office,
    expand_members,
    list_departments,
    load_directory,
    resolve_units,
)
from tasks.errors import ConfigError
from tests.factories import make_department, make_plan, make_task

DIRECTORY = """\
coordination_office: {name: 市精卫办, channels: ["mailto://office@example.org"]}
departments:
  - name: 市卫生计生委
    aliases: [市卫计委, 卫生计生部门]
    channels: ["mailto://wsjsw@example.org"]
    head_channels: ["mailto://head-wsjsw@example.org"]
    contacts: [{name: 张科长, phone: "0571-00000000"}]
    level: 市级
  - name: 市民政局
    channels: ["mailto://mzj@example.org"]
  - name: 西湖区政府
    parent: 市民政局
groups:
  各相关部门: [市卫生计生委, 市民政局]
  各区、县（市）政府: [西湖区政府]
  全部单位: [各相关部门, 各区、县（市）政府]
"""


def write(tmp_path: Path, text: str, name: str = "departments.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def by_name(session: Session, name: str) -> Department:
    return session.exec(select(Department).where(Department.name == name)).one()


def test_load_creates_units_groups_office_and_aliases(session: Session, tmp_path: Path) -> None:
    summary = load_directory(session, write(tmp_path, DIRECTORY))
    session.commit()
    assert "市卫生计生委" in summary.created and summary.groups["各相关部门"] == ["市卫生计生委", "市民政局"]
    health = by_name(session, "市卫生计生委")
    assert health.channels == ["mailto://wsjsw@example.org"]
    assert health.head_channels == ["mailto://head-wsjsw@example.org"]
    assert health.contacts == [{"name": "张科长", "phone": "0571-00000000"}] and health.level == "市级"
    assert by_name(session, "西湖区政府").parent_id == by_name(session, "市民政局").id
    aliases = {a.alias for a in session.exec(select(DepartmentAlias).where(DepartmentAlias.department_id == health.id))}
    assert aliases == {"市卫计委", "卫生计生部门"}
    office = coordination_office(session)
    assert office is not None and office.name == "市精卫办" and office.channels == ["mailto://office@example.org"]
    assert [d.name for d in list_departments(session)][0] == "市精卫办"


def test_reload_updates_and_never_duplicates(session: Session, tmp_path: Path) -> None:
    load_directory(session, write(tmp_path, DIRECTORY))
    counts = (len(session.exec(select(Department)).all()), len(session.exec(select(GroupMember)).all()))
    changed = DIRECTORY.replace("mailto://mzj@example.org", "mailto://new-mzj@example.org")
    summary = load_directory(session, write(tmp_path, changed, "v2.yaml"))
    session.commit()
    assert summary.updated == ["市民政局"] and "市卫生计生委" in summary.unchanged
    assert (len(session.exec(select(Department)).all()), len(session.exec(select(GroupMember)).all())) == counts
    assert by_name(session, "市民政局").channels == ["mailto://new-mzj@example.org"]
    assert len(session.exec(select(DepartmentAlias)).all()) == 2


def test_unknown_group_member_is_a_clear_error(session: Session, tmp_path: Path) -> None:
    text = DIRECTORY.replace("[市卫生计生委, 市民政局]", "[市卫生计生委, 市公安局]")
    with pytest.raises(ConfigError, match="市公安局") as exc:
        load_directory(session, write(tmp_path, text))
    assert "departments.yaml" in str(exc.value) and "line 14" in str(exc.value)


def test_malformed_yaml_names_file_and_line(session: Session, tmp_path: Path) -> None:
    text = DIRECTORY.replace("  - name: 市民政局\n", "  - name: 市民政局\n   bad: [unclosed\n")
    with pytest.raises(ConfigError, match=r"departments\.yaml, line 1[0-2]"):
        load_directory(session, write(tmp_path, text))


@pytest.mark.parametrize(("text", "message"), [
    ("departments:\n  - aliases: [x]\n", "needs a 'name'"),
    ("departments:\n  - name: 甲局\n    channels: [not-a-url]\n", "apprise URL"),
    ("departments:\n  - name: 甲局\n  - name: 乙局\n    aliases: [甲局]\n", "used twice"),
    ("- just a list\n", "expected a mapping"),
])
def test_invalid_directories_are_config_errors(session: Session, tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_directory(session, write(tmp_path, text))


def test_resolve_exact_alias_group_and_unknown(session: Session, tmp_path: Path) -> None:
    load_directory(session, write(tmp_path, DIRECTORY))
    depts, problems = resolve_units(session, ["市卫计委", "市民政局", "各相关部门", "市卫生计生委（市精卫办）",
                                              "市卫生计生局"], file="plan.xlsx", ref="row 7")
    assert [d.name for d in depts] == ["市卫生计生委", "市民政局", "各相关部门", "市卫生计生局"]
    unknown = depts[-1]
    assert unknown.provisional and unknown.id is not None
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.kind, problem.severity) == ("unknown_unit", "warning")
    assert (problem.file, problem.ref) == ("plan.xlsx", "row 7")
    assert "市卫生计生局" in problem.message and "市卫生计生委" in problem.message


def test_resolving_twice_reuses_the_provisional_unit(session: Session) -> None:
    first, _ = resolve_units(session, ["某某中心"], file="a.csv", ref="row 2")
    second, problems = resolve_units(session, ["某某中心"], file="a.csv", ref="row 3")
    assert first[0].id == second[0].id and problems[0].kind == "unknown_unit"


def test_expand_members(session: Session, tmp_path: Path) -> None:
    load_directory(session, write(tmp_path, DIRECTORY))
    ids = {name: by_name(session, name).id for name in ("各相关部门", "全部单位", "市民政局")}
    expanded = expand_members(session, list(ids.values()))
    names = {name: [d.name for d in expanded[i]] for name, i in ids.items()}
    assert names["各相关部门"] == ["市卫生计生委", "市民政局"]
    assert names["全部单位"] == ["市卫生计生委", "市民政局", "西湖区政府"]
    assert names["市民政局"] == ["市民政局"]


def test_directory_adopts_a_provisional_unit_as_alias(session: Session, tmp_path: Path) -> None:
    plan = make_plan(session)
    stray = make_department(session, "卫计委办公室")
    stray.provisional = True
    task = make_task(session, plan, "1.1", lead=[stray])
    text = DIRECTORY.replace("aliases: [市卫计委, 卫生计生部门]", "aliases: [市卫计委, 卫生计生部门, 卫计委办公室]")
    summary = load_directory(session, write(tmp_path, text))
    session.commit()
    assert summary.merged_provisional == ["卫计委办公室"]
    lead = session.exec(select(Assignment).where(Assignment.task_id == task.id)).one()
    assert lead.department_id == by_name(session, "市卫生计生委").id
    assert session.exec(select(Department).where(Department.name == "卫计委办公室")).first() is None
