"""Alert ids unique across databases (hazard H61) and alerts that never say
which red flag (hazard H60), through a real HTTP receiver and a real SMTP server."""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from alerts import AlertConfig, AlertWorker, RetryPolicy
from alerts.config import NO_CHANNEL, start_warnings
from scoring import Questionnaire, score
from storage import Storage
from tests.support.answers import with_categories
from tests.support.receivers import MailReceiver, WebhookReceiver, free_port, wait_for

# Only self-harm is talk_now: any of these in an alert discloses it.
DISCLOSING = ("talk", "self", "harm", "suicid", "988", "dead", "hurting", "red flag", "level", "same-day",
              "same_day", "emergency", "stroke", "artery", "clot", "infection", "compartment")

# What an alert makes up at random: UUIDs, hex signatures, the digit runs of an SMTP Message-ID.
# Hex can spell "dead" and digits "988" now and then (a CI run failed on a Message-ID's "988").
MADE_UP = re.compile(r"[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}|[0-9a-f]{16,}|[0-9]{5,}")


def disclosing_words(text: str, reference: str) -> list[str]:
    """The DISCLOSING words `text` holds as words (a word's start, and a number's end too), once
    the screening's reference (its own random code) and MADE_UP parts are taken out."""
    cleaned = MADE_UP.sub(" ", text.lower().replace(reference.lower(), " "))
    return [word for word in DISCLOSING
            if re.search(rf"(?<![0-9a-z]){re.escape(word)}{'(?![0-9])' if word.isdigit() else ''}", cleaned)]


def test_two_clinics_first_alerts_have_different_ids(
    tmp_path: Path, questionnaire: Questionnaire, webhook: WebhookReceiver, make_worker: Callable[..., AlertWorker],
) -> None:
    result = score(questionnaire, with_categories("sensory", stroke_signs_last_hours="yes"), "en")
    config = AlertConfig(webhook_url=webhook.url)
    for clinic in ("north", "south"):  # two databases (or one rebuilt): both number their rows from 1
        storage = Storage(f"sqlite:///{tmp_path / clinic}.db")
        worker = make_worker(storage, config)
        worker.run_once()
        storage.save_submission(idempotency_key="first", result=result, language="en")
        assert worker.run_once() == 1
    ids = [json.loads(body)["alert_id"] for body in webhook.bodies()]
    assert len(ids) == 2 and ids[0] != ids[1]  # 1.1 sent "webhook:1" twice: the receiver dropped one
    assert [str(uuid.UUID(alert_id)) for alert_id in ids] == ids


def test_a_retried_alert_keeps_its_id_so_the_receiver_can_drop_the_repeat(
    storage: Storage, save_urgent: Callable[[str], object], make_worker: Callable[..., AlertWorker],
) -> None:
    receiver = WebhookReceiver(status=503).start()  # takes the POST, answers "unavailable"
    try:
        worker = make_worker(storage, AlertConfig(webhook_url=receiver.url),
                             retry=RetryPolicy(first_delay_seconds=0.01, max_delay_seconds=0.01))
        worker.run_once()
        save_urgent("k")
        worker.run_once()
        receiver.status = 200
        wait_for(lambda: worker.run_once() == 1)
    finally:
        receiver.stop()
    ids = {json.loads(body)["alert_id"] for body in receiver.bodies()}
    assert len(receiver.bodies()) >= 2 and len(ids) == 1


def test_a_self_harm_alert_by_e_mail_and_webhook_says_only_go_now(
    storage: Storage, questionnaire: Questionnaire, webhook: WebhookReceiver, mail: MailReceiver,
    make_worker: Callable[..., AlertWorker],
) -> None:
    result = score(questionnaire, with_categories("sensory", self_harm_thoughts="yes"), "en")
    assert result.red_flag_level == "talk_now"
    config = AlertConfig(webhook_url=webhook.url, email_to=("oncall@clinic.example",), smtp_host="127.0.0.1",
                         smtp_port=mail.port, smtp_starttls=False)
    worker = make_worker(storage, config)
    worker.run_once()
    submission = storage.save_submission(idempotency_key="k", result=result, language="en", tablet="front-1")
    assert worker.run_once() == 2

    [(message, _)] = mail.messages
    subject = str(message["Subject"])
    body = message.get_payload(decode=True).decode("utf-8")
    assert subject == f"urgent: go to the patient now (screening {submission.reference})"
    [webhook_body] = webhook.bodies()
    payload = json.loads(webhook_body)
    assert payload["urgency"] == "now" and "level" not in payload
    for text in (subject, body, webhook_body.decode("utf-8"), str(message["Message-ID"])):
        assert disclosing_words(text, submission.reference) == []
    assert f"/staff?reference={submission.reference}" in body  # the details stay behind sign-in


