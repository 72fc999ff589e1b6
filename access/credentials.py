"""Sign-in with a named account, the kiosk staff code, and OIDC e-mails mapped to roles.

Every check follows the same path: reserve an attempt on each throttle key (see
`access.throttle`), wait for one of `MAX_PARALLEL_CHECKS` argon2 slots (each check holds
~64 MiB, so guessing cannot exhaust memory), check, then write the audit row naming the person
and the client address (never the password).
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Protocol

from access import devices, passcode
from access.addresses import throttle_address
from access.roles import Role
from access.throttle import (
    ACCOUNT_LIMIT,
    ACCOUNT_WIDE_LIMIT,
    ADDRESS_LIMIT,
    DEVICE_LIMIT,
    KIOSK_LIMIT,
    Limit,
    account_key,
    account_wide_key,
    address_key,
    device_key,
    kiosk_key,
    normalise_username,
)
from storage import Storage
from storage import staff as staff_store
from storage.staff import StaffMember

MAX_PARALLEL_CHECKS = 2
CHECK_WAIT_SECONDS = 5.0
_CHECKS = threading.BoundedSemaphore(MAX_PARALLEL_CHECKS)

WRONG = "Wrong username or password."
BUSY = "Many sign-ins at once: try again in a moment."
DISABLED = "This account is disabled. Ask a clinic admin."
KIOSK_WRONG = "That staff code is not right."
NO_KIOSK_CODE = "No kiosk staff code is set up: acknowledge the screening in the queue to clear this tablet."
KIOSK_ACTOR = "kiosk staff code"
UNKNOWN_ACTOR = "unknown username"  # the typed name is not logged: it may be a password typed in the wrong box


@dataclass(frozen=True)
class SignInOutcome:
    """What a sign-in page shows: `message` is for the person at the screen."""

    ok: bool
    member: StaffMember | None
    message: str
    retry_after_seconds: int = 0


class EmailLists(Protocol):
    """Anything with the settings' two lists (lower-case e-mail addresses)."""

    @property
    def staff_emails(self) -> tuple[str, ...]: ...

    @property
    def admin_emails(self) -> tuple[str, ...]: ...


@cache
def _decoy_hash() -> str:
    """Checked for an unknown username, so it takes as long as a real one."""
    return passcode.hash_passcode("no account has this password")


def _printable(text: str, longest: int) -> str:
    """An address or tablet name as it may go into a key and the audit log (no control characters)."""
    return re.sub(r"[^A-Za-z0-9.:_\-]", "?", text)[:longest] or "unknown"


def _locked_message(seconds: int, key: str = "") -> str:
    minutes = max(1, math.ceil(seconds / 60))
    later = f"Try again in {minutes} minute{'s' if minutes > 1 else ''}"
    if key.startswith("account-wide:"):
        return (f"Too many tries on this account from computers it has not signed in on. {later}, "
                "or sign in on a computer you have used before.")
    return f"Too many tries from this computer. {later}."


@dataclass(frozen=True)
class _Check:
    """How one guarded check went: refused (locked or busy) or run (`matched`)."""

    ran: bool
    matched: bool = False
    retry_after_seconds: int = 0
    busy: bool = False
    refused_by: str = ""


def _guarded_check(storage: Storage, keys: list[tuple[str, Limit]], check: Callable[[], bool]) -> _Check:
    reserved: list[str] = []
    for key, limit in keys:
        reopens = staff_store.reserve_attempt(storage, key, limit=limit.attempts, window_seconds=limit.window_seconds)
        if reopens is not None:
            for taken in reserved:
                staff_store.release_attempt(storage, taken)
            wait = math.ceil((reopens - datetime.now(UTC)).total_seconds())
            return _Check(ran=False, retry_after_seconds=max(wait, 1), refused_by=key)
        reserved.append(key)
    if not _CHECKS.acquire(timeout=CHECK_WAIT_SECONDS):
        for taken in reserved:
            staff_store.release_attempt(storage, taken)  # no check ran: the attempt is not spent
        return _Check(ran=False, retry_after_seconds=2, busy=True)
    try:
        matched = check()
    finally:
        _CHECKS.release()
    return _Check(ran=True, matched=matched)


def _wait_when_full(storage: Storage, keys: list[tuple[str, Limit]]) -> tuple[int, str]:
    """Seconds until every key that is now full opens again (0: none is full), and the key that
    stays shut longest."""
    now = datetime.now(UTC)
    wait, longest = 0, ""
    for key, limit in keys:
        used, started = staff_store.attempts_used(storage, key)
        if used >= limit.attempts and started is not None:
            reopens = math.ceil((started + timedelta(seconds=limit.window_seconds) - now).total_seconds())
            if reopens > wait:
                wait, longest = reopens, key
    return wait, longest


