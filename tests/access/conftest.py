"""An account made through the real API, and a spy on password checks. The database is
tests/conftest.py's `storage`, so each test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from access import StaffMember, add_staff, passcode
from storage import Storage
from tests.support.accounts import PASSWORD, CheckSpy


@pytest.fixture
def alice(storage: Storage) -> StaffMember:
    return add_staff(storage, "alice", PASSWORD, role="coordinator", display_name="Alice Moreau",
                     email="alice@clinic.example", actor="test")


@pytest.fixture
def check_spy(monkeypatch: pytest.MonkeyPatch) -> CheckSpy:
    spy = CheckSpy()
    real: Callable[[str, str], bool] = passcode.verify_passcode

    def counted(stored_hash: str, attempt: str) -> bool:
        with spy.lock:
            spy.calls += 1
            spy.running += 1
            spy.most_at_once = max(spy.most_at_once, spy.running)
        try:
            time.sleep(0.01)  # widen the window in which parallel checks overlap
            return real(stored_hash, attempt)
        finally:
            with spy.lock:
                spy.running -= 1

    monkeypatch.setattr(passcode, "verify_passcode", counted)
    return spy
