"""A staff password for the access tests, and a spy that counts password checks."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

PASSWORD = "desk-password-7"


@dataclass
class CheckSpy:
    """Counts argon2 verifications and the most that ran at once."""

    calls: int = 0
    running: int = 0
    most_at_once: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
