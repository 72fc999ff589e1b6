"""Retention: `python -m storage purge` removes screenings older than the period
with every row that references them (found from the foreign keys, including tables this code
does not know), never an open urgent; dry run and real run agree; one audit event, the count
only; refused without a dry run today, or for a period shorter than RETENTION_PERIOD."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, text, update

from scoring import ScreeningResult
from storage import QueueFilter, Storage
from storage.retention import PREVIEWED_EVENT, PURGED_EVENT, cutoff_for, plan, purge
from storage.schema import alert_deliveries, audit_events, submissions

REPO = Path(__file__).resolve().parents[2]
OLD = datetime.now(UTC) - timedelta(days=8 * 365)


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """The clinic's own tables here are made in SQLite's shape, so these tests run on SQLite only
    (test_purge_on_postgresql is PostgreSQL's)."""
    return sqlite_url


def run_storage(url: str, *args: str, period: str = "7y") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "storage", *args], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "DATABASE_URL": url, "RETENTION_PERIOD": period}, timeout=120)


def _with_other_helpers_tables(storage: Storage) -> None:
    """Tables the schema does not know (a clinic's own, or a later version's) and one hanging off
    those: the purge must find them from their foreign keys, as it finds clinic_callbacks and
    clinic_letters."""
    with storage.engine.begin() as connection:
        connection.execute(text(
            "CREATE TABLE clinic_callbacks (id INTEGER PRIMARY KEY, "
            "submission_id INTEGER NOT NULL REFERENCES submissions(id), level VARCHAR(20))"))
        connection.execute(text(
            "CREATE TABLE clinic_letters (id INTEGER PRIMARY KEY, "
            "submission_id INTEGER NOT NULL REFERENCES submissions(id), findings TEXT)"))
        connection.execute(text(
            "CREATE TABLE clinic_letter_pages (id INTEGER PRIMARY KEY, "
            "letter_id INTEGER NOT NULL REFERENCES clinic_letters(id), sign VARCHAR(40))"))


@pytest.fixture
def clinic(storage: Storage, make_result: Callable[..., ScreeningResult]) -> dict[str, int]:
    """Old screenings (reviewed, alerted, examined), one old open urgent, one old acknowledged
    urgent, and recent ones."""
    _with_other_helpers_tables(storage)
    ids: dict[str, int] = {}
    for name, result in [("old-plain", make_result()), ("old-reviewed", make_result("sensory")),
                         ("old-open-urgent", make_result(stroke_signs_last_hours="yes")),
                         ("old-acknowledged-urgent", make_result(stroke_signs_last_hours="yes")),
                         ("recent", make_result("sensory")),
                         ("recent-urgent", make_result(stroke_signs_last_hours="yes"))]:
        ids[name] = storage.save_submission(idempotency_key=name, result=result, language="en").id
    reviewed = storage.get_submission(ids["old-reviewed"])
    assert reviewed is not None
    storage.set_status(reviewed.id, actor="ada", status="reviewed", note="phoned back", expected_row_version=1)
    storage.acknowledge(ids["old-acknowledged-urgent"], actor="ada")
    with storage.engine.begin() as connection:
        for name in ("old-plain", "old-reviewed", "old-open-urgent", "old-acknowledged-urgent"):
            connection.execute(update(submissions).where(submissions.c.id == ids[name])
                               .values(created_at=OLD, created_day=OLD.date()))
        for name in ("old-acknowledged-urgent", "recent-urgent"):
            connection.execute(insert(alert_deliveries).values(
                submission_id=ids[name], channel="webhook", status="delivered", created_at=OLD, next_attempt_at=OLD))
        connection.execute(text("INSERT INTO clinic_callbacks (submission_id, level) VALUES (:a, 'same_day'), "
                                "(:b, 'emergency')"), {"a": ids["old-acknowledged-urgent"], "b": ids["recent"]})
        connection.execute(text("INSERT INTO clinic_letters (id, submission_id, findings) VALUES (1, :a, 'x'), "
                                "(2, :b, 'y')"), {"a": ids["old-reviewed"], "b": ids["recent"]})
        connection.execute(text("INSERT INTO clinic_letter_pages (letter_id, sign) VALUES (1, 's'), (1, 't'), "
                                "(2, 'u')"))
    return ids


