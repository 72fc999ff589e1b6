"""Signed-in staff browsers, as the database knows them: one row per session, found by the
SHA-256 of its cookie's token (never the token), started by a one-time hand-over code that works
once. Disabling an account deletes its rows (`storage.staff`); the rules live in `access.sessions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, literal, select, update

from storage import Storage
from storage.engine import aware, utc_now
from storage.schema import staff_sessions


@dataclass(frozen=True)
class StoredSession:
    """A signed-in browser as the database knows it (no token: only its SHA-256 is stored)."""

    id: int
    username: str
    kind: str
    session_version: int
    last_seen_at: datetime


def start_session(
    storage: Storage, *, username: str, kind: str, session_version: int, handover_hash: str, handover_seconds: float,
) -> int:
    """A new session row waiting for its cookie: `handover_hash` (of a one-time code) is good for
    `handover_seconds`. Returns the row's id."""
    now = utc_now()
    with storage.engine.begin() as connection:
        key = connection.execute(insert(staff_sessions).values(
            username=username, kind=kind, session_version=session_version, handover_hash=handover_hash,
            handover_until=now + timedelta(seconds=handover_seconds), created_at=now, last_seen_at=now,
        )).inserted_primary_key
    assert key is not None
    return int(key[0])


def take_handover(storage: Storage, handover_hash: str, token_hash: str) -> str | None:
    """Swap a live one-time code for the cookie's token (one conditional UPDATE: a code works
    once); returns the session's username, or None."""
    now = utc_now()
    sessions = staff_sessions
    until = sessions.c.handover_until
    with storage.engine.begin() as connection:
        if not connection.execute(
            update(sessions).where(sessions.c.handover_hash == handover_hash, until > literal(now, until.type))
            .values(token_hash=token_hash, handover_hash=None, handover_until=None, last_seen_at=now)
        ).rowcount:
            return None
        return connection.execute(select(sessions.c.username).where(sessions.c.token_hash == token_hash)).scalar()


def session_for_token(storage: Storage, token_hash: str) -> StoredSession | None:
    with storage.engine.connect() as connection:
        row = connection.execute(
            select(staff_sessions).where(staff_sessions.c.token_hash == token_hash)
        ).mappings().first()
    if row is None:
        return None
    return StoredSession(id=int(row["id"]), username=row["username"], kind=row["kind"],
                         session_version=int(row["session_version"]), last_seen_at=aware(row["last_seen_at"]))


def touch_session(storage: Storage, session_id: int) -> None:
    """Note activity (the idle time-out of a reload counts from here)."""
    with storage.engine.begin() as connection:
        connection.execute(update(staff_sessions).where(staff_sessions.c.id == session_id)
                           .values(last_seen_at=utc_now()))


def end_session(storage: Storage, session_id: int) -> None:
    """Sign-out: the cookie's token no longer signs anyone in."""
    with storage.engine.begin() as connection:
        connection.execute(delete(staff_sessions).where(staff_sessions.c.id == session_id))


def forget_stale_sessions(storage: Storage, *, idle_seconds: float) -> int:
    """Delete sessions idle longer than that (housekeeping); returns how many."""
    moment = utc_now() - timedelta(seconds=idle_seconds)
    seen = staff_sessions.c.last_seen_at
    with storage.engine.begin() as connection:
        return int(connection.execute(delete(staff_sessions).where(seen < literal(moment, seen.type))).rowcount)
