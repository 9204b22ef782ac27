"""The spreadsheet round trip: a unit's pre-filled .xlsx form for a round, and reading it back.

A form carries a signed stamp (unit + round) on a hidden sheet, so a form for another unit or
a hand-edited stamp is refused. Reading is all-or-nothing: every row is checked through the same
validation as the portal and the API, every problem is reported with its row, and nothing is
written unless the whole form is clean. Rows whose 状态 is empty are skipped (not reported).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import BinaryIO

from itsdangerous import BadSignature, URLSafeSerializer
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session, col, select

from models import Department, Indicator, Milestone, Plan, ReportingRound, StatusUpdate, Task
from models.base import id_of
from models.status import STATES
from tasks.errors import AccessDenied, Problems, ValidationFailed
from tasks.periods import parse_period
from tasks.rounds import updates as status_updates
from tasks.rounds.dashboard import unit_task_ids
from tasks.rounds.links import secret_key
from tasks.rounds.requests import active_tasks, ensure_open, expectations
from tasks.worksheets import keep_text

SHEET, META = "报送表", "_duban"
HEADER_ROW = 3
COLUMNS = ["任务编号", "任务内容", "本单位职责", "里程碑及期限", "状态", "完成百分比", "进展情况",
           "存在问题", "下一步工作", "指标值", "完成的里程碑", "填报人"]
WIDTHS = [10, 40, 10, 30, 10, 10, 40, 30, 30, 24, 14, 10]


def _stamp() -> URLSafeSerializer:
    return URLSafeSerializer(secret_key(), salt="duban-form")


def form_tasks(session: Session, department: Department, round_: ReportingRound) -> list[tuple[Task, str]]:
    """The unit's tasks for the round: expected ones (牵头) then active ones it supports (配合)."""
    department_id = id_of(department)
    expected = expectations(session, round_).get(department_id, [])
    found = {t.id: t for t in session.exec(select(Task).where(col(Task.id).in_(expected)))} if expected else {}
    rows = [(found[t], "牵头") for t in expected]
    plan = session.get_one(Plan, round_.plan_id)
    roles, skip = unit_task_ids(session, department_id), set(expected)
    for task in active_tasks(session, plan, parse_period(round_.period)):
        if task.id not in skip and roles.get(id_of(task)) == "support":
            rows.append((task, "配合"))
    return rows


def write_form(session: Session, department: Department, round_: ReportingRound, target: Path | BinaryIO) -> int:
    """Write the unit's form for the round to ``target``; returns the number of task rows."""
    ensure_open(round_)
    plan = session.get_one(Plan, round_.plan_id)
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook starts with one (work)sheet, the active one
    ws.title = SHEET
    ws["A1"] = f"《{plan.title}》{parse_period(round_.period).label}工作进展报送表"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = (f"报送单位：{department.name}　截止日期：{round_.deadline:%Y年%m月%d日}　"
                f"状态填：{'/'.join(STATES)}；完成百分比填0–100；指标值填“指标名=数值”，多个用分号隔开。"
                "请勿修改表头和任务编号。")
    for column, (name, width) in enumerate(zip(COLUMNS, WIDTHS, strict=True), start=1):
        cell = ws.cell(HEADER_ROW, column, name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        ws.column_dimensions[cell.column_letter].width = width
    rows = form_tasks(session, department, round_)
    ids = [task.id for task, _ in rows] or [0]
    milestones_of: dict[int, list[Milestone]] = defaultdict(list)
    for m in session.exec(select(Milestone).where(col(Milestone.task_id).in_(ids),
                                                  col(Milestone.active).is_(True))
                          .order_by(col(Milestone.task_id), col(Milestone.position), col(Milestone.id))):
        milestones_of[m.task_id].append(m)
    indicators_of: dict[int | None, list[Indicator]] = defaultdict(list)
    for i in session.exec(select(Indicator).where(col(Indicator.task_id).in_(ids),
                                                  col(Indicator.active).is_(True))
                          .order_by(col(Indicator.id))):
        indicators_of[i.task_id].append(i)
    # the plan's indicators tied to no task (an annex's values) are offered once, on the unit's first row
    untied = list(session.exec(select(Indicator).where(col(Indicator.plan_id) == plan.id,
                                                       col(Indicator.task_id).is_(None),
                                                       col(Indicator.active).is_(True)).order_by(col(Indicator.id))))
    for offset, (task, role) in enumerate(rows, start=1):
        r = HEADER_ROW + offset
        milestones = milestones_of[id_of(task)]
        indicators = indicators_of[id_of(task)] + (untied if offset == 1 else [])
        values = [task.code, task.text, role,
                  "；".join(f"{m.label}：{m.text}" for m in milestones), None, None, None, None, None,
                  "；".join(f"{i.name}=" for i in indicators) or None, None, None]
        for column, value in enumerate(values, start=1):
            ws.cell(r, column, value).alignment = Alignment(wrap_text=True, vertical="top")
    if rows:
        states = DataValidation(type="list", formula1='"' + ",".join(STATES) + '"', allow_blank=True)
        ws.add_data_validation(states)
        states.add(f"E{HEADER_ROW + 1}:E{HEADER_ROW + len(rows)}")
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 3).coordinate
    meta = wb.create_sheet(META)
    meta["A1"] = _stamp().dumps({"d": department.id, "r": round_.id})
    meta["A2"], meta["A3"], meta["A4"] = department.name, plan.code, round_.period
    meta.sheet_state = "hidden"
    keep_text(wb).save(target)
    return len(rows)


