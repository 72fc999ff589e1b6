"""Staff access: the coordinator passcode as an argon2id hash, and the sign-in lock-out rule.

Pure Python plus argon2-cffi: no Streamlit, no database (the caller stores the hash through
`storage`). `python -m access set-passcode` sets the passcode.
"""

from access.passcode import hash_passcode, verify_passcode
from access.throttle import MAX_ATTEMPTS, locked_until, lockout_seconds

__all__ = ["MAX_ATTEMPTS", "hash_passcode", "locked_until", "lockout_seconds", "verify_passcode"]
