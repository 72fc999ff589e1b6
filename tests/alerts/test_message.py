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


# Only self-harm is talk_now, so naming the level (or any concern) in an
# alert that leaves the building would disclose a self-harm answer (hazard H60).
FORBIDDEN = ("talk", "self", "harm", "suicid", "988", "emergency", "same-day", "same_day", "red flag",
             "stroke", "artery", "clot", "infection", "compartment", "level")


@pytest.mark.parametrize(
    ("level", "words"),
    [
        pytest.param("emergency", "urgent: go to the patient now", id="emergency"),
        pytest.param("talk_now", "urgent: go to the patient now", id="talk-now-reads-like-emergency"),
        pytest.param("same_day", "urgent: today", id="same-day"),
        pytest.param(None, "urgent: go to the patient now", id="level-unknown-is-now"),
    ],
)
def test_headline_says_how_soon_never_which_flag(level: str | None, words: str) -> None:
    assert message(level).headline == f"{words} (screening K7M-4PX)"


@pytest.mark.parametrize("level", ["emergency", "talk_now", "same_day", None])
def test_no_channel_text_names_the_level_or_a_concern(level: str | None) -> None:
    sent = message(level)
    for text in (sent.headline, sent.text, sent.json_body().decode("utf-8")):
        lowered = text.lower()
        assert [word for word in FORBIDDEN if word in lowered] == []


def test_talk_now_and_emergency_alerts_are_indistinguishable() -> None:
    emergency, talk_now = message("emergency"), message("talk_now")
    assert (emergency.headline, emergency.text, emergency.json_body()) == (
        talk_now.headline, talk_now.text, talk_now.json_body())
    assert message("same_day").json_body() != emergency.json_body()


def test_text_has_tablet_clinic_time_and_link() -> None:
    text = message("emergency", timezone="America/New_York").text
    assert "tablet front-1" in text
    assert "10:04 EST (2026-11-28)" in text
    assert text.endswith("Details after sign-in: https://clinic.example/staff?reference=K7M-4PX")
    assert "tablet not named" in message("same_day", tablet=None).text


def test_signature_is_hmac_sha256_of_timestamp_dot_exact_body() -> None:
    body = message("emergency").json_body()
    expected = hmac.new(b"s3cret", b"1764947040." + body, hashlib.sha256).hexdigest()
    assert signature("s3cret", body, "1764947040") == f"sha256={expected}"
    assert signature("s3cret", body + b" ", "1764947040") != signature("s3cret", body, "1764947040")
    assert signature("s3cret", body, "1764947041") != signature("s3cret", body, "1764947040")


def test_retry_delay_never_passes_the_cap() -> None:
    policy = RetryPolicy()
    assert policy.delay(1) == 2 and max(policy.delay(n) for n in range(1, 40)) == 300


def test_public_surface_is_all() -> None:
    public = {name for name in dir(alerts) if not name.startswith("_")}
    modules = {"channels", "config", "message", "status", "worker"}
    assert sorted(alerts.__all__) == sorted(public - modules)
