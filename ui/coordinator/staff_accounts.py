"""Staff accounts (url /accounts, administrators only): list, add, disable or enable, reset a
password, change a role. Every change goes through `access` (which checks and audits it)."""

from __future__ import annotations

import streamlit as st

import access
from ui import resources
from ui.coordinator import guard, header
from ui.coordinator import session as staff
from ui.coordinator.as_text import as_text


def render() -> None:
    session = guard.require_staff(admin=True)
    storage = resources.storage()
    st.title("Staff accounts")
    header.render(session)
    message = st.session_state.pop(staff.widget_key("accounts:message"), None)
    if isinstance(message, tuple):
        (st.success if message[0] else st.error)(as_text(message[1]))
    members = access.list_staff(storage)
    st.table([
        {"Username": as_text(m.username), "Name": as_text(m.display_name), "Role": m.role,
         "E-mail": as_text(m.email or ""),
         "Signs in": "no (disabled)" if m.disabled else "yes"}
        for m in members
    ])
    _add_form(session.actor)
    if members:
        _change_form([m.username for m in members], session.actor)


def _done(ok: bool, text: str) -> None:
    st.session_state[staff.widget_key("accounts:message")] = (ok, text)
    st.rerun()


def _add_form(actor: str) -> None:
    key = staff.widget_key
    with st.form(key("accounts:add"), clear_on_submit=True):
        st.markdown("**Add an account**")
        left, right = st.columns(2)
        username = left.text_input("New username", key=key("accounts:new-username"), max_chars=64)
        name = right.text_input("Display name", key=key("accounts:new-name"), max_chars=200)
        email = left.text_input("E-mail (for clinic sign-in, optional)", key=key("accounts:new-email"))
        role = right.selectbox("Role", list(access.ROLES), key=key("accounts:new-role"))
        password = left.text_input("First password", type="password", key=key("accounts:new-password"))
        added = st.form_submit_button("Add account")
    if added:
        try:
            access.add_staff(resources.storage(), username, password, role=str(role), display_name=name or None,
                             email=email or None, actor=actor)
        except access.StaffError as exc:
            _done(False, str(exc))
        _done(True, f"Added {username.strip().lower()}.")


def _change_form(usernames: list[str], actor: str) -> None:
    key = staff.widget_key
    with st.form(key("accounts:change"), clear_on_submit=True):
        st.markdown("**Change an account**")
        left, right = st.columns(2)
        username = left.selectbox("Account", usernames, key=key("accounts:who"))
        action = right.selectbox("Change", ["disable", "enable", "reset password", "make coordinator", "make admin"],
                                 key=key("accounts:action"))
        password = left.text_input("New password (for reset)", type="password", key=key("accounts:password"))
        changed = st.form_submit_button("Apply")
    if not changed or username is None:
        return
    storage, who = resources.storage(), str(username)
    if who == actor and action in ("disable", "make coordinator"):
        _done(False, "You cannot disable or demote your own account; ask another administrator.")
    try:
        if action == "disable":
            access.disable_staff(storage, who, actor=actor)
        elif action == "enable":
            access.enable_staff(storage, who, actor=actor)
        elif action == "reset password":
            access.reset_password(storage, who, password, actor=actor)
        else:
            access.set_staff_role(storage, who, action.removeprefix("make "), actor=actor)
    except access.StaffError as exc:
        _done(False, str(exc))
    _done(True, f"{who}: {action} done.")
