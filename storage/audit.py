"""The audit trail: append-only rows of who did what to which screening, and when.

`write` adds one row inside the caller's transaction (every storage module that changes
something audits it in the same transaction); there is no way to change or delete a row. No
row ever holds an answer or a note: only event names, actors and short details.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from storage.engine import aware, utc_now
from storage.records import AuditEvent
from storage.schema import audit_events

if TYPE_CHECKING:
    from storage import Storage

PATIENT_KIOSK = "patient-kiosk"
"""The actor of what a patient's tablet writes (saves, hand-offs taken)."""


def write(connection: Connection, event_name: str, actor: str, submission_id: int | None, detail: str,
          at: datetime) -> None:
    """Append one audit row in `connection`'s transaction."""
    connection.execute(
        insert(audit_events).values(  # PostgreSQL cannot store a NUL byte: shown as \0
            at=at, actor=actor.replace("\x00", "\\0"), event=event_name, submission_id=submission_id,
            detail=detail.replace("\x00", "\\0"),
        )
    )


def record_event(storage: Storage, event_name: str, *, actor: str, submission_id: int | None = None,
                 detail: str = "") -> None:
    """Append one audit row (there is no way to change or delete one)."""
    with storage.engine.begin() as connection:
        write(connection, event_name, actor, submission_id, detail, utc_now())


def list_audit(storage: Storage, *, limit: int = 100, offset: int = 0) -> list[AuditEvent]:
    """One page of the trail, newest first."""
    with storage.engine.connect() as connection:
        rows = connection.execute(
            select(audit_events)
            .order_by(audit_events.c.at.desc(), audit_events.c.id.desc())
            .limit(limit)
            .offset(offset)
        ).mappings()
        return [
            AuditEvent(
                id=row["id"], at=aware(row["at"]), actor=row["actor"], event=row["event"],
                submission_id=row["submission_id"], detail=row["detail"],
            )
            for row in rows
        ]


def count_audit(storage: Storage) -> int:
    """How many rows the trail holds."""
    with storage.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(audit_events)).scalar_one())
