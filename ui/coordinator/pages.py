"""Every coordinator page with its render function and title; `for_session` says which ones a
session may reach: only the sign-in page before sign-in; the audit log and staff accounts only
for administrators.

The built `st.Page` objects and their URL paths live in `nav` (a leaf the pages import to move
between pages: `nav.go("QUEUE")`); this module imports every page, so no page imports it.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ui.coordinator import accuracy as screen_accuracy
from ui.coordinator import audit_log, nav, queue, screening, sign_in, staff_accounts
from ui.coordinator.session import StaffSession

_RENDER: dict[str, tuple[Callable[[], None], str]] = {
    "SIGN_IN": (sign_in.render, "Staff sign-in"),
    "QUEUE": (queue.render, "Screenings"),
    "SCREENING": (screening.render, "Screening"),
    "AUDIT": (audit_log.render, "Audit log"),
    "ACCOUNTS": (staff_accounts.render, "Staff accounts"),
}
_RENDER["ACCURACY"] = (screen_accuracy.render, "Screen accuracy")  # issue 18: every signed-in staff role


def for_session(session: StaffSession | None) -> list[st.Page]:
    """The coordinator pages this browser tab may reach now (all are built, so `nav.go` finds any)."""
    built = {name: nav.page(name, render, title) for name, (render, title) in _RENDER.items()}
    names = ["SIGN_IN"] if session is None else ["SIGN_IN", "QUEUE", "SCREENING"] + (
        ["AUDIT", "ACCOUNTS"] if session.is_admin else [])
    names += ["ACCURACY"] if session is not None else []
    return [built[name] for name in names]
