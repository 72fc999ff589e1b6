"""Who may see the coordinator's pages: sign-in, the checks every page starts with, idle sign-out.

Two ways in: a staff password (checked by the `access` package, throttled there), or Streamlit's
OIDC sign-in (`st.login`) for staff whose e-mail is allowed, when `[auth]` is configured in
secrets. Both kinds are signed out after STAFF_IDLE_MINUTES without a click; an OIDC user is
really logged out (`st.logout`), so the next rerun does not sign them straight back in.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import streamlit as st

from access import locked_until, verify_passcode
from ui import resources
from ui.coordinator import session as staff
from ui.coordinator.session import Role, SignInKind, StaffSession

PASSCODE_USERNAME = "coordinator (passcode)"
_SIGNED_OUT_NOTICE = "staff_signed_out_after_minutes"
"""Set on idle sign-out so the sign-in page can say why (outside the staff session, which ends)."""
_TO_SIGN_IN = "staff_signed_out_go_to_sign_in"


def idle_limit_seconds() -> float:
    """STAFF_IDLE_MINUTES (default 15): staff are signed out after this long without a click."""
    try:
        return float(resources.setting("STAFF_IDLE_MINUTES", "15")) * 60
    except ValueError:
        return 15 * 60


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file
        return False


def _oidc_logged_in() -> bool:
    try:
        return bool(st.user.get("is_logged_in", False))
    except Exception:  # no [auth] configured: OIDC simply isn't in use
        return False


def _oidc_member() -> StaffSession | None:
    """A staff session for an allowed OIDC user, else None (also when auth is off)."""
    if not _oidc_logged_in():
        return None
    email = str(st.user.get("email") or "").strip().lower()
    allowed = {e.strip().lower() for e in resources.setting("STAFF_EMAILS", "").split(",") if e.strip()}
    if not email or email not in allowed:
        return None
    name = str(st.user.get("name") or email)
    return StaffSession(username=email, display_name=name, role=Role.COORDINATOR, kind=SignInKind.OIDC)


def current() -> StaffSession | None:
    """The signed-in staff member, or None; an idle one is signed out here."""
    session = staff.current()
    if session is not None:
        if time.monotonic() - session.last_activity > idle_limit_seconds():
            sign_out(reason="idle")
            return None
        return session
    member = _oidc_member()
    if member is not None:
        staff.start(member)
        resources.storage().record_event("sign_in", actor=member.actor, detail="oidc")
    return member


def is_signed_in() -> bool:
    return current() is not None


def require_staff(*, admin: bool = False) -> StaffSession:
    """Start of every coordinator page: stop here unless signed in (and an admin, when asked)."""
    session = current()
    if session is None:
        st.warning("Please sign in on the staff page to see screenings.")
        st.stop()
        raise AssertionError("unreachable")  # st.stop raises; this keeps type checkers honest
    if admin and not session.is_admin:
        resources.storage().record_event("access_refused", actor=session.actor, detail="admin page")
        st.error("Only an administrator can open this page.")
        st.stop()
    staff.touch()
    st.fragment(_idle_watch, run_every=min(20.0, max(1.0, idle_limit_seconds() / 3)))()
    return session


def _idle_watch() -> None:
    """Re-run on a timer: an idle coordinator is signed out even if nobody clicks, so patient
    data does not stay on an unattended desk. (A timer run is not activity: no `touch`.)"""
    if current() is None:
        st.rerun(scope="app")


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
        storage.record_event("sign_in_refused", actor=PASSCODE_USERNAME, detail="locked out")
        return f"Too many wrong passcodes. Try again in {lockout_remaining()} seconds."
    if not verify_passcode(stored, attempt):
        storage.record_event("sign_in_failed", actor=PASSCODE_USERNAME)
        wait = lockout_remaining()
        return "That passcode is not right." + (f" Sign-in is locked for {wait} seconds." if wait else "")
    storage.record_event("sign_in", actor=PASSCODE_USERNAME, detail="passcode")
    # The 1.0 passcode is the clinic's first administrator until named accounts exist.
    staff.start(StaffSession(username=PASSCODE_USERNAME, display_name="Coordinator", role=Role.ADMIN,
                             kind=SignInKind.PASSWORD))
    st.session_state.pop(_SIGNED_OUT_NOTICE, None)
    return None


def sign_out(reason: str = "sign-out") -> None:
    """End the staff session (audited); an OIDC user is logged out of the identity cookie too."""
    session = staff.current()
    if session is not None:
        resources.storage().record_event("sign_out", actor=session.actor, detail=reason)
    staff.end()
    if reason == "idle":
        st.session_state[_SIGNED_OUT_NOTICE] = max(1, round(idle_limit_seconds() / 60))
        st.session_state[_TO_SIGN_IN] = True
    if _oidc_logged_in():
        st.logout()  # without this the next rerun would sign the same user straight back in


def signed_out_notice() -> str | None:
    """"You were signed out after N minutes" once after an idle sign-out, else None."""
    minutes = st.session_state.get(_SIGNED_OUT_NOTICE)
    if not isinstance(minutes, int):
        return None
    return f"You were signed out after {minutes} minute{'s' if minutes != 1 else ''} without activity."


def take_sign_in_redirect() -> bool:
    """True once after an idle sign-out: app.py then opens the sign-in page (not the patient's)."""
    return bool(st.session_state.pop(_TO_SIGN_IN, False))
