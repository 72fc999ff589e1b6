"""Every coordinator page, registered once as an `st.Page`; navigate with these objects
(`st.switch_page(pages.QUEUE)`), never with paths. `for_session` says which ones a session may
reach: only the sign-in page before sign-in; the audit log and staff accounts only for
administrators.

`st.Page` needs a running script to be built, so the objects are made on first use inside a
run (module `__getattr__`) and then shared: they hold no session or patient data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import streamlit as st

from ui.coordinator import accuracy as screen_accuracy
from ui.coordinator import audit_log, queue, screening, sign_in, staff_accounts
from ui.coordinator.session import StaffSession

if TYPE_CHECKING:
    SIGN_IN: st.Page
    QUEUE: st.Page
    SCREENING: st.Page
    AUDIT: st.Page
    ACCOUNTS: st.Page
    ACCURACY: st.Page

URL_PATHS = {"SIGN_IN": "staff", "QUEUE": "queue", "SCREENING": "screening", "AUDIT": "audit",
             "ACCOUNTS": "accounts"}
_RENDER: dict[str, tuple[Callable[[], None], str]] = {
    "SIGN_IN": (sign_in.render, "Staff sign-in"),
    "QUEUE": (queue.render, "Screenings"),
    "SCREENING": (screening.render, "Screening"),
    "AUDIT": (audit_log.render, "Audit log"),
    "ACCOUNTS": (staff_accounts.render, "Staff accounts"),
}
URL_PATHS["ACCURACY"] = "accuracy"  # every signed-in staff role
_RENDER["ACCURACY"] = (screen_accuracy.render, "Screen accuracy")
_BUILT: dict[str, st.Page] = {}


def __getattr__(name: str) -> st.Page:
    if name not in _RENDER:
        raise AttributeError(name)
    if name not in _BUILT:
        render, title = _RENDER[name]
        _BUILT[name] = st.Page(render, title=title, url_path=URL_PATHS[name])
    return _BUILT[name]


def for_session(session: StaffSession | None) -> list[st.Page]:
    """The coordinator pages this browser tab may reach now."""
    names = ["SIGN_IN"] if session is None else ["SIGN_IN", "QUEUE", "SCREENING"] + (
        ["AUDIT", "ACCOUNTS"] if session.is_admin else [])
    names += ["ACCURACY"] if session is not None else []
    return [__getattr__(name) for name in names]
