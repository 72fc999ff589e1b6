"""The one place that holds a coordinator's session: a typed `StaffSession` in `st.session_state`.

Who is signed in (username, display name, role, how: passcode or the clinic's OIDC sign-in), when
they last clicked, the screening they opened, the queue's filter and pages. Every coordinator
widget key is made by `widget_key`, so signing out drops them all (no `coordinator:*` keys left
behind by prefix guessing).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum

import streamlit as st

from storage import QueueFilter

_SESSION_KEY = "staff_session"
_WIDGET_PREFIX = "staff:"


class Role(StrEnum):
    COORDINATOR = "coordinator"
    ADMIN = "admin"
    CLINICIAN = "clinician"  # issue 18: records examinations


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

    @property
    def actor(self) -> str:
        """The name written in the audit log."""
        return self.username

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


def current() -> StaffSession | None:
    """The staff member signed in on this tab, or None."""
    session = st.session_state.get(_SESSION_KEY)
    return session if isinstance(session, StaffSession) else None


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


def touch() -> None:
    session = current()
    if session is not None:
        session.last_activity = time.monotonic()
