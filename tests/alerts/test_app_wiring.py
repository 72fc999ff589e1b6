"""The app starts one alert worker per process; clearing Streamlit's cache stops it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import streamlit as st

from storage import Submission
from tests.support.receivers import WebhookReceiver, wait_for
from ui import alerting


@pytest.fixture(autouse=True)
def fresh_cache() -> object:
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def test_one_worker_per_process_sends_and_stops_when_released(
    monkeypatch: pytest.MonkeyPatch, database_url: str, webhook: WebhookReceiver,
    save_urgent: Callable[[str], Submission],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("ALERT_WEBHOOK_URL", webhook.url)
    worker = alerting.start()
    assert worker is not None and worker.running
    assert alerting.start() is worker  # every later page run gets the same one

    submission = save_urgent("tablet-key")
    wait_for(lambda: len(webhook.requests) == 1)
    assert submission.reference.encode() in webhook.requests[0][1]
    assert [status.failing for status in alerting.status()] == [False]

    st.cache_resource.clear()
    wait_for(lambda: not worker.running)


def test_no_channel_set_up_starts_no_worker(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    for name in ("ALERT_WEBHOOK_URL", "ALERT_EMAIL_TO", "SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)
    assert alerting.start() is None
    assert alerting.status() == []



def test_changed_alert_settings_replace_the_worker(
    monkeypatch: pytest.MonkeyPatch, database_url: str, webhook: WebhookReceiver,
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("ALERT_WEBHOOK_URL", webhook.url)
    old = alerting.start()
    monkeypatch.setenv("ALERT_WEBHOOK_URL", webhook.url + "/new")
    new = alerting.start()
    assert old is not None and new is not None and new is not old
    wait_for(lambda: not old.running)  # never two workers with different settings
    assert new.running


def test_queue_line_warns_about_a_failing_channel(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    from streamlit.testing.v1 import AppTest

    def page() -> None:
        from ui import alerting

        alerting.show_no_channel_banner()  # the staff page header's banner
        alerting.show_status()

    monkeypatch.setenv("DATABASE_URL", database_url)
    for name in ("ALERT_WEBHOOK_URL", "ALERT_EMAIL_TO", "SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)
    at = AppTest.from_function(page, default_timeout=20).run()
    assert [error.value for error in at.error] == [alerting.NO_CHANNEL_BANNER]  # a banner, not a caption
    assert len(at.caption) == 0
    monkeypatch.setenv("ALERT_WEBHOOK_URL", "http://127.0.0.1:9/hook")  # set up, but no worker ever ran
    at = AppTest.from_function(page, default_timeout=20).run()
    assert [warning.value for warning in at.warning] == [
        "Webhook alerts failing: not started yet (is the alert worker running?)."
    ]
    assert list(at.error) == []  # a channel is set up: no banner
