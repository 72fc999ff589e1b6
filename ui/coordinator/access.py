"""Who is signed in on this browser tab, and the checks every coordinator page starts with.

Two ways in: the clinic's passcode (default; argon2id hash in the database, lock-out after
repeated failures), or Streamlit's OIDC sign-in (`st.login`) for staff whose e-mail is on the
STAFF_EMAILS allow-list, when `[auth]` is configured in secrets. Idle staff are signed out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

import streamlit as st

from access import locked_until, verify_passcode
from ui import resources

_KEY = "staff_session"
PASSCODE_ACTOR = "coordinator (passcode)"


@dataclass
class StaffSession:
    actor: str
    last_activity: float


def idle_limit_seconds() -> float:
    """STAFF_IDLE_MINUTES (default 15): staff are signed out after this long without a click."""
    return resources.settings().staff_idle_minutes * 60


def _oidc_actor() -> str | None:
    """The allow-listed e-mail of an OIDC-signed-in user, else None (also when auth is off)."""
    try:
        if not st.user.get("is_logged_in", False):
            return None
        email = str(st.user.get("email") or "").strip().lower()
    except Exception:  # no [auth] configured: OIDC simply isn't in use
        return None
    return email if email and email in resources.settings().staff_emails else None


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file
        return False


def current_actor() -> str | None:
    """The signed-in staff member's name for the audit trail, or None."""
    session = st.session_state.get(_KEY)
    if isinstance(session, StaffSession):
        if time.monotonic() - session.last_activity > idle_limit_seconds():
            sign_out(reason="idle")
            return None
        return session.actor
    actor = _oidc_actor()
    if actor is not None:
        st.session_state[_KEY] = StaffSession(actor, time.monotonic())
        resources.storage().record_event("sign_in", actor=actor, detail="oidc")
    return actor


def is_signed_in() -> bool:
    return current_actor() is not None


def require_staff() -> str:
    """Start of every coordinator page: stop here unless signed in; returns the actor."""
    actor = current_actor()
    if actor is None:
        st.warning("Please sign in on the staff page to see screenings.")
        st.page_link("app.py", label="Back")
        st.stop()
    touch()
    st.fragment(_idle_watch, run_every=min(20.0, max(1.0, idle_limit_seconds() / 3)))()
    return actor


def _idle_watch() -> None:
    """Re-run on a timer: an idle coordinator is signed out even if nobody clicks, so patient
    data does not stay on an unattended desk. (A timer run is not activity: no `touch`.)"""
    if current_actor() is None:
        st.rerun(scope="app")


def touch() -> None:
    session = st.session_state.get(_KEY)
    if isinstance(session, StaffSession):
        session.last_activity = time.monotonic()


def lockout_remaining() -> int:
    """Seconds until sign-in opens again after repeated failures (0 when open)."""
    failures, last_failure = resources.storage().sign_in_failures()
    until = locked_until(failures, last_failure)
    if until is None:
        return 0
    return max(0, int((until - datetime.now(UTC)).total_seconds()) + 1)


def sign_in_with_passcode(attempt: str) -> str | None:
    """Try the passcode; returns None on success, else the message to show (audited either way)."""
    storage = resources.storage()
    stored = storage.passcode_hash()
    if stored is None:
        return "No coordinator passcode is set yet. On the server, run: make passcode"
    if lockout_remaining():
        storage.record_event("sign_in_refused", actor=PASSCODE_ACTOR, detail="locked out")
        return f"Too many wrong passcodes. Try again in {lockout_remaining()} seconds."
    if not verify_passcode(stored, attempt):
        storage.record_event("sign_in_failed", actor=PASSCODE_ACTOR)
        wait = lockout_remaining()
        return "That passcode is not right." + (f" Sign-in is locked for {wait} seconds." if wait else "")
    storage.record_event("sign_in", actor=PASSCODE_ACTOR, detail="passcode")
    st.session_state[_KEY] = StaffSession(PASSCODE_ACTOR, time.monotonic())
    return None


def sign_out(reason: str = "sign-out") -> None:
    """Forget the staff session and everything the coordinator pages kept in it."""
    session = st.session_state.get(_KEY)
    if isinstance(session, StaffSession):
        resources.storage().record_event("sign_out", actor=session.actor, detail=reason)
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(("staff", "coordinator:"))]:
        del st.session_state[key]
    if reason != "idle" and st.user.get("is_logged_in", False):
        st.logout()
