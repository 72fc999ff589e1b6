"""An alert names the patient only by the chart number's last 4 characters (no name,
no date of birth); an anonymous walk-up reads so."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

from alerts import AlertConfig, AlertWorker
from scoring import ScreeningResult
from storage import PatientIds, Storage
from tests.support.receivers import WebhookReceiver


def test_the_webhook_carries_the_charts_last_4_never_the_rest_or_the_birth_date(
    storage: Storage, urgent_result: ScreeningResult, webhook: WebhookReceiver,
    make_worker: Callable[..., AlertWorker],
) -> None:
    worker = make_worker(storage, AlertConfig(webhook_url=webhook.url, app_base_url="https://clinic.example/"))
    worker.run_once()
    storage.save_submission(idempotency_key="walk-up", result=urgent_result, language="en")
    storage.save_submission(idempotency_key="handed", result=urgent_result, language="en",
                            patient=PatientIds("MRN-12345678", date(1980, 2, 3)))
    assert worker.run_once() == 2
    bodies = [json.loads(body) for _, body, _ in webhook.requests]
    by_chart = {payload["chart_last4"]: payload for payload in bodies}
    assert set(by_chart) == {None, "5678"}
    assert "chart ...5678" in by_chart["5678"]["text"] and "anonymous walk-up" in by_chart[None]["text"]
    for _, body, _ in webhook.requests:
        text = body.decode("utf-8")
        assert "1234" not in text and "MRN" not in text and "1980" not in text
