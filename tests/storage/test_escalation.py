"""Storage for red-flag escalation: a screening saved at the red flag, completed later
in the same row; urgent never lowered; the tablet's open urgent; every open urgent listed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from scoring import ScreeningResult
from storage import InvalidInput, QueueFilter, Storage
from storage.schema import submissions

Make = Callable[..., ScreeningResult]


def test_incomplete_save_then_completion_is_one_row(storage: Storage, make_result: Make) -> None:
    at_flag = make_result("sensory", arm_or_leg_newly_swollen="yes")
    first = storage.save_submission(idempotency_key="k", result=at_flag, language="en", complete=False,
                                    tablet="front-1", red_flag_level="same_day")
    assert (first.complete, first.result.urgent, first.tablet, first.result.red_flag_level) == (
        False, True, "front-1", "same_day")
    finished = make_result("sensory", "vasomotor", arm_or_leg_newly_swollen="yes")
    done = storage.save_submission(idempotency_key="k", result=finished, language="en", complete=True,
                                   tablet="front-1", red_flag_level="same_day")
    assert done.id == first.id and done.reference == first.reference
    assert done.complete and done.result.to_dict() == finished.to_dict() and done.result.tier == finished.tier
    assert done.row_version == first.row_version + 1 and done.updated_at >= first.updated_at
    assert storage.list_submissions(QueueFilter()).total == 1
    events = [(event.event, event.submission_id) for event in storage.list_audit()][::-1]
    assert events == [("saved-incomplete", first.id), ("completed", first.id)]
    again = storage.save_submission(idempotency_key="k", result=make_result(), language="en")
    assert again == done  # a repeat after completion changes nothing


def test_a_red_flag_once_raised_stays(storage: Storage, make_result: Make) -> None:
    stroke = make_result(stroke_signs_last_hours="yes")
    storage.save_submission(idempotency_key="k", result=stroke, language="en", complete=False,
                            red_flag_level="emergency")
    changed_mind = make_result()  # the patient went back and answered "no"
    assert not changed_mind.urgent
    later = storage.save_submission(idempotency_key="k", result=changed_mind, language="en", complete=False,
                                    red_flag_level="talk_now")
    done = storage.save_submission(idempotency_key="k", result=changed_mind, language="en")
    for saved in (later, done):
        assert saved.result.urgent is True and saved.result.red_flag_level == "emergency"
    assert [s.id for s in storage.open_urgent().rows] == [done.id]


def test_bad_tablet_or_level_is_refused_before_the_database(storage: Storage, make_result: Make) -> None:
    for tablet in ("Front-1", "front 1", "", "x" * 33, "front-1\n", "../etc"):
        with pytest.raises(InvalidInput, match="tablet name"):
            storage.save_submission(idempotency_key=f"t{tablet}", result=make_result(), language="en", tablet=tablet)
    with pytest.raises(InvalidInput, match="red-flag level"):
        storage.save_submission(idempotency_key="lvl", result=make_result(), language="en", red_flag_level="soon")
    assert storage.list_submissions(QueueFilter()).total == 0


def _race(storage: Storage, make_result: Make, threads: int = 16) -> None:
    """Taps at once: odd ones save an incomplete urgent (self-harm), even ones the finished
    screening. One row; completed exactly once; urgent iff a red-flag save landed before."""
    urgent, plain = make_result(self_harm_thoughts="yes"), make_result("sensory")
    barrier = threading.Barrier(threads)
    failures: list[BaseException] = []

    def tap(number: int) -> None:
        try:
            barrier.wait()
            if number % 2:
                storage.save_submission(idempotency_key="race", result=urgent, language="en", complete=False,
                                        tablet="front-2", red_flag_level="talk_now")
            else:
                storage.save_submission(idempotency_key="race", result=plain, language="en", tablet="front-2")
        except BaseException as exc:  # collected, re-raised in the test
            failures.append(exc)

    workers = [threading.Thread(target=tap, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []
    rows = storage.list_submissions(QueueFilter()).rows
    assert len(rows) == 1 and rows[0].complete
    assert (rows[0].result.answers, rows[0].result.tier) == (plain.answers, plain.tier)
    events = sorted((e for e in storage.list_audit() if e.submission_id == rows[0].id), key=lambda e: e.id)
    assert [e.event for e in events].count("submitted") + [e.event for e in events].count("completed") == 1
    assert events[-1].event in ("submitted", "completed")  # nothing changed it after completion
    raised = any(e.event == "saved-incomplete" for e in events)
    assert rows[0].result.urgent == raised and (rows[0].result.red_flag_level == "talk_now") == raised
    assert rows[0].result.red_flags == (("self_harm_thoughts",) if raised else ())  # kept, though answered no
    assert rows[0].row_version == len(events)  # every write was one audited step


def test_exactly_once_under_concurrency_sqlite(storage: Storage, make_result: Make) -> None:
    _race(storage, make_result)


def test_exactly_once_under_concurrency_postgresql(postgres_url: str, make_result: Make) -> None:
    _race(Storage(postgres_url), make_result)


def test_open_urgent_for_tablet_until_cleared_or_acknowledged(storage: Storage, make_result: Make) -> None:
    urgent = make_result(hand_or_foot_newly_pale="yes")
    assert storage.open_urgent_for_tablet("front-1") is None
    storage.save_submission(idempotency_key="calm", result=make_result(), language="en", tablet="front-1")
    assert storage.open_urgent_for_tablet("front-1") is None
    first = storage.save_submission(idempotency_key="a", result=urgent, language="es", complete=False,
                                    tablet="front-1", red_flag_level="emergency")
    found = storage.open_urgent_for_tablet("front-1")
    assert found is not None and found.id == first.id
    assert storage.open_urgent_for_tablet("front-2") is None
    cleared = storage.clear_on_tablet(first.id, actor="nurse (kiosk code)")
    assert cleared.ok and cleared.submission is not None and cleared.submission.tablet_cleared_at is not None
    assert not storage.clear_on_tablet(first.id, actor="someone else").ok
    assert storage.open_urgent_for_tablet("front-1") is None
    assert [s.id for s in storage.open_urgent().rows] == [first.id]  # still open in the queue
    second = storage.save_submission(idempotency_key="b", result=urgent, language="en", tablet="front-1")
    assert storage.open_urgent_for_tablet("front-1").id == second.id  # type: ignore[union-attr]
    storage.acknowledge(second.id, actor="coordinator")
    assert storage.open_urgent_for_tablet("front-1") is None
    with pytest.raises(InvalidInput):
        storage.open_urgent_for_tablet("FRONT 1")


def test_every_open_urgent_is_listed_oldest_first_with_the_exact_total(storage: Storage, make_result: Make) -> None:
    urgent = make_result(fever_with_hot_red_limb="yes")
    start = datetime.now(UTC) - timedelta(days=3)
    ids = []
    for number in range(60):
        saved = storage.save_submission(idempotency_key=f"u{number}", result=urgent, language="en")
        with storage.engine.begin() as connection:  # spread over three days, out of insert order
            at = start + timedelta(minutes=(number * 37) % 60 * 70)
            connection.execute(update(submissions).where(submissions.c.id == saved.id)
                               .values(created_at=at, created_day=at.date()))
        ids.append(saved.id)
    storage.save_submission(idempotency_key="calm", result=make_result(), language="en")
    pages = [storage.open_urgent(page=n, page_size=25) for n in (1, 2, 3)]
    assert {p.total for p in pages} == {60}
    assert [len(p.rows) for p in pages] == [25, 25, 10]
    listed = [row for p in pages for row in p.rows]
    assert sorted(row.id for row in listed) == sorted(ids)
    assert [row.created_at for row in listed] == sorted(row.created_at for row in listed)
    assert listed[0].minutes_waiting() >= 3 * 24 * 60 - 1


def test_minutes_waiting_stops_at_acknowledgement(storage: Storage, make_result: Make) -> None:
    saved = storage.save_submission(idempotency_key="m", result=make_result(stroke_signs_last_hours="yes"),
                                    language="en")
    assert saved.minutes_waiting(saved.created_at + timedelta(minutes=7, seconds=59)) == 7
    acknowledged = storage.acknowledge(saved.id, actor="c").submission
    assert acknowledged is not None
    assert acknowledged.minutes_waiting(saved.created_at + timedelta(hours=5)) == 0


def test_patient_identifier_is_validated_and_audited_without_its_value(storage: Storage, make_result: Make) -> None:
    saved = storage.save_submission(idempotency_key="p", result=make_result(), language="en")
    outcome = storage.set_patient_identifier(saved.id, "  MRN-0042917 ", actor="coordinator")
    assert outcome.ok and outcome.submission is not None and outcome.submission.patient_identifier == "MRN-0042917"
    assert "0042917" not in storage.list_audit()[0].detail
    for bad in ("x" * 65, "MRN\x00", "MRN\n42"):
        with pytest.raises(InvalidInput, match="chart number"):
            storage.set_patient_identifier(saved.id, bad, actor="coordinator")
    assert storage.get_submission(saved.id).patient_identifier == "MRN-0042917"  # type: ignore[union-attr]
    assert storage.set_patient_identifier(saved.id, "", actor="coordinator").submission.patient_identifier is None  # type: ignore[union-attr]
    assert not storage.set_patient_identifier(9999, "MRN-1", actor="coordinator").ok
