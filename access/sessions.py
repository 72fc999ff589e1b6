"""Staff sessions that end when access ends, and survive a reload until then.

- **The account check** (`still_allowed`): every staff page run reads the account once (by its
  unique username) and the session stands only while the account is enabled, has the role the
  session started with, and its `session_version` is unchanged (an admin's disable, enable, role
  change or password reset raises it). So a change takes effect on the next click.
- **The session cookie**: a password sign-in opens a session row and gets a one-time hand-over
  code (60 s); the page asks the app's own route (`ui.session_route`) for it, and the route
  answers with the cookie: a random token, HttpOnly, SameSite=Strict (Secure over HTTPS), whose
  SHA-256 only is stored. After a reload (F5) `resume` finds the row again, unless it was idle
  longer than STAFF_IDLE_MINUTES, signed out (row deleted), or the account changed or was
  disabled (rows deleted). Tokens are random and looked up, so nothing here needs a secret.

No Streamlit here: `ui.coordinator.guard` reads the cookie and calls these.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from storage import Storage, staff_sessions
from storage import staff as staff_store
from storage.staff import StaffMember

SESSION_COOKIE = "crps_staff_session"
HANDOVER_SECONDS = 60
_TOKEN_BYTES = 32


def _digest(secret_text: str) -> str:
    return hashlib.sha256(secret_text.encode("utf-8", "replace")).hexdigest()


def still_allowed(storage: Storage, username: str, role: str, session_version: int) -> bool:
    """True while the account is enabled with the same role and session version (one indexed read)."""
    state = staff_store.account_state(storage, username)
    return state is not None and not state[0] and state[1] == role and state[2] == session_version


@dataclass(frozen=True)
class Handover:
    """A new session row and the one-time code that the app's route swaps for its cookie."""

    session_id: int
    code: str


def open_session(storage: Storage, member: StaffMember) -> Handover:
    """After a password sign-in: a session row, and a code good for HANDOVER_SECONDS, once."""
    code = secrets.token_urlsafe(_TOKEN_BYTES)
    session_id = staff_sessions.start_session(
        storage, username=member.username, kind="password", session_version=member.session_version,
        handover_hash=_digest(code), handover_seconds=HANDOVER_SECONDS,
    )
    return Handover(session_id, code)


@dataclass(frozen=True)
class Grant:
    """What the route puts in cookies: the session's token, for this account."""

    token: str
    username: str


def cookie_token(storage: Storage, code: str) -> Grant | None:
    """The route's half: a fresh random token for a live one-time code (its session row now
    holds the token's hash), or None for a used, late or made-up code."""
    if not code or len(code) > 200:
        return None
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    username = staff_sessions.take_handover(storage, _digest(code), _digest(token))
    return Grant(token, username) if username is not None else None


@dataclass(frozen=True)
class Resumed:
    member: StaffMember
    session_id: int


def resume(storage: Storage, token: str, *, idle_seconds: float) -> Resumed | None:
    """The session a reload's cookie names, or None (unknown token, idle too long, account
    disabled or changed since: such a row is deleted on the way)."""
    if not token or len(token) > 200:
        return None
    stored = staff_sessions.session_for_token(storage, _digest(token))
    if stored is None:
        return None
    member = staff_store.get_account(storage, stored.username)
    idle = datetime.now(UTC) - stored.last_seen_at > timedelta(seconds=idle_seconds)
    if idle or member is None or member.disabled or member.session_version != stored.session_version:
        staff_sessions.end_session(storage, stored.id)
        return None
    staff_sessions.touch_session(storage, stored.id)
    return Resumed(member, stored.id)


def seen(storage: Storage, session_id: int) -> None:
    """Activity on a session (a reload's idle time-out counts from the last one)."""
    staff_sessions.touch_session(storage, session_id)


def close(storage: Storage, session_id: int, *, idle_seconds: float) -> None:
    """Sign-out: the cookie no longer signs anyone in; long-idle rows are cleared on the way."""
    staff_sessions.end_session(storage, session_id)
    staff_sessions.forget_stale_sessions(storage, idle_seconds=max(idle_seconds, 24 * 3600))
