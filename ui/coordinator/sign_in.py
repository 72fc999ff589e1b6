"""The staff sign-in page (url /staff): passcode, or the clinic's OIDC sign-in when configured."""

from __future__ import annotations

import streamlit as st

from ui import resources
from ui.coordinator import guard
from ui.coordinator import session as staff


def render() -> None:
    from ui.coordinator import pages  # here, not at the top: pages imports this module

    st.title("Staff sign-in")
    if guard.is_signed_in():
        st.switch_page(pages.QUEUE)
    notice = guard.signed_out_notice()
    if notice:
        st.info(notice)
    if guard.oidc_configured():
        st.button("Sign in with the clinic account", on_click=st.login, key=staff.widget_key("oidc"))
        st.divider()
    if resources.storage().passcode_hash() is None:
        st.info("No coordinator passcode is set yet. On the server, run `make passcode` "
                "(or `python -m access set-passcode`), then reload this page.")
        return
    waiting = guard.lockout_remaining()
    if waiting:
        st.error(f"Too many wrong passcodes. Try again in {waiting} seconds.")
    with st.form(staff.widget_key("sign-in"), clear_on_submit=True):
        attempt = st.text_input("Coordinator passcode", type="password", key=staff.widget_key("passcode"))
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        problem = guard.sign_in_with_passcode(attempt)
        if problem is None:
            st.switch_page(pages.QUEUE)
        st.error(problem)
