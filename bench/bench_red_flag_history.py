"""Kept red-flag answers: what reading them back and keeping them costs.

Each figure is paired with a baseline in the same run doing the same work minus what keeping
them adds: the same reads with the kept answers not looked up (`storage.reads.red_flag_histories`
answering nothing), and the same saves with none kept (`_insert_answers` doing nothing).
Database: a SQLite file with 2,000 screenings, one in five urgent with a flag raised and taken
back (two kept answers each).
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

from scoring import load_questionnaire, score
from storage import QueueFilter, Storage
from storage import reads as storage_reads
from storage import submissions as storage_submissions

ROWS, REPEATS = 2_000, 200
NO_FLAGS = {item: "no" for item in ("hand_or_foot_newly_pale", "arm_or_leg_newly_swollen",
                                     "breathless_or_chest_pain", "fever_with_hot_red_limb",
                                     "redness_spreading_fast", "stroke_signs_last_hours", "self_harm_thoughts")}


def _timed(action: Callable[[], object], repeats: int = REPEATS) -> list[float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _line(what: str, ours: list[float], base: list[float]) -> None:
    ours_median, base_median = statistics.median(ours), statistics.median(base)
    ours_p95 = statistics.quantiles(ours, n=20)[-1]
    base_p95 = statistics.quantiles(base, n=20)[-1]
    print(f"{what}: median {ours_median:.2f} ms (p95 {ours_p95:.2f}); baseline median {base_median:.2f} ms "
          f"(p95 {base_p95:.2f}); ratio {ours_median / base_median:.2f}")


def main() -> None:
    questionnaire = load_questionnaire("questionnaires/crps.yaml")
    folder = Path(tempfile.mkdtemp(prefix="bench-history-"))
    storage = Storage(f"sqlite:///{folder / 'history.db'}")
    rng = random.Random(16)
    plain = score(questionnaire, {"pain_present": "no", **NO_FLAGS}, "en", partial=True)
    raised = score(questionnaire, {"pain_present": "no", **NO_FLAGS, "self_harm_thoughts": "yes"}, "en", partial=True)
    start = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)
    urgent_ids = []
    for number in range(ROWS):
        key = f"row-{number}"
        if rng.random() < 0.2:
            storage.save_submission(idempotency_key=key, result=raised, language="en", complete=False,
                                    questionnaire=questionnaire, answered_at={"self_harm_thoughts": start})
            row = storage.save_submission(idempotency_key=key, result=plain, language="en", questionnaire=questionnaire,
                                          answered_at={"self_harm_thoughts": start + timedelta(minutes=2)})
            urgent_ids.append(row.id)
        else:
            storage.save_submission(idempotency_key=key, result=plain, language="en", questionnaire=questionnaire)
    picks = [rng.choice(urgent_ids) for _ in range(REPEATS)]

    def open_one() -> None:
        storage.get_submission(picks[rng.randrange(REPEATS)])

    def urgent_page() -> None:
        storage.list_submissions(QueueFilter(urgent=True), page=1, page_size=25)

    for what, action in (("open one urgent screening", open_one), ("queue page, urgent only, 25 rows", urgent_page)):
        ours = _timed(action)
        with mock.patch.object(storage_reads, "red_flag_histories", lambda connection, ids: {}):
            base = _timed(action)
        _line(what, ours, base)

    counter = iter(range(10**6))

    def raise_then_take_back() -> None:
        key = f"save-{next(counter)}"
        storage.save_submission(idempotency_key=key, result=raised, language="en", complete=False,
                                questionnaire=questionnaire)
        storage.save_submission(idempotency_key=key, result=plain, language="en", questionnaire=questionnaire)

    ours = _timed(raise_then_take_back, 100)
    with mock.patch.object(storage_submissions, "_insert_answers", lambda connection, submission_id, answers: None):
        base = _timed(raise_then_take_back, 100)
    _line("flag raised then taken back (two saves)", ours, base)


if __name__ == "__main__":
    main()
