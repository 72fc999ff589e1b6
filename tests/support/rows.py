"""Changing a stored row behind the app's back, for tests of clinic days and dates."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update

from storage import Storage, Submission
from storage.schema import submissions


def move(storage: Storage, row: Submission, created_at: datetime) -> Submission:
    """Set when a row was saved (and its UTC day, as storage keeps it)."""
    with storage.engine.begin() as connection:
        connection.execute(update(submissions).where(submissions.c.id == row.id).values(
            created_at=created_at, created_day=created_at.astimezone(UTC).date()))
    moved = storage.get_submission(row.id)
    assert moved is not None
    return moved
