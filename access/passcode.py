"""Hash and check the coordinator passcode with argon2id (argon2-cffi's defaults, RFC 9106)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher()  # argon2id; the library compares in constant time
MIN_LENGTH = 8


def hash_passcode(passcode: str) -> str:
    """The argon2id hash to store; raises ValueError for a passcode that is too short."""
    if len(passcode) < MIN_LENGTH:
        raise ValueError(f"the passcode must be at least {MIN_LENGTH} characters")
    return _HASHER.hash(passcode)


def verify_passcode(stored_hash: str, attempt: str) -> bool:
    """True when `attempt` matches; a wrong or damaged hash is simply False."""
    try:
        return _HASHER.verify(stored_hash, attempt)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
