"""Thank-you screen: the reference code, what to do next, and the outcome as a suggestion."""

from __future__ import annotations

import streamlit as st

from scoring import Questionnaire
from ui import resources
from ui.patient import read_aloud, state, taps
from ui.patient.state import PatientSession, Step
from ui.patient.strings import text


def show(session: PatientSession, questionnaire: Questionnaire) -> None:
    language = session.language
    st.title(text("thanks_title", language), anchor=False)
    code = " ".join(session.reference or "")  # spelled out letter by letter
    said = [text("thanks_title", language), text("read_aloud_reference", language, code=code),
            text("next_steps", language)]
    if session.result is not None and outcome_shown():
        said.append(questionnaire.tier(session.result.tier).message[language])
    said.append(questionnaire.messages["not_a_diagnosis"][language])
    read_aloud.offer(session, "thanks", " ".join(said), language, keep=False)  # holds the patient's code
    reference_code(session)
    st.markdown(f"**{text('next_steps', language)}**")
    if session.result is not None and outcome_shown():
        # The tier's own message: worded as a suggestion, never a diagnosis (questionnaire YAML).
        st.info(questionnaire.tier(session.result.tier).message[language])
    st.markdown(questionnaire.messages["not_a_diagnosis"][language])
    st.button(text("finish", language), key=state.widget_key(session, "finish"), on_click=_finish,
              type="primary", width="stretch")


def reference_code(session: PatientSession) -> None:
    """The code to read out at the desk, big (shared with the urgent screen)."""
    with st.container(key="reference-code"):
        st.markdown(text("reference_label", session.language))
        st.markdown(f"`{session.reference}`")


def outcome_shown() -> bool:
    """SHOW_OUTCOME_TO_PATIENT (default true): whether the patient sees the suggested outcome."""
    return resources.settings().show_outcome_to_patient


def _finish() -> None:
    session = state.current()
    if session.step is Step.THANKS and not taps.too_soon(session):  # not the Send button's second tap
        state.next_patient()
