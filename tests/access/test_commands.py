"""`python -m access`: add, list (never a hash), disable, enable, reset-password, set-kiosk-code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from access import check_kiosk_code, sign_in
from storage import Storage

REPO = Path(__file__).resolve().parents[2]


def run(url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "access", *args, "--database", url],
                          input=stdin, capture_output=True, text=True, cwd=REPO)


def test_account_life_cycle(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'screening.db'}"
    added = run(url, "add", "Alice", "--role", "admin", "--name", "Alice Moreau", stdin="first-password\n")
    assert added.returncode == 0, added.stderr
    listed = run(url, "list")
    assert listed.returncode == 0
    assert "alice\tadmin\tactive\tAlice Moreau" in listed.stdout
    assert "$argon2" not in listed.stdout + listed.stderr and "first-password" not in listed.stdout + added.stderr
    storage = Storage(url)
    assert sign_in(storage, "alice", "first-password", client_address="10.0.0.7").ok

    assert run(url, "disable", "alice").returncode == 0
    assert "disabled" in run(url, "list").stdout
    assert not sign_in(storage, "alice", "first-password", client_address="10.0.0.8").ok
    assert run(url, "enable", "alice").returncode == 0
    assert run(url, "reset-password", "alice", stdin="second-password\n").returncode == 0
    assert sign_in(storage, "alice", "second-password", client_address="10.0.0.9").ok
    assert not sign_in(storage, "alice", "first-password", client_address="10.0.0.9").ok

    for path in tmp_path.iterdir():  # the database file and its WAL hold no password
        assert b"second-password" not in path.read_bytes()
    events = {event.event for event in storage.list_audit()}
    assert {"staff_added", "staff_disabled", "staff_enabled", "staff_password_reset"} <= events


def test_errors_are_one_line_and_change_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'screening.db'}"
    short = run(url, "add", "bob", stdin="short\n")
    assert short.returncode == 2
    assert short.stderr.strip() == "add: the password must be at least 8 characters; nothing changed"
    bad_name = run(url, "add", "bob smith", stdin="long-enough-1\n")
    assert bad_name.returncode == 2 and len(bad_name.stderr.strip().splitlines()) == 1
    assert run(url, "add", "bob", stdin="long-enough-1\n").returncode == 0
    again = run(url, "add", "BOB", stdin="long-enough-2\n")
    assert again.returncode == 2 and "account 'bob' already exists" in again.stderr
    missing = run(url, "disable", "carol")
    assert missing.returncode == 2 and missing.stderr.strip() == "disable: no account named 'carol'; nothing changed"
    assert "Traceback" not in short.stderr + bad_name.stderr + again.stderr + missing.stderr


def test_set_kiosk_code_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'screening.db'}"
    finished = run(url, "set-kiosk-code", stdin="482913\n")
    assert finished.returncode == 0, finished.stderr
    storage = Storage(url)
    assert check_kiosk_code(storage, "482913", client_address="10.0.0.50", tablet="front-1").ok
    for path in tmp_path.iterdir():
        assert b"482913" not in path.read_bytes()
