"""Alembic migrations: a 1.0 database upgrades with nothing lost (SQLite and PostgreSQL), the
migrations build exactly the current schema, and a database newer than the code is refused."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from scoring import ScreeningResult
from storage import MigrationError, QueueFilter, Storage, migrations, staff
from storage.engine import prepare_sqlite_file
from storage.schema import metadata
from tests.support.passcode import passcode_hash
from tests.support.v1_0_schema import NOTES, PASSCODE_HASH, build_v1_0_database

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def v1_results(make_result: Callable[..., ScreeningResult]) -> list[ScreeningResult]:
    return [
        make_result("sensory", "vasomotor", "sudomotor_edema", "motor_trophic"),
        make_result("sensory", language="es", self_harm_thoughts="yes"),
        make_result(),
        make_result("sensory", "vasomotor", language="es"),
        make_result("motor_trophic", stroke_signs_last_hours="yes"),
    ]


def _upgraded_v1_keeps_every_row(url: str, results: list[ScreeningResult]) -> None:
    written = build_v1_0_database(url, results)
    assert migrations.current_revision(url) is None
    storage = Storage(url)
    assert migrations.current_revision(url) == migrations.head_revision()
    listed = storage.list_submissions(QueueFilter(), page_size=100)
    assert listed.total == len(results)
    for number, reference in enumerate(written["references"]):
        saved = storage.get_by_reference(reference)
        assert saved is not None
        assert saved.result.to_dict() == results[number].to_dict()  # the full result, answers included, still reads
        assert saved.result.answers == results[number].answers
        assert saved.note == NOTES[number % 3]
        assert saved.status == ("new", "reviewed", "referred")[number % 3]
        assert saved.result.urgent == results[number].urgent and saved.row_version == 1 + number % 3
        assert saved.complete is True and saved.tablet is None and saved.patient_identifier is None
        assert (saved.acknowledged_by is not None) == results[number].urgent
    assert storage.count_audit() == written["audit"] + 1  # revision 0003 records making the admin account
    assert passcode_hash(storage) == PASSCODE_HASH
    admin = staff.account_with_hash(storage, "admin")  # 0003: the 1.0 passcode is the admin's password
    assert admin is not None and admin[0].role == "admin" and admin[1] == PASSCODE_HASH
    assert "answers" not in {column["name"] for column in inspect(storage.engine).get_columns("submissions")}
    # still writable: a review and a new screening on the upgraded database
    first = storage.get_by_reference(written["references"][0])
    assert first is not None
    assert storage.set_status(first.id, actor="a", status="follow_up", note="after upgrade",
                              expected_row_version=first.row_version).ok
    assert storage.save_submission(idempotency_key="after-upgrade", result=results[0], language="en").id > first.id


def test_v1_0_sqlite_database_upgrades_with_nothing_lost(
    tmp_path: Path, v1_results: list[ScreeningResult]
) -> None:
    _upgraded_v1_keeps_every_row(f"sqlite:///{tmp_path / 'v1.db'}", v1_results)


def test_v1_0_postgresql_database_upgrades_with_nothing_lost(
    postgres_url: str, v1_results: list[ScreeningResult]
) -> None:
    _upgraded_v1_keeps_every_row(postgres_url, v1_results)


def _no_schema_drift(url: str) -> None:
    Storage(url)
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert differences == []


def test_migrations_build_exactly_the_schema_on_sqlite(tmp_path: Path) -> None:
    _no_schema_drift(f"sqlite:///{tmp_path / 'fresh.db'}")


def test_migrations_build_exactly_the_schema_on_postgresql(postgres_url: str) -> None:
    _no_schema_drift(postgres_url)


def test_revisions_form_one_chain_starting_at_1_0() -> None:
    chain = [script.revision for script in migrations._scripts().walk_revisions()][::-1]
    assert chain[:2] == ["0001_v1_0_schema", "0002_storage_1_1"]
    assert chain[-1] == migrations.head_revision()


def test_database_newer_than_the_code_is_refused_with_one_line(database_url: str) -> None:
    Storage(database_url)
    engine = create_engine(database_url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    engine.dispose()
    for migrate in (True, False):
        with pytest.raises(MigrationError) as caught:
            Storage(database_url, migrate=migrate)
        assert "\n" not in str(caught.value)
        assert "'0099_from_the_future', newer than this code" in str(caught.value)
    assert migrations.current_revision(database_url) == "0099_from_the_future"  # untouched


def test_without_migrate_an_old_database_is_refused_not_changed(
    tmp_path: Path, v1_results: list[ScreeningResult]
) -> None:
    url = f"sqlite:///{tmp_path / 'v1.db'}"
    build_v1_0_database(url, v1_results[:1])
    with pytest.raises(MigrationError, match="run make migrate"):
        Storage(url, migrate=False)
    assert migrations.current_revision(url) is None


def test_two_upgrades_are_harmless(database_url: str) -> None:
    assert migrations.upgrade(database_url) == migrations.head_revision()
    assert migrations.upgrade(database_url) == migrations.head_revision()


def test_migrate_command(tmp_path: Path, v1_results: list[ScreeningResult]) -> None:
    url = f"sqlite:///{tmp_path / 'v1.db'}"
    build_v1_0_database(url, v1_results[:2])
    environ = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATABASE_URL": url}
    done = subprocess.run([sys.executable, "-m", "storage", "migrate"], cwd=REPO, env=environ,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == f"migrate: database at revision {migrations.head_revision()} (was none)"
    assert Storage(url, migrate=False).list_submissions(QueueFilter()).total == 2


def test_new_sqlite_file_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "data"
    monkeypatch.setattr("storage.engine.DEFAULT_FOLDER", folder)  # the one folder made
    storage = Storage(f"sqlite:///{folder / 'screening.db'}")
    storage.record_event("check", actor="test")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.iterdir():  # the database and its WAL files
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_world_readable_1_0_file_is_made_private(tmp_path: Path, v1_results: list[ScreeningResult]) -> None:
    path = tmp_path / "v1.db"
    build_v1_0_database(f"sqlite:///{path}", v1_results[:1])
    path.chmod(0o644)
    Storage(f"sqlite:///{path}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def _servers_start_at_once(url: str, servers: int = 4) -> None:
    """Several app servers (processes) starting together on one new database all come up."""
    code = "import sys; from storage import migrations; print(migrations.upgrade(sys.argv[1]))"
    starting = [subprocess.Popen([sys.executable, "-c", code, url], cwd=REPO, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(servers)]
    outcomes = [process.communicate(timeout=120) for process in starting]
    assert [(process.returncode, out.strip()) for process, (out, _) in zip(starting, outcomes, strict=True)] == [
        (0, migrations.head_revision())] * servers, [err for _, err in outcomes]
    assert Storage(url, migrate=False).list_submissions(QueueFilter()).total == 0


def test_threads_upgrading_at_once_wait_for_each_other(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'threads.db'}"
    prepare_sqlite_file(url)
    outcomes: list[object] = []
    threads = [threading.Thread(target=lambda: outcomes.append(migrations.upgrade(url))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == [migrations.head_revision()] * 4


def test_servers_starting_at_once_on_a_new_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    prepare_sqlite_file(url)
    _servers_start_at_once(url)


def test_servers_starting_at_once_on_postgresql(postgres_url: str) -> None:
    _servers_start_at_once(postgres_url)
