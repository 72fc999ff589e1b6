"""Retries with back-off, a receiver down then back (delivered once), two workers on one
database (each alert once), history never blasted, and failure visible to staff."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest

import alerts.status
from alerts import AlertConfig, AlertWorker, RetryPolicy, channel_status
from scoring import ScreeningResult
from storage import Storage, Submission, deliveries, delivery_status
from tests.support.receivers import WebhookReceiver, free_port, wait_for


def events(storage: Storage, name: str) -> list[str]:
    return [event.detail for event in reversed(storage.list_audit(limit=1000)) if event.event == name]


def test_receiver_down_then_back_gets_the_alert_once_and_staff_see_the_failure_meanwhile(
    storage: Storage, save_urgent: Callable[[str], Submission], make_worker: Callable[..., AlertWorker],
) -> None:
    receiver = WebhookReceiver(port=free_port())  # not started: the chat tool is down
    config = AlertConfig(webhook_url=receiver.url)
    worker = make_worker(storage, config, retry=RetryPolicy(first_delay_seconds=0.05, max_delay_seconds=0.1))
    worker.start()
    wait_for(lambda: delivery_status.enabled_channels(storage) == ("webhook",))
    submission = save_urgent("tablet-key")

    wait_for(lambda: len(events(storage, "alert_failed")) >= 3)
    [status] = channel_status(storage, config)
    assert status.failing and status.channel == "webhook"
    assert "cannot reach the webhook" in status.line and status.undelivered == 1
    assert events(storage, "alert_failed")[0].startswith("webhook attempt 1 failed: cannot reach the webhook")

    receiver.start()  # back up
    try:
        wait_for(lambda: delivery_status.deliveries_for(storage, submission.id) == {"webhook emergency": "delivered"})
        attempts_when_delivered = len(events(storage, "alert_failed")) + 1
        polls = threading.Event()
        for _ in range(10):  # ten more polls: nothing more is sent
            polls.wait(0.05)
        worker.stop()
        assert len(receiver.requests) == 1
        assert json.loads(receiver.bodies()[0])["reference"] == submission.reference
        assert events(storage, "alert_sent") == [f"webhook attempt {attempts_when_delivered}: delivered"]
        [status] = channel_status(storage, config)
        assert not status.failing and status.line == "Webhook alerts working."
    finally:
        receiver.stop()


def test_backoff_doubles_up_to_the_cap() -> None:
    policy = RetryPolicy(first_delay_seconds=2, max_delay_seconds=60)
    assert [policy.delay(n) for n in range(1, 8)] == [2, 4, 8, 16, 32, 60, 60]


def test_two_workers_on_one_database_deliver_each_alert_exactly_once(
    database_url: str, urgent_result: ScreeningResult, webhook: WebhookReceiver,
    make_worker: Callable[..., AlertWorker],
) -> None:
    config = AlertConfig(webhook_url=webhook.url)
    first, second = Storage(database_url), Storage(database_url)  # two app servers, one database
    workers = [make_worker(first, config, poll_seconds=0.01), make_worker(second, config, poll_seconds=0.01)]
    for worker in workers:
        worker.start()
    wait_for(lambda: delivery_status.enabled_channels(first) == ("webhook",))

    def tablet(number: int) -> None:
        for n in range(3):
            (first if number % 2 else second).save_submission(
                idempotency_key=f"tablet-{number}-{n}", result=urgent_result, language="en"
            )

    tablets = [threading.Thread(target=tablet, args=(number,)) for number in range(8)]
    for thread in tablets:
        thread.start()
    for thread in tablets:
        thread.join()

    wait_for(lambda: len(webhook.requests) >= 24)
    for _ in range(20):  # let both workers poll again: a second send would show up now
        threading.Event().wait(0.01)
    for worker in workers:
        worker.stop()
    references = [json.loads(body)["reference"] for body in webhook.bodies()]
    assert len(references) == 24 and len(set(references)) == 24
    assert len(events(first, "alert_sent")) == 24
    assert set(events(first, "alert_sent")) == {"webhook attempt 1: delivered"}


def test_a_worker_that_died_mid_send_loses_its_claim_after_the_lease(
    storage: Storage, save_urgent: Callable[[str], Submission], webhook: WebhookReceiver,
) -> None:
    deliveries.enable_channel(storage, "webhook")
    submission = save_urgent("k")
    deliveries.enqueue_new_urgent(storage, "webhook", since=submission.created_at)
    [dead] = deliveries.claim_due(storage, "webhook", worker="dead", lease_seconds=3600)
    assert deliveries.claim_due(storage, "webhook", worker="other", lease_seconds=0) == []  # still leased

    with storage.engine.begin() as connection:  # the lease runs out
        from sqlalchemy import update

        from storage.schema import alert_deliveries

        connection.execute(update(alert_deliveries).values(lease_until=submission.created_at))
    [retry] = deliveries.claim_due(storage, "webhook", worker="other", lease_seconds=60)
    assert retry.attempt == 2
    assert deliveries.record_delivered(storage, retry, worker="other")
    assert not deliveries.record_delivered(storage, dead, worker="dead")  # too late: not counted twice
    assert delivery_status.deliveries_for(storage, submission.id) == {"webhook emergency": "delivered"}


def test_urgents_saved_before_alerting_was_set_up_are_not_alerted(
    storage: Storage, save_urgent: Callable[[str], Submission], webhook: WebhookReceiver,
    make_worker: Callable[..., AlertWorker],
) -> None:
    old = save_urgent("from-last-year")
    worker = make_worker(storage, AlertConfig(webhook_url=webhook.url))
    assert worker.run_once() == 0
    new = save_urgent("today")
    acknowledged = save_urgent("seen-already")
    storage.acknowledge(acknowledged.id, actor="nurse")
    assert worker.run_once() == 1
    assert [json.loads(body)["reference"] for body in webhook.bodies()] == [new.reference]
    assert delivery_status.deliveries_for(storage, old.id) == {}


def test_an_alert_that_keeps_failing_is_given_up_and_shown_failing(
    storage: Storage, save_urgent: Callable[[str], Submission], make_worker: Callable[..., AlertWorker],
) -> None:
    receiver = WebhookReceiver(status=500).start()
    try:
        config = AlertConfig(webhook_url=receiver.url)
        worker = make_worker(storage, config, retry=RetryPolicy(give_up_after=timedelta(0)))
        worker.run_once()
        submission = save_urgent("k")
        assert worker.run_once() == 0
        assert worker.run_once() == 0  # given up: no second attempt
    finally:
        receiver.stop()
    assert len(receiver.requests) == 1
    assert delivery_status.deliveries_for(storage, submission.id) == {"webhook emergency": "gave_up"}
    assert events(storage, "alert_gave_up") == ["webhook attempt 1 failed: HTTP 500; gave up"]
    [status] = channel_status(storage, config)
    assert status.failing and "HTTP 500" in status.line and "not delivered after retrying" in status.line


def test_no_worker_running_shows_the_channel_failing(
    storage: Storage, save_urgent: Callable[[str], Submission], monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = AlertConfig(webhook_url="http://127.0.0.1:9/hook")
    [status] = channel_status(storage, config)
    assert status.failing and "not started yet" in status.line
    deliveries.enable_channel(storage, "webhook")
    save_urgent("k")
    monkeypatch.setattr(alerts.status, "START_GRACE", timedelta(0))
    [status] = channel_status(storage, config)
    assert status.failing and "1 waiting with no attempt" in status.line



def test_two_workers_that_read_the_same_due_alert_cannot_both_claim_it(
    database_url: str, save_urgent: Callable[[str], Submission],
) -> None:
    first, second = Storage(database_url), Storage(database_url)
    deliveries.enable_channel(first, "email")
    submission = save_urgent("k")
    deliveries.enqueue_new_urgent(first, "email", since=submission.created_at)
    assert deliveries.enqueue_new_urgent(second, "email", since=submission.created_at) == 0  # one row only

    [seen_by_first] = deliveries.due_candidates(first, "email")
    [seen_by_second] = deliveries.due_candidates(second, "email")  # both read it before either claims
    won = [
        deliveries.try_claim(first, seen_by_first, worker="server-a", lease_seconds=60),
        deliveries.try_claim(second, seen_by_second, worker="server-b", lease_seconds=60),
    ]
    assert [claim is not None for claim in won] == [True, False]


def test_an_unexpected_error_in_a_channel_is_a_failed_attempt_not_a_stuck_alert(
    storage: Storage, save_urgent: Callable[[str], Submission],
) -> None:
    class Broken:
        name = "webhook"

        def send(self, message: object) -> None:
            raise UnicodeError("a bug")

    worker = AlertWorker(storage, [Broken()], AlertConfig(webhook_url="http://127.0.0.1:9/"))
    worker.run_once()
    submission = save_urgent("k")
    assert worker.run_once() == 0
    assert delivery_status.deliveries_for(storage, submission.id) == {"webhook emergency": "pending"}
    assert events(storage, "alert_failed")[0].startswith("webhook attempt 1 failed: unexpected UnicodeError")
