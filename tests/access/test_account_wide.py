"""No cap per account across addresses. 40 IPv6 addresses in one /64 x 6 guesses
gave 200 password checks on one admin account in 30 s; many addresses gave 5 checks each. Now an
IPv6 /64 is one address, and an account takes at most 30 checks an hour from browsers without a
device cookie for it, while a browser that signed in before keeps its own allowance."""

from __future__ import annotations

import pytest

from access import ACCOUNT_LIMIT, StaffMember, devices, passcode, sign_in
from access.addresses import throttle_address
from access.throttle import ACCOUNT_WIDE_LIMIT, DEVICE_LIMIT
from storage import Storage
from tests.support.accounts import PASSWORD, CheckSpy

SECRET = b"the-same-cookie-secret-on-every-server"


@pytest.fixture
def check_spy(monkeypatch: pytest.MonkeyPatch) -> CheckSpy:
    """Counts password checks; compares plainly instead of argon2 (hundreds of guesses, 2 cores)."""
    spy = CheckSpy()

    def counted(stored_hash: str, attempt: str) -> bool:
        spy.calls += 1
        return attempt == PASSWORD

    monkeypatch.setattr(passcode, "verify_passcode", counted)
    return spy


@pytest.mark.parametrize(("address", "counted"), [
    ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:ffff:ffff:ffff:fffe", "2001:db8:1:2::/64"),
    ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
    ("::ffff:10.0.0.7", "10.0.0.7"),
    ("10.0.0.7", "10.0.0.7"),
    ("unknown", "unknown"),
])
def test_an_ipv6_address_counts_as_its_slash_64(address: str, counted: str) -> None:
    assert throttle_address(address) == counted


def test_forty_addresses_in_one_slash_64_get_the_checks_of_one(
    storage: Storage, alice: StaffMember, check_spy: CheckSpy
) -> None:
    for host in range(40):
        for guess in range(6):
            address = f"2001:db8:7:9::{host + 1:x}"
            assert not sign_in(storage, "alice", f"guess-{host}-{guess}", client_address=address).ok
    assert check_spy.calls == ACCOUNT_LIMIT.attempts  # was 200


def test_a_hundred_addresses_get_thirty_checks_an_hour_on_one_account(
    storage: Storage, alice: StaffMember, check_spy: CheckSpy
) -> None:
    refused = None
    for host in range(100):  # bench/bench_sign_in.py runs 1,000
        outcome = sign_in(storage, "alice", f"guess-{host}", client_address=f"10.{host // 250}.{host % 250}.9")
        assert not outcome.ok
        refused = outcome
    assert check_spy.calls == ACCOUNT_WIDE_LIMIT.attempts == 30  # was one per address: 100
    assert refused is not None and "computers it has not signed in on" in refused.message
    assert refused.retry_after_seconds > 50 * 60
    assert any(e.event == "sign_in_locked" and "new computers" in e.detail for e in storage.list_audit())


def test_the_real_user_with_a_device_cookie_signs_in_during_the_attack(
    storage: Storage, alice: StaffMember, check_spy: CheckSpy
) -> None:
    device = devices.issue("alice", SECRET)
    for host in range(40):
        sign_in(storage, "alice", f"guess-{host}", client_address=f"10.9.{host}.1")
    assert check_spy.calls == 30
    from_desk = sign_in(storage, "alice", PASSWORD, client_address="10.0.0.7", device_cookie=device,
                        device_secret=SECRET)
    assert from_desk.ok
    # Without it (a new browser), the account-wide limit holds even with the right password.
    assert not sign_in(storage, "alice", PASSWORD, client_address="10.0.0.7").ok


@pytest.mark.parametrize("cookie", [
    devices.issue("bob", SECRET),  # another account's
    devices.issue("alice", b"another-secret"),  # forged: signed with another key
    devices.issue("alice", SECRET, now=0),  # issued in 1970: expired
    "not-a-cookie", "",
], ids=["another-account", "forged", "expired", "junk", "none"])
def test_only_a_good_device_cookie_for_this_account_lifts_the_account_wide_limit(
    storage: Storage, alice: StaffMember, check_spy: CheckSpy, cookie: str
) -> None:
    for host in range(31):
        sign_in(storage, "alice", f"guess-{host}", client_address=f"10.8.{host}.1")
    assert not sign_in(storage, "alice", PASSWORD, client_address="10.0.0.7", device_cookie=cookie,
                       device_secret=SECRET).ok


def test_a_device_cookie_has_its_own_limited_allowance(
    storage: Storage, alice: StaffMember, check_spy: CheckSpy
) -> None:
    device = devices.issue("alice", SECRET)
    for host in range(DEVICE_LIMIT.attempts + 3):  # a stolen device cookie, used from many addresses
        sign_in(storage, "alice", f"guess-{host}", client_address=f"10.7.{host}.1", device_cookie=device,
                device_secret=SECRET)
    assert check_spy.calls == DEVICE_LIMIT.attempts
    assert not sign_in(storage, "alice", PASSWORD, client_address="10.0.0.7", device_cookie=device,
                       device_secret=SECRET).ok
    assert sign_in(storage, "alice", PASSWORD, client_address="10.0.0.7").ok  # the account-wide allowance is untouched


def test_the_device_cookie_is_signed_and_names_its_account() -> None:
    cookie = devices.issue("alice", SECRET)
    assert devices.device_id(cookie, "alice", SECRET) is not None
    assert devices.device_id(cookie, "alicf", SECRET) is None
    payload, _, signature = cookie.partition(".")
    assert devices.device_id(payload + "." + signature[::-1], "alice", SECRET) is None
    assert devices.issue("alice", b"") == "" and devices.device_id(cookie, "alice", b"") is None
    assert devices.cookie_name("alice") != devices.cookie_name("bob")
