"""Who may see the coordinator's pages: sign-in, the checks every page starts with, idle sign-out.

Two ways in: a named account's username and password (checked, throttled per account and
address, and audited by the `access` package), or Streamlit's OIDC sign-in (`st.login`) for staff
whose e-mail `access.staff_for_email` knows, when `[auth]` is configured in secrets. Both kinds
are signed out after STAFF_IDLE_MINUTES without a click; an OIDC user is really logged out
(`st.logout`), so the next rerun does not sign them straight back in.
"""

from __future__ import annotations

import time

import streamlit as st

import access
from access import StaffMember
from ui import resources
from ui.coordinator import session as staff
from ui.coordinator.session import Role, SignInKind, StaffSession

_SIGNED_OUT_NOTICE = "staff_signed_out_after_minutes"
"""Set on idle sign-out so the sign-in page can say why (outside the staff session, which ends)."""
_TO_SIGN_IN = "staff_signed_out_go_to_sign_in"


def idle_limit_seconds() -> float:
    """STAFF_IDLE_MINUTES (default 15): staff are signed out after this long without a click."""
    return float(resources.settings().staff_idle_minutes) * 60


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


def _from_member(member: StaffMember, kind: SignInKind) -> StaffSession:
    return StaffSession(username=member.username, display_name=member.display_name, role=Role(member.role),
                        kind=kind)


def _oidc_member() -> StaffSession | None:
    """A staff session for an OIDC user who is staff (ADMIN_EMAILS, STAFF_EMAILS or an account's
    e-mail), else None (also when auth is off)."""
    if not _oidc_logged_in():
        return None
    member = access.staff_for_email(resources.settings(), resources.storage(), str(st.user.get("email") or ""))
    return _from_member(member, SignInKind.OIDC) if member is not None else None


def client_address() -> str:
    """The browser's address, or the proxy's forwarded one when the peer is in TRUSTED_PROXIES."""
    return access.client_address(dict(st.context.headers or {}), st.context.ip_address,
                                 resources.settings().trusted_proxies)


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
        resources.storage().record_event("sign_in", actor=member.actor, detail=f"oidc from {client_address()}")
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


def sign_in_with_password(username: str, password: str) -> access.SignInOutcome:
    """Check a named account (throttled and audited by `access`); on success the session starts."""
    outcome = access.sign_in(resources.storage(), username, password, client_address=client_address())
    if outcome.ok and outcome.member is not None:
        staff.start(_from_member(outcome.member, SignInKind.PASSWORD))
        st.session_state.pop(_SIGNED_OUT_NOTICE, None)
    return outcome


def sign_out(reason: str = "sign-out") -> None:
    """End the staff session (audited); an OIDC user is logged out of the identity cookie too."""
    session = staff.current()
    if session is not None:
        resources.storage().record_event("sign_out", actor=session.actor, detail=f"{reason} from {client_address()}")
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
