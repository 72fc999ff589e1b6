"""Exactly once on PostgreSQL too: two app servers' workers on one throwaway cluster (skipped
where the server binaries are missing)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

from alerts import AlertConfig, AlertWorker
from scoring import ScreeningResult
from storage import Storage, deliveries
from tests.support.receivers import WebhookReceiver, wait_for


def test_two_workers_on_postgresql_deliver_each_alert_once_and_one_claim_wins(
    postgres_url: str, urgent_result: ScreeningResult, webhook: WebhookReceiver,
    make_worker: Callable[..., AlertWorker],
) -> None:
    config = AlertConfig(webhook_url=webhook.url)
    servers = [Storage(postgres_url), Storage(postgres_url)]
    workers = [make_worker(server, config, poll_seconds=0.01) for server in servers]
    for worker in workers:
        worker.start()

    def tablet(number: int) -> None:
        for n in range(2):
            servers[number % 2].save_submission(idempotency_key=f"pg-tablet-{number}-{n}", result=urgent_result,
                                                language="en")

    tablets = [threading.Thread(target=tablet, args=(number,)) for number in range(10)]
    for thread in tablets:
        thread.start()
    for thread in tablets:
        thread.join()
    wait_for(lambda: len(webhook.requests) >= 20)
    for _ in range(20):
        threading.Event().wait(0.01)
    for worker in workers:
        worker.stop()
    references = [json.loads(body)["reference"] for body in webhook.bodies()]
    assert len(references) == 20 and len(set(references)) == 20

    extra = servers[0].save_submission(idempotency_key="pg-race", result=urgent_result, language="en")
    deliveries.enqueue_new_urgent(servers[0], "webhook", since=extra.created_at)
    [seen_by_a] = deliveries.due_candidates(servers[0], "webhook")
    [seen_by_b] = deliveries.due_candidates(servers[1], "webhook")
    won = [deliveries.try_claim(servers[0], seen_by_a, worker="a", lease_seconds=60),
           deliveries.try_claim(servers[1], seen_by_b, worker="b", lease_seconds=60)]
    assert [claim is not None for claim in won] == [True, False]


def test_urgent_list_order_and_alert_uuids_on_postgresql(
    postgres_url: str, webhook: WebhookReceiver, make_worker: Callable[..., AlertWorker],
) -> None:
    """On PostgreSQL: the level order and counts in SQL, and a UUID per alert."""
    import uuid

    from scoring import load_questionnaire, score
    from storage.urgent import urgent_list
    from tests.support.answers import DEFAULT_QUESTIONNAIRE, with_categories

    storage = Storage(postgres_url)
    deliveries.enable_channel(storage, "webhook")  # before the urgents: they are all alerted
    questionnaire = load_questionnaire(DEFAULT_QUESTIONNAIRE)
    saved = {}
    for key, answer in (("same", "fever_with_hot_red_limb"), ("talk", "self_harm_thoughts"),
                        ("now", "stroke_signs_last_hours")):
        result = score(questionnaire, with_categories("sensory", **{answer: "yes"}), "en")
        saved[key] = storage.save_submission(idempotency_key=f"order-{key}", result=result, language="en")
    listed = urgent_list(storage)
    mine = [row.id for row in listed.rows if row.id in {s.id for s in saved.values()}]
    assert mine == [saved["now"].id, saved["talk"].id, saved["same"].id]
    assert listed.counts["talk_now"] >= 1 and listed.counts["same_day"] >= 1

    worker = make_worker(storage, AlertConfig(webhook_url=webhook.url))
    worker.run_once()
    ids = [json.loads(body)["alert_id"] for body in webhook.bodies()]
    assert len(ids) >= 3 and len(set(ids)) == len(ids) and all(str(uuid.UUID(alert_id)) == alert_id for alert_id in ids)
