"""The patient's page (app.py's default): one screen per run, chosen by where the patient is."""

from __future__ import annotations

from collections.abc import Callable

from scoring import Questionnaire
from ui import resources
from ui.patient import idle, question, review, state, style, thanks, urgent, welcome
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
    state.note_screen(session)
    style.apply(session.language)
    if session.step in idle.WATCHED_STEPS:
        idle.watchdog()
    SCREENS[session.step](session, resources.questionnaire())
