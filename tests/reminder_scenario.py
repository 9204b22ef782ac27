"""A small city for reminder tests: a plan, units, a group, the office, and milestones around 2016-10-14."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from models import KIND_OFFICE, Department, Plan
from tests.factories import make_department, make_group, make_plan, make_task

DUE = date(2016, 10, 14)  # a Friday after National Day: 7 working days before is 2016-09-30


@dataclass
class City:
    plan: Plan
    office: Department
    health: Department  # 市卫生计生委
    civil: Department  # 市民政局
    finance: Department  # 市财政局
    police: Department  # 市公安局
    disabled: Department  # 市残联 (no channel)
    group: Department  # 各相关部门 = finance + police


def build_city(session: Session, hook: object | None = None) -> City:
    """The city; with a WebhookReceiver each unit gets its own path (/卫计委 → /wjw …) on it."""
    def url(path: str) -> list[str]:
        return [hook.url(path)] if hook is not None else []  # type: ignore[attr-defined]

    plan = make_plan(session, code="demo", coordination_channels=url("/plan-office"))
    office = make_department(session, "市精神卫生工作领导小组办公室", kind=KIND_OFFICE, channels=url("/office"))
    health = make_department(session, "市卫生计生委", channels=url("/wjw"), head_channels=url("/wjw-head"),
                             aliases=["市卫计委"])
    civil = make_department(session, "市民政局", channels=url("/mzj"))
    finance = make_department(session, "市财政局", channels=url("/czj"))
    police = make_department(session, "市公安局", channels=url("/gaj"))
    disabled = make_department(session, "市残联")
    group = make_group(session, "各相关部门", [finance, police])
    make_task(session, plan, "1.1", "建立由卫生计生、民政、财政等部门参与的精神卫生工作协调机制，"
              "定期研究解决重大问题。", lead=[health], support=[civil],
              milestones=[{"label": "2016年", "due_date": DUE, "text": "出台工作方案。"}])
    make_task(session, plan, "1.2", "落实严重精神障碍患者救治救助经费。", lead=[group],
              milestones=[{"label": "2016年", "due_date": DUE, "text": "经费到位。"}])
    make_task(session, plan, "2.1", "力争建成心理援助热线。", lead=[civil],
              milestones=[{"label": "2016年", "due_date": DUE, "soft": True, "text": "力争开通热线。"}])
    make_task(session, plan, "3.1", "每季度召开精神卫生综合管理小组例会。", lead=[health],
              milestones=[{"label": "每季度", "key": "每季度#duty", "due_date": date(2016, 3, 31),
                           "recurrence": "quarterly", "recurrence_count": 1, "recurrence_start": date(2016, 1, 1),
                           "recurrence_end": date(2020, 12, 31), "text": "每季度召开工作例会。"}])
    make_task(session, plan, "4.1", "开展残疾人康复服务。", lead=[disabled],
              milestones=[{"label": "2016年", "due_date": DUE, "text": "完成康复服务。"}])
    session.commit()
    return City(plan, office, health, civil, finance, police, disabled, group)
