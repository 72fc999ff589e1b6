"""The throttle on PostgreSQL: parallel guesses still reserve one attempt each (no slip past the
limit under real row locks); revision 0003 creates its tables there (Storage upgrades on open)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from access import ACCOUNT_LIMIT, StaffError, add_staff, disable_staff, sign_in
from storage import Storage
from tests.support.accounts import PASSWORD, CheckSpy


def test_parallel_guesses_and_lock_out_from_elsewhere_on_postgresql(postgres_url: str, check_spy: CheckSpy) -> None:
    storage = Storage(postgres_url)
    add_staff(storage, "pgalice", PASSWORD, actor="test")
    with ThreadPoolExecutor(max_workers=30) as pool:
        outcomes = list(pool.map(
            lambda n: sign_in(storage, "pgalice", f"guess-{n:04d}", client_address="10.0.0.50"), range(30)))
    assert not any(outcome.ok for outcome in outcomes)
    assert 1 <= check_spy.calls <= ACCOUNT_LIMIT.attempts
    assert not sign_in(storage, "pgalice", PASSWORD, client_address="10.0.0.50").ok
    assert sign_in(storage, "pgalice", PASSWORD, client_address="10.0.0.7").ok


def test_the_last_admin_guard_on_postgresql(postgres_url: str) -> None:
    storage = Storage(postgres_url)
    add_staff(storage, "pgada", PASSWORD, role="admin", actor="test")
    with pytest.raises(StaffError, match="last active admin"):
        disable_staff(storage, "pgada", actor="test")
