"""The staff sign-in page (url /staff): passcode, or the clinic's OIDC sign-in when configured."""

from __future__ import annotations

import streamlit as st

from ui import resources
from ui.coordinator import access


def sign_in() -> None:
    st.title("Staff sign-in")
    if access.is_signed_in():
        st.switch_page("ui/pages/queue.py")  # registered now that staff are signed in
    if access.oidc_configured():
        st.button("Sign in with the clinic account", on_click=st.login, key="staff:oidc")
        st.divider()
    if resources.storage().passcode_hash() is None:
        st.info("No coordinator passcode is set yet. On the server, run `make passcode` "
                "(or `python -m access set-passcode`), then reload this page.")
        return
    waiting = access.lockout_remaining()
    if waiting:
        st.error(f"Too many wrong passcodes. Try again in {waiting} seconds.")
    with st.form("staff:sign-in", clear_on_submit=True):
        attempt = st.text_input("Coordinator passcode", type="password", key="staff:passcode")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        problem = access.sign_in_with_passcode(attempt)
        if problem is None:
            st.rerun()  # app.py now registers the coordinator's pages
        st.error(problem)
