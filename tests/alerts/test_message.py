"""The alert text: reference, tablet, level, local time and link; the public surface."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

import pytest

import alerts
from alerts import AlertMessage, RetryPolicy, signature


def message(level: str | None, tablet: str | None = "front-1", timezone: str = "UTC") -> AlertMessage:
    return AlertMessage.build(
        alert_id="webhook:7", reference="K7M-4PX", tablet=tablet, level=level,
        saved_at=datetime(2026, 11, 28, 15, 4, tzinfo=UTC), base_url="https://clinic.example/", timezone=timezone,
    )


@pytest.mark.parametrize(
    ("level", "words"),
    [
        pytest.param("emergency", "EMERGENCY red flag", id="emergency"),
        pytest.param("same_day", "same-day red flag", id="same-day"),
        pytest.param("talk_now", "talk-now red flag", id="talk-now"),
        pytest.param(None, "red flag", id="level-unknown"),
    ],
)
def test_headline_names_the_level(level: str | None, words: str) -> None:
    assert message(level).headline == f"Urgent screening K7M-4PX: {words}"


def test_text_has_tablet_clinic_time_and_link() -> None:
    text = message("emergency", timezone="America/New_York").text
    assert "tablet front-1" in text
    assert "10:04 EST (2026-11-28)" in text
    assert text.endswith("Open: https://clinic.example/staff?reference=K7M-4PX")
    assert "tablet not named" in message("same_day", tablet=None).text


def test_signature_is_hmac_sha256_of_the_exact_body() -> None:
    body = message("emergency").json_body()
    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert signature("s3cret", body) == f"sha256={expected}"
    assert signature("s3cret", body + b" ") != signature("s3cret", body)


def test_retry_delay_never_passes_the_cap() -> None:
    policy = RetryPolicy()
    assert policy.delay(1) == 2 and max(policy.delay(n) for n in range(1, 40)) == 300


def test_public_surface_is_all() -> None:
    public = {name for name in dir(alerts) if not name.startswith("_")}
    modules = {"channels", "config", "message", "status", "worker"}
    assert sorted(alerts.__all__) == sorted(public - modules)
