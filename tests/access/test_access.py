"""The passcode is kept only as an argon2id hash; repeated failures lock sign-in for longer."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from access import MAX_ATTEMPTS, hash_passcode, locked_until, lockout_seconds, verify_passcode
from storage import Storage

REPO = Path(__file__).resolve().parents[2]


def test_hash_round_trip() -> None:
    stored = hash_passcode("correct horse")
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert verify_passcode(stored, "correct horse")
    assert not verify_passcode(stored, "correct hors")
    assert not verify_passcode("not a hash", "correct horse")


def test_short_passcode_refused() -> None:
    with pytest.raises(ValueError, match="at least 8"):
        hash_passcode("short")


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 0), (1, 0), (MAX_ATTEMPTS - 1, 0), (MAX_ATTEMPTS, 30), (MAX_ATTEMPTS + 1, 60),
     (MAX_ATTEMPTS + 2, 120), (MAX_ATTEMPTS + 4, 480), (MAX_ATTEMPTS + 5, 900), (MAX_ATTEMPTS + 50, 900)],
)
def test_lockout_table(failures: int, seconds: int) -> None:
    assert lockout_seconds(failures) == seconds


def test_locked_until() -> None:
    last = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert locked_until(MAX_ATTEMPTS - 1, last) is None
    assert locked_until(MAX_ATTEMPTS, last) == last + timedelta(seconds=30)
    assert locked_until(MAX_ATTEMPTS, None) is None


def test_set_passcode_command_stores_only_the_hash(tmp_path: Path) -> None:
    database = tmp_path / "screening.db"
    url = f"sqlite:///{database}"
    finished = subprocess.run(
        [sys.executable, "-m", "access", "set-passcode", "--database", url],
        input="tablet-secret-42\n", capture_output=True, text=True, cwd=REPO,
    )
    assert finished.returncode == 0, finished.stderr
    stored = Storage(url).passcode_hash()
    assert stored is not None and verify_passcode(stored, "tablet-secret-42")
    for path in tmp_path.iterdir():  # the database file and its WAL
        assert b"tablet-secret-42" not in path.read_bytes()
    assert "tablet-secret-42" not in finished.stdout + finished.stderr


def test_set_passcode_too_short_changes_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'screening.db'}"
    finished = subprocess.run(
        [sys.executable, "-m", "access", "set-passcode", "--database", url],
        input="abc\n", capture_output=True, text=True, cwd=REPO,
    )
    assert finished.returncode == 2 and "at least 8" in finished.stderr
    assert Storage(url).passcode_hash() is None
