"""The patient's page (app.py's default): one screen per run, chosen by where the patient is."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from scoring import Questionnaire
from ui import resources
from ui.patient import idle, question, review, state, style, tablet, thanks, urgent, welcome
from ui.patient.state import PatientSession, Step

SCREENS: dict[Step, Callable[[PatientSession, Questionnaire], None]] = {
    Step.WELCOME: welcome.show,
    Step.QUESTION: question.show,
    Step.REVIEW: review.show,
    Step.THANKS: thanks.show,
    Step.URGENT: urgent.show,
}


def render() -> None:
    """Draw the patient's current screen; every full run counts as activity for the time-out."""
    state.touch()
    session = state.current()
    questionnaire = resources.questionnaire()
    tablet.note_name(session)
    tablet.restore_open_urgent(session, questionnaire)
    state.note_screen(session)
    style.apply(session.language)
    if session.step in idle.WATCHED_STEPS:
        idle.watchdog()
    # One placeholder for the whole screen: its first message replaces the last screen at once,
    # so the previous patient's screen is never left on show while the next one is drawn.
    with st.empty().container():
        SCREENS[session.step](session, questionnaire)
