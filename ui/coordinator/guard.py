"""Who may see the coordinator's pages: sign-in, the checks every page starts with, idle sign-out.

Two ways in: a named account's username and password (checked, throttled per account and
address, and audited by the `access` package), or Streamlit's OIDC sign-in (`st.login`) for staff
whose e-mail `access.staff_for_email` knows, when `[auth]` is configured in secrets. Both kinds
are signed out after STAFF_IDLE_MINUTES without a click; an OIDC user is really logged out
(`st.logout`), so the next rerun does not sign them straight back in.

Every page run reads the account once (`account_still_allows`, which this module hands to
`session.check_accounts_with` for `session.current` to call): a disabled, demoted or changed
account is signed out on its next click (issue 20 item 1). A password sign-in also gets a
reload cookie (set by the app's route, `ui.session_route`), so F5 keeps it signed in until idle
time-out or sign-out (issue 20 item 3).
"""

from __future__ import annotations

import time
from html import escape

import streamlit as st

import access
from access import Role, StaffMember, devices
from access import sessions as staff_sessions
from access.throttle import normalise_username
from ui import resources, session_route
from ui.coordinator import session as staff
from ui.coordinator.session import SignInKind, StaffSession

_SIGNED_OUT_NOTICE = "staff_signed_out_after_minutes"
"""Set on idle sign-out so the sign-in page can say why (outside the staff session, which ends)."""
_TO_SIGN_IN = "staff_signed_out_go_to_sign_in"
_ACCOUNT_CHANGED = "staff_signed_out_account_changed"
ACCOUNT_CHANGED_NOTICE = "You were signed out: an administrator changed or disabled this account. Sign in again."
SEEN_WRITE_SECONDS = 60.0
"""A session row's last activity is written at most this often (a reload's idle clock)."""


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
    password = kind is SignInKind.PASSWORD
    return StaffSession(username=member.username, display_name=member.display_name, role=Role(member.role),
                        kind=kind, session_version=member.session_version if password else None,
                        email=None if password else member.email or member.username)


def account_still_allows(session: StaffSession) -> bool:
    """The once-per-run account check: True while the account is enabled, with the role and
    session version it signed in with; else the session ends here (audited) and False."""
    storage = resources.storage()
    if session.kind is SignInKind.PASSWORD:
        allowed = staff_sessions.still_allowed(storage, session.username, str(session.role),
                                               session.session_version or 0)
    else:
        member = access.staff_for_email(resources.settings(), storage, session.email or "")
        allowed = member is not None and member.role == str(session.role)
    if allowed:
        return True
    storage.record_event("sign_out", actor=session.actor, detail=f"account changed from {client_address()}")
    if session.stored_id is not None:
        staff_sessions.close(storage, session.stored_id, idle_seconds=idle_limit_seconds())
    staff.end()
    st.session_state[_ACCOUNT_CHANGED] = True
    st.session_state[_TO_SIGN_IN] = True
    return False


staff.check_accounts_with(account_still_allows)


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
    return _resumed_from_cookie()


def _resumed_from_cookie() -> StaffSession | None:
    """After a reload (F5): the session the HttpOnly cookie names, if it still stands."""
    cookies: dict[str, str] = dict(st.context.cookies or {})
    token = cookies.get(staff_sessions.SESSION_COOKIE)
    if not token:
        return None
    resumed = staff_sessions.resume(resources.storage(), str(token), idle_seconds=idle_limit_seconds())
    if resumed is None:
        return None
    session = _from_member(resumed.member, SignInKind.PASSWORD)
    session.stored_id = resumed.session_id
    session.checked_in = staff.this_run()  # resume just read the account
    staff.start(session)
    resources.storage().record_event("sign_in", actor=session.actor,
                                     detail=f"session resumed after a reload from {client_address()}")
    return session


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
    _keep_cookie_session(session)
    st.fragment(_idle_watch, run_every=min(20.0, max(1.0, idle_limit_seconds() / 3)))()
    return session


def _keep_cookie_session(session: StaffSession) -> None:
    """Hand a fresh sign-in's one-time code to the cookie route (an invisible image request, so
    the browser stores the HttpOnly cookie), and note activity on the session row."""
    if session.cookie_code is not None:
        url = escape(session_route.handover_url(session.cookie_code))
        session.cookie_code = None
        st.html(f'<img src="{url}" alt="" width="1" height="1" style="position:absolute">')
    if session.stored_id is not None and time.monotonic() - session.seen_written_at > SEEN_WRITE_SECONDS:
        session.seen_written_at = time.monotonic()
        staff_sessions.seen(resources.storage(), session.stored_id)


def _idle_watch() -> None:
    """Re-run on a timer: an idle coordinator is signed out even if nobody clicks, so patient
    data does not stay on an unattended desk. (A timer run is not activity: no `touch`.)"""
    if current() is None:
        st.rerun(scope="app")


def sign_in_with_password(username: str, password: str) -> access.SignInOutcome:
    """Check a named account (throttled and audited by `access`); on success the session starts."""
    storage = resources.storage()
    cookies: dict[str, str] = dict(st.context.cookies or {})
    device = cookies.get(devices.cookie_name(normalise_username(username)))
    outcome = access.sign_in(storage, username, password, client_address=client_address(), device_cookie=device,
                             device_secret=session_route.device_secret())
    if outcome.ok and outcome.member is not None:
        session = _from_member(outcome.member, SignInKind.PASSWORD)
        handover = staff_sessions.open_session(storage, outcome.member)
        session.stored_id, session.cookie_code = handover.session_id, handover.code
        staff.start(session)
        st.session_state.pop(_SIGNED_OUT_NOTICE, None)
        st.session_state.pop(_ACCOUNT_CHANGED, None)
    return outcome


def sign_out(reason: str = "sign-out") -> None:
    """End the staff session (audited); an OIDC user is logged out of the identity cookie too."""
    session = staff.current()
    if session is not None:
        resources.storage().record_event("sign_out", actor=session.actor, detail=f"{reason} from {client_address()}")
        if session.stored_id is not None:  # the reload cookie signs nobody in any more
            staff_sessions.close(resources.storage(), session.stored_id, idle_seconds=idle_limit_seconds())
    staff.end()
    st.session_state.pop(_ACCOUNT_CHANGED, None)
    if reason == "idle":
        st.session_state[_SIGNED_OUT_NOTICE] = max(1, round(idle_limit_seconds() / 60))
        st.session_state[_TO_SIGN_IN] = True
    if _oidc_logged_in():
        st.logout()  # without this the next rerun would sign the same user straight back in


def signed_out_notice() -> str | None:
    """"You were signed out after N minutes" once after an idle sign-out, else None."""
    if st.session_state.get(_ACCOUNT_CHANGED):
        return ACCOUNT_CHANGED_NOTICE
    minutes = st.session_state.get(_SIGNED_OUT_NOTICE)
    if not isinstance(minutes, int):
        return None
    return f"You were signed out after {minutes} minute{'s' if minutes != 1 else ''} without activity."


def take_sign_in_redirect() -> bool:
    """True once after an idle sign-out: app.py then opens the sign-in page (not the patient's)."""
    return bool(st.session_state.pop(_TO_SIGN_IN, False))
