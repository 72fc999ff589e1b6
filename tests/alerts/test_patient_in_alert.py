"""An alert names the patient only by the chart number's last 4 characters (no name,
no date of birth); an anonymous walk-up reads so; the name the desk gave never leaves in an
alert, by any channel, nor in a log line (H71)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import date

import pytest

from alerts import AlertConfig, AlertWorker
from scoring import ScreeningResult
from storage import PatientIds, Storage
from tests.support.receivers import MailReceiver, WebhookReceiver

NAME = "Quentin Xavierez-Yoakum"

# How 3 February 1980 could be written. A bare "1980" is not one: random digits in a UUID
# or an SMTP Message-ID contain it now and then (a CI run failed on exactly that).
BIRTH_DATE_SPELLINGS = ("1980-02-03", "1980-2-3", "19800203", "03/02/1980", "02/03/1980",
                        "3/2/1980", "2/3/1980", "Feb 1980", "February 1980", "1980-02", "/1980")


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
        # the chart's first digits, not a bare "1234": microseconds in a timestamp can hold that
        assert "MRN" not in text and "1234567" not in text
        assert not [spelling for spelling in BIRTH_DATE_SPELLINGS if spelling in text]


def test_no_alert_ever_carries_the_patients_name_webhook_email_or_log(
    storage: Storage, urgent_result: ScreeningResult, webhook: WebhookReceiver, mail: MailReceiver,
    make_worker: Callable[..., AlertWorker], caplog: pytest.LogCaptureFixture,
) -> None:
    """H71: the name the desk gave leaves the building in no alert: not in the webhook's
    JSON or text, not in the e-mail's subject or body, and not in any log line on the way."""
    caplog.set_level(logging.DEBUG)
    worker = make_worker(storage, AlertConfig(
        webhook_url=webhook.url, email_to=("oncall@clinic.example",), email_from="screen@clinic.example",
        smtp_host="127.0.0.1", smtp_port=mail.port, smtp_starttls=False, app_base_url="https://clinic.example/"))
    worker.run_once()
    by_name = storage.save_submission(idempotency_key="by-name", result=urgent_result, language="en",
                                      patient=PatientIds("MRN-12345678", None, NAME))
    both = storage.save_submission(idempotency_key="both", result=urgent_result, language="en",
                                   patient=PatientIds("MRN-87654321", date(1980, 2, 3), NAME))
    assert by_name.patient_name == both.patient_name == NAME  # stored: the test is about where it goes
    assert worker.run_once() == 4  # a webhook and an e-mail for each
    sent = [body.decode("utf-8") for _, body, _ in webhook.requests]
    sent += [f"{message['Subject']}\n{message.get_payload(decode=True).decode('utf-8')}"
             for message, _ in mail.messages]
    assert len(sent) == 4
    assert {json.loads(body)["chart_last4"] for body in sent[:2]} == {"5678", "4321"}
    for text in [*sent, caplog.text]:
        for part in ("Quentin", "Xavierez", "Yoakum", *BIRTH_DATE_SPELLINGS):
            assert part not in text
