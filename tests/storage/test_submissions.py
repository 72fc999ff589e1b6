"""Saving and reading submissions: round trip, exactly-once saves, concurrency, crash safety."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from scoring import ScreeningResult
from storage import QueueFilter, SaveFailed, Storage
from storage.reference import ALPHABET, normalise_reference
from tests.support.engines import SQLITE_ONLY

REPO = Path(__file__).resolve().parents[2]


def test_round_trip(storage: Storage, make_result: Callable[..., ScreeningResult]) -> None:
    result = make_result("sensory", "vasomotor", "sudomotor_edema", language="es", self_harm_thoughts="yes")
    saved = storage.save_submission(idempotency_key="k1", result=result, language="es")
    again = storage.get_submission(saved.id)
    assert again is not None and again.result.to_dict() == result.to_dict()
    assert (again.result.tier, again.result.urgent, again.status, again.language) == (
        "referral_suggested", True, "new", "es")
    assert again.result.answer("pain_location") == ("left_arm",)
    assert again.created_at.tzinfo is not None
    assert storage.get_by_reference(saved.reference.lower().replace("-", " ")) == again


def test_reference_is_readable(storage: Storage, make_result: Callable[..., ScreeningResult]) -> None:
    reference = storage.save_submission(idempotency_key="k", result=make_result(), language="en").reference
    assert len(reference) == 7 and reference[3] == "-"
    assert set(reference.replace("-", "")) <= set(ALPHABET)
    assert normalise_reference(reference.lower().replace("-", "")) == reference


def test_same_key_saves_once(storage: Storage, make_result: Callable[..., ScreeningResult]) -> None:
    first = storage.save_submission(idempotency_key="tap", result=make_result("sensory"), language="en")
    second = storage.save_submission(idempotency_key="tap", result=make_result("sensory"), language="en")
    assert first.id == second.id and first.reference == second.reference
    assert storage.list_submissions(QueueFilter()).total == 1
    assert [e.event for e in storage.list_audit()] == ["submitted"]


def test_many_threads_no_row_lost_or_doubled(storage: Storage, make_result: Callable[..., ScreeningResult]) -> None:
    result = make_result("sensory", "vasomotor")
    errors: list[BaseException] = []

    def tablet(number: int) -> None:
        try:
            for index in range(25):
                key = f"t{number}-{index}"
                storage.save_submission(idempotency_key=key, result=result, language="en")
                if index % 5 == 0:  # a double tap
                    storage.save_submission(idempotency_key=key, result=result, language="en")
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=tablet, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with storage.engine.connect() as connection:
        rows, keys, references = connection.execute(
            text("SELECT count(*), count(DISTINCT idempotency_key), count(DISTINCT reference) FROM submissions")
        ).one()
        submitted = connection.execute(text("SELECT count(*) FROM audit_events WHERE event='submitted'")).scalar()
    assert rows == keys == references == 8 * 25
    assert submitted == 8 * 25


def test_same_key_from_two_threads_at_once(storage: Storage, make_result: Callable[..., ScreeningResult]) -> None:
    result = make_result()
    barrier = threading.Barrier(6)
    saved: list[int] = []

    def tap() -> None:
        barrier.wait()
        saved.append(storage.save_submission(idempotency_key="same", result=result, language="en").id)

    threads = [threading.Thread(target=tap) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(saved)) == 1 and len(saved) == 6


def test_unavailable_database_raises_save_failed_without_answers(
    tmp_path: Path, make_result: Callable[..., ScreeningResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = Storage(f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setattr("storage.submissions.time.sleep", lambda _seconds: None)
    with storage.engine.begin() as connection:
        connection.execute(text("DROP TABLE audit_events"))
        connection.execute(text("CREATE TABLE audit_events (id INTEGER)"))  # every insert now fails
    with pytest.raises(SaveFailed) as caught:
        storage.save_submission(idempotency_key="k", result=make_result("sensory"), language="en")
    assert "\n" not in str(caught.value)
    assert "burning" not in str(caught.value) and "yes" not in str(caught.value)
    assert storage.list_submissions(QueueFilter()).total == 0  # the failed transaction left nothing


CRASHING_WRITER = """
import sys
from scoring import load_questionnaire, score
from storage import Storage
from tests.support.answers import with_categories
storage = Storage(sys.argv[1])
result = score(load_questionnaire("questionnaires/crps.yaml"), with_categories("sensory"))
for number in range(100000):
    storage.save_submission(idempotency_key=f"crash-{number}", result=result, language="en")
    if number == 20:
        print("writing", flush=True)
"""


def test_killed_writer_leaves_database_consistent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    writer = subprocess.Popen([sys.executable, "-c", CRASHING_WRITER, url], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None and writer.stdout.readline().strip() == "writing"
    writer.kill()  # SIGKILL in the middle of a run of writes
    writer.wait()
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        rows = connection.execute(text("SELECT count(*) FROM submissions")).scalar()
        orphans = connection.execute(
            text("SELECT count(*) FROM submissions s WHERE NOT EXISTS "
                 "(SELECT 1 FROM audit_events a WHERE a.submission_id = s.id AND a.event = 'submitted')")
        ).scalar()
    assert rows >= 21 and orphans == 0
    assert Storage(url).list_submissions(QueueFilter()).total == rows  # still readable and writable


@SQLITE_ONLY
def test_sqlite_pragmas(storage: Storage) -> None:
    with storage.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 15000
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
