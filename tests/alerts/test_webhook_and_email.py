"""Alerts reach a real HTTP receiver and a real SMTP server, signed, with no answers in them."""

from __future__ import annotations

import hmac
import json
import socket
import time
from collections.abc import Callable

from alerts import AlertConfig, AlertWorker, signature
from scoring import Questionnaire, score
from storage import Storage, Submission
from storage.delivery_status import deliveries_for
from tests.support.receivers import SECRET, MailReceiver, WebhookReceiver, wait_for

NOTE = "Coordinator note: patient mentioned private family matters"
PAYLOAD_KEYS = {"text", "event", "urgency", "alert_id", "reference", "tablet", "saved_at", "link", "chart_last4"}


def answer_strings(submission: Submission, questionnaire: Questionnaire) -> set[str]:
    """Every item id, answer code and answer label of the screening (what must never leave)."""
    found: set[str] = set()
    items = {item.id: item for item in questionnaire.items}
    for item_id, value in submission.result.answers:
        found.add(item_id)
        found.update(str(code) for code in (value if isinstance(value, tuple) else (value,)))
        found.update(items[item_id].answer_label(value, language) for language in ("en", "es"))
    return found


def test_webhook_gets_one_signed_post_with_reference_and_link_but_no_answers_or_note(
    storage: Storage, save_urgent: Callable[[str], Submission], webhook: WebhookReceiver,
    questionnaire: Questionnaire, make_worker: Callable[..., AlertWorker],
) -> None:
    config = AlertConfig(webhook_url=webhook.url, webhook_secret=SECRET, app_base_url="https://clinic.example/screen/")
    worker = make_worker(storage, config)
    worker.run_once()  # alerting set up before the screening exists
    submission = save_urgent("tablet-key-1")
    storage.set_status(submission.id, actor="nurse", status="new", note=NOTE, expected_row_version=1)

    assert worker.run_once() == 1
    assert worker.run_once() == 0  # nothing twice

    assert len(webhook.requests) == 1
    headers, body, _ = webhook.requests[0]
    timestamp = headers["X-Signature-Timestamp"]
    assert abs(int(timestamp) - time.time()) < 60
    assert hmac.compare_digest(headers["X-Signature-256"], signature(SECRET, body, timestamp))
    assert headers["X-Signature-256"] != signature("another-secret", body, timestamp)
    assert headers["X-Signature-256"] != signature(SECRET, body, str(int(timestamp) - 3600))  # a replay fails
    payload = json.loads(body)
    assert set(payload) == PAYLOAD_KEYS
    assert payload["reference"] == submission.reference
    assert payload["link"] == f"https://clinic.example/screen/staff?reference={submission.reference}"
    assert submission.reference in payload["text"] and payload["link"] in payload["text"]
    text = body.decode("utf-8")
    assert NOTE not in text and "private family" not in text
    secrets = answer_strings(submission, questionnaire)
    assert "stroke_signs_last_hours" in secrets  # the check below looks at the real answers
    leaked = {value for value in payload.values() if isinstance(value, str)} & secrets
    assert leaked == set()
    assert [item for item, _ in submission.result.answers if item in text] == []
    assert deliveries_for(storage, submission.id) == {"webhook emergency": "delivered"}
    sent = [event for event in storage.list_audit() if event.event == "alert_sent"]
    assert [(e.submission_id, e.detail) for e in sent] == [(submission.id, "webhook attempt 1: delivered")]


def test_webhook_without_secret_sends_no_signature(
    storage: Storage, save_urgent: Callable[[str], Submission], webhook: WebhookReceiver,
    make_worker: Callable[..., AlertWorker],
) -> None:
    worker = make_worker(storage, AlertConfig(webhook_url=webhook.url))
    worker.run_once()
    save_urgent("k")
    assert worker.run_once() == 1
    assert "X-Signature-256" not in webhook.requests[0][0]
    assert "X-Signature-Timestamp" not in webhook.requests[0][0]


def test_email_reaches_a_real_smtp_server_without_answers(
    storage: Storage, save_urgent: Callable[[str], Submission], mail: MailReceiver,
    questionnaire: Questionnaire, make_worker: Callable[..., AlertWorker],
) -> None:
    config = AlertConfig(
        email_to=("oncall@clinic.example", "lead@clinic.example"), email_from="screen@clinic.example",
        smtp_host="127.0.0.1", smtp_port=mail.port, app_base_url="http://clinic.example:8501",
        smtp_starttls=False,  # the test server speaks plain SMTP on loopback
    )
    worker = make_worker(storage, config)
    worker.run_once()
    submission = save_urgent("tablet-key-2")
    storage.set_status(submission.id, actor="nurse", status="new", note=NOTE, expected_row_version=1)

    assert worker.run_once() == 1
    assert worker.run_once() == 0

    assert len(mail.messages) == 1
    message = mail.messages[0][0]
    assert submission.reference in message["Subject"]
    assert message["To"] == "oncall@clinic.example, lead@clinic.example"
    assert message["From"] == "screen@clinic.example"
    body = message.get_payload(decode=True).decode("utf-8")
    assert f"http://clinic.example:8501/staff?reference={submission.reference}" in body
    assert NOTE not in body
    words = set(body.replace(",", " ").replace(".", " ").split())
    assert words & answer_strings(submission, questionnaire) == set()
    assert deliveries_for(storage, submission.id) == {"email emergency": "delivered"}


