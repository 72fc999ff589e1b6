"""Short reference codes a patient can read aloud to the front desk, e.g. "K7M-4PX"."""

from __future__ import annotations

import re
import secrets

# No 0/O, 1/I/L: easy to read aloud and to type back.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    """Six random characters shown as two groups of three (31^6 ≈ 887 million codes)."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(6))
    return f"{code[:3]}-{code[3:]}"


def normalise_reference(typed: str) -> str:
    """What staff typed, in the stored form: upper case, spaces and dashes ignored."""
    code = re.sub(r"[\s-]", "", typed).upper()
    return f"{code[:3]}-{code[3:]}" if len(code) == 6 else code
