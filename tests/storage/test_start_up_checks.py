"""Hostile or mistaken databases at start: a damaged SQLite file, a typo in its path, an
engine we do not support and a negative demo count are each one line and exit status 2 (the app
shows staff the same line), and nothing is created or written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from settings import SettingsError, load_settings
from storage import MigrationError, Storage
from storage.engine import DatabaseUnusable
from tests.support.damage import damaged_database

REPO = Path(__file__).resolve().parents[2]


def _storage_command(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"} | env
    return subprocess.run([sys.executable, "-m", "storage", *argv], cwd=REPO, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_a_damaged_sqlite_file_is_refused_in_one_line(tmp_path: Path) -> None:
    url = damaged_database(tmp_path)
    with pytest.raises(DatabaseUnusable) as refused:
        Storage(url)
    message = str(refused.value)
    assert "damaged" in message and "restore it from a backup" in message and "\n" not in message
    assert isinstance(refused.value, MigrationError)  # every start-up check reports it alike


def test_make_migrate_on_a_damaged_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    finished = _storage_command("migrate", "--url", damaged_database(tmp_path))
    assert finished.returncode == 2
    assert len(finished.stderr.strip().splitlines()) == 1 and "damaged" in finished.stderr
    assert "Traceback" not in finished.stderr


def test_the_app_shows_staff_the_one_line_for_a_damaged_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import resources

    monkeypatch.chdir(REPO)
    monkeypatch.setenv("DATABASE_URL", damaged_database(tmp_path))
    streamlit.cache_resource.clear()
    try:
        problem = resources.start_up_problem()
        assert problem is not None and "damaged" in problem and "\n" not in problem
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=30).run()
        assert not at.exception  # no traceback; the patient hears "tell the front desk"
        assert [element.value for element in at.error] == [
            "This check is not available right now. Please tell the front desk."]
    finally:
        streamlit.cache_resource.clear()


def test_a_typo_in_the_sqlite_path_creates_nothing(tmp_path: Path) -> None:
    """A typo'd folder silently became a new, empty database (and its folders)."""
    typo = tmp_path / "dta" / "nested" / "screening.db"
    with pytest.raises(DatabaseUnusable, match="folder of the SQLite file does not exist"):
        Storage(f"sqlite:///{typo}")
    finished = _storage_command("migrate", "--url", f"sqlite:///{typo}")
    assert finished.returncode == 2 and len(finished.stderr.strip().splitlines()) == 1
    assert "does not exist" in finished.stderr
    assert not (tmp_path / "dta").exists()


def test_the_default_data_folder_is_still_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "data"
    monkeypatch.setattr("storage.engine.DEFAULT_FOLDER", folder)
    Storage(f"sqlite:///{folder / 'screening.db'}").record_event("check", actor="test")
    assert (folder / "screening.db").is_file()


@pytest.mark.parametrize("url", ["mysql://clinic:secret@db.example/screening", "mssql+pyodbc://db/screening",
                                 "oracle://db/screening"])
def test_an_unsupported_engine_is_one_line_naming_the_supported_ones(url: str) -> None:
    """A mysql:// URL gave a 30-line traceback (no driver installed)."""
    with pytest.raises(SettingsError) as refused:
        load_settings({"DATABASE_URL": url})
    message = str(refused.value)
    assert "SQLite" in message and "PostgreSQL" in message and "secret" not in message
    with pytest.raises(DatabaseUnusable, match="not supported"):
        Storage(url)
    finished = _storage_command("migrate", DATABASE_URL=url)
    assert finished.returncode == 2 and len(finished.stderr.strip().splitlines()) == 1
    assert "PostgreSQL" in finished.stderr and "secret" not in finished.stderr


@pytest.mark.parametrize("count", ["-5", "0", "many"])
def test_demo_data_refuses_a_count_below_one(tmp_path: Path, count: str) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    finished = _storage_command("demo-data", "--count", count, "--url", url)
    assert finished.returncode == 2
    assert "--count" in finished.stderr and "Traceback" not in finished.stderr
    assert not (tmp_path / "demo.db").exists()
