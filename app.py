"""Streamlit entry point. Wiring only: page set-up, the questionnaire check, which pages exist.

The patient's waiting-room flow is the default page. The coordinator's pages are registered
only after sign-in (so no URL reaches them before), and each checks access again itself.
"""

import logging

import streamlit as st

from scoring import QuestionnaireError
from ui import resources
from ui.coordinator import access
from ui.patient import page as patient

st.set_page_config(page_title="Pain symptom check", layout="centered", initial_sidebar_state="collapsed")

try:
    resources.questionnaire()
except QuestionnaireError as exc:
    # The file names the item and field; staff read it in the server log, patients never see it.
    logging.getLogger("crps.app").error("questionnaire problem: %s", exc)
    st.error("This check is not available right now. Please tell the front desk.")
    st.stop()

pages = [
    st.Page(patient.render, title="Pain symptom check", default=True),
    st.Page("ui/pages/staff.py", title="Staff sign-in"),
]
if access.is_signed_in():
    pages += [
        st.Page("ui/pages/queue.py", title="Screenings"),
        st.Page("ui/pages/submission.py", title="Submission"),
        st.Page("ui/pages/audit.py", title="Audit log"),
    ]
st.navigation(pages, position="hidden").run()
