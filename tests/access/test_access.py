"""Passwords are kept only as argon2id hashes, never in the database file or the output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from access import hash_passcode, list_staff, sign_in, verify_passcode
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


def test_add_command_stores_only_the_hash(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'screening.db'}"
    finished = subprocess.run(
        [sys.executable, "-m", "access", "add", "alice", "--role", "admin", "--database", url],
        input="tablet-secret-42\n", capture_output=True, text=True, cwd=REPO,
    )
    assert finished.returncode == 0, finished.stderr
    assert sign_in(Storage(url), "alice", "tablet-secret-42", client_address="127.0.0.1").ok
    for path in tmp_path.iterdir():  # the database file and its WAL
        assert b"tablet-secret-42" not in path.read_bytes()
    assert "tablet-secret-42" not in finished.stdout + finished.stderr


def test_a_too_short_password_changes_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'screening.db'}"
    finished = subprocess.run(
        [sys.executable, "-m", "access", "add", "alice", "--database", url],
        input="abc\n", capture_output=True, text=True, cwd=REPO,
    )
    assert finished.returncode == 2 and "at least" in finished.stderr
    assert list_staff(Storage(url)) == []
