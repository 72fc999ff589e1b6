"""Text that leaves the program safely: spreadsheet cells that cannot run, messages that cannot
drive a terminal, files only their owner reads. Pure Python; `storage`'s CSV export uses the same
guard (`inert_cell`, the only copy).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import IO, Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")
"""A spreadsheet treats a cell starting with one of these as a formula (or mangles it)."""


FORMULA_AFTER_SEPARATOR = re.compile(r"((?:^|[,;\t|\r\n])[\s\"']*)([=+\-@])")
"""One of = + - @ at the start or after a separator (and any spaces or quotes): a spreadsheet that
splits the file on `;`, tab or `|` (a clinic's locale may) starts a new cell there, and would run it."""


def inert_cell(text: str) -> str:
    """The cell as plain text however a spreadsheet splits it: a `'` before a leading formula
    character and before each one that follows a separator (the spreadsheet's "quote prefix":
    shown as text, never run); NULs are dropped. The only copy: every CSV this program writes
    for people to open goes through it."""
    inert = FORMULA_AFTER_SEPARATOR.sub(r"\1'\2", text.replace("\0", ""))
    if text.startswith(FORMULA_START) and not inert.startswith("'"):
        inert = "'" + inert  # a leading tab, carriage return or NUL
    return inert


def printable(text: object, limit: int = 60) -> str:
    """`text` for a one-line message: control characters escaped (\\x1b, \\n), at most `limit`."""
    raw = str(text)
    shown = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in raw[:limit])
    return shown + ("…" if len(raw) > limit else "")


def open_private(path: str | Path, mode: str = "w", **options: Any) -> IO[Any]:
    """`open(path, mode)` for a file with patient data that this program writes ("w" or "wb"):
    owner-only (0600, also when it replaces an older file) and never through a symbolic link (an
    attacker's link to another file raises OSError "Too many levels of symbolic links")."""
    if mode not in ("w", "wb"):
        raise ValueError("open_private writes new files only ('w' or 'wb')")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    try:
        os.fchmod(descriptor, 0o600)  # an existing file keeps its mode through O_CREAT
        return open(descriptor, mode, **options)
    except BaseException:
        os.close(descriptor)
        raise
