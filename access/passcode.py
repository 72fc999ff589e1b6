"""Hash and check passwords, passcodes and the kiosk staff code with argon2id (argon2-cffi's
defaults, RFC 9106: 64 MiB, 3 passes, 4 lanes)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher()  # argon2id; the library compares in constant time
MIN_LENGTH = 8
"""The shortest password or passcode accepted."""


def hash_passcode(passcode: str, *, min_length: int = MIN_LENGTH) -> str:
    """The argon2id hash to store; raises ValueError for a passcode that is too short."""
    if len(passcode) < min_length:
        raise ValueError(f"the passcode must be at least {min_length} characters")
    return _HASHER.hash(passcode)


def verify_passcode(stored_hash: str, attempt: str) -> bool:
    """True when `attempt` matches; a wrong or damaged hash is simply False. Every password
    check in `access` goes through here (tests count the checks by replacing it)."""
    try:
        return _HASHER.verify(stored_hash, attempt)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
