"""The staff sign-in page (url /staff): username and password of a named account, or the clinic's
OIDC sign-in when configured. Messages come from `access.SignInOutcome` (throttling included)."""

from __future__ import annotations

import streamlit as st

from ui.coordinator import deep_link, guard, nav
from ui.coordinator import session as staff


def render() -> None:
    deep_link.remember()  # an alert's /staff?reference=...: opened after sign-in (issue 20.13)
    st.title("Staff sign-in")
    if guard.is_signed_in():
        nav.go("QUEUE")
    notice = guard.signed_out_notice()
    if notice:
        st.info(notice)
    if guard.oidc_configured():
        st.button("Sign in with the clinic account", on_click=st.login, key=staff.widget_key("oidc"))
        st.divider()
    with st.form(staff.widget_key("sign-in"), clear_on_submit=True):
        username = st.text_input("Username", key=staff.widget_key("username"), max_chars=64,
                                 autocomplete="username")
        password = st.text_input("Password", type="password", key=staff.widget_key("password"), max_chars=256,
                                 autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        outcome = guard.sign_in_with_password(username, password)
        if outcome.ok:
            nav.go("QUEUE")
        st.error(outcome.message)
    st.caption("No account yet? An administrator adds one on the Staff accounts page, or on the server "
               "with make staff (python -m access add USERNAME --role admin).")
