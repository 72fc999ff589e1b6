"""Backups on PostgreSQL: pg_dump's custom format with a manifest, a tampered copy
refused, a non-empty database refused, a 1.0 database's copy restored and upgraded, and a plain
message when pg_dump is missing."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from scoring import ScreeningResult
from storage import QueueFilter, Storage, backup_postgresql, migrations
from storage import __main__ as storage_command
from storage.backup import backup
from storage.backup_files import BackupError
from storage.backup_restore import restore, verify
from tests.support.v1_0_schema import build_v1_0_database

KEY = bytes(range(32))


def _new_database(server: str, name: str) -> str:
    engine = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture
def filled(postgres_url: str, make_result: Callable[..., ScreeningResult]) -> Storage:
    storage = Storage(postgres_url)
    for number in range(8):
        storage.save_submission(idempotency_key=f"pg{number}", result=make_result("sensory"), language="en")
    return storage


def test_postgresql_copy_has_a_manifest_and_restores_every_row(
    filled: Storage, postgres_server: str, tmp_path: Path
) -> None:
    done = backup(filled.url, tmp_path / "b", key=KEY)
    assert done.manifest["engine"] == "postgresql" and done.manifest["tables"]["submissions"] == 8
    assert done.manifest["schema_revision"] == migrations.head_revision()
    assert verify(done.folder, KEY)["tables"]["submissions"] == 8
    target = _new_database(postgres_server, "pg_restored_a")
    counts = {name: (expected, found) for name, expected, found in restore(done.folder, target, key=KEY)}
    assert counts["submissions"] == (8, 8) and counts["audit_events"][0] == counts["audit_events"][1]
    restored = Storage(target)
    assert restored.list_submissions(QueueFilter()).total == 8
    assert restored.save_submission(idempotency_key="after", result=filled.get_submission(1).result,  # type: ignore[union-attr]
                                    language="en").id > 8  # sequences restored too


def test_a_capped_dump_keeps_to_its_rate_and_restores_every_row(
    filled: Storage, postgres_server: str, tmp_path: Path
) -> None:
    """BACKUP_PG_KB_PER_SECOND: the dump goes through a pipe copied at most that fast, so saves
    keep their speed during a backup; the piped archive restores like the other."""
    started = time.monotonic()
    done = backup(filled.url, tmp_path / "b", pg_kb_per_second=8)
    took = time.monotonic() - started
    assert took >= done.file.stat().st_size / (8 * 1024) * 0.95
    assert verify(done.folder, None)["tables"]["submissions"] == 8
    target = _new_database(postgres_server, "pg_restored_capped")
    counts = {name: (expected, found) for name, expected, found in restore(done.folder, target, key=None)}
    assert counts["submissions"] == (8, 8)
    assert Storage(target).list_submissions(QueueFilter()).total == 8


def test_tampered_postgresql_copy_is_refused(filled: Storage, postgres_server: str, tmp_path: Path) -> None:
    done = backup(filled.url, tmp_path / "b")
    data = bytearray(done.file.read_bytes())
    data[len(data) // 3] ^= 0x04
    done.file.write_bytes(bytes(data))
    target = _new_database(postgres_server, "pg_restored_b")
    with pytest.raises(BackupError, match="SHA-256 does not match"):
        verify(done.folder, None)
    with pytest.raises(BackupError, match="SHA-256 does not match"):
        restore(done.folder, target, key=None)
    assert Storage(target).list_submissions(QueueFilter()).total == 0  # nothing restored


def test_restore_refuses_a_non_empty_postgresql_database_unless_forced(
    filled: Storage, tmp_path: Path, make_result: Callable[..., ScreeningResult], postgres_server: str
) -> None:
    done = backup(filled.url, tmp_path / "b")
    other = Storage(_new_database(postgres_server, "pg_other"))
    other.save_submission(idempotency_key="mine", result=make_result(), language="en")
    with pytest.raises(BackupError, match="not empty"):
        restore(done.folder, other.url, key=None)
    assert other.list_submissions(QueueFilter()).total == 1
    other.engine.dispose()
    restore(done.folder, other.url, key=None, force=True)
    assert Storage(other.url).list_submissions(QueueFilter()).total == 8


def test_a_1_0_postgresql_copy_restores_to_the_current_schema(
    postgres_url: str, postgres_server: str, tmp_path: Path, make_result: Callable[..., ScreeningResult]
) -> None:
    results = [make_result("sensory"), make_result(stroke_signs_last_hours="yes")]
    written = build_v1_0_database(postgres_url, results)
    done = backup(postgres_url, tmp_path / "b", record=False)
    assert done.manifest["schema_revision"] is None
    target = _new_database(postgres_server, "pg_restored_v1")
    counts = {name: (expected, found) for name, expected, found in restore(done.folder, target, key=None)}
    assert counts["submissions"] == (2, 2) and migrations.current_revision(target) == migrations.head_revision()
    storage = Storage(target)
    restored = [storage.get_by_reference(reference).result for reference in written["references"]]  # type: ignore[union-attr]
    # The upgrade keeps each old urgent's red flags as kept answers (revision 0009); the rest is as saved.
    assert [replace(result, red_flag_history=()) for result in restored] == results
    assert [[kept.item for kept in result.red_flag_history] for result in restored] == [
        list(result.red_flags) for result in results]


def test_missing_pg_dump_is_said_plainly(
    filled: Storage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(backup_postgresql, "DEBIAN_POSTGRESQL", tmp_path)
    folder = tmp_path / "b"
    assert storage_command.main(["backup", "--to", str(folder), "--url", filled.url]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[-1] == ("backup: pg_dump is missing: install the PostgreSQL client tools (apt-get install "
                         "postgresql-client) matching the server's version")
    assert not [path for path in folder.iterdir() if path.name.startswith(("backup-", ".partial"))]