def sign_in(
    storage: Storage, username: str, password: str, *, client_address: str, device_cookie: str | None = None,
    device_secret: bytes = b"",
) -> SignInOutcome:
    """Check a username and password, throttled per address, per account+address, and per
    account across addresses, unless the browser's device cookie for this account (signed with
    `device_secret`) gives it its own allowance (see `access.throttle`)."""
    # A control character (a NUL byte) never reaches the database: no account has one, so the
    # name is looked up as "?" in its place and found by none.
    name = re.sub(r"[\x00-\x1f\x7f]", "?", normalise_username(username))
    client_address = _printable(client_address, 64)
    counted_as = throttle_address(client_address)  # an IPv6 /64 is one address
    device = devices.device_id(device_cookie, name, device_secret) if name else None
    keys = [(address_key(counted_as), ADDRESS_LIMIT), (account_key(name, counted_as), ACCOUNT_LIMIT),
            (device_key(device), DEVICE_LIMIT) if device else (account_wide_key(name), ACCOUNT_WIDE_LIMIT)]
    found = staff_store.account_with_hash(storage, name) if name else None
    # The decoy is hashed inside the bounded section too (a hash holds as much memory as a check).
    checked = _guarded_check(
        storage, keys, lambda: passcode.verify_passcode(found[1] if found else _decoy_hash(), password)
    )
    if not checked.ran:
        message = BUSY if checked.busy else _locked_message(checked.retry_after_seconds, checked.refused_by)
        return SignInOutcome(False, None, message, checked.retry_after_seconds)
    where = f"from {client_address}"
    actor = found[0].username if found else UNKNOWN_ACTOR
    if found and checked.matched and not found[0].disabled:
        staff_store.reset_attempts(storage, keys[1][0])
        staff_store.release_attempt(storage, keys[0][0])  # only failures count against an address
        if device:
            staff_store.reset_attempts(storage, keys[2][0])
        else:
            staff_store.release_attempt(storage, keys[2][0])  # nor against the account
        staff_store.forget_stale_attempts(storage, older_than_seconds=3600)  # housekeeping
        storage.record_event("sign_in", actor=actor, detail=f"password {where}")
        return SignInOutcome(True, found[0], f"Signed in as {found[0].display_name}.")
    disabled = bool(found and checked.matched)  # the right password for a disabled account
    storage.record_event("sign_in_failed", actor=actor, detail=("account disabled " if disabled else "") + where)
    message = DISABLED if disabled else WRONG
    wait, shut = _wait_when_full(storage, keys)
    if wait > 0:
        what = "too many tries on this account from new computers" if shut.startswith("account-wide:") else (
            "too many tries")
        storage.record_event("sign_in_locked", actor=actor, detail=f"{where}: {what}")
        return SignInOutcome(False, None, f"{message} {_locked_message(wait, shut)}", wait)
    return SignInOutcome(False, None, message)


def check_kiosk_code(storage: Storage, code: str, *, client_address: str, tablet: str) -> SignInOutcome:
    """Check the kiosk staff code typed on a tablet (to clear its urgent screen); throttled
    per tablet+address and per address like a password. Not ok when no code is set up: then
    only acknowledging the screening in the queue clears the tablet."""
    stored = staff_store.kiosk_code_hash(storage)
    if stored is None:
        return SignInOutcome(False, None, NO_KIOSK_CODE)
    client_address, tablet = _printable(client_address, 64), _printable(tablet, 32)
    counted_as = throttle_address(client_address)
    keys = [(address_key(counted_as), ADDRESS_LIMIT), (kiosk_key(tablet, counted_as), KIOSK_LIMIT)]
    checked = _guarded_check(storage, keys, lambda: passcode.verify_passcode(stored, code))
    if not checked.ran:
        return SignInOutcome(False, None, BUSY if checked.busy else _locked_message(checked.retry_after_seconds),
                             checked.retry_after_seconds)
    where = f"tablet {tablet} from {client_address}"
    if checked.matched:
        staff_store.reset_attempts(storage, keys[1][0])
        staff_store.release_attempt(storage, keys[0][0])
        storage.record_event("kiosk_code_ok", actor=KIOSK_ACTOR, detail=where)
        return SignInOutcome(True, None, "Staff code accepted.")
    storage.record_event("kiosk_code_failed", actor=KIOSK_ACTOR, detail=where)
    wait, _ = _wait_when_full(storage, keys)
    if wait > 0:
        storage.record_event("kiosk_code_locked", actor=KIOSK_ACTOR, detail=f"{where}: too many tries")
        return SignInOutcome(False, None, KIOSK_WRONG + " " + _locked_message(wait), wait)
    return SignInOutcome(False, None, KIOSK_WRONG)


def staff_for_email(lists: EmailLists, storage: Storage, email: str) -> StaffMember | None:
    """The staff member an OIDC sign-in with `email` is, or None (not staff).

    ADMIN_EMAILS -> admin, STAFF_EMAILS -> coordinator, else an account with that e-mail keeps
    its role. An account with that e-mail that is disabled refuses, whatever the lists say; the
    higher of the list's role and the account's role wins."""
    address = email.strip().lower()
    if not address or re.search(r"[\x00-\x1f\x7f]", address):
        return None
    staff_emails = {e.strip().lower() for e in lists.staff_emails}
    admin_emails = {e.strip().lower() for e in lists.admin_emails}
    account = staff_store.account_for_email(storage, address)
    if account is not None and account.disabled:
        return None
    listed = (Role.ADMIN.value if address in admin_emails
              else Role.COORDINATOR.value if address in staff_emails else None)
    if account is not None:
        return replace(account, role=Role.ADMIN.value if Role.ADMIN in (listed, account.role) else account.role)
    if listed is None:
        return None
    return StaffMember(username=address, display_name=address, role=listed, email=address)
