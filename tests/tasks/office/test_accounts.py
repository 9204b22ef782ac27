"""Office accounts: an unknown name costs as much time as a wrong password, so names cannot be guessed by timing."""

from __future__ import annotations

import statistics
import time

import pytest
from sqlmodel import Session

from tasks.errors import AccessDenied, ValidationFailed
from tasks.office.accounts import add_user, authenticate, change_password, disable_user, list_users


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


def test_roles_disable_and_own_password_change(session: Session) -> None:
    admin = add_user(session, "office", "correct horse battery")
    viewer = add_user(session, "reader", "correct horse battery", role="viewer")
    assert (admin.role, viewer.role) == ("admin", "viewer")
    with pytest.raises(ValidationFailed):
        add_user(session, "boss", "correct horse battery", role="owner")
    with pytest.raises(ValidationFailed):
        disable_user(session, "office", by="office")  # not oneself
    before = viewer.session_version
    disable_user(session, "reader", by="office")
    assert viewer.disabled and viewer.session_version == before + 1
    with pytest.raises(AccessDenied, match="已停用"):
        authenticate(session, "reader", "correct horse battery")
    with pytest.raises(AccessDenied, match="当前密码不正确"):
        change_password(session, "office", "wrong horse", "brand new horse")
    version = admin.session_version
    change_password(session, "office", "correct horse battery", "brand new horse")
    assert admin.session_version == version + 1
    assert authenticate(session, "office", "brand new horse").username == "office"
    assert [u.username for u in list_users(session)] == ["office", "reader"]
