"""The clinic's clock for the coordinator pages: times shown in CLINIC_TIMEZONE (with its
abbreviation, as on the PDF) and "today" as the clinic's calendar day. Storage counts by UTC day
(`created_day`); where the clinic's day is not a UTC day, today's counts are made here from the
rows it holds, newest first (storage has no time-zone parameter)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from report.document import clinic_time
from storage import QueueFilter, Storage
from ui import resources


def zone() -> tzinfo:
    """CLINIC_TIMEZONE. Reading the settings costs about a millisecond: call once per page run and
    pass the zone on, not once per row."""
    return resources.settings().clinic_timezone


def shown(moment: datetime, clinic_zone: tzinfo, *, seconds: bool = False) -> str:
    """"2026-11-24 04:30 EST" (as on the PDF; with seconds for the audit log): a stored (UTC)
    time as the clinic reads it."""
    if not seconds:
        return clinic_time(moment, clinic_zone)
    local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(clinic_zone)
    return f"{local:%Y-%m-%d %H:%M:%S} {local.tzname() or ''}".rstrip()


def today(clinic_zone: tzinfo, now: datetime | None = None) -> date:
    """The clinic's calendar day at `now` (default: now)."""
    return (now or datetime.now(UTC)).astimezone(clinic_zone).date()


def day_bounds(day: date, clinic_zone: tzinfo) -> tuple[datetime, datetime]:
    """The clinic's day `day` as a UTC half-open interval [start, end) (23 or 25 hours across a
    daylight-saving change)."""
    start = datetime.combine(day, time(), tzinfo=clinic_zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=clinic_zone).astimezone(UTC)
    return start, end


def counts_for_clinic_day(storage: Storage, day: date, clinic_zone: tzinfo) -> dict[str, dict[str, int]]:
    """Counts by tier and by status for one clinic day, shaped like `Storage.counts_for_day`."""
    start, end = day_bounds(day, clinic_zone)
    if start.time() == time() and end - start == timedelta(days=1):  # the clinic's day is a UTC day
        return storage.counts_for_day(start.date())
    counts: dict[str, dict[str, int]] = {"tier": {}, "status": {}}
    span = QueueFilter(date_from=start.date(), date_to=(end - timedelta(microseconds=1)).date())
    number = 1
    while True:  # newest first on the created_at index, stopping at the clinic day's start
        page = storage.list_submissions(span, page=number, page_size=_PAGE)
        for row in page.rows:
            if start <= row.created_at < end:
                for name, value in (("tier", row.result.tier), ("status", row.status)):
                    counts[name][str(value)] = counts[name].get(str(value), 0) + 1
        if len(page.rows) < _PAGE or page.rows[-1].created_at < start:
            return counts
        number += 1


_PAGE = 500
"""Rows read per query for a clinic day that is not a UTC day (one page covers a clinic's day)."""
