"""Revision 0003: the 1.0 single passcode becomes the admin account `admin` (same hash), so an
upgraded clinic can still sign in."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from alembic import command
from sqlalchemy import create_engine, text

from access import can, hash_passcode, sign_in
from storage import Storage, migrations
from tests.support.passcode import passcode_hash, set_passcode_hash

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
    set_passcode_hash(storage, hash_passcode(OLD_PASSCODE))
    adopt = revision_0003().adopt_legacy_passcode
    with storage.engine.begin() as connection:
        assert adopt(connection) is True
    with storage.engine.begin() as connection:
        assert adopt(connection) is False  # run twice: still one admin
    outcome = sign_in(storage, "admin", OLD_PASSCODE, client_address="10.0.0.7")
    assert outcome.ok and outcome.member is not None
    assert outcome.member.role == "admin" and can(outcome.member, "staff_accounts")
    assert passcode_hash(storage) is not None  # kept, so a downgrade still has it


def test_no_passcode_no_account(tmp_path: Path) -> None:
    storage = Storage(f"sqlite:///{tmp_path / 'screening.db'}")
    with storage.engine.begin() as connection:
        assert revision_0003().adopt_legacy_passcode(connection) is False
    assert not sign_in(storage, "admin", OLD_PASSCODE, client_address="10.0.0.7").ok


def test_upgrading_a_1_0_database_keeps_its_passcode_working(tmp_path: Path) -> None:
    """A 1.0 file (its tables, no alembic_version) with a passcode, opened by this code."""
    url = f"sqlite:///{tmp_path / 'screening.db'}"
    config = migrations._config()
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, migrations.V1_0)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))  # 1.0 had none
        connection.execute(text("INSERT INTO staff_passcode (id, passcode_hash, set_at) VALUES (1, :h, :at)"),
                           {"h": hash_passcode(OLD_PASSCODE), "at": "2026-01-01 12:00:00.000000"})
    engine.dispose()
    storage = Storage(url)  # upgrades 0001 -> head, 0003 included
    assert migrations.current_revision(url) == migrations.head_revision()
    outcome = sign_in(storage, "admin", OLD_PASSCODE, client_address="10.0.0.7")
    assert outcome.ok and outcome.member is not None and outcome.member.role == "admin"
    assert [(e.actor, e.event) for e in storage.list_audit() if e.event == "staff_added"] == [
        ("upgrade 0003", "staff_added")
    ]


def test_schema_and_revision_0003_agree_and_downgrade_keeps_the_passcode(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from storage.schema import metadata

    url = f"sqlite:///{tmp_path / 'screening.db'}"
    storage = Storage(url)
    set_passcode_hash(storage, hash_passcode(OLD_PASSCODE))
    ours = {"staff_accounts", "sign_in_attempts", "kiosk_code"}
    with storage.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert [d for d in differences if ours & {getattr(part, "name", "") for part in _parts(d)}] == []
    storage.engine.dispose()
    config = migrations._config()
    config.set_main_option("sqlalchemy.url", url)
    command.downgrade(config, "0002_storage_1_1")
    engine = create_engine(url)
    with engine.connect() as connection:
        tables = {row[0] for row in connection.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
        kept = connection.execute(text("SELECT count(*) FROM staff_passcode")).scalar_one()
    engine.dispose()
    assert not ours & tables and kept == 1


def _parts(difference: object) -> list[object]:
    """The schema objects an alembic difference tuple (or list of them) mentions."""
    items = difference if isinstance(difference, list) else [difference]
    found: list[object] = []
    for item in items:
        found += [part for part in item if hasattr(part, "name")] if isinstance(item, tuple) else []
        found += [part.table for part in item if hasattr(part, "table")] if isinstance(item, tuple) else []
    return found
