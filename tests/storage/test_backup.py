"""Backups on SQLite: a checked copy with its manifest, private files, encryption, a
tampered copy refused, restore into an empty database only, old (1.0, 1.1) copies upgraded,
rotation, and the last good backup as the staff pages read it."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, insert
from sqlalchemy.pool import NullPool

from scoring import ScreeningResult
from storage import QueueFilter, Storage, migrations
from storage.backup import backup, good_copies, last_good_backup, rotate
from storage.backup_files import MANIFEST, BackupError
from storage.backup_restore import restore, verify
from storage.schema import alert_deliveries
from tests.support.v1_0_schema import build_v1_0_database
from ui.coordinator.backup_status import notice

REPO = Path(__file__).resolve().parents[2]
KEY = bytes(range(32))


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Backups of a SQLite file: these tests run on SQLite only (PostgreSQL's are in test_backup_postgresql.py)."""
    return sqlite_url


def run_storage(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "storage", *args], cwd=REPO, env=environment,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def filled(storage: Storage, make_result: Callable[..., ScreeningResult]) -> Storage:
    for number in range(12):
        saved = storage.save_submission(idempotency_key=f"k{number}", language="en",
                                        result=make_result("sensory", "vasomotor", stroke_signs_last_hours="yes")
                                        if number % 4 == 0 else make_result("sensory"))
        if number % 3 == 0:
            storage.set_status(saved.id, actor="ada", status="reviewed", note=f"note {number}",
                               expected_row_version=saved.row_version)
    with storage.engine.begin() as connection:
        connection.execute(insert(alert_deliveries).values(
            submission_id=1, channel="webhook", status="delivered", created_at=datetime.now(UTC),
            next_attempt_at=datetime.now(UTC)))
    return storage


