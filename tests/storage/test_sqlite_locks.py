"""A second Storage on the same SQLite file must not drop the first one's locks.

Closing any descriptor of a file drops every POSIX lock the process holds on it; the file
preparation used to open and close the database file even when it existed, so another process
could delete the live WAL and never see this process's later writes (found when a coordinator's
queue never showed an urgent saved by a test right after the app opened the database)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from storage import Storage


def _count_elsewhere(path: Path) -> int:
    query = "select count(*) from audit_events"
    code = f"import sqlite3; print(sqlite3.connect({str(path)!r}).execute({query!r}).fetchone()[0])"
    return int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def test_a_second_storage_keeps_writes_visible_to_other_processes(tmp_path: Path) -> None:
    path = tmp_path / "screening.db"
    first = Storage(f"sqlite:///{path}")
    first.record_event("before", actor="test")  # a pooled connection now holds the file open
    Storage(f"sqlite:///{path}")  # a second one in the same process (the app and a command, tests)
    _count_elsewhere(path)  # another process opens and closes the file (the app, a command line)
    first.record_event("after", actor="test")
    expected = sqlite3.connect(path).execute("select count(*) from audit_events").fetchone()[0]
    assert _count_elsewhere(path) == expected
