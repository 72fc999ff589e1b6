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
    Step.STAFF_CHOICE: urgent.show_staff_choice,
}


def render() -> None:
    """Draw the patient's current screen; every full run counts as activity for the time-out."""
    state.touch()
    session = state.current()
    questionnaire = resources.questionnaire()
    tablet.note_name(session)
    if session.tablet_refused is not None:  # before any patient starts: staff must fix the address
        style.apply(session.language)
        tablet.show_refused(session)
        return
    tablet.restore_open_urgent(session, questionnaire)
    state.note_screen(session)
    style.apply(session.language)
    # The same layout on every run: the time-out warning's place, then one placeholder per kind
    # of screen, all emptied first and only this screen's one filled. Changing screens (Finish,
    # the idle reset, an emergency) therefore empties the last screen's place before anything of
    # the new screen is sent, so the previous patient's reference and outcome are never on show
    # while the welcome is drawn. (One shared placeholder is not enough: Streamlit keeps a
    # block's old children when a block of the same type replaces it.)
    warning_place = st.container()
    places = {step: st.empty() for step in Step}
    with places[session.step].container():
        SCREENS[session.step](session, questionnaire)
        if session.step is Step.WELCOME:
            tablet.show_name(session)
    if session.step in idle.WATCHED_STEPS:
        with warning_place:
            idle.watchdog()
