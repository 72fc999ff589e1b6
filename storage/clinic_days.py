"""Counts by day for the coordinator's summary and chart, in the clinic's time zone, on indexes.

A UTC day is counted by the `created_day` column; another zone's day (23, 24 or 25 hours) by a
created_at range on the (tier, created_at) and (status, created_at) indexes, never reading a row.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, tzinfo
from datetime import time as clock_time
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from storage.engine import utc_now
from storage.schema import submissions

if TYPE_CHECKING:
    from storage import Storage

PAST_DAYS_SECONDS = 300.0  # the chart's days before today are recounted this often
DayCount = tuple[date, str, int]
"""(day in the clinic's zone, tier, count)"""
PastDays = dict[tuple[date, str], tuple[date, float, list[DayCount]]]
"""A `Storage`'s counts of the chart's days before today: (since, zone) -> (today, until, counts)."""


def clinic_day_bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The day `day` in `zone` as a UTC half-open interval [start, end): 24 hours, or 23 or 25
    across a daylight-saving change."""
    start = datetime.combine(day, clock_time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), clock_time(), tzinfo=zone).astimezone(UTC)
    return start, end


def is_utc_day(day: date, zone: tzinfo) -> bool:
    """True when `day` in `zone` is exactly the UTC day (so the `created_day` column counts it)."""
    start, end = clinic_day_bounds(day, zone)
    return start == datetime.combine(day, clock_time(), tzinfo=UTC) and end - start == timedelta(days=1)


def counts_for_day(storage: Storage, day: date, zone: tzinfo = UTC) -> dict[str, dict[str, int]]:
    """Counts by tier and by status for one day in `zone` (the clinic's), on indexes only:
    a UTC day by `created_day`; another zone's day by a created_at range per tier and per
    status (the (tier, created_at) and (status, created_at) indexes)."""
    counts: dict[str, dict[str, int]] = {"tier": {}, "status": {}}
    columns = (("tier", submissions.c.tier), ("status", submissions.c.status))
    with storage.engine.connect() as connection:
        if is_utc_day(day, zone):
            for name, column in columns:
                for value, count in connection.execute(
                    select(column, func.count()).where(submissions.c.created_day == day).group_by(column)
                ):
                    counts[name][str(value)] = int(count)
            return counts
        start, end = clinic_day_bounds(day, zone)
        for name, column in columns:
            for value in _distinct(connection, column):
                count = _count_between(connection, column, value, start, end)
                if count:
                    counts[name][value] = count
    return counts


def daily_counts(storage: Storage, since: date, zone: tzinfo = UTC) -> list[DayCount]:
    """(day in `zone`, tier, count) from `since` on, for the chart, counted on indexes (see
    `counts_for_day`). Days before today are counted once per PAST_DAYS_SECONDS (at a million
    rows that is the slow part, and those days hardly change); today on every call."""
    today = utc_now().astimezone(zone).date()
    window = (since, str(zone))
    cached = storage.past_days.get(window)
    if cached is None or cached[0] != today or time.monotonic() > cached[1]:
        cached = (today, time.monotonic() + PAST_DAYS_SECONDS, _daily_counts(storage, since, today, zone))
        storage.past_days = {window: cached}  # one entry: the chart asks for one window
    return cached[2] + _daily_counts(storage, max(since, today), today + timedelta(days=1), zone)


def _daily_counts(storage: Storage, since: date, before: date, zone: tzinfo) -> list[DayCount]:
    days = [since + timedelta(days=n) for n in range((before - since).days)]
    if not all(is_utc_day(day, zone) for day in days):
        return _zoned_daily_counts(storage, days, zone)
    conditions = [submissions.c.created_day >= since, submissions.c.created_day < before]
    with storage.engine.connect() as connection:
        rows = connection.execute(
            select(submissions.c.created_day, submissions.c.tier, func.count())
            .where(*conditions)
            .group_by(submissions.c.created_day, submissions.c.tier)
            .order_by(submissions.c.created_day, submissions.c.tier)
        ).all()
    return [(day, str(tier), int(count)) for day, tier, count in rows]


def _zoned_daily_counts(storage: Storage, days: list[date], zone: tzinfo) -> list[DayCount]:
    """The clinic's days are not UTC days (created_day): per tier and day, a count of a
    created_at range on the (tier, created_at) index, never reading a row."""
    found: list[DayCount] = []
    with storage.engine.connect() as connection:
        tiers = sorted(_distinct(connection, submissions.c.tier))
        for day in days:
            start, end = clinic_day_bounds(day, zone)
            for tier in tiers:
                count = _count_between(connection, submissions.c.tier, tier, start, end)
                if count:
                    found.append((day, tier, count))
    return found


def _distinct(connection: Connection, column: Any) -> list[str]:
    """The values of an indexed column, one index seek each (a loose index scan: there are a few)."""
    found: list[str] = []
    while True:
        after = select(func.min(column))
        if found:
            after = after.where(column > found[-1])
        value = connection.execute(after).scalar_one_or_none()
        if value is None:
            return found
        found.append(str(value))


def _count_between(connection: Connection, column: Any, value: str, start: datetime, end: datetime) -> int:
    """Rows with `column` = value created in [start, end): a range on its (column, created_at) index."""
    return int(connection.execute(
        select(func.count()).select_from(submissions)
        .where(column == value, submissions.c.created_at >= start, submissions.c.created_at < end)
    ).scalar_one())
