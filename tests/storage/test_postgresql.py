"""The same storage code on PostgreSQL: a throwaway cluster in a temp folder (tests.support.postgres_cluster),
a fresh database per test (`postgres_url` in conftest)."""

from __future__ import annotations

from collections.abc import Callable

from scoring import ScreeningResult
from storage import QueueFilter, Storage


def test_round_trip_and_conditional_update_on_postgresql(
    postgres_url: str, make_result: Callable[..., ScreeningResult]
) -> None:
    storage = Storage(postgres_url)
    result = make_result("sensory", "vasomotor", "sudomotor_edema", language="es", self_harm_thoughts="yes")
    saved = storage.save_submission(idempotency_key="pg-1", result=result, language="es")
    assert storage.save_submission(idempotency_key="pg-1", result=result, language="es").id == saved.id
    again = storage.get_by_reference(saved.reference)
    assert again is not None and again.result.to_dict() == result.to_dict() and again.created_at.tzinfo is not None
    assert storage.list_submissions(QueueFilter(urgent=True, tier="referral_suggested")).total == 1
    first = storage.set_status(saved.id, actor="a", status="referred", note=None, expected_row_version=1)
    stale = storage.set_status(saved.id, actor="b", status="reviewed", note=None, expected_row_version=1)
    assert first.ok and not stale.ok
    assert storage.daily_counts(saved.created_at.date())[0][1:] == ("referral_suggested", 1)
    assert storage.counts_for_day(saved.created_at.date())["status"] == {"referred": 1}
