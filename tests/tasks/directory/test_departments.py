"""The department directory: loading YAML, resolving unit names, expanding groups."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from models import KIND_GROUP, KIND_UNIT, Assignment, Department, DepartmentAlias, GroupMember
from tasks.directory.departments import (
    coordination_office,
    expand_members,
    is_group_name,
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
    assert next(d.name for d in list_departments(session)) == "市精卫办"


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


@pytest.mark.parametrize(("name", "group"), [
    ("各级政府", True), ("各区、县（市）政府", True), ("各相关部门", True), ("各乡镇（街道）", True),
    ("各级卫生计生部门", True), ("各有关单位", True), ("其他各相关部门", True), ("其他相关部门", True),
    ("辖区各公安分局", True), ("有关部门", True),
    ("市卫生计生委", False), ("卫生计生部门", False), ("公安部门", False), ("综治办", False),
    ("市七医院分院所在地政府", False), ("各", False),
])
def test_group_name_rule(name: str, group: bool) -> None:
    assert is_group_name(name) is group


def test_unknown_group_names_become_memberless_provisional_groups(session: Session) -> None:
    names = ["各级政府", "各区、县（市）政府", "市某某局", "其他各相关部门", "各乡镇（街道）"]
    depts, problems = resolve_units(session, names, file="plan.txt", ref="line 29")
    assert [(d.name, d.kind, d.provisional) for d in depts] == [
        ("各级政府", KIND_GROUP, True), ("各区、县（市）政府", KIND_GROUP, True), ("市某某局", KIND_UNIT, True),
        ("其他各相关部门", KIND_GROUP, True), ("各乡镇（街道）", KIND_GROUP, True)]
    assert [p.message.split("'")[1] for p in problems if p.kind == "unknown_unit"] == ["市某某局"]
    groups = [p for p in problems if p.kind == "group_without_members"]
    assert [p.message.split("'")[1] for p in groups] == [
        "各级政府", "各区、县（市）政府", "其他各相关部门", "各乡镇（街道）"]
    assert all(p.severity == "warning" and (p.file, p.ref) == ("plan.txt", "line 29") for p in groups)
    assert "kept as a provisional group" in groups[0].message and "groups:" in groups[0].message
    expanded = expand_members(session, [d.id for d in depts])
    assert [[m.name for m in expanded[d.id]] for d in depts] == [[], [], ["市某某局"], [], []]  # nobody to remind


def test_a_unit_kept_by_an_older_import_is_resolved_as_a_group(session: Session) -> None:
    old = make_department(session, "各级政府")
    old.provisional = True
    [dept], problems = resolve_units(session, ["各级政府"], file="plan.txt", ref="line 9")
    assert dept.id == old.id and dept.kind == KIND_GROUP
    assert [p.kind for p in problems] == ["group_without_members"]


def test_directory_fills_a_provisional_group_with_members(session: Session, tmp_path: Path) -> None:
    [group], _ = resolve_units(session, ["各级政府"], file="plan.txt", ref="line 29")
    task = make_task(session, make_plan(session), "2.1", lead=[group])
    session.commit()
    text = DIRECTORY + "  各级政府: [市民政局, 西湖区政府]\n"
    summary = load_directory(session, write(tmp_path, text))
    session.commit()
    real = by_name(session, "各级政府")
    assert (real.id, real.kind, real.provisional) == (group.id, KIND_GROUP, False)
    assert summary.groups["各级政府"] == ["市民政局", "西湖区政府"] and "各级政府" in summary.updated
    assert session.exec(select(Assignment.department_id).where(Assignment.task_id == task.id)).all() == [real.id]
    assert [m.name for m in expand_members(session, [real.id])[real.id]] == ["市民政局", "西湖区政府"]
    again, problems = resolve_units(session, ["各级政府"], file="plan.txt", ref="line 29")
    assert again == [real] and problems == []


def test_a_directory_group_without_members_is_a_warning(session: Session, tmp_path: Path) -> None:
    load_directory(session, write(tmp_path, DIRECTORY + "  各级政府: []\n"))
    [group], problems = resolve_units(session, ["各级政府"], file="plan.txt", ref="line 29")
    assert not group.provisional and [p.kind for p in problems] == ["group_without_members"]
    assert "a directory group" in problems[0].message
