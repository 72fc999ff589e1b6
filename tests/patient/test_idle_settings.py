"""IDLE_TIMEOUT_SECONDS / IDLE_WARNING_SECONDS: defaults, and a warning never longer than half the wait."""

from __future__ import annotations

import pytest

from ui.patient import idle
from ui.patient.state import Step


@pytest.mark.parametrize(
    ("timeout", "warning", "expected"),
    [
        pytest.param(None, None, (180.0, 30.0), id="defaults"),
        pytest.param("6", "3", (6.0, 3.0), id="short-for-tests"),
        pytest.param("20", "30", (20.0, 10.0), id="warning-capped-at-half"),
    ],
)
def test_timeouts(monkeypatch: pytest.MonkeyPatch, timeout: str | None, warning: str | None,
                  expected: tuple[float, float]) -> None:
    for name, value in (("IDLE_TIMEOUT_SECONDS", timeout), ("IDLE_WARNING_SECONDS", warning)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert idle.timeouts() == expected


def test_the_urgent_screen_never_times_out() -> None:
    assert Step.URGENT not in idle.WATCHED_STEPS
    assert {Step.QUESTION, Step.REVIEW, Step.THANKS} <= idle.WATCHED_STEPS
