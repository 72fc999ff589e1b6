"""The kiosk staff code: an argon2 hash set by a command, throttled like a password."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from access import KIOSK_LIMIT, StaffError, check_kiosk_code, credentials, kiosk_code_is_set, set_kiosk_code
from storage import Storage
from tests.support.accounts import CheckSpy

CODE = "731904"
FRONT = "10.0.0.50"


def test_without_a_code_only_the_queue_clears_a_tablet(storage: Storage, check_spy: CheckSpy) -> None:
    outcome = check_kiosk_code(storage, "anything", client_address=FRONT, tablet="front-1")
    assert not outcome.ok and outcome.message == credentials.NO_KIOSK_CODE
    assert "reload" not in outcome.message.lower()
    assert check_spy.calls == 0 and not kiosk_code_is_set(storage)


def test_right_code_clears_wrong_code_does_not(storage: Storage) -> None:
    set_kiosk_code(storage, CODE, actor="test")
    assert check_kiosk_code(storage, CODE, client_address=FRONT, tablet="front-1").ok
    wrong = check_kiosk_code(storage, "000000", client_address=FRONT, tablet="front-1")
    assert not wrong.ok and wrong.message == credentials.KIOSK_WRONG
    events = [(event.event, event.actor, event.detail) for event in storage.list_audit()]
    assert ("kiosk_code_ok", credentials.KIOSK_ACTOR, f"tablet front-1 from {FRONT}") in events
    assert ("kiosk_code_failed", credentials.KIOSK_ACTOR, f"tablet front-1 from {FRONT}") in events
    assert CODE not in repr(events)


def test_parallel_code_guesses_on_a_tablet_get_at_most_five_checks(storage: Storage, check_spy: CheckSpy) -> None:
    set_kiosk_code(storage, CODE, actor="test")
    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(
            lambda n: check_kiosk_code(storage, f"{n:06d}", client_address=FRONT, tablet="front-1"), range(20)))
    assert not any(outcome.ok for outcome in outcomes)
    assert 1 <= check_spy.calls <= KIOSK_LIMIT.attempts
    assert not check_kiosk_code(storage, CODE, client_address=FRONT, tablet="front-1").ok  # locked here
    assert check_kiosk_code(storage, CODE, client_address="10.0.0.51", tablet="front-2").ok  # not elsewhere


def test_short_code_refused(storage: Storage) -> None:
    with pytest.raises(StaffError, match="at least 6"):
        set_kiosk_code(storage, "1234", actor="test")
    assert not kiosk_code_is_set(storage)


def test_a_hostile_tablet_name_reaches_the_audit_log_harmless(storage: Storage) -> None:
    set_kiosk_code(storage, CODE, actor="test")
    check_kiosk_code(storage, "000000", client_address=FRONT, tablet="front-1\x1b[2J\nfake row")
    details = [event.detail for event in storage.list_audit() if event.event == "kiosk_code_failed"]
    assert details == [f"tablet front-1??2J?fake?row from {FRONT}"]
