"""Evidence files: stored privately (files 0600 in a 0700 folder), whatever the umask."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest

from tasks.rounds.evidence import evidence_dir, path_of, store
from tests.status_factories import pdf_bytes


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_evidence_files_and_their_folder_are_private(db_url: str, usual_umask: None, tmp_path: Path) -> None:
    stored = store("会议纪要.pdf", io.BytesIO(pdf_bytes("minutes")))
    path = path_of(stored.stored_path)
    assert path.read_bytes() == pdf_bytes("minutes")
    assert _mode(path) == 0o600
    assert _mode(evidence_dir()) == 0o700
    assert _mode(tmp_path / "data") == 0o700  # the data folder, made for the evidence folder


def test_a_refused_file_leaves_nothing(db_url: str) -> None:
    from tasks.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        store("假的.pdf", io.BytesIO(b"not a pdf at all"))
    assert list(evidence_dir().iterdir()) == []
