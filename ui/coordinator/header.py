"""The strip at the top of every coordinator page: who is signed in, where to go, sign out."""

from __future__ import annotations

import streamlit as st

from ui import alerting
from ui.coordinator import backup_status, guard
from ui.coordinator import session as staff
from ui.coordinator.as_text import as_text


def render(session: staff.StaffSession) -> None:
    from ui.coordinator import pages  # here, not at the top: pages imports this module

    left, *buttons = st.columns([4, 1, 1, 1, 1])
    left.caption(f"Signed in as {as_text(session.display_name)} ({as_text(session.username)}, {session.role}). "
                 "A screening aid: no screen here is a diagnosis.")
    if buttons[0].button("Queue", key=staff.widget_key("nav:queue")):
        st.switch_page(pages.QUEUE)
    if left.button("Screen accuracy", key=staff.widget_key("nav:accuracy")):  # issue 18
        st.switch_page(pages.ACCURACY)
    if session.is_admin and buttons[1].button("Audit log", key=staff.widget_key("nav:audit")):
        st.switch_page(pages.AUDIT)
    if session.is_admin and buttons[2].button("Staff accounts", key=staff.widget_key("nav:accounts")):
        st.switch_page(pages.ACCOUNTS)
    if buttons[3].button("Sign out", key=staff.widget_key("nav:sign-out")):
        guard.sign_out()
        st.switch_page(pages.SIGN_IN)
    alerting.show_no_channel_banner()  # every staff page: no alert channel at all is a banner
    backup_status.show(session)  # the last good backup; admins warned after 26 hours without