def _rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table (the alembic version aside), for comparing two databases."""
    engine = create_engine(url, poolclass=NullPool)
    from sqlalchemy import MetaData, select

    reflected = MetaData()
    try:
        with engine.connect() as connection:
            reflected.reflect(bind=connection)
            return {name: sorted(map(tuple, connection.execute(select(table)).all()), key=repr)
                    for name, table in reflected.tables.items() if name != "alembic_version"}
    finally:
        engine.dispose()


def test_backup_is_a_checked_private_copy_with_a_manifest(filled: Storage, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    done = backup(filled.url, folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(done.folder.stat().st_mode) == 0o700
    for path in done.folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    manifest = json.loads((done.folder / MANIFEST).read_text())
    assert manifest["tables"]["submissions"] == 12 and manifest["tables"]["alert_deliveries"] == 1
    assert manifest["tables"]["audit_events"] == filled.count_audit() - 1  # the backup's own event came after
    assert manifest["schema_revision"] == migrations.head_revision()
    assert manifest["questionnaire_versions"] == ["crps_symptom_screen 1.2.0"]
    assert manifest["encrypted"] is False and len(manifest["sha256"]) == 64
    with sqlite3.connect(done.file) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one self-contained file
    assert not [path for path in folder.iterdir() if path.name.startswith(".partial")]
    assert verify(done.folder, None)["tables"] == manifest["tables"]


def test_command_says_the_copy_is_unencrypted_without_a_key(filled: Storage, tmp_path: Path) -> None:
    ran = run_storage("backup", "--to", str(tmp_path / "b"), env={"DATABASE_URL": filled.url, "BACKUP_KEY": ""})
    assert ran.returncode == 0, ran.stderr
    assert "UNENCRYPTED" in ran.stderr and "12 screenings" in ran.stderr
    key = base64.b64encode(KEY).decode()
    ran = run_storage("backup", "--to", str(tmp_path / "c"), env={"DATABASE_URL": filled.url, "BACKUP_KEY": key})
    assert ran.returncode == 0 and "UNENCRYPTED" not in ran.stderr and "encrypted" in ran.stderr


def test_encrypted_copy_holds_no_plain_database_and_restores_with_the_key(filled: Storage, tmp_path: Path) -> None:
    done = backup(filled.url, tmp_path / "b", key=KEY)
    assert done.file.name.endswith(".sealed") and [p.name for p in done.folder.iterdir()] != []
    assert b"SQLite format 3" not in done.file.read_bytes()
    assert not list(done.folder.glob("*.sqlite3"))
    with pytest.raises(BackupError, match="BACKUP_KEY"):
        restore(done.file, f"sqlite:///{tmp_path / 'r.db'}", key=None)
    with pytest.raises(BackupError, match="does not open"):
        verify(done.file, bytes(32))  # the wrong key
    target = f"sqlite:///{tmp_path / 'r.db'}"
    counts = restore(done.file, target, key=KEY)
    assert all(found == expected for name, expected, found in counts if name != "alembic_version")
    assert stat.S_IMODE((tmp_path / "r.db").stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".crps-restore-*")) and not list(tmp_path.glob(".r.db.restore-*"))
    assert _rows(target) == {name: rows for name, rows in _rows(filled.url).items()
                             if name != "audit_events"} | {"audit_events": _rows(target)["audit_events"]}
    assert Storage(target).count_audit() == filled.count_audit() - 1


@pytest.mark.parametrize("encrypted", [False, True])
@pytest.mark.parametrize("where", [0.0, 0.5, 0.999])
def test_a_copy_with_one_byte_changed_is_refused_by_verify_and_restore(
    filled: Storage, tmp_path: Path, encrypted: bool, where: float
) -> None:
    done = backup(filled.url, tmp_path / "b", key=KEY if encrypted else None)
    data = bytearray(done.file.read_bytes())
    position = int(len(data) * where)
    data[position] ^= 0x01
    done.file.write_bytes(bytes(data))
    target = tmp_path / "restored.db"
    with pytest.raises(BackupError, match="SHA-256 does not match"):
        verify(done.file, KEY)
    with pytest.raises(BackupError, match="SHA-256 does not match"):
        restore(done.file, f"sqlite:///{target}", key=KEY)
    assert not target.exists()
    env = {"DATABASE_URL": filled.url, "BACKUP_KEY": base64.b64encode(KEY).decode()}
    for verb in (["verify", str(done.file)], ["restore", str(done.file), "--to", f"sqlite:///{target}"]):
        ran = run_storage(*verb, env=env)
        assert ran.returncode == 2 and "SHA-256 does not match" in ran.stderr and "Traceback" not in ran.stderr
    assert not target.exists()


def test_a_sealed_copy_changed_together_with_its_manifest_checksum_is_still_refused(
    filled: Storage, tmp_path: Path
) -> None:
    """Whoever can write the backup disk can fix up the checksum; the key's tags still refuse it."""
    done = backup(filled.url, tmp_path / "b", key=KEY)
    data = bytearray(done.file.read_bytes())
    data[len(data) // 2] ^= 0x80
    done.file.write_bytes(bytes(data))
    import hashlib

    manifest = json.loads((done.folder / MANIFEST).read_text())
    manifest["sha256"] = hashlib.sha256(bytes(data)).hexdigest()
    (done.folder / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match="does not open"):
        verify(done.folder, KEY)
    with pytest.raises(BackupError, match="does not open"):
        restore(done.folder, f"sqlite:///{tmp_path / 'r.db'}", key=KEY)


def test_a_changed_manifest_count_is_refused_by_verify(filled: Storage, tmp_path: Path) -> None:
    done = backup(filled.url, tmp_path / "b")
    manifest = json.loads((done.folder / MANIFEST).read_text())
    manifest["tables"]["submissions"] = 11
    (done.folder / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match="row counts differ"):
        verify(done.folder, None)


def test_restore_refuses_a_database_that_is_not_empty(filled: Storage, tmp_path: Path,
                                                      make_result: Callable[..., ScreeningResult]) -> None:
    done = backup(filled.url, tmp_path / "b")
    other = Storage(f"sqlite:///{tmp_path / 'other.db'}")
    other.save_submission(idempotency_key="only", result=make_result(), language="en")
    with pytest.raises(BackupError, match="not empty"):
        restore(done.folder, other.url, key=None)
    assert other.list_submissions(QueueFilter()).total == 1  # untouched
    ran = run_storage("restore", str(done.folder), "--to", other.url, env={"DATABASE_URL": filled.url})
    assert ran.returncode == 2 and "--force" in ran.stderr
    ran = run_storage("restore", str(done.folder), "--to", other.url, "--force", env={"DATABASE_URL": filled.url})
    assert ran.returncode == 0, ran.stderr
    assert "submissions" in ran.stderr and "every row of the copy" in ran.stderr
    assert Storage(other.url).list_submissions(QueueFilter()).total == 12
    assert Storage(other.url).get_by_reference(filled.get_submission(1).reference) is not None  # type: ignore[union-attr]


def test_restore_into_the_other_engine_is_refused(filled: Storage, tmp_path: Path) -> None:
    done = backup(filled.url, tmp_path / "b")
    with pytest.raises(BackupError, match="sqlite copy"):
        restore(done.folder, "postgresql+psycopg://nobody@127.0.0.1:9/none", key=None)


def _stamp_1_1(url: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    config = migrations._config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.stamp(config, migrations.V1_0)
        command.upgrade(config, "0002_storage_1_1")
    engine.dispose()


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_restore_of_an_old_copy_upgrades_it_with_every_row(
    tmp_path: Path, version: str, make_result: Callable[..., ScreeningResult]
) -> None:
    source = f"sqlite:///{tmp_path / 'old.db'}"
    results = [make_result("sensory", "vasomotor"), make_result(stroke_signs_last_hours="yes"),
               make_result(language="es")]
    written = build_v1_0_database(source, results)
    if version == "1.1":
        _stamp_1_1(source)
    done = backup(source, tmp_path / "b", record=False)
    assert done.manifest["schema_revision"] == (None if version == "1.0" else "0002_storage_1_1")
    target = f"sqlite:///{tmp_path / 'restored.db'}"
    counts = {name: (expected, found) for name, expected, found in restore(done.folder, target, key=None)}
    assert migrations.current_revision(target) == migrations.head_revision()
    assert counts["submissions"] == (3, 3)
    assert counts["audit_events"][1] >= counts["audit_events"][0] == written["audit"]  # 0003 adds one
    storage = Storage(target)
    for number, reference in enumerate(written["references"]):
        saved = storage.get_by_reference(reference)
        assert saved is not None
        # The upgrade keeps each old urgent's red flags as kept answers (revision 0009); the rest is as saved.
        assert replace(saved.result, red_flag_history=()) == results[number]
        assert [kept.item for kept in saved.result.red_flag_history] == list(results[number].red_flags)
    ran = run_storage("restore", str(done.folder), "--to", f"sqlite:///{tmp_path / 'cli.db'}",
                      env={"DATABASE_URL": source})
    assert ran.returncode == 0, ran.stderr
    assert "ROWS MISSING" not in ran.stderr and "+1 (added by the upgrade" in ran.stderr


def _copy_at(folder: Path, moment: datetime) -> Path:
    path = folder / f"backup-{moment:%Y%m%dT%H%M%S}.000Z"
    path.mkdir(parents=True)
    (path / MANIFEST).write_text("{}")
    return path


def test_rotation_keeps_daily_and_weekly_copies_and_always_the_newest(tmp_path: Path) -> None:
    start = datetime(2026, 9, 1, 1, 0, tzinfo=UTC)
    made = [_copy_at(tmp_path, start + timedelta(hours=12 * number)) for number in range(190)]  # 95 days
    unrelated = tmp_path / "notes.txt"
    unrelated.write_text("left alone")
    newest = made[-1]
    deleted = rotate(tmp_path, keep_daily=14, keep_weekly=8, newest=newest)
    kept = [path for _, path in good_copies(tmp_path)]
    days = {datetime.strptime(path.name[7:15], "%Y%m%d").date() for path in kept}
    assert newest in kept and unrelated.exists()
    assert len(kept) == len(made) - len(deleted)
    last_days = sorted({(start + timedelta(hours=12 * n)).date() for n in range(190)})[-14:]
    assert set(last_days) <= days  # the last 14 days
    weeks = {(datetime.strptime(path.name[7:15], "%Y%m%d")).isocalendar()[:2] for path in kept}
    assert len(weeks) == 8  # 8 weeks reach back past the 14 days
    assert len(kept) == len(days)  # one copy a day at most
    assert len(kept) <= 14 + 8


def test_rotation_never_deletes_the_newest_even_with_nothing_to_keep(tmp_path: Path) -> None:
    only = _copy_at(tmp_path, datetime(2026, 1, 1, tzinfo=UTC))
    older = _copy_at(tmp_path, datetime(2025, 1, 1, tzinfo=UTC))
    assert rotate(tmp_path, keep_daily=1, keep_weekly=0, newest=only) == [older]
    assert only.exists()


def test_a_failed_backup_deletes_nothing(filled: Storage, tmp_path: Path) -> None:
    folder = tmp_path / "b"
    old = [_copy_at(folder, datetime(2025, 1, day, tzinfo=UTC)) for day in range(1, 30)]
    with pytest.raises(BackupError):
        backup(f"sqlite:///{tmp_path / 'missing.db'}", folder, keep_daily=1, keep_weekly=0)
    assert all(path.exists() for path in old)
    done = backup(filled.url, folder, keep_daily=1, keep_weekly=0)  # a good one then rotates
    assert [path for _, path in good_copies(folder)] == [done.folder]


def test_last_good_backup_is_read_from_the_audit_and_warns_admins_after_26_hours(
    filled: Storage, tmp_path: Path
) -> None:
    assert last_good_backup(filled.engine) is None
    before = datetime.now(UTC)
    backup(filled.url, tmp_path / "b")
    last = last_good_backup(filled.engine)
    assert last is not None and before <= last <= datetime.now(UTC)
    with pytest.raises(BackupError):
        backup(f"sqlite:///{tmp_path / 'missing.db'}", tmp_path / "b")
    assert last_good_backup(filled.engine) == last  # a failed one is not recorded
    zone = UTC
    assert notice(last, last + timedelta(hours=25), zone, admin=True)[0] == "caption"
    kind, line = notice(last, last + timedelta(hours=27), zone, admin=True)
    assert kind == "warning" and "27 hours ago" in line
    assert notice(last, last + timedelta(hours=27), zone, admin=False)[0] == "caption"
    assert notice(None, last, zone, admin=True) == ("warning", notice(None, last, zone, admin=True)[1])
    assert "no backup recorded" in notice(None, last, zone, admin=False)[1]


def test_latest_backup_read_uses_the_event_index(filled: Storage) -> None:
    with filled.engine.connect() as connection:
        plan = connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT max(at) FROM audit_events WHERE event = 'backed_up'").all()
    assert "ix_audit_event_at" in " ".join(str(row) for row in plan)


def test_backup_settings_defaults_and_a_bad_key_hidden(tmp_path: Path) -> None:
    from settings import SettingsError, load_settings

    loaded = load_settings({}, tmp_path / "none.toml")
    assert (loaded.backup_keep_daily, loaded.backup_keep_weekly, loaded.retention_period) == (14, 8, "7y")
    assert loaded.backup_key == "" and loaded.backup_dir == REPO / "backups"
    good = base64.b64encode(KEY).decode()
    assert load_settings({"BACKUP_KEY": good}, tmp_path / "none.toml").backup_key == good
    for bad in ("too-short", base64.b64encode(bytes(31)).decode(), "not base64 at all!!"):
        with pytest.raises(SettingsError) as caught:
            load_settings({"BACKUP_KEY": bad}, tmp_path / "none.toml")
        assert str(caught.value).startswith("BACKUP_KEY: (hidden) is not 32 bytes in base64") and bad not in str(
            caught.value)
    with pytest.raises(SettingsError, match="RETENTION_PERIOD: '6m' is shorter than a year"):
        load_settings({"RETENTION_PERIOD": "6m"}, tmp_path / "none.toml")


def test_a_copy_that_cannot_be_recorded_is_still_kept_and_said(tmp_path: Path) -> None:
    path = tmp_path / "bare.db"
    with sqlite3.connect(path) as bare:
        bare.execute("CREATE TABLE submissions (id INTEGER PRIMARY KEY, questionnaire_id TEXT, "
                     "questionnaire_version TEXT)")
    done = backup(f"sqlite:///{path}", tmp_path / "b")
    assert done.not_recorded is not None and "audit_events" in done.not_recorded
    assert verify(done.folder, None)["tables"] == {"submissions": 0}
    ran = run_storage("backup", "--to", str(tmp_path / "c"), env={"DATABASE_URL": f"sqlite:///{path}"})
    assert ran.returncode == 1 and "not recorded in the audit trail" in ran.stderr
    assert len(good_copies(tmp_path / "c")) == 1


def test_verify_without_the_key_checks_an_encrypted_copys_checksum_only(filled: Storage, tmp_path: Path) -> None:
    done = backup(filled.url, tmp_path / "b", key=KEY)
    ran = run_storage("verify", str(done.folder), env={"DATABASE_URL": filled.url, "BACKUP_KEY": ""})
    assert ran.returncode == 0 and "checksum only, no BACKUP_KEY" in ran.stderr
    data = bytearray(done.file.read_bytes())
    data[-1] ^= 0x01
    done.file.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="SHA-256 does not match"):
        verify(done.folder, None)
