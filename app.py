"""Streamlit entry point. Wiring only: page set-up, the questionnaire check, which pages exist.

The patient's waiting-room flow is the default page (centered). The coordinator's pages
(`ui.coordinator.pages`, wide) are registered only after sign-in, so no URL reaches them before,
and each checks access again itself.

`streamlit run app.py` imports this file to find `app`: the server (`st.App`) with the app's own
route that sets the staff reload cookie (`ui.session_route`); every page run executes it as
`__main__`, which runs `main`.
"""

import logging

import streamlit as st

from ui import alerting, resources, session_route
from ui.coordinator import clinic_clock, guard, nav, pages, wording
from ui.patient import page as patient
from ui.patient import strings as patient_strings


def main() -> None:
    # No layout here: it is set once per run below, for the chosen page (a "centered" first and
    # "wide" after it left staff pages narrow after a filter's rerun: issue 20.12).
    st.set_page_config(page_title="Pain symptom check", initial_sidebar_state="collapsed")
    # No built-in CSV download or copy on any table: every way data leaves is an audited button.
    st.set_option("client.disableDataExport", True)

    problem = resources.start_up_problem() or wording.problem(resources.questionnaire().languages) \
        or patient_strings.problem(resources.questionnaire().languages)
    if problem is not None:
        # One line naming the setting / item / revision: in the server log, and on the staff page
        # (where the person who can fix it looks); patients only hear "tell the front desk".
        logging.getLogger("crps.app").error("cannot start: %s", problem)
        if str(st.context.url or "").split("?")[0].rstrip("/").endswith(nav.SIGN_IN_PATH):
            st.error(f"The app cannot start until this is fixed on the server: {problem}")
        else:
            st.error("This check is not available right now. Please tell the front desk.")
        st.stop()

    alerting.start()  # one alert worker per server process (no-op when no channel is set up)
    clinic_clock.announce()  # a log line at start: the clinic's clock, and whether it is the server's zone

    patient_page = st.Page(patient.render, title="Pain symptom check", default=True)
    chosen = st.navigation([patient_page, *pages.for_session(guard.current())], position="hidden")
    if guard.take_sign_in_redirect():
        nav.go("SIGN_IN")  # "You were signed out after N minutes", not the patient's page
    st.set_page_config(page_title=chosen.title, layout="centered" if chosen is patient_page else "wide")
    chosen.run()


if __name__ == "__main__":
    main()
else:
    app = st.App(__file__, routes=session_route.routes())
