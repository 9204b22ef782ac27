"""Unit links: signed, expiring, revocable; the secret key made once with private permissions."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from itsdangerous import URLSafeTimedSerializer

from config import get_settings
from models.base import utcnow
from tasks.errors import AccessDenied
from tasks.rounds.links import current_link, issue_link, link_url, mask_tokens, resolve, revoke, secret_key
from tests.factories import make_department


def test_link_resolves_to_its_unit(session) -> None:
    dept = make_department(session, "市民政局")
    link, token = issue_link(session, dept)
    assert resolve(session, token).department_id == dept.id
    assert link_url(token) == f"{get_settings().portal_base_url}/u/{token}"
    assert link.nonce not in token  # the nonce travels signed and encoded, never as a bare secret


@pytest.mark.parametrize("change", [lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
                                    lambda t: t[: len(t) // 2], lambda t: "x" + t])
def test_tampered_links_are_refused(session, change) -> None:
    _, token = issue_link(session, make_department(session, "市民政局"))
    with pytest.raises(AccessDenied, match="无效"):
        resolve(session, change(token))


def test_a_token_signed_with_another_key_is_refused(session) -> None:
    link, _ = issue_link(session, make_department(session, "市民政局"))
    forged = URLSafeTimedSerializer("not-our-key", salt="duban-unit-link").dumps({"n": link.nonce})
    with pytest.raises(AccessDenied, match="无效"):
        resolve(session, forged)


def test_expired_and_revoked_links_are_refused(session) -> None:
    dept = make_department(session, "市民政局")
    _, token = issue_link(session, dept, valid_days=1)
    with pytest.raises(AccessDenied, match="过期"):
        resolve(session, token, now=utcnow() + timedelta(days=2))
    assert revoke(session, dept) == 1
    with pytest.raises(AccessDenied, match="撤销"):
        resolve(session, token)


def test_revoking_one_link_by_token_keeps_the_others(session) -> None:
    dept = make_department(session, "市民政局")
    _, first = issue_link(session, dept)
    _, second = issue_link(session, dept)
    assert revoke(session, dept, token=first) == 1
    assert resolve(session, second).department_id == dept.id


def test_current_link_reuses_a_valid_link(session) -> None:
    dept = make_department(session, "市民政局")
    link, _ = current_link(session, dept)
    again, _ = current_link(session, dept)
    assert again.id == link.id
    revoke(session, dept)
    assert current_link(session, dept)[0].id != link.id


def test_secret_key_is_generated_once_with_private_permissions(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("DUBAN_SECRET_KEY", raising=False)
    monkeypatch.setenv("DUBAN_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    try:
        key = secret_key()
        path = tmp_path / "data" / "secret_key"
        assert len(key) >= 32 and path.read_text().strip() == key
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert secret_key() == key
    finally:
        get_settings.cache_clear()


def test_processes_starting_together_share_one_secret_key(tmp_path: Path) -> None:
    """Portal workers started at once must sign and check links and sessions with the same key."""
    env = {k: v for k, v in os.environ.items() if k != "DUBAN_SECRET_KEY"} | {"DUBAN_DATA_DIR": str(tmp_path)}
    code = ("import sys, time\nfrom tasks.rounds.links import secret_key\n"
            "time.sleep(max(0.0, float(sys.argv[1]) - time.time()))\nprint(secret_key())")
    root = Path(__file__).resolve().parents[3]
    at = str(time.time() + 4)  # all six ask at the same moment, once imported
    procs = [subprocess.Popen([sys.executable, "-c", code, at], cwd=root, env=env, stdout=subprocess.PIPE,
                              text=True) for _ in range(6)]
    keys = {p.communicate(timeout=60)[0].strip() for p in procs}
    assert len(keys) == 1 and len(next(iter(keys))) >= 32
    assert (tmp_path / "secret_key").read_text().strip() in keys
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]  # no drafts left behind


def test_tokens_are_masked_for_logs() -> None:
    line = '127.0.0.1 - "GET /u/eyJuIjoiYWJjZGVmZ2hpamtsbW5vcCJ9.ZbXq1A.k3Jd9sQ HTTP/1.1" 200 Bearer abcdefghijklmnop'
    masked = mask_tokens(line)
    assert "eyJuIjoi" not in masked and "abcdefghijklmnop" not in masked
    assert "/u/****" in masked and "Bearer ****" in masked
