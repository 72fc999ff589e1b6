"""The clinic's clock for the coordinator pages: times shown in CLINIC_TIMEZONE (with its
abbreviation, as on the PDF) and "today" as the clinic's calendar day. CLINIC_TIMEZONE has no
silent default: unset, it is the server's zone, and the log at start and the queue page say so.
Counts and date filters by the clinic's day are storage queries that take the zone
(`Storage.counts_for_day`, `daily_counts`, `list_submissions(zone=...)`)."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, tzinfo

import streamlit as st

from report.document import clinic_time
from settings import timezone_is_the_servers
from ui import resources

log = logging.getLogger("crps.app")


def zone() -> tzinfo:
    """CLINIC_TIMEZONE. Reading the settings costs about a millisecond: call once per page run and
    pass the zone on, not once per row."""
    return resources.settings().clinic_timezone


def zone_name(clinic_zone: tzinfo) -> str:
    """"America/Chicago" (the IANA name; the abbreviation changes with summer time)."""
    return str(getattr(clinic_zone, "key", None) or clinic_zone)


def zone_note(clinic_zone: tzinfo) -> str:
    """One line for staff: which clock the pages use, and where it came from."""
    if timezone_is_the_servers():
        return (f"Clinic time: {zone_name(clinic_zone)}, the server's time zone (CLINIC_TIMEZONE is not set; "
                "set it if the clinic's day is not the server's).")
    return f"Clinic time: {zone_name(clinic_zone)} (CLINIC_TIMEZONE)."


def announce() -> None:
    """Say at start, once per server process, which clock the clinic's day is kept by."""
    _announced(zone_name(zone()), timezone_is_the_servers())


@st.cache_resource(show_spinner=False)
def _announced(name: str, from_server: bool) -> bool:  # the arguments are the cache key: says it again on a change
    if from_server:
        log.warning("clinic clock: %s, the server's time zone (CLINIC_TIMEZONE is not set)", name)
    else:
        log.info("clinic clock: %s (CLINIC_TIMEZONE)", name)
    return True


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
