"""Sign-in that holds under attack: the lock-out from another address, parallel
guesses, a bound on concurrent argon2 checks, disabled accounts, audit rows."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from access import ACCOUNT_LIMIT, ADDRESS_LIMIT, SignInOutcome, StaffMember, add_staff, disable_staff, sign_in
from access import credentials as credentials
from storage import Storage
from storage import staff as staff_store
from tests.support.accounts import PASSWORD, CheckSpy

TABLET = "10.0.0.50"
DESK = "10.0.0.7"


def test_right_password_signs_in_as_the_person(storage: Storage, alice: StaffMember) -> None:
    outcome = sign_in(storage, " Alice ", PASSWORD, client_address=DESK)
    assert outcome.ok and outcome.member is not None
    assert (outcome.member.username, outcome.member.role) == ("alice", "coordinator")


def test_guesses_from_the_tablet_do_not_lock_the_desk_out(storage: Storage, alice: StaffMember) -> None:
    """1.0: six wrong guesses from the tablet made the right passcode fail in every browser."""
    for _ in range(ACCOUNT_LIMIT.attempts + 1):
        assert not sign_in(storage, "alice", "wrong-guess-1", client_address=TABLET).ok
    on_tablet = sign_in(storage, "alice", PASSWORD, client_address=TABLET)
    assert not on_tablet.ok and on_tablet.retry_after_seconds > 0 and "Too many tries" in on_tablet.message
    at_desk = sign_in(storage, "alice", PASSWORD, client_address=DESK)
    assert at_desk.ok and at_desk.member is not None and at_desk.member.username == "alice"


def test_thirty_parallel_guesses_get_at_most_five_checks(
    storage: Storage, alice: StaffMember, check_spy: CheckSpy
) -> None:
    """1.0: check lock -> verify -> record failure was not atomic; 40 sessions got 34 checks."""
    with ThreadPoolExecutor(max_workers=30) as pool:
        outcomes = list(pool.map(lambda n: sign_in(storage, "alice", f"guess-{n:04d}", client_address=TABLET),
                                 range(30)))
    assert not any(outcome.ok for outcome in outcomes)
    assert 1 <= check_spy.calls <= ACCOUNT_LIMIT.attempts
    assert check_spy.most_at_once <= credentials.MAX_PARALLEL_CHECKS
    locked = [outcome for outcome in outcomes if outcome.retry_after_seconds > 0]
    assert len(locked) >= 30 - ACCOUNT_LIMIT.attempts
    assert sign_in(storage, "alice", PASSWORD, client_address=DESK).ok


def test_concurrent_checks_are_bounded(storage: Storage, check_spy: CheckSpy, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each argon2 check holds ~64 MiB: many accounts guessed at once still run two at a time."""
    monkeypatch.setattr(credentials, "CHECK_WAIT_SECONDS", 120.0)  # a slow machine must not turn waiters away
    for n in range(8):
        add_staff(storage, f"nurse{n}", PASSWORD, actor="test")
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda n: sign_in(storage, f"nurse{n}", PASSWORD, client_address=f"10.1.0.{n}"),
                                 range(8)))
    assert all(outcome.ok for outcome in outcomes)
    assert check_spy.calls == 8
    assert check_spy.most_at_once <= credentials.MAX_PARALLEL_CHECKS


def test_a_waiter_that_times_out_is_told_to_retry_and_keeps_its_attempt(
    storage: Storage, alice: StaffMember, monkeypatch: pytest.MonkeyPatch, check_spy: CheckSpy
) -> None:
    monkeypatch.setattr(credentials, "CHECK_WAIT_SECONDS", 0.01)
    held = [credentials._CHECKS.acquire() for _ in range(credentials.MAX_PARALLEL_CHECKS)]
    try:
        outcome = sign_in(storage, "alice", PASSWORD, client_address=DESK)
    finally:
        for _ in held:
            credentials._CHECKS.release()
    assert outcome == SignInOutcome(False, None, credentials.BUSY, 2)
    assert check_spy.calls == 0
    assert staff_store.attempts_used(storage, "account:alice@" + DESK)[0] == 0


