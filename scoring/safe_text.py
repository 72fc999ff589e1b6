"""Text that leaves the program safely: spreadsheet cells that cannot run, messages that cannot
drive a terminal. Pure Python; `storage`'s CSV export can use the same guard (`inert_cell`).
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")
"""A spreadsheet treats a cell starting with one of these as a formula (or mangles it)."""


def inert_cell(text: str) -> str:
    """The cell as plain text: a leading `'` stops a spreadsheet running it; NULs are dropped."""
    if text.startswith(FORMULA_START):
        text = "'" + text
    return text.replace("\0", "")


def printable(text: object, limit: int = 60) -> str:
    """`text` for a one-line message: control characters escaped (\\x1b, \\n), at most `limit`."""
    raw = str(text)
    shown = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in raw[:limit])
    return shown + ("…" if len(raw) > limit else "")
