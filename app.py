"""Streamlit entry point. Wiring only: page set-up, the questionnaire check, which pages exist.

The patient's waiting-room flow is the default page. The coordinator's pages are registered
only after sign-in (so no URL reaches them before), and each checks access again itself.
"""

import logging

import streamlit as st

from ui import resources
from ui.coordinator import access
from ui.patient import page as patient

st.set_page_config(page_title="Pain symptom check", layout="centered", initial_sidebar_state="collapsed")

problem = resources.start_up_problem()  # settings, questionnaire, database schema
if problem is not None:
    # One line naming the setting / item / revision: in the server log, and on the staff page
    # (where the person who can fix it looks); patients only hear "tell the front desk".
    logging.getLogger("crps.app").error("cannot start: %s", problem)
    if str(st.context.url or "").split("?")[0].rstrip("/").endswith("/staff"):
        st.error(f"The app cannot start until this is fixed on the server: {problem}")
    else:
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
