"""The strip at the top of every coordinator page: who is signed in, where to go, sign out."""

from __future__ import annotations

import streamlit as st

from ui import alerting
from ui.coordinator import backup_status, guard, nav
from ui.coordinator import session as staff
from ui.coordinator.as_text import as_text

# Staff pages are read on a desk screen: less blank space above the title than Streamlit's
# default, so the urgent list starts higher (static CSS, no data).
_CSS = "<style>.block-container { padding-top: 2.5rem; }</style>"


def render(session: staff.StaffSession) -> None:
    st.html(_CSS)
    # One row of buttons at their own width (wrapping on a narrow screen), never cut to "Staff acc…".
    with st.container(horizontal=True, key="staff-nav"):
        if st.button("Queue", key=staff.widget_key("nav:queue")):
            nav.go("QUEUE")
        if st.button("Screen accuracy", key=staff.widget_key("nav:accuracy")):
            nav.go("ACCURACY")
        if session.is_admin and st.button("Audit log", key=staff.widget_key("nav:audit")):
            nav.go("AUDIT")
        if session.is_admin and st.button("Staff accounts", key=staff.widget_key("nav:accounts")):
            nav.go("ACCOUNTS")
        if st.button("Sign out", key=staff.widget_key("nav:sign-out")):
            guard.sign_out()
            nav.go("SIGN_IN")
    st.caption(f"Signed in as {as_text(session.display_name)} ({as_text(session.username)}, {session.role}). "
               "A screening aid: no screen here is a diagnosis.")
    alerting.show_no_channel_banner()  # every staff page: no alert channel at all is a banner
    backup_status.show(session)  # the last good backup; admins warned after 26 hours without