def test_a_mail_server_that_never_answers_does_not_hold_up_the_webhook(
    storage: Storage, save_urgent: Callable[[str], Submission], webhook: WebhookReceiver,
    make_worker: Callable[..., AlertWorker],
) -> None:
    with socket.socket() as silent:  # accepts connections (backlog) but never says hello
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        config = AlertConfig(webhook_url=webhook.url, email_to=("a@b.example",), smtp_host="127.0.0.1",
                             smtp_port=silent.getsockname()[1], timeout_seconds=30, smtp_starttls=False)
        worker = make_worker(storage, config)
        worker.start()
        submission = save_urgent("k")
        wait_for(lambda: deliveries_for(storage, submission.id).get("email emergency") == "sending")  # stuck
        wait_for(lambda: deliveries_for(storage, submission.id).get("webhook emergency") == "delivered")
        assert deliveries_for(storage, submission.id)["email emergency"] == "sending"  # waiting on mail
        assert len(webhook.requests) == 1
        worker._stop.set()
    worker.stop()  # the closed socket ends the mail attempt


def test_a_level_that_rises_later_gets_a_new_alert_but_completing_does_not(
    storage: Storage, questionnaire: Questionnaire, webhook: WebhookReceiver,
    make_worker: Callable[..., AlertWorker],
) -> None:
    results = {  # the answers so far, as the tablet scores them at each red flag
        "same_day": score(questionnaire, {"fever_with_hot_red_limb": "yes"}, "en", partial=True),
        "emergency": score(questionnaire, {"fever_with_hot_red_limb": "yes", "stroke_signs_last_hours": "yes"}, "en",
                           partial=True),
    }
    assert {level: result.red_flag_level for level, result in results.items()} == {
        "same_day": "same_day", "emergency": "emergency"}

    def save(level: str, *, complete: bool = False) -> Submission:  # the tablet's saves, as it makes them
        return storage.save_submission(idempotency_key="front-1-patient", result=results[level], language="en",
                                       complete=complete, tablet="front-1", red_flag_level=level)

    worker = make_worker(storage, AlertConfig(webhook_url=webhook.url))
    worker.run_once()
    submission = save("same_day")  # a clot warning: the patient goes on answering
    assert worker.run_once() == 1
    assert worker.run_once() == 0
    assert save("emergency").id == submission.id  # then stroke signs, on the same screening
    assert worker.run_once() == 1
    save("emergency", complete=True)  # finishing the screening is not news
    assert worker.run_once() == 0

    payloads = [json.loads(body) for body in webhook.bodies()]
    assert [(p["reference"], p["tablet"], p["urgency"]) for p in payloads] == [
        (submission.reference, "front-1", "today"), (submission.reference, "front-1", "now"),
    ]
    assert payloads[1]["text"].startswith("urgent: go to the patient now") and "tablet front-1" in payloads[1]["text"]
    assert payloads[0]["alert_id"] != payloads[1]["alert_id"]
    assert deliveries_for(storage, submission.id) == {
        "webhook same_day": "delivered", "webhook emergency": "delivered",
    }


def test_email_signs_in_when_smtp_user_is_set_and_a_wrong_password_shows_failing(
    storage: Storage, save_urgent: Callable[[str], Submission], make_worker: Callable[..., AlertWorker],
) -> None:
    from alerts import channel_status

    server = MailReceiver(user="alerts", password="right").start()
    try:
        wrong = AlertConfig(email_to=("a@clinic.example",), smtp_host="127.0.0.1", smtp_port=server.port,
                            smtp_user="alerts", smtp_password="wrong", smtp_starttls=False)
        worker = make_worker(storage, wrong)
        worker.run_once()
        save_urgent("k")
        assert worker.run_once() == 0
        [status] = channel_status(storage, wrong)
        assert status.failing and "last attempt failed" in status.line and server.messages == []

        right = AlertConfig(email_to=("a@clinic.example",), smtp_host="127.0.0.1", smtp_port=server.port,
                            smtp_user="alerts", smtp_password="right", smtp_starttls=False)
        fixed = make_worker(storage, right)
        wait_for(lambda: fixed.run_once() == 1)  # the retry is due within the fast back-off
    finally:
        server.stop()
    assert server.logins == ["alerts"] and len(server.messages) == 1


def test_starttls_set_never_falls_back_to_plain_text(
    storage: Storage, save_urgent: Callable[[str], Submission], mail: MailReceiver,
    make_worker: Callable[..., AlertWorker],
) -> None:
    config = AlertConfig(email_to=("a@clinic.example",), smtp_host="127.0.0.1", smtp_port=mail.port)
    assert config.smtp_starttls  # on by default; this server offers no STARTTLS
    worker = make_worker(storage, config)
    worker.run_once()
    save_urgent("k")
    assert worker.run_once() == 0
    assert mail.messages == []
    failed = [event.detail for event in storage.list_audit() if event.event == "alert_failed"]
    assert failed and failed[0].startswith("email attempt 1 failed: cannot send e-mail: SMTPNotSupportedError")