def _count(storage: Storage, table: str) -> int:
    with storage.engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_dry_run_and_real_run_agree_and_leave_one_event(storage: Storage, clinic: dict[str, int]) -> None:
    cutoff = cutoff_for("7y")
    before_audit = {(row.id, row.event, row.at) for row in storage.list_audit(limit=1000)}
    would = plan(storage.engine, cutoff)
    assert _count(storage, "submissions") == 6  # the dry run changed nothing
    assert would.rows == {"submissions": 3, "alert_deliveries": 1, "audit_events": 5, "clinic_callbacks": 1,
                          "clinic_letters": 1, "clinic_letter_pages": 2,
                          # the schema's own: the old acknowledged urgent's kept red-flag answer
                          "red_flag_events": 1, "examinations": 0, "examination_red_flags": 0}
    assert would.open_urgent_kept == 1  # audit: 3 saved, 1 reviewed, 1 acknowledged
    done = purge(storage.engine, cutoff, "7y")
    assert done.rows == would.rows and done.open_urgent_kept == 1
    left = {saved.reference for saved in storage.list_submissions(QueueFilter()).rows}
    kept = {storage.get_submission(clinic[name]).reference  # type: ignore[union-attr]
            for name in ("old-open-urgent", "recent", "recent-urgent")}
    assert left == kept  # the open urgent stays however old it is
    assert (_count(storage, "clinic_callbacks"), _count(storage, "clinic_letters"),
            _count(storage, "clinic_letter_pages"), _count(storage, "alert_deliveries")) == (1, 1, 1, 1)
    events = [event for event in storage.list_audit(limit=1000)
              if (event.id, event.event, event.at) not in before_audit]
    assert [event.event for event in events] == [PURGED_EVENT]
    assert events[0].submission_id is None
    assert "3 screenings" in events[0].detail and "1 open urgent kept" in events[0].detail
    assert "phoned back" not in events[0].detail and "tier" not in events[0].detail  # the count, not the content
    assert purge(storage.engine, cutoff, "7y").screenings == 0  # nothing more to do
    with storage.engine.connect() as connection:  # the pooled connection checks foreign keys again
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []


def test_command_refuses_without_a_dry_run_today_then_agrees_with_it(
    storage: Storage, clinic: dict[str, int]
) -> None:
    refused = run_storage(storage.url, "purge", "--older-than", "7y")
    assert refused.returncode == 2 and "--dry-run first" in refused.stderr
    assert _count(storage, "submissions") == 6
    dry = run_storage(storage.url, "purge", "--older-than", "7y", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert _count(storage, "submissions") == 6
    other_period = run_storage(storage.url, "purge", "--older-than", "8y")  # a dry run of 7y is not one of 8y
    assert other_period.returncode == 2
    real = run_storage(storage.url, "purge", "--older-than", "7y")
    assert real.returncode == 0, real.stderr
    assert dry.stderr.split("would remove ", 1)[1] == real.stderr.split("removed ", 1)[1]
    assert _count(storage, "submissions") == 3
    with storage.engine.connect() as connection:
        assert connection.execute(select(func.count()).where(audit_events.c.event == PURGED_EVENT)).scalar_one() == 1
        assert connection.execute(
            select(func.count()).where(audit_events.c.event == PREVIEWED_EVENT)).scalar_one() == 1


def test_yes_skips_the_dry_run(storage: Storage, clinic: dict[str, int]) -> None:
    ran = run_storage(storage.url, "purge", "--yes")  # the default period: RETENTION_PERIOD
    assert ran.returncode == 0, ran.stderr
    assert _count(storage, "submissions") == 3


@pytest.mark.parametrize("period", ["7d", "30d", "6y", "83m"])
def test_a_period_shorter_than_the_clinics_is_refused(storage: Storage, clinic: dict[str, int], period: str) -> None:
    ran = run_storage(storage.url, "purge", "--older-than", period, "--yes")
    assert ran.returncode == 2 and "shorter than the clinic's RETENTION_PERIOD" in ran.stderr
    assert _count(storage, "submissions") == 6


def test_a_retention_period_under_a_year_is_a_settings_error(storage: Storage) -> None:
    ran = run_storage(storage.url, "purge", "--dry-run", period="30d")
    assert ran.returncode == 2 and "RETENTION_PERIOD" in ran.stderr and "shorter than a year" in ran.stderr


@pytest.mark.parametrize(("period", "today", "expected"), [
    ("7y", date(2026, 12, 5), date(2019, 12, 5)),
    ("7y", date(2028, 2, 29), date(2021, 2, 28)),
    ("84m", date(2026, 12, 5), date(2019, 12, 5)),
    ("13m", date(2026, 3, 31), date(2025, 2, 28)),
    ("2557d", date(2026, 12, 5), date(2019, 12, 5)),
])
def test_cutoff_is_midnight_utc_of_the_day_a_period_ago(period: str, today: date, expected: date) -> None:
    moment = datetime(today.year, today.month, today.day, 15, 30, tzinfo=UTC)
    assert cutoff_for(period, moment) == datetime(expected.year, expected.month, expected.day, tzinfo=UTC)


def test_purge_on_postgresql(postgres_url: str, make_result: Callable[..., ScreeningResult]) -> None:
    storage = Storage(postgres_url)
    with storage.engine.begin() as connection:
        connection.execute(text("CREATE TABLE clinic_letters (id SERIAL PRIMARY KEY, "
                                "submission_id INTEGER NOT NULL REFERENCES submissions(id))"))
    ids = [storage.save_submission(idempotency_key=f"p{n}",
                                   result=make_result(stroke_signs_last_hours="yes" if n == 0 else "no"),
                                   language="en").id for n in range(4)]
    with storage.engine.begin() as connection:
        connection.execute(update(submissions).where(submissions.c.id.in_(ids[:3])).values(created_at=OLD))
        connection.execute(text("INSERT INTO clinic_letters (submission_id) VALUES (:a), (:b)"),
                           {"a": ids[1], "b": ids[3]})
    would = plan(storage.engine, cutoff_for("7y"))
    done = purge(storage.engine, cutoff_for("7y"), "7y")
    assert would.rows == done.rows and done.screenings == 2 and done.rows["clinic_letters"] == 1
    assert done.open_urgent_kept == 1
    assert storage.get_submission(ids[0]) is not None and storage.get_submission(ids[3]) is not None
