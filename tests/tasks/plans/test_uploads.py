"""Plan documents kept aside between upload and confirmation: private, refused when wrong, gone when done."""

from __future__ import annotations

import io
import os
import stat
import time

import pytest

from tasks.errors import NotFound, ValidationFailed
from tasks.plans import uploads


def test_an_upload_is_kept_privately_under_its_own_name_until_discarded(db_url: str) -> None:
    staged = uploads.stage("C:\\Users\\x\\..\\规划.csv", io.BytesIO(b"a,b\n"), "office", " hz2016 ")
    assert staged.filename == "规划.csv" and staged.plan_code == "hz2016"
    assert staged.path.read_bytes() == b"a,b\n" and stat.S_IMODE(staged.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(staged.path.parent.stat().st_mode) == 0o700
    assert uploads.load(staged.token) == staged
    uploads.discard(staged)
    with pytest.raises(NotFound):
        uploads.load(staged.token)


@pytest.mark.parametrize("token", ["", "../../etc", "0" * 31, "g" * 32])
def test_a_malformed_or_unknown_token_is_not_found(db_url: str, token: str) -> None:
    with pytest.raises(NotFound):
        uploads.load(token)


def test_refusals_leave_nothing_behind(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from config import get_settings

    for name, body in (("plan.pdf", b"%PDF"), ("plan.csv", b"")):
        with pytest.raises(ValidationFailed):
            uploads.stage(name, io.BytesIO(body), "office")
    monkeypatch.setenv("DUBAN_UPLOAD_MAX_BYTES", "10")
    get_settings.cache_clear()
    with pytest.raises(ValidationFailed, match="超过上限"):
        uploads.stage("plan.csv", io.BytesIO(b"x" * 11), "office")
    with pytest.raises(ValidationFailed, match="计划代码"):
        uploads.stage("plan.csv", io.BytesIO(b"x"), "office", "a/b")
    assert list(uploads.uploads_dir().iterdir()) == []


def test_uploads_abandoned_for_a_week_are_deleted_at_the_next_upload(db_url: str) -> None:
    old = uploads.stage("old.csv", io.BytesIO(b"a"), "office")
    recent = uploads.stage("recent.csv", io.BytesIO(b"b"), "office")
    week_ago = time.time() - 8 * 24 * 3600
    os.utime(old.path.parent, (week_ago, week_ago))
    uploads.stage("new.csv", io.BytesIO(b"c"), "office")
    with pytest.raises(NotFound):
        uploads.load(old.token)
    assert uploads.load(recent.token) == recent
