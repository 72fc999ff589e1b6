"""Ignore a second tap that lands on the next screen's button.

A hand that hurts or shakes often taps twice. The first tap moves on; the second would land on
whatever is in the same place on the new screen (Skip, Finish, ...) and silently skip a
question or clear the reference code. No one reads a question in half a second, so a
navigation tap that comes sooner than TAP_GUARD_SECONDS after a screen appeared is ignored.
"""

from __future__ import annotations

import time

from ui import resources
from ui.patient.state import PatientSession


def guard_seconds() -> float:
    """TAP_GUARD_SECONDS (default 0.5; the tests set 0)."""
    return resources.settings().tap_guard_seconds


def too_soon(session: PatientSession) -> bool:
    """True for a tap that came too soon after the screen appeared to be meant for it."""
    return time.monotonic() - session.screen_since < guard_seconds()
