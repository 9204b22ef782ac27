"""Done-when of issue 4 on the real Hangzhou table (.docx): `duban remind --as-of 2016-04-25` end to end."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlmodel import Session, select
from typer.testing import CliRunner

from config import get_settings
from flows.cli import app
from models import Department, Milestone, Plan
from tasks.reminders import notify
from tasks.reminders.due_items import due_items
from tasks.workdays import local_today
from tests.receivers import WebhookReceiver

pytestmark = pytest.mark.flow
AS_OF = "2016-04-25"
DISTRICTS = ["上城区政府", "西湖区政府"]  # invented directory members for the 各… groups


def write_directory(session: Session, hook: WebhookReceiver, path: Path) -> dict[str, str]:
    """A directory giving every unit named in the imported plan its own webhook path; 各… names are groups."""
    names = sorted(session.exec(select(Department.name)).all())
    groups = [n for n in names if n.startswith("各")]
    units = sorted({n for n in names if n not in groups} | set(DISTRICTS))
    paths = {name: f"/unit/{i}" for i, name in enumerate(units)}
    city_units = [n for n in units if n.startswith("市")]
    doc = {"coordination_office": {"name": "市精卫办", "channels": [hook.url("/office")]},
           "departments": [{"name": n, "channels": [hook.url(paths[n])]} for n in units],
           "groups": {g: (city_units if g == "各相关部门" else DISTRICTS) for g in groups}}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return paths


def test_hangzhou_remind_as_of_2016_04_25(prefect_harness: None, session: Session, seeds: Path, tmp_path: Path,
                                          webhook: WebhookReceiver, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUBAN_NOTIFY_BACKOFF_SECONDS", "0.01")
    get_settings.cache_clear()
    runner = CliRunner()
    imported = runner.invoke(app, ["import", str(seeds / "hangzhou-task-table.docx"), "--plan", "hz"])
    assert imported.exit_code == 0, imported.output
    paths = write_directory(session, webhook, tmp_path / "directory.yaml")
    loaded = runner.invoke(app, ["departments", "load", str(tmp_path / "directory.yaml")])
    assert loaded.exit_code == 0, loaded.output
    session.expire_all()

    today = due_items(session, date.fromisoformat(AS_OF))
    expected: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for item in today:
        expected[item.department].append((item.task_code, item.label, item.status))
    assert len(expected) >= 5
    # Checked by hand against 003_7d761cf584dc9c6a.txt (the table of the .docx) and the policy in the
    # tasks/reminders/due_items.py docstring, on China's 2016 calendar. Task codes are section.row (制度保障 is
    # section 3: its 7th row, line 146, is 3.7). Mon 25 Apr is a working day; Sat 30 Apr and 1–2 May are
    # the Labour Day holiday, so 2016年4月底(前) = 30 Apr falls due on Fri 29 Apr, 4 working days after
    # 25 Apr (26, 27, 28, 29): not 30/7/1 days before, not the due day → its lead units hear nothing today.
    # Supporting units must be done 5 working days before 29 Apr = Fri 22 Apr (28, 27, 26, 25, 22), so
    # 25 Apr is their 1st overdue working day → told, 已逾期, with 22 Apr as their deadline.
    april, support_due = date(2016, 4, 30), date(2016, 4, 22)
    told = {(i.department, i.task_code, i.lead_due_date): (i.status, i.due_date) for i in today}
    must = [("市财政局", "3.7"),      # line 146 完善仁爱家园工疗站管理办法: 4月底前调研; 配合 市编委办、市财政局…
            ("市编委办", "3.7"),
            ("市人力社保局", "7.2"),  # line 307 放宽招聘要求: 2016年4月底完成调研; 配合 市人力社保局、市卫生计生委
            ("上城区政府", "6.3")]    # line 286 建立特殊学校: 4月底前完成调研; 配合 各区、县（市）政府 ∋ 上城区政府
    for department, code in must:
        assert told.get((department, code, april)) == ("overdue", support_due), (department, code)
    assert (("市残联", "3.7", april) not in told        # 3.7's lead: 4 working days before its deadline
            and ("市教育局", "6.3", april) not in told)  # 6.3's lead: the same
    # 3.6 (line 139, lead 市民政局…): 30 Apr (4 working days ahead) and 6月底前 = Thu 30 Jun (46 ahead);
    # 1.1 (line 20, lead 市卫生计生委、市法制办): the 2016年 column, by 31 Dec (Sat) → Fri 30 Dec, 173 ahead
    # (supporters 5 earlier: 168); 2017年/2020年 later still → neither lead is told anything for them today.
    assert not [key for key in told if key[:2] in (("市民政局", "3.6"), ("市法制办", "1.1"))]
    # supporting units of the 2016年4月底前 tasks are told a week ahead of the lead: one working day late now
    april = session.exec(select(Milestone).where(Milestone.due_date == date(2016, 4, 30))).all()
    assert april
    assert any(status == "overdue" for items in expected.values() for _, _, status in items)

    down = sorted(expected)[0]                           # this department's receiver answers 500
    webhook.failing.add(paths[down])
    monkeypatch.setenv("DUBAN_NOTIFY_CONCURRENCY", "1")
    get_settings.cache_clear()
    real_send, calls = notify._send, []

    def killed_after_three(*args: object) -> tuple[bool, int, str]:
        calls.append(args)
        if len(calls) > 3:
            raise KeyboardInterrupt
        return real_send(*args)

    monkeypatch.setattr(notify, "_send", killed_after_three)
    killed = runner.invoke(app, ["remind", "--as-of", AS_OF, "--no-flow"])   # Ctrl-C after three messages
    assert killed.exit_code == 130                                      # 128 + SIGINT
    monkeypatch.setattr(notify, "_send", real_send)
    assert len(webhook.hits) == 2           # the first of the three went to the down receiver

    run = runner.invoke(app, ["remind", "--as-of", AS_OF])           # the flow, after the crash
    assert run.exit_code == 7, run.output                             # the down channel: recorded and reported
    assert webhook.to(paths[down]) == []
    webhook.failing.clear()
    again = runner.invoke(app, ["remind", "--as-of", AS_OF])
    assert again.exit_code == 0 and "sent 1," in again.output, again.output

    by_path = defaultdict(list)
    for hit in webhook.hits:
        by_path[hit.path].append(hit)
    assert {p for p in by_path if p.startswith("/unit/")} == {paths[d] for d in expected}
    for department, items in expected.items():
        [digest] = by_path[paths[department]]                          # exactly one digest each
        assert department in digest.title and department in digest.message
        lines = [line for line in digest.message.splitlines() if line.startswith("- ")]
        assert len(lines) == len(items)
        for (code, label, _status), line in zip(items, lines, strict=True):
            assert f"**{code}**" in line and label in line
        for heading in ("已逾期", "今日到期", "即将到期"):
            assert (f"## {heading}" in digest.message) == any(
                {"overdue": "已逾期", "due_today": "今日到期", "upcoming": "即将到期"}[s] == heading
                for _, _, s in items)
    for department, code in must:                                     # the hand-checked items, as delivered
        [digest] = by_path[paths[department]]
        overdue = digest.message.split("## 已逾期", 1)[1].split("\n## ", 1)[0]
        assert f"**{code}**" in overdue, (department, code, digest.message)
    for department, code in (("市残联", "3.7"), ("市教育局", "6.3"), ("市民政局", "3.6"), ("市法制办", "1.1")):
        assert all(f"**{code}**" not in hit.message for hit in by_path[paths[department]]), (department, code)
    quiet = runner.invoke(app, ["remind", "--as-of", AS_OF])
    assert quiet.exit_code == 0 and "sent 0," in quiet.output
    assert sum(len(v) for p, v in by_path.items() if p.startswith("/unit/")) == len(expected)
    assert session.exec(select(Plan.code)).all() == ["hz"] and local_today()
