"""Title, issuing office, document number, date, period and review years read from plan texts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tasks.plans.metadata import extract_metadata


def read(seeds: Path, name: str) -> str:
    """A seed document's text."""
    return (seeds / name).read_text(encoding="utf-8")


def test_chenzhou_forwarding_notice(seeds: Path) -> None:
    meta = extract_metadata(read(seeds, "000_a0ed3535ed6b6998.txt"))
    assert meta == {
        "title": "郴州市精神卫生工作规划（2015-2020年）",
        "issuing_office": "郴州市人民政府办公室",
        "doc_number": "郴政办发〔2016〕18号",
        "issued_on": date(2016, 4, 5),
        "period_start": 2015, "period_end": 2020,
        "midterm_year": 2017, "final_year": 2020,
    }


def test_hangzhou_table_dump_has_only_a_table_title(seeds: Path) -> None:
    assert extract_metadata(read(seeds, "003_7d761cf584dc9c6a.txt")) == {"title": "精神卫生综合管理工作任务分解表"}


def test_zhongyuan_plan(seeds: Path) -> None:
    meta = extract_metadata(read(seeds, "004_418fe78c24e69791.txt"))
    assert meta == {
        "title": "中原区精神卫生工作规划（2016—2020年）",
        "issuing_office": "郑州市中原区人民政府",
        "doc_number": "中原政〔2017〕5号",
        "issued_on": date(2017, 6, 20),
        "period_start": 2016, "period_end": 2020,
        "midterm_year": 2017, "final_year": 2020,
    }


SYNTHETIC = """
某某县人民政府办公室文件

某政办发〔2024〕12号

某某县人民政府办公室关于印发某某县心理健康促进行动实施方案（2024－2025年）的通知

各乡镇人民政府，县直各单位：
《某某县心理健康促进行动实施方案（2024－2025年）》已经县政府同意，现印发给你们。

二〇二四年三月八日

某某县心理健康促进行动实施方案（2024－2025年）

为落实《全国精神卫生工作规划（2015—2020年）》……
2024年底开展中期评估，2025年12月组织终期评估。
"""


def test_synthetic_notice_with_chinese_date_and_full_width_dash() -> None:
    meta = extract_metadata(SYNTHETIC)
    assert meta["title"] == "某某县心理健康促进行动实施方案（2024－2025年）"
    assert meta["issuing_office"] == "某某县人民政府办公室"
    assert meta["doc_number"] == "某政办发〔2024〕12号"
    assert meta["issued_on"] == date(2024, 3, 8)
    assert (meta["period_start"], meta["period_end"]) == (2024, 2025)
    assert (meta["midterm_year"], meta["final_year"]) == (2024, 2025)


@pytest.mark.parametrize(("title_line", "period"), [
    ("某市精神卫生工作规划（2016—2020年）", (2016, 2020)),
    ("某市精神卫生工作规划（2015-2020年）", (2015, 2020)),
    ("某市精神卫生工作规划（2015－2020年）", (2015, 2020)),
    ("某市精神卫生工作规划(2021~2025年)", (2021, 2025)),
    ("某市精神卫生工作规划（2021年至2025年）", (2021, 2025)),
    ("某市精神卫生工作规划（2016—2020 年）", (2016, 2020)),
])
def test_period_dash_variants(title_line: str, period: tuple[int, int]) -> None:
    meta = extract_metadata(f"{title_line}\n\n正文。")
    assert meta["title"] == title_line
    assert (meta["period_start"], meta["period_end"]) == period


def test_nothing_found_gives_no_keys() -> None:
    assert extract_metadata("各部门要加强协作，切实履行责任。") == {}


def test_cited_documents_are_not_the_plan() -> None:
    text = "某区精神卫生工作方案\n\n根据《全国精神卫生工作规划（2015—2020年）》（国办发〔2015〕44号），制定本方案。"
    meta = extract_metadata(text)
    assert meta == {"title": "某区精神卫生工作方案"}


def test_review_years_are_only_taken_when_stated() -> None:
    meta = extract_metadata("某市精神卫生工作规划（2016—2020年）\n\n2018年组织中期评估。")
    assert meta["midterm_year"] == 2018 and "final_year" not in meta


def test_office_from_the_signature_above_the_date() -> None:
    text = ("某县严重精神障碍患者救治救助工作方案\n\n为做好救治救助工作，制定本方案。\n\n"
            "某某县卫生健康局\n\n2024年3月8日\n")
    meta = extract_metadata(text)
    assert meta == {"title": "某县严重精神障碍患者救治救助工作方案", "issuing_office": "某某县卫生健康局",
                    "issued_on": date(2024, 3, 8)}


def test_sentences_are_not_titles() -> None:
    assert "title" not in extract_metadata("为加强精神卫生工作制定本方案\n根据有关规定制定本规划\n")
