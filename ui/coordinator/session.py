"""The one place that holds a coordinator's session: a typed `StaffSession` in `st.session_state`.

Who is signed in (username, display name, role, how: passcode or the clinic's OIDC sign-in), when
they last clicked, the screening they opened, the queue's filter and pages. Every coordinator
widget key is made by `widget_key`, so signing out drops them all (no `coordinator:*` keys left
behind by prefix guessing).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from access.roles import Role
from storage import QueueFilter

_SESSION_KEY = "staff_session"
_WIDGET_PREFIX = "staff:"


class SignInKind(StrEnum):
    PASSWORD = "password"  # noqa: S105 (a kind of sign-in, not a secret)
    OIDC = "oidc"


@dataclass
class StaffSession:
    """One signed-in staff member on this browser tab; replaced whole at sign-in, dropped at sign-out."""

    username: str
    display_name: str
    role: Role
    kind: SignInKind
    last_activity: float = field(default_factory=time.monotonic)
    selected_id: int | None = None
    """The screening open on the detail page (kept here, never in the URL)."""
    viewed_id: int | None = None
    """The screening whose "viewed" audit row is written (one per opening, not per rerun)."""
    queue_filter: QueueFilter = field(default_factory=QueueFilter)
    queue_page: int = 1
    urgent_page: int = 1
    audit_page: int = 1
    urgent_seen: tuple[int, int] | None = None
    """(open urgent count, newest id) at the last look (None before it): more rings the chime."""
    session_version: int | None = None
    """The account's session version at sign-in (None for an OIDC sign-in, checked by e-mail)."""
    email: str | None = None
    """The OIDC e-mail this session signed in with (None for a password sign-in)."""
    stored_id: int | None = None
    """The `staff_sessions` row behind the reload cookie (None: no cookie session)."""
    cookie_code: str | None = None
    """The one-time code the next page hands to the cookie route (then None)."""
    seen_written_at: float = field(default_factory=time.monotonic)
    """When activity was last written to the session row (at most once a minute)."""
    checked_in: object | None = field(default=None, repr=False, compare=False)
    """The script run whose account check this session passed (one check per run)."""

    @property
    def actor(self) -> str:
        """The name written in the audit log."""
        return self.username

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


def current() -> StaffSession | None:
    """The staff member signed in on this tab, or None.

    Once per script run (before any button's callback acts) the account is read again: a
    session whose account was disabled, demoted or changed since sign-in ends here (issue 20
    item 1), so every caller, callbacks included, sees None on the next click."""
    session = st.session_state.get(_SESSION_KEY)
    if not isinstance(session, StaffSession):
        return None
    run = this_run()
    if run is None or session.checked_in is not run:
        if _account_check is None or not _account_check[0](session):
            return None
        session.checked_in = run
    return session


def this_run() -> object | None:
    """An object that is new for every script run (Streamlit's per-run cursor map), or None."""
    ctx = get_script_run_ctx()
    return None if ctx is None else ctx.cursors


AccountCheck = Callable[[StaffSession], bool]
_account_check: tuple[AccountCheck] | None = None


def check_accounts_with(check: AccountCheck) -> None:
    """Set how `current` asks, once per run, whether the account still allows its session: by
    `guard` as it loads (the check reads storage and access, which this module does not import).
    Until then `current` finds no session at all: it fails closed."""
    global _account_check
    _account_check = (check,)


def start(session: StaffSession) -> StaffSession:
    """Begin a staff session (after a successful sign-in), dropping anything left from before."""
    end()
    st.session_state[_SESSION_KEY] = session
    return session


def end() -> None:
    """Forget the staff session and every coordinator widget's value."""
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(_WIDGET_PREFIX)]:
        del st.session_state[key]
    st.session_state.pop(_SESSION_KEY, None)


def widget_key(name: str) -> str:
    """The key of a coordinator widget (all share one prefix so `end` drops them)."""
    return f"{_WIDGET_PREFIX}{name}"


def touch() -> StaffSession | None:
    session = current()
    if session is not None:
        session.last_activity = time.monotonic()
    return session
