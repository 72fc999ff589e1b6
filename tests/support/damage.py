"""A damaged SQLite file, for the tests of what the app and the commands say about one."""

from __future__ import annotations

from pathlib import Path

from storage import Storage


def damaged_database(tmp_path: Path) -> str:
    """A real database with a page in the middle overwritten: SQLite opens it without a word."""
    path = tmp_path / "damaged.db"
    url = f"sqlite:///{path}"
    storage = Storage(url)
    for number in range(400):
        storage.record_event("filler", actor="test", detail="x" * 200)
    storage.engine.dispose()
    with path.open("r+b") as handle:
        handle.seek(4096 * 6)
        handle.write(b"\xff" * 4096 * 3)
    return url
