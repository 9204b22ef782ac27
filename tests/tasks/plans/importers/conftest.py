"""Fixtures of the document importer tests: the real seed documents and the invented fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[3] / "data"


@pytest.fixture
def data() -> Path:
    """tests/data, where the small invented documents live."""
    return DATA
