"""Managing staff accounts and the kiosk staff code: hashing here, storing in `storage.staff`.

Used by `python -m access` and by the admin page; every change is audited under `actor`."""

from __future__ import annotations

import re

from access.passcode import hash_passcode
from access.roles import Role
from access.throttle import USERNAME_MAX, normalise_username
from storage import Storage
from storage import staff as staff_store
from storage.staff import StaffError, StaffMember

KIOSK_CODE_MIN_LENGTH = 6
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _no_control_characters(what: str, typed: str) -> str:
    """Refuse a NUL byte or another control character before the database sees it (PostgreSQL
    cannot store a NUL: it was an unhandled error, issue 20). The message never echoes the text."""
    if _CONTROL.search(typed):
        raise StaffError(f"{what} must not contain control characters (such as a NUL byte or a line break)")
    return typed


def _valid_username(typed: str) -> str:
    name = normalise_username(_no_control_characters("a username", typed))
    if not _USERNAME.fullmatch(name) or len(typed.strip()) > USERNAME_MAX:
        raise StaffError(f"username '{typed.strip()[:USERNAME_MAX]}' must be 1-64 of a-z, 0-9, '.', '_' or '-'")
    return name


def _existing_username(typed: str) -> str:
    return normalise_username(_no_control_characters("a username", typed))


def add_staff(
    storage: Storage, username: str, password: str, *, role: str = Role.COORDINATOR.value,
    display_name: str | None = None, email: str | None = None, actor: str,
) -> StaffMember:
    """Create an account; StaffError (one line) for a bad name, role, e-mail, short password or a taken name."""
    name = _valid_username(username)
    _no_control_characters("a display name", display_name or "")
    address = _no_control_characters("an e-mail", email or "").strip().lower() or None
    if address is not None and not _EMAIL.fullmatch(address):
        raise StaffError(f"e-mail '{address}' is not an e-mail address")
    try:
        password_hash = hash_passcode(password)
    except ValueError as exc:
        raise StaffError(str(exc).replace("passcode", "password")) from None
    return staff_store.add_account(
        storage, username=name, display_name=(display_name or name).strip()[:200], role=role,
        password_hash=password_hash, email=address, actor=actor,
    )


def reset_password(storage: Storage, username: str, password: str, *, actor: str) -> None:
    try:
        password_hash = hash_passcode(password)
    except ValueError as exc:
        raise StaffError(str(exc).replace("passcode", "password")) from None
    staff_store.set_password_hash(storage, _existing_username(username), password_hash, actor=actor)


def disable_staff(storage: Storage, username: str, *, actor: str) -> None:
    staff_store.set_disabled(storage, _existing_username(username), True, actor=actor)


def enable_staff(storage: Storage, username: str, *, actor: str) -> None:
    staff_store.set_disabled(storage, _existing_username(username), False, actor=actor)


def set_staff_role(storage: Storage, username: str, role: str, *, actor: str) -> None:
    staff_store.set_role(storage, _existing_username(username), role, actor=actor)


def list_staff(storage: Storage) -> list[StaffMember]:
    """Every account, by username (no hashes)."""
    return staff_store.list_accounts(storage)


def set_kiosk_code(storage: Storage, code: str, *, actor: str) -> None:
    """Set the staff code that clears a tablet's urgent screen (only its argon2id hash is kept)."""
    try:
        code_hash = hash_passcode(code, min_length=KIOSK_CODE_MIN_LENGTH)
    except ValueError as exc:
        raise StaffError(str(exc).replace("passcode", "kiosk code")) from None
    staff_store.set_kiosk_code_hash(storage, code_hash, actor=actor)


def kiosk_code_is_set(storage: Storage) -> bool:
    return staff_store.kiosk_code_hash(storage) is not None
