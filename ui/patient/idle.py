"""Idle time-out: warn, then clear the screen for the next patient (WCAG 2.2.1: warn first).

A fragment re-runs on a timer and compares the time since the last interaction (every full run
of the page counts, see `state.touch`) with IDLE_TIMEOUT_SECONDS (default 180). The warning
shows IDLE_WARNING_SECONDS (default 30) before, with an "I'm still here" button.
"""

from __future__ import annotations

import time
from datetime import timedelta

import streamlit as st

from ui import resources
from ui.patient import state
from ui.patient.state import Step
from ui.patient.strings import text

WATCHED_STEPS = frozenset({Step.QUESTION, Step.REVIEW, Step.THANKS, Step.STAFF_CHOICE})
"""The welcome screen holds nothing; the urgent screen waits for staff and never times out."""


def timeouts() -> tuple[float, float]:
    """(idle seconds before the reset, seconds of warning before it), from the settings."""
    current = resources.settings()  # once: each call checks the secrets file for changes
    timeout = current.idle_timeout_seconds
    warning = min(current.idle_warning_seconds, timeout / 2)
    return timeout, max(1.0, warning)


def watchdog() -> None:
    """Start (or keep) the timer for this screen; call once per full run on a watched step."""
    timeout, warning = timeouts()
    tick = timedelta(seconds=max(1.0, min(5.0, warning / 3)))
    st.fragment(_check, run_every=tick)(timeout, warning)


def _check(timeout: float, warning: float) -> None:
    session = state.current()
    if session.step not in WATCHED_STEPS:
        return
    idle = time.monotonic() - session.last_activity
    if idle >= timeout:
        if session.urgent_level is not None and not session.staff_cleared:
            # A red flag was raised and the patient walked away: the alert is already saved (or
            # being retried); the tablet shows the urgent screen until staff clear it, saying only
            # "bring this tablet to the front desk" (nothing for the next person to read).
            session.step = Step.URGENT
            session.patient_away = True
            if not session.save_pending:
                session.answers.clear()
        else:
            state.next_patient()
        st.rerun(scope="app")
    if idle >= timeout - warning:
        with st.container(key="idle-warning"):
            st.warning(text("idle_warning", session.language, seconds=max(1, round(timeout - idle))))
            st.button(text("still_here", session.language), key=state.widget_key(session, "still_here"),
                      on_click=state.touch, type="primary", width="stretch")
