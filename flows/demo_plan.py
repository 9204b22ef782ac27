"""An invented example plan (示范市, in the style of a real division-of-labour table) and its directory.

The workbook uses a real layout: a title row, a two-row header (实施进度 over 2016年/2017年/2020年),
section cells merged vertically, progress cells merged across years, and an indicator sheet.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

TITLE = "示范市精神卫生综合管理工作任务分解表（2016—2020年）"
_ALL = "各相关部门"
_COUNTIES = "各区、县（市）政府"
# (一级指标, 二级指标, 2016年, 2017年, 2020年 — None: merged with the cell before, 牵头单位, 配合单位, 备注)
TASKS: list[tuple[str, str, str, str | None, str, str, str, str]] = [
    ("组织保障", "调整完善市精神卫生工作领导小组，明确成员单位职责。", "2016年4月底前下文明确。", "适时调整、完善。",
     "适时调整、完善。", "市卫生健康委", _ALL, ""),
    ("组织保障", "召开部门联席会议，通报工作进展。", "每年不少于2次。", None, "每年不少于2次。", "市卫生健康委",
     _ALL, ""),
    ("组织保障", "各区、县（市）建立精神卫生综合管理小组。", "力争在2016年6月底前完成。", "不断健全。", "不断完善。",
     _COUNTIES, "市卫生健康委、市民政局", ""),
    ("制度保障", "出台精神卫生综合管理试点方案和“十三五”规划。", "2016年3月底前出台方案，之后每年至少督导1次。",
     None, "总结评估。", "市卫生健康委", f"{_ALL}，{_COUNTIES}", ""),
    ("制度保障", "完善严重精神障碍患者救治救助制度。", "2016年5月底前组织开展调研，2016年9月底前出台相关文件。",
     "贯彻执行并不断完善。", "总结评估。", "市民政局、市医保局", "市财政局、市卫生健康委", ""),
    ("制度保障", "将精神卫生工作纳入平安建设考核内容。", "每年度列入考核。", None, "每年度列入考核。",
     "市委政法委", f"{_ALL}，{_COUNTIES}", ""),
    ("服务体系", "加强精神卫生专业机构建设，完成市精神卫生中心改扩建。", "完成立项。", "2017年底前开工建设。",
     "建成投用。", "市发展改革委、市卫生健康委", "市财政局、市规划资源局", "重点项目"),
    ("服务体系", "每个区、县（市）至少有1所精神卫生专科医院或综合医院精神科。", "开展调研，制定方案。",
     "力争在2017年10月底前完成一半。", "全部完成。", _COUNTIES, "市卫生健康委", ""),
    ("服务体系", "完善康复服务机构，推进社区康复。", "出台康复机构管理办法。", "不断完善。", "持续保障。",
     "市民政局、市残联", "市卫生健康委、市人力社保局", ""),
    ("服务管理", "开展严重精神障碍患者全面排查，做好登记报告。", "每季度开展一次排查。", None,
     "常态化排查。", "市卫生健康委、市公安局", "市民政局，各乡镇（街道）", ""),
    ("服务管理", "落实患者监护补助和以奖代补政策。", "2016年7月底前出台实施细则。", "按要求落实。", "按要求落实。",
     "市财政局、市民政局", "市卫生健康委、市残联", ""),
    ("服务管理", "对病情不稳定患者实施个案管理。", "按要求落实。", "督导评估，不断完善。", "督导评估，不断完善。",
     "市卫生健康委", _COUNTIES, ""),
    ("心理健康促进", "推进学校心理健康服务，配备专兼职心理教师。", "开展调研，制定标准。", "试点开展。",
     "全面开展。", "市教育局", "市卫生健康委", ""),
    ("心理健康促进", "开展心理健康知识宣传，提升公众知晓率。", "每半年组织一次集中宣传。", None, "持续开展。",
     "市委宣传部、市卫生健康委", _ALL, ""),
    ("心理健康促进", "加强监管场所心理健康服务。", "2016年底前完成调研。", "不断完善。", "不断完善。",
     "市司法局、市公安局", "市卫生健康委", ""),
]
INDICATORS = [
    ("1", "服务管理", "严重精神障碍患者规范管理率（%）", "越高越好", "4.3", "75", "≥80", "≥85"),
    ("2", "服务管理", "精神分裂症治疗率（%）", "越高越好", "4.2", "70", "≥75", "≥80"),
    ("3", "心理健康促进", "心理健康知识知晓率（%）", "越高越好", "5.2", "50", "在现有基础上提高10%", "≥70"),
]
UNITS: dict[str, list[str]] = {
    "市卫生健康委": ["市卫健委", "卫生健康部门"], "市民政局": [], "市公安局": [], "市财政局": [],
    "市医保局": [], "市委政法委": ["综治办", "市综治办"], "市发展改革委": ["市发改委"], "市规划资源局": [],
    "市人力社保局": [], "市残联": [], "市教育局": [], "市委宣传部": [], "市司法局": [],
    "东城区政府": [], "西城区政府": [], "南湖县政府": [], "青山市政府": [], "城关街道": [], "白沙镇": [],
}
GROUPS = {
    _ALL: ["市卫生健康委", "市民政局", "市公安局", "市财政局", "市医保局", "市委政法委", "市发展改革委",
           "市规划资源局", "市人力社保局", "市残联", "市教育局", "市委宣传部", "市司法局"],
    _COUNTIES: ["东城区政府", "西城区政府", "南湖县政府", "青山市政府"],
    "各乡镇（街道）": ["城关街道", "白沙镇"],
}
OFFICE = "市精卫办"


def write_example_plan(path: Path) -> Path:
    """Write the example plan workbook (about 15 tasks in 5 sections, 3 indicators)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "任务分解表"
    ws.append([TITLE])
    ws.merge_cells("A1:H1")
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["一级指标", "二级指标", "实施进度", None, None, "牵头单位", "配合单位", "备注"])
    ws.append([None, None, "2016年", "2017年", "2020年", None, None, None])
    ws.merge_cells("C2:E2")
    for col in "ABFGH":
        ws.merge_cells(f"{col}2:{col}3")
    section_start = 4
    for i, (section, task, y16, y17, y20, lead, support, remark) in enumerate(TASKS):
        row = 4 + i
        ws.append([section, task, y16, y17, y20, lead, support, remark])
        if y17 is None:
            ws.merge_cells(f"C{row}:D{row}")
        is_last = i + 1 == len(TASKS) or TASKS[i + 1][0] != section
        if is_last:
            if row > section_start:
                ws.merge_cells(f"A{section_start}:A{row}")
            section_start = row + 1
    for column, width in zip("ABCDEFGH", (12, 40, 28, 20, 20, 24, 24, 10), strict=True):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet = wb.create_sheet("指标")
    sheet.append(["序号", "分类", "指标名称", "方向", "关联任务", "基线2015年", "目标2017年", "目标2020年"])
    for row in INDICATORS:
        sheet.append(list(row))
    info = wb.create_sheet("计划信息")
    for label, value in (("标题", TITLE), ("发文机关", "示范市人民政府办公室"), ("文号", "示政办发〔2016〕18号"),
                         ("印发日期", "2016-03-15"), ("起始年份", "2016"), ("截止年份", "2020"),
                         ("中期考核年份", "2017"), ("终期评估年份", "2020")):
        info.append([label, value])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_example_directory(path: Path, channel_for: Callable[[str], list[str]],
                            head_channel_for: Callable[[str], list[str]] | None = None) -> Path:
    """Write the example department directory.

    ``channel_for(name)`` gives the apprise URLs of the office and of each unit (called with
    canonical names only); ``head_channel_for(name)``, when given, the escalation URLs of each unit.
    """
    data = {
        "coordination_office": {"name": OFFICE, "channels": channel_for(OFFICE)},
        "departments": [{"name": name, **({"aliases": aliases} if aliases else {}), "channels": channel_for(name),
                         **({"head_channels": head_channel_for(name)} if head_channel_for else {}),
                         "contacts": [{"name": f"{name}联络员", "phone": "0000-0000000"}]}
                        for name, aliases in UNITS.items()],
        "groups": GROUPS,
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
