"""The clinician role: added like any account, may examine; a coordinator may not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from access import can, list_staff, set_staff_role
from storage import Storage

REPO = Path(__file__).resolve().parents[2]


def test_make_staff_adds_a_clinician_who_may_examine(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'screening.db'}"
    added = subprocess.run([sys.executable, "-m", "access", "add", "bob", "--role", "clinician", "--database", url],
                           input="bob-password-1\n", capture_output=True, text=True, cwd=REPO)
    assert added.returncode == 0, added.stderr
    storage = Storage(url)
    (bob,) = list_staff(storage)
    assert bob.role == "clinician" and can(bob, "examine") and can(bob, "accuracy") and can(bob, "queue")
    assert not can(bob, "staff_accounts")
    set_staff_role(storage, "bob", "coordinator", actor="test")
    (bob,) = list_staff(storage)
    assert not can(bob, "examine") and can(bob, "accuracy")
