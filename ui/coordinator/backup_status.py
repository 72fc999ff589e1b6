"""The last good backup on every staff page: its time for everyone, and for admins a warning
when there has been none for 26 hours. One indexed read per page run."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

import streamlit as st

from storage.backup import WARN_AFTER, last_good_backup
from ui import resources
from ui.coordinator import clinic_clock
from ui.coordinator.session import StaffSession


def notice(last: datetime | None, now: datetime, zone: tzinfo, *, admin: bool) -> tuple[str, str]:
    """("caption" | "warning", the line to show)."""
    when = "no backup recorded" if last is None else f"last good backup {clinic_clock.shown(last, zone)}"
    if admin and (last is None or now - last > WARN_AFTER):
        hours = "" if last is None else f" ({(now - last).total_seconds() / 3600:.0f} hours ago)"
        return "warning", (f"Backups: {when}{hours}; none good for over {WARN_AFTER.total_seconds() / 3600:.0f} "
                           "hours: check the backup timer (README, Backups).")
    return "caption", f"Backups: {when}."


def show(session: StaffSession) -> None:
    try:
        last = last_good_backup(resources.storage().engine)
    except Exception:  # the page still works when this one read fails
        last = None
    kind, line = notice(last, datetime.now(UTC), clinic_clock.zone(), admin=session.is_admin)
    (st.warning if kind == "warning" else st.caption)(line)
