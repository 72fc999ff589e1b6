"""Urgent screen: a calm message to tell staff now, with the crisis line. It never times out.

Staff clear it with the kiosk staff code (KIOSK_STAFF_CODE). With no code set, nothing on the
tablet clears it: staff reload the page (a reload always starts a fresh session). The alert
itself is in the database and shows on the coordinator's queue either way.
"""

from __future__ import annotations

import hmac

import streamlit as st

from scoring import Questionnaire
from ui import resources
from ui.patient import state, thanks
from ui.patient.state import PatientSession, Step
from ui.patient.strings import text


def show(session: PatientSession, questionnaire: Questionnaire) -> None:
    language = session.language
    st.title(text("urgent_title", language), anchor=False)
    with st.container(key="urgent-message"):
        st.markdown(questionnaire.messages["urgent_tell_staff"][language])
    st.info(questionnaire.messages["crisis_line"][language])
    thanks.reference_code(session)
    with st.expander(text("staff_section", language)):
        if not staff_code():
            st.markdown(text("staff_code_not_set", language))
            return
        st.text_input(text("staff_code_label", language), type="password",
                      key=state.widget_key(session, "staff_code"))
        if session.staff_code_wrong:
            st.error(text("staff_code_wrong", language))
        st.button(text("staff_clear", language), key=state.widget_key(session, "staff_clear"),
                  on_click=_clear, width="stretch")


def staff_code() -> str:
    """KIOSK_STAFF_CODE; empty means not set up."""
    return resources.settings().kiosk_staff_code


def _clear() -> None:
    session = state.current()
    if session.step is not Step.URGENT:
        return
    typed = str(st.session_state.get(state.widget_key(session, "staff_code")) or "").strip()
    expected = staff_code()
    if expected and hmac.compare_digest(typed.encode(), expected.encode()):
        state.next_patient()
    else:
        session.staff_code_wrong = True
