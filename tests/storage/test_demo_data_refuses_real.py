"""`make demo-data` never mixes made-up rows into a clinic's real list (hazard
H58): it refuses a database that holds real screenings unless forced, in one line, adding nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from scoring import load_questionnaire, score
from storage import Storage
from storage.schema import submissions
from tests.support.answers import DEFAULT_QUESTIONNAIRE, with_categories

REPO = Path(__file__).resolve().parents[2]


def demo_data(url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "storage", "demo-data", "--count", "5", *extra], cwd=REPO,
                          env=environ, capture_output=True, text=True, timeout=120)


def rows(storage: Storage) -> int:
    with storage.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(submissions)).scalar_one())


def test_refuses_a_database_with_real_screenings_unless_forced(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    storage = Storage(url)
    result = score(load_questionnaire(DEFAULT_QUESTIONNAIRE), with_categories("sensory"), "en")
    storage.save_submission(idempotency_key="real-patient", result=result, language="en", tablet="front-1")

    refused = demo_data(url)
    assert refused.returncode == 2
    [line] = refused.stderr.strip().splitlines()
    assert "holds real screenings" in line and "--force" in line
    assert rows(storage) == 1  # nothing added

    forced = demo_data(url, "--force")
    assert forced.returncode == 0, forced.stderr
    assert rows(storage) == 6


def test_an_empty_or_demo_only_database_is_filled_without_force(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert demo_data(url).returncode == 0
    again = demo_data(url)  # a second run beside its own demo rows
    assert again.returncode == 0, again.stderr
    assert rows(Storage(url)) == 10
