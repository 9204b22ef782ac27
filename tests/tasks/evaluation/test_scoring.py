"""Department and section scores, weights, dense ranking, the scoring file, reproducibility."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from sqlmodel import Session, select

from config.settings import CONFIG_DIR
from models import Evaluation
from tasks.errors import ConfigError
from tasks.evaluation.assessment import evaluate, store_evaluation
from tasks.evaluation.figures import EvaluationFigures
from tasks.evaluation.scoring import Scoring, dense_rank, load_scoring
from tests.evaluation_plan import build_small_plan


@pytest.fixture
def scoring() -> Scoring:
    return load_scoring()


@pytest.fixture
def small(session: Session) -> dict:
    return build_small_plan(session)


def _scoring_with(tmp_path: Path, **changes: dict) -> Scoring:
    """A temp copy of config/scoring.yaml with some sections changed."""
    data = yaml.safe_load((CONFIG_DIR / "scoring.yaml").read_text(encoding="utf-8"))
    for key, value in changes.items():
        data[key] = {**data[key], **value}
    path = tmp_path / "scoring.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_scoring(path)


def test_department_scores_at_midterm(session: Session, small: dict, scoring: Scoring) -> None:
    rows = {d.name: d for d in evaluate(session, "small", "midterm", None, scoring).departments}
    # task score = sum(role weight * points) / sum(role weights); lead 1.0, support 0.3, responsible 1.0
    # 市卫计委: lead T1 100, lead T5 80, support T3 20 -> 186 / 2.3
    assert rows["市卫计委"].task_score == pytest.approx(80.87)
    assert rows["市民政局"].task_score == pytest.approx(84.62)  # (0.3*100 + 80) / 1.3; T6 not due
    assert rows["市公安局"].task_score == pytest.approx(42.5)   # (0.3*80 + 20 + 0.3*80) / 1.6
    assert rows["市财政局"].task_score == pytest.approx(35.38)  # (0.3*20 + 40) / 1.3
    # reporting: 市卫计委 4 expected, 4 received, 3 in time; 市民政局's returned report does not count
    assert (rows["市卫计委"].completeness, rows["市卫计委"].timeliness) == (100.0, 75.0)
    assert (rows["市民政局"].received, rows["市民政局"].completeness) == (1, 50.0)
    # score = 0.7 tasks + 0.2 completeness + 0.1 timeliness
    assert {n: r.score for n, r in rows.items()} == {"市卫计委": 84.11, "市民政局": 74.23, "市公安局": 54.75,
                                                      "市财政局": 54.77}


def test_dense_ranking_with_a_tie(session: Session, small: dict, scoring: Scoring) -> None:
    departments = evaluate(session, "small", "midterm", None, scoring).departments
    # 54.75 and 54.77 both round to 54.8 at one decimal: they share rank 3, listed by name
    assert [(d.name, d.rank) for d in departments] == [
        ("市卫计委", 1), ("市民政局", 2), ("市公安局", 3), ("市财政局", 3)]


@dataclass
class _Row:
    name: str
    score: float | None
    rank: int | None = None


def test_dense_rank_rule() -> None:
    rows = dense_rank([_Row(n, s) for n, s in (("a", 90), ("b", 95), ("c", 100), ("d", 95), ("e", None))])
    assert [(r.name, r.rank) for r in rows] == [("c", 1), ("b", 2), ("d", 2), ("a", 3), ("e", None)]
    tiered = dense_rank([_Row(n, s) for n, s in (("a", 90), ("b", 95), ("c", 100))], tier=lambda r: r.name != "c")
    assert [(r.name, r.rank) for r in tiered] == [("b", 1), ("a", 2), ("c", 3)]  # c never reported: last


def test_section_scores_and_ranks(session: Session, small: dict, scoring: Scoring) -> None:
    sections = evaluate(session, "small", "midterm", None, scoring).sections
    assert [(s.name, s.completion_rate, s.score, s.rank) for s in sections] == [
        ("组织保障", 1.0, 90.0, 1), ("救治救助", 0.0, 30.0, 3), ("服务体系", 1.0, 80.0, 2)]


def test_changing_component_weights_changes_the_ranking(session: Session, small: dict, tmp_path: Path) -> None:
    only_tasks = _scoring_with(tmp_path, components={"tasks": 1.0, "completeness": 0, "timeliness": 0})
    ranked = [d.name for d in evaluate(session, "small", "midterm", None, only_tasks).departments]
    assert ranked == ["市民政局", "市卫计委", "市公安局", "市财政局"]


def test_changing_role_weights_breaks_the_tie(session: Session, small: dict, tmp_path: Path) -> None:
    no_support = _scoring_with(tmp_path, role_weights={"support": 0.0})
    rows = {d.name: d for d in evaluate(session, "small", "midterm", None, no_support).departments}
    # 市公安局 now only its lead task T3 (20) -> 0.7*20 + 25 = 39; 市财政局 T4 (40) -> 28 + 30 = 58
    assert (rows["市公安局"].score, rows["市公安局"].rank) == (39.0, 4)
    assert (rows["市财政局"].score, rows["市财政局"].rank) == (58.0, 3)


def test_changing_the_verdict_threshold_changes_verdicts(session: Session, small: dict, tmp_path: Path) -> None:
    lenient = _scoring_with(tmp_path, verdicts={"basic_done_share": 0.5})
    tasks = {t.code: t.verdict for t in evaluate(session, "small", "midterm", None, lenient).tasks}
    assert tasks["4"] == "基本完成"  # 1 of 2 periods done = 0.5


def test_final_compares_with_the_stored_midterm_not_a_recomputation(session: Session, small: dict,
                                                                   scoring: Scoring) -> None:
    before = evaluate(session, "small", "final", None, scoring)
    assert before.change is None and before.midterm_missing  # no mid-term was produced: nothing to compare
    midterm = evaluate(session, "small", "midterm", None, scoring)
    store_evaluation(session, midterm, [])
    session.commit()
    change = evaluate(session, "small", "final", None, scoring).change
    assert change.midterm_as_of == "2017-12-31"
    assert change.completion_rate == (0.6, 0.8333)
    assert change.indicators_met == (1, 4)
    finance = next(d for d in change.departments if d.name == "市财政局")
    assert (finance.midterm_rank, finance.rank, finance.delta) == (3, 2, 31.23)
    assert evaluate(session, "small", "midterm", None, scoring).change is None
    # the mid-term as it was issued: a stored figure that a re-run would not give is the one compared with
    stored = session.exec(select(Evaluation).where(Evaluation.kind == "midterm")).one()
    stored.figures = {**stored.figures, "summary": {**stored.figures["summary"], "completion_rate": 0.5}}
    session.add(stored)
    session.commit()
    assert evaluate(session, "small", "final", None, scoring).change.completion_rate == (0.5, 0.8333)


def test_a_midterm_stored_before_the_review_report_fields_still_compares(session: Session, small: dict,
                                                                          scoring: Scoring) -> None:
    """A mid-term stored by an older duban (no narrative, provenance, judged_on, target columns, reported
    flags; the change pairs as JSON lists) is read back and compared with, not rejected."""
    store_evaluation(session, evaluate(session, "small", "midterm", None, scoring), [])
    session.commit()
    stored = session.exec(select(Evaluation).where(Evaluation.kind == "midterm")).one()
    old = {k: v for k, v in stored.figures.items() if k not in ("narrative", "provenance", "judged_on",
                                                                  "midterm_missing")}
    old["plan"] = {k: v for k, v in old["plan"].items() if k not in ("issuing_office", "doc_number")}
    old["departments"] = [{k: v for k, v in d.items() if k != "reported"} for d in old["departments"]]
    old["indicators"] = [{k: v for k, v in i.items() if k not in ("target_column", "target_scope")}
                         for i in old["indicators"]]
    stored.figures = old
    session.add(stored)
    session.commit()
    change = evaluate(session, "small", "final", None, scoring).change
    assert change is not None and change.midterm_as_of == "2017-12-31"
    assert change.completion_rate == (0.6, 0.8333)
    finance = next(d for d in change.departments if d.name == "市财政局")
    assert (finance.midterm_rank, finance.rank) == (3, 2)


def test_same_inputs_give_the_same_figures(session: Session, small: dict, scoring: Scoring) -> None:
    first = evaluate(session, "small", "final", None, scoring)
    stored = store_evaluation(session, first, [])
    session.commit()
    again = evaluate(session, "small", "final", None, load_scoring())
    assert first.model_dump_json() == again.model_dump_json()
    row = session.exec(select(Evaluation).where(Evaluation.id == stored.id)).one()
    assert row.scoring_hash == hashlib.sha256((CONFIG_DIR / "scoring.yaml").read_bytes()).hexdigest()
    assert row.figures["departments"] == first.model_dump(mode="json")["departments"]
    assert EvaluationFigures.model_validate(row.figures) == first  # the stored JSON reads back as it was


def test_a_different_scoring_file_is_named_in_the_figures(session: Session, small: dict, tmp_path: Path) -> None:
    other = _scoring_with(tmp_path, ranking={"decimals": 2})
    figures = evaluate(session, "small", "midterm", None, other)
    assert figures.scoring.file == str((tmp_path / "scoring.yaml").resolve())
    assert [d.rank for d in figures.departments] == [1, 2, 3, 4]  # 54.77 and 54.75 now differ


def test_bad_scoring_files_are_reported_with_their_path(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("verdicts: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape("broken.yaml: the scoring file is not valid YAML")):
        load_scoring(broken)
    partial = tmp_path / "partial.yaml"
    partial.write_text("verdict_points: {已完成: 100}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape("partial.yaml: verdict_points lacks 基本完成, 未完成, 滞后")):
        load_scoring(partial)
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("verdicts: {basic_done_share: 2}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape("wrong.yaml: verdicts.basic_done_share")):
        load_scoring(wrong)
    with pytest.raises(ConfigError, match=re.escape("missing.yaml: cannot read")):
        load_scoring(tmp_path / "missing.yaml")
