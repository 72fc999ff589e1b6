"""Staff sessions in access/, without a page: the account check each page run makes, and the
reload cookie's session row (one-time hand-over, idle time-out, sign-out, disable, account changes)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from access import StaffMember, disable_staff, enable_staff, reset_password, sessions, set_staff_role
from storage import Storage
from storage import staff as staff_store
from storage.engine import utc_now
from storage.schema import staff_sessions
from tests.support.accounts import PASSWORD

IDLE = 15 * 60.0


def _cookie(storage: Storage, member: StaffMember) -> tuple[sessions.Handover, str]:
    handover = sessions.open_session(storage, member)
    grant = sessions.cookie_token(storage, handover.code)
    assert grant is not None and grant.username == member.username
    return handover, grant.token


def test_the_account_check_follows_disable_role_and_password_changes(storage: Storage, alice: StaffMember) -> None:
    assert sessions.still_allowed(storage, "alice", "coordinator", alice.session_version)
    assert not sessions.still_allowed(storage, "alice", "admin", alice.session_version)  # another role
    assert not sessions.still_allowed(storage, "nobody", "coordinator", 1)
    disable_staff(storage, "alice", actor="test")
    assert not sessions.still_allowed(storage, "alice", "coordinator", alice.session_version)
    enable_staff(storage, "alice", actor="test")  # enabled again: the old session stays over
    assert not sessions.still_allowed(storage, "alice", "coordinator", alice.session_version)
    version = staff_store.account_state(storage, "alice")
    assert version is not None
    reset_password(storage, "alice", PASSWORD + "-new", actor="test")
    assert not sessions.still_allowed(storage, "alice", "coordinator", version[2])
    now = staff_store.account_state(storage, "alice")
    assert now is not None
    set_staff_role(storage, "alice", "admin", actor="test")
    assert not sessions.still_allowed(storage, "alice", "coordinator", now[2])
    assert not sessions.still_allowed(storage, "alice", "admin", now[2])  # promoted: sign in again too


def test_the_hand_over_code_works_once_and_the_token_resumes(storage: Storage, alice: StaffMember) -> None:
    handover, token = _cookie(storage, alice)
    assert sessions.cookie_token(storage, handover.code) is None  # used
    assert sessions.cookie_token(storage, "made-up") is None
    assert sessions.cookie_token(storage, "") is None
    resumed = sessions.resume(storage, token, idle_seconds=IDLE)
    assert resumed is not None and resumed.member.username == "alice" and resumed.session_id == handover.session_id
    assert sessions.resume(storage, token + "x", idle_seconds=IDLE) is None
    assert sessions.resume(storage, "", idle_seconds=IDLE) is None


def test_a_late_hand_over_code_gets_no_cookie(storage: Storage, alice: StaffMember) -> None:
    handover = sessions.open_session(storage, alice)
    with storage.engine.begin() as connection:
        connection.execute(staff_sessions.update().values(handover_until=utc_now() - timedelta(seconds=1)))
    assert sessions.cookie_token(storage, handover.code) is None


def test_only_hashes_are_stored(storage: Storage, alice: StaffMember) -> None:
    handover = sessions.open_session(storage, alice)
    with storage.engine.connect() as connection:
        before = [tuple(map(str, row)) for row in connection.execute(staff_sessions.select())]
    grant = sessions.cookie_token(storage, handover.code)
    assert grant is not None
    token = grant.token
    with storage.engine.connect() as connection:
        after = [tuple(map(str, row)) for row in connection.execute(staff_sessions.select())]
    assert not any(handover.code in cell for row in before + after for cell in row)
    assert not any(token in cell for row in after for cell in row)


def test_sign_out_ends_the_cookie_session(storage: Storage, alice: StaffMember) -> None:
    handover, token = _cookie(storage, alice)
    sessions.close(storage, handover.session_id, idle_seconds=IDLE)
    assert sessions.resume(storage, token, idle_seconds=IDLE) is None


@pytest.mark.parametrize("change", ["disable", "role", "password"])
def test_an_account_change_ends_every_cookie_session(storage: Storage, alice: StaffMember, change: str) -> None:
    first, second = _cookie(storage, alice)[1], _cookie(storage, alice)[1]
    if change == "disable":
        disable_staff(storage, "alice", actor="test")
        enable_staff(storage, "alice", actor="test")  # enabling again does not bring them back
    elif change == "role":
        set_staff_role(storage, "alice", "admin", actor="test")
    else:
        reset_password(storage, "alice", PASSWORD + "-new", actor="test")
    assert sessions.resume(storage, first, idle_seconds=IDLE) is None
    assert sessions.resume(storage, second, idle_seconds=IDLE) is None


def test_an_idle_cookie_session_is_over(storage: Storage, alice: StaffMember) -> None:
    _, token = _cookie(storage, alice)
    with storage.engine.begin() as connection:
        connection.execute(staff_sessions.update().values(last_seen_at=utc_now() - timedelta(seconds=IDLE + 5)))
    assert sessions.resume(storage, token, idle_seconds=IDLE) is None
    assert sessions.resume(storage, token, idle_seconds=IDLE * 100) is None  # and its row is gone
