"""The self-contained HTML page: title, tables with lights, inlined charts, no external resources."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class _Page(HTMLParser):
    """Collects the title, tables (as rows of (text, class)), images and external references."""

    def __init__(self) -> None:
        super().__init__()
        self.h1, self.images, self.external = "", [], []
        self.tables: dict[str, list[list[tuple[str, str]]]] = {}
        self._table, self._cell, self._in_h1 = None, None, False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "h1":
            self._in_h1 = True
        if tag == "table":
            self._table = a["data-table"]
            self.tables[self._table] = []
        if tag == "tr" and self._table:
            self.tables[self._table].append([])
        if tag in ("td", "th"):
            self._cell = ["", a.get("class", "") or ""]
        if tag == "img":
            self.images.append(a["src"])
        if tag in ("link", "script") or (tag == "img" and not a["src"].startswith("data:")):
            self.external.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False
        if tag in ("td", "th") and self._cell is not None:
            self.tables[self._table][-1].append(tuple(self._cell))
            self._cell = None
        if tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1 += data
        if self._cell is not None:
            self._cell[0] += data


def test_html_page_is_self_contained_with_tables_and_charts(final_reports: tuple) -> None:
    figures, paths = final_reports
    html = paths["html"].read_text(encoding="utf-8")
    page = _Page()
    page.feed(html)
    assert page.h1 == "《示范市精神卫生工作规划（2015—2020年）》实施情况终期效果评估报告"
    assert len(page.images) == 3 and all(src.startswith("data:image/png;base64,") for src in page.images)
    assert page.external == []
    assert set(page.tables) == {"分领域", "部门排名", "指标", "逾期及风险", "与中期比较", "任务明细"}
    departments = page.tables["部门排名"][1:]
    assert [(r[1][0], r[-1][0], r[-1][1]) for r in departments] == [
        ("市卫计委", "89.59", "num green"), ("市财政局", "86", "num green"), ("市公安局", "75.75", "num amber"),
        ("市民政局", "66.74", "num amber")]
    verdicts = {r[0][0]: r[8] for r in page.tables["任务明细"][1:]}
    assert verdicts["2"] == ("未完成", "red") and verdicts["1"] == ("已完成", "green")
    assert "评估时点：2020年12月31日" in html
    headings = re.findall(r"<h2>(.*?)</h2>", html)
    assert headings[:5] == ["一、总体进展", "二、主要成效", "三、指标完成情况", "四、存在问题", "五、下一步工作"]
    assert "附件1 分任务进展表" in headings and "（一）组织保障" in html
    body = html.split("<body>", 1)[1]  # provenance stays in the page's meta data, out of the text
    assert "scoring.yaml" not in body and figures.scoring.sha256 not in body
