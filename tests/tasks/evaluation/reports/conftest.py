"""Reports of the small evaluation plan, written once per test into a temp folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from tasks.evaluation.assessment import run_evaluation
from tasks.evaluation.scoring import load_scoring
from tests.evaluation_plan import build_small_plan


@pytest.fixture
def final_reports(session: Session, tmp_path: Path) -> tuple[dict, dict[str, Path]]:
    """The small plan's final evaluation in all three formats, after its mid-term was produced and stored:
    (figures, {format: path})."""
    build_small_plan(session)
    run_evaluation(session, "small", "midterm", None, load_scoring(), ["xlsx"], tmp_path / "mid")
    figures, paths = run_evaluation(session, "small", "final", None, load_scoring(), None, tmp_path / "out")
    session.commit()
    return figures, {p.suffix.lstrip("."): p for p in paths}
