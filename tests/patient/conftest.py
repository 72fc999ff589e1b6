"""AppTest fixtures: the whole app (app.py) on its own temporary SQLite file per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from scoring import Questionnaire
from storage import QueueFilter, Storage, Submission
from tests.support.kiosk import Kiosk, Saved

REPO = Path(__file__).resolve().parents[2]
KIOSK_SETTINGS = ("IDLE_TIMEOUT_SECONDS", "IDLE_WARNING_SECONDS", "SHOW_OUTCOME_TO_PATIENT", "KIOSK_STAFF_CODE",
                  "AUTO_MIGRATE", "READ_ALOUD")


@pytest.fixture
def database_url(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The app's database for this test, on SQLite only (the storage tests cover both engines);
    the app's cached engine is dropped before and after."""
    url = sqlite_url
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(REPO)
    for name in KIOSK_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TAP_GUARD_SECONDS", "0")  # AppTest taps far faster than a person can
    monkeypatch.setenv("SPEECH_CACHE_DIR", str(tmp_path / "speech"))  # read-aloud audio stays in the test's folder
    streamlit.cache_resource.clear()
    yield url
    streamlit.cache_resource.clear()


@pytest.fixture
def kiosk(database_url: str, questionnaire: Questionnaire) -> Kiosk:
    """The app as the tablet shows it, on the welcome screen."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=20)
    at.run()
    assert not at.exception, at.exception
    return Kiosk(at, questionnaire)


@pytest.fixture
def saved(database_url: str) -> Iterator[Saved]:
    """`saved()` → every submission in this test's database, newest first."""
    storage = Storage(database_url)

    def rows() -> list[Submission]:
        return list(storage.list_submissions(QueueFilter(), page_size=100).rows)

    yield rows
