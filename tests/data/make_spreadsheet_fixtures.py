"""One-off: write the spreadsheet fixtures of tests/data (invented content in real layouts)."""
import sys
from pathlib import Path

from openpyxl import Workbook

out = Path(sys.argv[1])

# 1. Hangzhou-like layout: title, two-row header, merged section cells, progress merged across years.
wb = Workbook()
ws = wb.active
ws.title = "分解表"
ws.append(["附件"])
ws.append(["样例县心理健康工作任务分解表"])
ws.append(["一级指标", "二级指标", "实施进度", None, None, "牵头单位", "配合单位", "备注"])
ws.append([None, None, "2016年", "2017年", "2020年", None, None, None])
ws.merge_cells("C3:E3")
for c in "ABFGH":
    ws.merge_cells(f"{c}3:{c}4")
rows = [
    ["组织保障", "建立县级协调机制。", "2016年4月底前出台文件。", "不断完善。", "总结评估。",
     "县卫计委", "各相关部门", None],
    [None, "召开部门联席会议。", "每年不少于2次。", None, "每年不少于2次。",
     "县卫计委、县民政局", "各乡镇（街道）", None],
    [None, "完善救治救助制度。", "力争在2016年6月底前出台办法。", "贯彻执行。", "不断完善。",
     "县民政局", "县财政局、县人社局", "重点"],
    ["队伍建设", "配齐专职人员。", "开展调研。", "完成配备。", "持续保障。", "县编办、县人社局", "县卫计委", None],
    [None, "开展业务培训。", "每季度召开培训会。", "每半年组织考核。", "长期坚持。",
     "县卫计委", "各乡镇（街道），县综治办、公安部门", None],
]
for r in rows:
    ws.append(r)
ws.merge_cells("A5:A7")   # section merged vertically over three rows
ws.merge_cells("C6:D6")   # one progress cell covers 2016年 and 2017年
ws.merge_cells("A8:A9")
wb.save(out / "merged_cells.xlsx")

# 2. 责任单位-only layout with numbered section rows merged across the table; header not in row 1.
wb = Workbook()
ws = wb.active
ws.title = "重点任务"
ws.append(["样例区重点任务分工方案"])
ws.append([])
ws.append(["编号", "重点任务", "责任单位", "完成时限"])
ws.append(["一、健全服务体系"])
ws.merge_cells("A4:D4")
ws.append(["A1", "建设区精神卫生中心。", "区卫生健康局、区发改局", "2018年底前"])
ws.append(["A2", "推进社区康复服务。", "区民政局，各街道办事处", "2017年6月30日前"])
ws.append(["二、加强服务管理"])
ws.merge_cells("A7:D7")
ws.append(["B1", "落实患者随访管理。", "区卫生健康局", "长期"])
wb.save(out / "responsible_only.xlsx")

# 3. Bad: a header without any task column.
wb = Workbook()
ws = wb.active
ws.append(["序号", "牵头单位", "配合单位", "完成时限"])
ws.append(["1", "县民政局", "县财政局", "2016年底前"])
wb.save(out / "no_task_column.xlsx")

# 4. Bad: a row with no lead unit (row 4) and a row with neither task text (row 5).
wb = Workbook()
ws = wb.active
ws.append(["任务", "牵头单位", "配合单位", "完成时限"])
ws.append(["建立协调机制。", "县卫计委", "县民政局", "2016年底前"])
ws.append(["开展业务培训。", "县卫计委", None, "2016年6月底前"])
ws.append(["完善救治制度。", None, "县财政局", "2017年底前"])
wb.save(out / "no_lead.xlsx")

# 5. Bad: the same task code twice.
wb = Workbook()
ws = wb.active
ws.append(["编号", "主要任务", "牵头单位", "完成时限"])
ws.append(["1.1", "建立协调机制。", "县卫计委", "2016年底前"])
ws.append(["1.2", "开展业务培训。", "县卫计委", "2016年底前"])
ws.append(["1.1", "完善救治制度。", "县民政局", "2017年底前"])
wb.save(out / "duplicate_code.xlsx")

# 6. Bad: a truncated (corrupted) workbook.
good = (out / "merged_cells.xlsx").read_bytes()
(out / "corrupted.xlsx").write_bytes(good[: len(good) // 2])

# 7. GBK CSV as saved by Chinese Excel (CRLF, GBK).
csv_text = ("序号,工作任务,牵头单位,配合单位,完成时限,备注\r\n"
            "1,制定县级实施方案。,县卫计委,\"县民政局、县财政局\",2016年3月底前,\r\n"
            "2,每季度召开工作例会。,县卫计委,各相关部门,每季度,例会纪要报县精卫办\r\n"
            "3,建立患者信息共享机制。,县公安局及县卫计委,县民政局,力争在2016年9月底前,\r\n")
(out / "tasks_gbk.csv").write_bytes(csv_text.encode("gbk"))

# 8. Empty file.
(out / "empty.csv").write_bytes(b"")
