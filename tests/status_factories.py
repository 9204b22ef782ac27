"""A small plan with lead, supporting, grouped and channel-less units, for rounds and the portal."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from models import Department, Indicator, Milestone, MilestoneCompletion, Plan, Task
from tests.factories import make_department, make_group, make_indicator, make_plan, make_task


@dataclass
class Scenario:
    """The rows a status test works with."""

    plan: Plan
    health: Department  # lead of T1 and T4
    civil: Department  # lead of T2
    finance: Department  # supports T1
    police: Department  # responsible for the recurring T5, no channels
    districts: list[Department]  # members of the group leading T3
    tasks: dict[str, Task] = field(default_factory=dict)
    indicator: Indicator | None = None


def make_status_scenario(session: Session, hook: object | None = None) -> Scenario:
    """Five tasks; in 2016Q2 expected: 卫计委 T1, 民政局 T2, each district T3, 公安局 T5 (T4 is done)."""
    url = (lambda name: [hook.url(name)]) if hook is not None else (lambda name: [])  # type: ignore[attr-defined]
    plan = make_plan(session)
    health = make_department(session, "市卫生计生委", channels=url("health"))
    civil = make_department(session, "市民政局", channels=url("civil"))
    finance = make_department(session, "市财政局", channels=url("finance"))
    police = make_department(session, "市公安局")
    districts = [make_department(session, "上城区政府", channels=url("shangcheng")),
                 make_department(session, "下城区政府", channels=url("xiacheng"))]
    group = make_group(session, "各区、县（市）政府", districts)
    s = Scenario(plan, health, civil, finance, police, districts)
    s.tasks["T1"] = make_task(session, plan, "T1", "建立精神卫生工作协调机制。", lead=[health], support=[finance],
                              milestones=[{"label": "2016年", "due_date": date(2016, 6, 30)}])
    s.tasks["T2"] = make_task(session, plan, "T2", "落实救助政策。", lead=[civil], section="保障措施",
                              milestones=[{"label": "2016年", "due_date": date(2016, 12, 31)}])
    s.tasks["T3"] = make_task(session, plan, "T3", "建成社区康复机构。", lead=[group], section="康复服务",
                              milestones=[{"label": "2017年", "due_date": date(2017, 12, 31)}])
    s.tasks["T4"] = make_task(session, plan, "T4", "制定实施方案。", lead=[health],
                              milestones=[{"label": "2015年", "due_date": date(2015, 12, 31)}])
    s.tasks["T5"] = make_task(session, plan, "T5", "每季度召开联席会议。", responsible=[police],
                              milestones=[{"label": "每季度", "recurrence": "quarterly",
                                           "recurrence_start": date(2016, 1, 1),
                                           "recurrence_end": date(2020, 12, 31)}])
    m4 = session.exec(select(Milestone).where(Milestone.task_id == s.tasks["T4"].id)).one()
    session.add(MilestoneCompletion(milestone_id=m4.id, completed_on=date(2015, 12, 20)))
    s.indicator = make_indicator(session, plan, "患者管理率", task=s.tasks["T1"], code="I1")
    session.commit()
    return s


def pdf_bytes(text: str = "evidence") -> bytes:
    """A tiny but real PDF document."""
    body = f"%PDF-1.4\n1 0 obj <<>> endobj\n% {text}\ntrailer <<>>\n%%EOF\n"
    return body.encode("ascii")


def png_bytes() -> bytes:
    """A real 1×1 PNG image."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = zlib.compress(b"\x00\xff\x00\x00")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def upload(data: bytes) -> io.BytesIO:
    """A stream as the portal hands it to the validation path."""
    return io.BytesIO(data)


def make_many_units(session: Session, count: int,
                    plan_code: str = "load") -> tuple[Plan, list[tuple[Department, Task]]]:
    """A plan where each of ``count`` units leads one task due at the end of 2016."""
    plan = make_plan(session, code=plan_code, title="并发测试规划")
    pairs = []
    for n in range(count):
        dept = make_department(session, f"测试单位{n:03d}")
        pairs.append((dept, make_task(session, plan, f"L{n:03d}", f"并发任务{n}", lead=[dept],
                                      milestones=[{"label": "2016年", "due_date": date(2016, 12, 31)}])))
    session.commit()
    return plan, pairs