def test_disabled_account_is_refused_even_with_the_right_password(storage: Storage, alice: StaffMember) -> None:
    disable_staff(storage, "alice", actor="test")
    outcome = sign_in(storage, "alice", PASSWORD, client_address=DESK)
    assert not outcome.ok and outcome.member is None and "disabled" in outcome.message
    assert not sign_in(storage, "alice", "wrong-guess-1", client_address=DESK).message.count("disabled")


def test_unknown_username_costs_a_check_and_says_the_same(storage: Storage, check_spy: CheckSpy) -> None:
    outcome = sign_in(storage, "mallory", PASSWORD, client_address=TABLET)
    assert outcome == SignInOutcome(False, None, credentials.WRONG)
    assert check_spy.calls == 1  # same time as a real account: no telling which names exist


def test_success_resets_the_account_and_spares_the_address(storage: Storage, alice: StaffMember) -> None:
    for _ in range(ACCOUNT_LIMIT.attempts - 1):
        sign_in(storage, "alice", "wrong-guess-1", client_address=DESK)
    assert sign_in(storage, "alice", PASSWORD, client_address=DESK).ok
    assert staff_store.attempts_used(storage, "account:alice@" + DESK)[0] == 0
    assert staff_store.attempts_used(storage, "address:" + DESK)[0] == ACCOUNT_LIMIT.attempts - 1
    for _ in range(ACCOUNT_LIMIT.attempts - 1):
        sign_in(storage, "alice", "wrong-guess-1", client_address=DESK)
    assert sign_in(storage, "alice", PASSWORD, client_address=DESK).ok


def test_one_address_spraying_usernames_is_stopped(storage: Storage, alice: StaffMember, check_spy: CheckSpy) -> None:
    for n in range(ADDRESS_LIMIT.attempts):
        sign_in(storage, f"user{n}", "wrong-guess-1", client_address=TABLET)
    assert check_spy.calls == ADDRESS_LIMIT.attempts
    refused = sign_in(storage, "alice", PASSWORD, client_address=TABLET)
    assert not refused.ok and refused.retry_after_seconds > 0
    assert check_spy.calls == ADDRESS_LIMIT.attempts  # refused before any check
    assert sign_in(storage, "alice", PASSWORD, client_address=DESK).ok


def test_the_window_opens_again(storage: Storage, alice: StaffMember, monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(ACCOUNT_LIMIT.attempts):
        sign_in(storage, "alice", "wrong-guess-1", client_address=TABLET)
    assert not sign_in(storage, "alice", PASSWORD, client_address=TABLET).ok
    later = staff_store.utc_now() + timedelta(seconds=ACCOUNT_LIMIT.window_seconds + 1)
    monkeypatch.setattr(staff_store, "utc_now", lambda: later)
    assert sign_in(storage, "alice", PASSWORD, client_address=TABLET).ok


def test_audit_names_the_person_and_address_never_the_password(storage: Storage, alice: StaffMember) -> None:
    sign_in(storage, "alice", PASSWORD, client_address=DESK)
    for _ in range(ACCOUNT_LIMIT.attempts):
        sign_in(storage, "alice", "typed-secret-99", client_address=TABLET)
    sign_in(storage, "nobody", "other-secret-77", client_address=TABLET)
    rows = [(event.event, event.actor, event.detail) for event in storage.list_audit(limit=50)]
    assert ("sign_in", "alice", f"password from {DESK}") in rows
    assert ("sign_in_failed", "alice", f"from {TABLET}") in rows
    assert ("sign_in_locked", "alice", f"from {TABLET}: too many tries") in rows
    assert ("sign_in_failed", credentials.UNKNOWN_ACTOR, f"from {TABLET}") in rows
    text = repr(rows)
    assert all(secret not in text for secret in (PASSWORD, "typed-secret-99", "other-secret-77", "nobody"))


def test_old_throttle_rows_are_forgotten_on_a_success(
    storage: Storage, alice: StaffMember, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(storage, "ghost", "wrong-guess-1", client_address=TABLET)
    assert staff_store.attempts_used(storage, "account:ghost@" + TABLET)[0] == 1
    later = staff_store.utc_now() + timedelta(hours=2)
    monkeypatch.setattr(staff_store, "utc_now", lambda: later)
    assert sign_in(storage, "alice", PASSWORD, client_address=DESK).ok
    assert staff_store.attempts_used(storage, "account:ghost@" + TABLET) == (0, None)
