"""Revision 0003: the 1.0 single passcode becomes the admin account `admin` (same hash), so an
upgraded clinic can still sign in."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from access import can, hash_passcode, sign_in
from storage import Storage

REPO = Path(__file__).resolve().parents[2]
REVISION = REPO / "storage" / "migrations" / "versions" / "0003_staff_accounts.py"
OLD_PASSCODE = "front-desk-2026"


def revision_0003() -> ModuleType:
    spec = importlib.util.spec_from_file_location("revision_0003", REVISION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_1_0_passcode_becomes_the_admin_account(tmp_path: Path) -> None:
    storage = Storage(f"sqlite:///{tmp_path / 'screening.db'}")
    storage.set_passcode_hash(hash_passcode(OLD_PASSCODE))
    adopt = revision_0003().adopt_legacy_passcode
    with storage.engine.begin() as connection:
        assert adopt(connection) is True
    with storage.engine.begin() as connection:
        assert adopt(connection) is False  # run twice: still one admin
    outcome = sign_in(storage, "admin", OLD_PASSCODE, client_address="10.0.0.7")
    assert outcome.ok and outcome.member is not None
    assert outcome.member.role == "admin" and can(outcome.member, "staff_accounts")
    assert storage.passcode_hash() is not None  # kept, so a downgrade still has it


def test_no_passcode_no_account(tmp_path: Path) -> None:
    storage = Storage(f"sqlite:///{tmp_path / 'screening.db'}")
    with storage.engine.begin() as connection:
        assert revision_0003().adopt_legacy_passcode(connection) is False
    assert not sign_in(storage, "admin", OLD_PASSCODE, client_address="10.0.0.7").ok
