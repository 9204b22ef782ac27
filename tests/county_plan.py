"""An invented county action plan of the real shape: issued in late May, measures closed by
〔责任单位：…〕 markers whose clauses give duties to some of the units, and its department directory."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import Session

from tasks.directory.departments import load_directory
from tasks.plans.intake import ImportReport, import_plan

ISSUED = date(2024, 5, 27)
PLAN_END = date(2025, 12, 31)

PLAN_TEXT = """青岚县人民政府办公室关于印发青岚县社区心理服务提升行动方案（2024—2025年）的通知
岚政办发〔2024〕9号
各乡镇人民政府、街道办事处，县直各有关单位：
现将《青岚县社区心理服务提升行动方案（2024—2025年）》印发给你们，请认真贯彻执行。
青岚县人民政府办公室
2024年5月27日
青岚县社区心理服务提升行动方案（2024—2025年）
一、重点任务
（一）健全服务网络
1.完善排查随访机制。县卫生健康局、县公安局、县民政局等部门要加强业务指导，至少每半年对乡镇（街道）督导1次。各乡镇（街道）严格落实属地责任，至少每季度对村（社区）督导1次。2024年底前，建成县级心理援助热线。〔责任单位：县卫生健康局、县公安局、县民政局，各乡镇（街道）〕
2.加强队伍培训。各乡镇（街道）每半年要组织1次心理服务骨干培训。〔责任单位：县卫生健康局，各乡镇（街道）〕
（二）强化部门协作
3.开展联合检查。公安、民政等部门每年开展2次联合检查，及时通报检查结果。〔责任单位：县卫生健康局、县公安局、县民政局〕
4.召开联席会议。建立联席会议制度，每季度召开1次会议。〔责任单位：县卫生健康局、县民政局〕
"""

DIRECTORY = """
departments:
  - {name: 县卫生健康局, aliases: [县卫健局], channels: ["json://127.0.0.1:9/wsj"]}
  - {name: 县公安局, channels: ["json://127.0.0.1:9/gaj"]}
  - {name: 县民政局, channels: ["json://127.0.0.1:9/mzj"]}
  - {name: 青石镇, channels: ["json://127.0.0.1:9/qsz"]}
  - {name: 岚山乡, channels: ["json://127.0.0.1:9/lsx"]}
  - {name: 城南街道, channels: ["json://127.0.0.1:9/cnjd"]}
groups:
  各乡镇（街道）: [青石镇, 岚山乡, 城南街道]
"""

COUNTY = {"县卫生健康局", "县公安局", "县民政局"}
TOWNSHIPS = {"青石镇", "岚山乡", "城南街道"}
# whom each duty binds, by (task code, the duty's recurrence): the clause's own units
DUTY_UNITS = {("1.1.1", "half-yearly"): COUNTY, ("1.1.1", "quarterly"): TOWNSHIPS, ("1.1.2", "half-yearly"): TOWNSHIPS,
              ("1.2.3", "yearly"): {"县公安局", "县民政局"}, ("1.2.4", "quarterly"): {"县卫生健康局", "县民政局"}}


def import_county_plan(session: Session, folder: Path, text: str = PLAN_TEXT, code: str = "qinglan"
                       ) -> ImportReport:
    """Load the directory and import the plan text (a .txt file, as the office would)."""
    directory = folder / "departments.yaml"
    directory.write_text(DIRECTORY, encoding="utf-8")
    load_directory(session, directory)
    session.commit()
    path = folder / "青岚县社区心理服务提升行动方案.txt"
    path.write_text(text, encoding="utf-8")
    report = import_plan(session, path, plan_code=code)
    session.commit()  # the caller commits the import (README: where commits happen)
    return report
