"""Office accounts: an unknown name costs as much time as a wrong password, so names cannot be guessed by timing."""

from __future__ import annotations

import statistics
import time

import pytest
from sqlmodel import Session

from tasks.accounts import add_user, authenticate
from tasks.errors import AccessDenied


def _seconds(session: Session, username: str) -> float:
    started = time.perf_counter()
    with pytest.raises(AccessDenied):
        authenticate(session, username, "not the password")
    return time.perf_counter() - started


def test_an_unknown_user_takes_as_long_as_a_wrong_password(session: Session) -> None:
    add_user(session, "office", "correct horse battery")
    _seconds(session, "nobody"), _seconds(session, "office")  # warm up: the stand-in hash is made once
    unknown, wrong = [], []
    for _ in range(15):  # interleaved, so a busy spell of the machine hits both kinds alike
        unknown.append(_seconds(session, "nobody"))
        wrong.append(_seconds(session, "office"))
    ratio = statistics.median(unknown) / statistics.median(wrong)
    assert 0.8 < ratio < 1.25, f"unknown user {statistics.median(unknown):.3f}s, wrong password " \
                               f"{statistics.median(wrong):.3f}s"


def test_a_new_password_ends_the_users_sessions(session: Session) -> None:
    user = add_user(session, "office", "correct horse battery")
    before = user.session_version
    add_user(session, "office", "another horse battery", replace=True)
    assert user.session_version == before + 1
    assert authenticate(session, "office", "another horse battery").username == "office"