def _indicators(text: str) -> dict[str, str | float | int | None]:
    pairs: dict[str, str | float | int | None] = {}
    for part in text.replace("；", ";").split(";"):
        if part.strip():
            name, _, value = part.replace("＝", "=").partition("=")
            pairs[name.strip()] = value.strip()
    return pairs


def collect_form(session: Session, source: Path | BinaryIO, *, filename: str | None = None,
                 department: Department | None = None) -> list[StatusUpdate]:
    """Read a filled form and record each filled row as an update; all or nothing."""
    name = filename or (source.name if isinstance(source, Path) else "form.xlsx")
    try:
        wb = load_workbook(source, data_only=True)
    except Exception as exc:
        raise ValidationFailed(f"{name}：不是有效的 .xlsx 报送表（{type(exc).__name__}）。") from None
    if META not in wb.sheetnames or SHEET not in wb.sheetnames:
        raise ValidationFailed(f"{name}：不是 duban 生成的报送表（缺少“{SHEET}”或标记页），请用 duban form 重新生成。")
    try:
        stamp = _stamp().loads(str(wb[META]["A1"].value or ""))
    except BadSignature:
        raise ValidationFailed(f"{name}：报送表标记被修改或不属于本系统，请重新下载报送表。") from None
    owner = session.get(Department, stamp["d"])
    round_ = session.get(ReportingRound, stamp["r"])
    if owner is None or round_ is None:
        raise ValidationFailed(f"{name}：报送表对应的单位或轮次已不存在。")
    if department is not None and owner.id != department.id:
        raise AccessDenied(f"{name}：这是“{owner.name}”的报送表，不能以“{department.name}”的身份提交。")
    ensure_open(round_)
    ws = wb[SHEET]
    header = [str(c.value).strip() if c.value is not None else "" for c in ws[HEADER_ROW]]
    problems = Problems(name)
    missing = [c for c in COLUMNS if c not in header]
    unknown = [h for h in header if h and h not in COLUMNS]
    for heading in missing:
        problems.error(f"第{HEADER_ROW}行", f"缺少列“{heading}”（表头被修改或删除）。")
    for heading in unknown:
        problems.error(f"第{HEADER_ROW}行", f"无法识别的列“{heading}”（表头应为：{'、'.join(COLUMNS)}）。")
    if problems.errors:
        raise ValidationFailed(f"{name}：表头不正确，未导入任何内容。", problems.errors)
    index = {h: i for i, h in enumerate(header) if h}
    pending: list[tuple[status_updates.Checked, status_updates.UpdateData]] = []
    for number, row in enumerate(ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True), start=HEADER_ROW + 1):
        cell = {h: ("" if row[i] is None else str(row[i]).strip()) if i < len(row) else "" for h, i in index.items()}
        if not cell["状态"] and not cell["进展情况"]:
            continue
        ref = f"第{number}行"
        if not cell["任务编号"]:
            problems.error(ref, "缺少任务编号。")
            continue
        task = session.exec(select(Task).where(Task.plan_id == round_.plan_id, Task.code == cell["任务编号"])).first()
        if task is None or status_updates.role_of(session, owner, task) is None:
            problems.error(ref, f"任务“{cell['任务编号']}”不是“{owner.name}”的任务。")
            continue
        data = status_updates.UpdateData(
            state=cell["状态"], percent=cell["完成百分比"], progress=cell["进展情况"], problems=cell["存在问题"],
            next_steps=cell["下一步工作"], indicators=_indicators(cell["指标值"]),
            completes_milestone=cell["完成的里程碑"] or None, submitted_by=cell["填报人"])
        data.indicators = {k: v for k, v in data.indicators.items() if v}
        checked = status_updates.check(session, owner, task, data, problems, ref)
        if checked is not None:
            pending.append((checked, data))
    if problems.errors:
        raise ValidationFailed(f"{name}：有{len(problems.errors)}处错误，未导入任何内容。", problems.errors)
    if not pending:
        raise ValidationFailed(f"{name}：没有填写任何任务（“状态”列为空）。")
    try:
        updates = [status_updates.write(session, owner, checked, data, "form", round_) for checked, data in pending]
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return updates
