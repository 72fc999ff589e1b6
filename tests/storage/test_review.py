"""The coordinator's side of storage: filters and paging in SQL, conditional updates, audit,
counts, and the CSV export round-tripping through pandas."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import update

from scoring import Questionnaire, ScreeningResult
from storage import QueueFilter, Storage, Submission
from storage.schema import submissions


def save(
    storage: Storage, result: ScreeningResult, key: str, *, days_ago: int = 0, language: str = "en"
) -> Submission:
    saved = storage.save_submission(idempotency_key=key, result=result, language=language)
    if days_ago:
        moment = datetime.now(UTC) - timedelta(days=days_ago)
        with storage.engine.begin() as connection:
            connection.execute(
                update(submissions)
                .where(submissions.c.id == saved.id)
                .values(created_at=moment, created_day=moment.date())
            )
    found = storage.get_submission(saved.id)
    assert found is not None
    return found


@pytest.fixture
def queue(storage: Storage, make_result: Callable[..., ScreeningResult]) -> dict[str, Submission]:
    return {
        "referral": save(storage, make_result("sensory", "vasomotor", "sudomotor_edema"), "a", days_ago=0),
        "review": save(storage, make_result("sensory", "vasomotor"), "b", days_ago=1),
        "urgent": save(storage, make_result(hand_or_foot_newly_pale="yes"), "c", days_ago=2),
        "none": save(storage, make_result(), "d", days_ago=10, language="es"),
    }


TODAY = datetime.now(UTC).date()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param(QueueFilter(), ["referral", "review", "urgent", "none"], id="all-newest-first"),
        pytest.param(QueueFilter(tier="clinician_review"), ["review"], id="tier"),
        pytest.param(QueueFilter(urgent=True), ["urgent"], id="urgent"),
        pytest.param(QueueFilter(urgent=False), ["referral", "review", "none"], id="not-urgent"),
        pytest.param(QueueFilter(status="new"), ["referral", "review", "urgent", "none"], id="status"),
        pytest.param(QueueFilter(status="referred"), [], id="status-none"),
        pytest.param(QueueFilter(date_from=TODAY - timedelta(days=1)), ["referral", "review"], id="date-from"),
        pytest.param(QueueFilter(date_to=TODAY - timedelta(days=2)), ["urgent", "none"], id="date-to"),
        pytest.param(
            QueueFilter(date_from=TODAY - timedelta(days=2), date_to=TODAY - timedelta(days=1), urgent=False),
            ["review"], id="range-and-urgent",
        ),
    ],
)
def test_filters(storage: Storage, queue: dict[str, Submission], query: QueueFilter, expected: list[str]) -> None:
    page = storage.list_submissions(query)
    assert [row.id for row in page.rows] == [queue[name].id for name in expected]
    assert page.total == len(expected)


def test_search_by_reference(storage: Storage, queue: dict[str, Submission]) -> None:
    reference = queue["urgent"].reference
    found = storage.list_submissions(QueueFilter(reference=reference.lower())).rows
    assert [row.id for row in found] == [queue["urgent"].id]
    assert storage.list_submissions(QueueFilter(reference="%")).total == 0  # LIKE wildcards are escaped


def test_paging(storage: Storage, make_result: Callable[..., ScreeningResult]) -> None:
    result = make_result()
    for number in range(23):
        storage.save_submission(idempotency_key=f"p{number}", result=result, language="en")
    pages = [storage.list_submissions(QueueFilter(), page=n, page_size=10) for n in (1, 2, 3, 4)]
    assert [len(p.rows) for p in pages] == [10, 10, 3, 0]
    assert {p.total for p in pages} == {23}
    ids = [row.id for p in pages for row in p.rows]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 23


def test_open_urgent_and_acknowledge(storage: Storage, queue: dict[str, Submission]) -> None:
    urgent = queue["urgent"]
    assert [s.id for s in storage.open_urgent().rows] == [urgent.id]
    first = storage.acknowledge(urgent.id, actor="coordinator-a")
    second = storage.acknowledge(urgent.id, actor="coordinator-b")
    assert first.ok and not second.ok and "coordinator-a" in second.message
    assert storage.open_urgent().rows == [] and storage.open_urgent().total == 0
    assert first.submission is not None and first.submission.acknowledged_by == "coordinator-a"


def test_set_status_conflict(storage: Storage, queue: dict[str, Submission]) -> None:
    row = queue["review"]
    ok = storage.set_status(row.id, actor="a", status="referred", note="sent", expected_row_version=row.row_version)
    stale = storage.set_status(row.id, actor="b", status="reviewed", note=None, expected_row_version=row.row_version)
    assert ok.ok and not stale.ok
    assert stale.submission is not None and stale.submission.status == "referred" and stale.submission.note == "sent"
    with pytest.raises(ValueError, match="unknown status"):
        storage.set_status(row.id, actor="a", status="cured", note=None, expected_row_version=2)


def test_two_concurrent_writers_exactly_one_wins(storage: Storage, queue: dict[str, Submission]) -> None:
    row = queue["referral"]
    barrier = threading.Barrier(2)
    outcomes = []

    def act(actor: str, status: str) -> None:
        barrier.wait()
        outcomes.append(storage.set_status(row.id, actor=actor, status=status, note=actor,
                                           expected_row_version=row.row_version))

    threads = [
        threading.Thread(target=act, args=("a", "referred")),
        threading.Thread(target=act, args=("b", "follow_up")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o.ok for o in outcomes) == [False, True]
    winner = next(o for o in outcomes if o.ok)
    final = storage.get_submission(row.id)
    assert final is not None and winner.submission is not None
    assert (final.status, final.note) == (winner.submission.status, winner.submission.note)
    assert final.row_version == row.row_version + 1


def test_audit_rows(storage: Storage, queue: dict[str, Submission]) -> None:
    urgent = queue["urgent"]
    storage.acknowledge(urgent.id, actor="c1")
    current = storage.get_submission(urgent.id)
    assert current is not None
    storage.set_status(urgent.id, actor="c1", status="follow_up", note=None, expected_row_version=current.row_version)
    storage.record_event("viewed", actor="c1", submission_id=urgent.id)
    events = storage.list_audit(limit=3)
    assert [(e.event, e.actor, e.submission_id) for e in events] == [
        ("viewed", "c1", urgent.id), ("status_changed", "c1", urgent.id), ("acknowledged", "c1", urgent.id),
    ]
    assert events[1].detail == "status new -> follow_up"
    assert storage.count_audit() == 4 + 3


def test_counts_for_today_and_daily(storage: Storage, queue: dict[str, Submission]) -> None:
    today = storage.counts_for_day(TODAY)
    assert today == {"tier": {"referral_suggested": 1}, "status": {"new": 1}}
    daily = storage.daily_counts(TODAY - timedelta(days=3))
    assert sorted(daily) == sorted([
        (TODAY, "referral_suggested", 1),
        (TODAY - timedelta(days=1), "clinician_review", 1),
        (TODAY - timedelta(days=2), "no_referral_suggested", 1),
    ])
    assert all(isinstance(day, date) for day, _, _ in daily)


def test_export_round_trips_through_pandas(
    storage: Storage, queue: dict[str, Submission], questionnaire: Questionnaire
) -> None:
    row = queue["none"]
    storage.set_status(row.id, actor="a", status="follow_up", note="=HYPERLINK(\"x\") señora ≥ 3",
                       expected_row_version=row.row_version)
    out = io.StringIO()
    item_ids = [item.id for item in questionnaire.items]
    written = storage.export_csv(QueueFilter(), out, item_ids=item_ids, chunk_size=2)  # several chunks
    assert out.getvalue().startswith("\ufeff")
    frame = pd.read_csv(io.StringIO(out.getvalue()), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert written == len(frame) == 4
    assert list(frame.columns[:3]) == ["reference", "submitted_at", "language"]
    exported = frame.set_index("reference").loc[row.reference]
    assert exported["note"] == "'=HYPERLINK(\"x\") señora ≥ 3"  # formula made inert, accents intact
    assert exported["status"] == "follow_up" and exported["language"] == "es"
    assert exported["pain_location"] == "left_arm" and exported["pain_intensity"] == "6"
    urgent = frame.set_index("reference").loc[queue["urgent"].reference]
    assert urgent["urgent"] == "True" and urgent["red_flags"] == "hand_or_foot_newly_pale"
    assert "Urgent: hand or foot suddenly pale" in urgent["reasons"]
    assert frame.set_index("reference").loc[queue["referral"].reference, "categories_met"] == (
        "sensory;vasomotor;sudomotor_edema"
    )


def test_export_of_nothing_has_a_header(storage: Storage, questionnaire: Questionnaire) -> None:
    out = io.StringIO()
    assert storage.export_csv(QueueFilter(), out, item_ids=["pain_present"]) == 0
    assert out.getvalue().lstrip("\ufeff").startswith("reference,submitted_at")
