"""Sign-in throttling: wrong passwords lock the account name and the address, in the database, for a growing while."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from models import LoginThrottle
from tasks.errors import AccessDenied, TooManyAttempts
from tasks.office.accounts import add_user, sign_in

PASSWORD = "correct horse battery"
T0 = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture
def office(session: Session, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr("tasks.office.accounts.BCRYPT_COST", 4)  # the lock logic, not bcrypt, is under test here
    add_user(session, "office", PASSWORD)
    return "office"


def _fail(session: Session, times: int, *, user: str = "office", address: str = "10.0.0.1",
          now: datetime = T0) -> None:
    for _ in range(times):
        with pytest.raises(AccessDenied):
            sign_in(session, user, "wrong password", address, now=now)


def test_a_hundred_wrong_passwords_lock_the_account_and_say_when_to_try_again(session: Session, office: str) -> None:
    _fail(session, 100)
    with pytest.raises(TooManyAttempts) as refused:
        sign_in(session, office, PASSWORD, "10.0.0.1", now=T0 + timedelta(seconds=1))
    assert refused.value.http_status == 429
    assert 0 < refused.value.retry_after <= 300
    assert "10:05" in str(refused.value) and "再试" in str(refused.value)


def test_the_account_is_locked_from_every_address(session: Session, office: str) -> None:
    for n in range(5):  # an attacker spreading guesses over addresses still locks the account
        _fail(session, 1, address=f"10.0.1.{n}")
    with pytest.raises(TooManyAttempts):
        sign_in(session, office, PASSWORD, "192.168.7.7", now=T0)


def test_an_address_guessing_many_names_is_locked_but_others_are_not(session: Session, office: str) -> None:
    for n in range(5):
        _fail(session, 1, user=f"guess{n}", address="10.6.6.6")
    with pytest.raises(TooManyAttempts):
        sign_in(session, office, PASSWORD, "10.6.6.6", now=T0)
    assert sign_in(session, office, PASSWORD, "10.0.0.2", now=T0).username == office


def test_four_failures_do_not_lock_and_old_failures_expire(session: Session, office: str) -> None:
    _fail(session, 4)
    _fail(session, 4, now=T0 + timedelta(minutes=16))  # the first four fell out of the 15-minute window
    assert sign_in(session, office, PASSWORD, "10.0.0.1", now=T0 + timedelta(minutes=16)).username == office


def test_locks_grow_and_a_success_after_the_lock_resets_everything(session: Session, office: str) -> None:
    _fail(session, 5)
    first = session.exec(select(LoginThrottle).where(LoginThrottle.key == "user:office")).one()
    assert first.lockouts == 1
    later = T0 + timedelta(minutes=6)  # the 5-minute lock is over; five more wrong passwords lock for 10
    _fail(session, 5, now=later)
    with pytest.raises(TooManyAttempts) as refused:
        sign_in(session, office, PASSWORD, "10.0.0.1", now=later + timedelta(minutes=9))
    assert 0 < refused.value.retry_after <= 60
    after = later + timedelta(minutes=11)
    assert sign_in(session, office, PASSWORD, "10.0.0.1", now=after).username == office
    assert session.exec(select(LoginThrottle)).all() == []
    _fail(session, 5, now=after)  # counting starts over: the next lock is the short one again
    with pytest.raises(TooManyAttempts) as again:
        sign_in(session, office, PASSWORD, "10.0.0.1", now=after)
    assert 240 < again.value.retry_after <= 300


def test_counts_idle_for_a_day_are_forgotten(session: Session, office: str) -> None:
    for n in range(3):
        _fail(session, 1, user=f"guess{n}", address=f"10.1.1.{n}")
    _fail(session, 1, now=T0 + timedelta(days=2))
    assert {r.key for r in session.exec(select(LoginThrottle))} == {"user:office", "addr:10.0.0.1"}


_OTHER_PROCESS = """
import sys
from models.db import session_scope
from tasks.office.accounts import sign_in
from tasks.errors import TooManyAttempts
with session_scope(sys.argv[1]) as session:
    try:
        sign_in(session, "office", sys.argv[2], "10.9.9.9")
    except TooManyAttempts as exc:
        print("locked", exc.retry_after)
    else:
        print("signed in")
"""


def test_another_worker_process_sees_the_lock(session: Session, office: str, db_url: str) -> None:
    now = datetime.now(UTC)
    _fail(session, 5, now=now)
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run([sys.executable, "-c", _OTHER_PROCESS, db_url, PASSWORD], cwd=root, capture_output=True,
                          text=True, timeout=120, env={**__import__("os").environ, "PYTHONPATH": str(root)})
    assert done.stdout.startswith("locked"), done.stdout + done.stderr
