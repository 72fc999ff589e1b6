"""When failed sign-ins lock the door, and for how long (a pure rule, tested as a table)."""

from __future__ import annotations

from datetime import datetime, timedelta

MAX_ATTEMPTS = 5
"""Failures allowed before a lock-out."""
FIRST_LOCKOUT_SECONDS = 30
LONGEST_LOCKOUT_SECONDS = 15 * 60


def lockout_seconds(consecutive_failures: int) -> int:
    """0 below MAX_ATTEMPTS; then 30 s, doubling with each further failure, at most 15 minutes."""
    if consecutive_failures < MAX_ATTEMPTS:
        return 0
    doublings = min(consecutive_failures - MAX_ATTEMPTS, 10)
    return min(FIRST_LOCKOUT_SECONDS << doublings, LONGEST_LOCKOUT_SECONDS)


def locked_until(consecutive_failures: int, last_failure_at: datetime | None) -> datetime | None:
    """The moment sign-in opens again, or None when it is open now (compare with UTC now)."""
    seconds = lockout_seconds(consecutive_failures)
    if not seconds or last_failure_at is None:
        return None
    return last_failure_at + timedelta(seconds=seconds)
