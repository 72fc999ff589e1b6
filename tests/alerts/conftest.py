"""Alert tests: urgent screenings, a real HTTP and SMTP receiver, and workers stopped at the end.
The database is tests/conftest.py's `storage`, so each test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from alerts import AlertConfig, AlertWorker, RetryPolicy, build_channels
from scoring import Questionnaire, ScreeningResult, score
from storage import Storage, Submission
from tests.support.answers import with_categories
from tests.support.receivers import MailReceiver, WebhookReceiver

FAST_RETRY = RetryPolicy(first_delay_seconds=0.05, max_delay_seconds=0.2)


@pytest.fixture
def urgent_result(questionnaire: Questionnaire) -> ScreeningResult:
    result = score(questionnaire, with_categories("sensory", "vasomotor", stroke_signs_last_hours="yes"), "en")
    assert result.urgent
    return result


@pytest.fixture
def save_urgent(storage: Storage, urgent_result: ScreeningResult) -> Callable[[str], Submission]:
    def save(key: str) -> Submission:
        return storage.save_submission(idempotency_key=key, result=urgent_result, language="en")

    return save


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def mail() -> Iterator[MailReceiver]:
    receiver = MailReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def make_worker() -> Iterator[Callable[..., AlertWorker]]:
    """`make_worker(storage, config, **options)`; every worker made is stopped at the end."""
    made: list[AlertWorker] = []

    def make(storage: Storage, config: AlertConfig, **options: object) -> AlertWorker:
        options.setdefault("retry", FAST_RETRY)
        options.setdefault("poll_seconds", 0.05)
        worker = AlertWorker(storage, build_channels(config), config, **options)  # type: ignore[arg-type]
        made.append(worker)
        return worker

    yield make
    for worker in made:
        worker.stop()