def test_starttls_is_on_unless_a_setting_turns_it_off_and_off_is_warned_at_start() -> None:
    from settings import load_settings

    on = AlertConfig.from_settings(load_settings({"ALERT_EMAIL_TO": "a@clinic.example", "SMTP_HOST": "mail"},
                                                 Path("/nonexistent")))
    assert on.smtp_starttls and start_warnings(on) == []
    off = AlertConfig.from_settings(load_settings({"ALERT_EMAIL_TO": "a@clinic.example", "SMTP_HOST": "mail",
                                                   "SMTP_STARTTLS": "false"}, Path("/nonexistent")))
    assert not off.smtp_starttls
    [warning] = start_warnings(off)
    assert "SMTP_STARTTLS is off" in warning and "plain text" in warning
    assert start_warnings(AlertConfig()) == [NO_CHANNEL]


def test_alert_config_defaults_are_the_settings_defaults() -> None:
    """One owner for a default (settings.py): a config built by hand is the one unset settings give."""
    from settings import load_settings

    assert AlertConfig() == AlertConfig.from_settings(load_settings({}, Path("/nonexistent")))
    changed = AlertConfig.from_settings(load_settings({"SMTP_PORT": "2525", "APP_BASE_URL": "https://c.example/",
                                                       "CLINIC_TIMEZONE": "America/Chicago"}, Path("/nonexistent")))
    assert (changed.smtp_port, changed.app_base_url, changed.timezone) == (2525, "https://c.example",
                                                                           "America/Chicago")


def test_the_app_logs_a_line_at_start_when_no_channel_is_set_up_or_mail_is_plain(
    monkeypatch: pytest.MonkeyPatch, database_url: str, caplog: pytest.LogCaptureFixture,
) -> None:
    import streamlit as st

    from ui import alerting

    monkeypatch.setenv("DATABASE_URL", database_url)
    for name in ("ALERT_WEBHOOK_URL", "ALERT_EMAIL_TO", "SMTP_HOST", "SMTP_STARTTLS"):
        monkeypatch.delenv(name, raising=False)
    st.cache_resource.clear()
    with caplog.at_level(logging.WARNING, logger="crps.alerts"):
        assert alerting.start() is None
    assert NO_CHANNEL in caplog.messages
    caplog.clear()
    monkeypatch.setenv("ALERT_EMAIL_TO", "a@clinic.example")
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(free_port()))
    monkeypatch.setenv("SMTP_STARTTLS", "false")
    with caplog.at_level(logging.WARNING, logger="crps.alerts"):
        worker = alerting.start()
    try:
        assert [m for m in caplog.messages if "SMTP_STARTTLS is off" in m]
    finally:
        st.cache_resource.clear()
    assert worker is not None


def test_the_readme_receiver_example_accepts_a_real_post_and_refuses_a_replay(
    storage: Storage, save_urgent: Callable[[str], object], webhook: WebhookReceiver,
    make_worker: Callable[..., AlertWorker], monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    alerts_section = readme[readme.index("## Alerts"):readme.index("\n## ", readme.index("## Alerts") + 3)]
    block = alerts_section[alerts_section.index("```python") + len("```python"):]
    code = "\n".join(line[2:] for line in block[:block.index("```")].splitlines())
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)  # our own README's example, run as a receiver would
    verify = namespace["verify"]

    worker = make_worker(storage, AlertConfig(webhook_url=webhook.url, webhook_secret="s3cret"))
    worker.run_once()
    save_urgent("k")
    assert worker.run_once() == 1
    [(headers, body, _)] = webhook.requests
    assert verify(b"s3cret", headers, body) is True  # type: ignore[operator]
    assert verify(b"other", headers, body) is False  # type: ignore[operator]
    assert verify(b"s3cret", headers, body + b" ") is False  # type: ignore[operator]
    later = time.time() + 3600  # the same POST replayed an hour later
    monkeypatch.setattr(time, "time", lambda: later)
    assert verify(b"s3cret", headers, body) is False  # type: ignore[operator]
