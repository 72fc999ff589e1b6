"""The audit log (url /audit, administrators only): every sign-in, view, review action, export
and download, newest first, paged; screenings named by their reference. Viewing it is audited."""

from __future__ import annotations

import streamlit as st

from ui import resources
from ui.coordinator import clinic_clock, guard, header
from ui.coordinator import session as staff
from ui.coordinator.as_text import as_text

PAGE_SIZE = 100


def render() -> None:
    session = guard.require_staff(admin=True)
    storage = resources.storage()
    st.title("Audit log")
    header.render(session)
    total = storage.count_audit()
    pages = max(1, -(-total // PAGE_SIZE))
    session.audit_page = min(session.audit_page, pages)
    page = int(st.number_input("Page", min_value=1, max_value=pages, value=session.audit_page,
                               key=staff.widget_key("audit-page")))
    session.audit_page = page
    viewed = staff.widget_key("audit-viewed")
    if st.session_state.get(viewed) != page:
        storage.record_event("audit_viewed", actor=session.actor, detail=f"page {page}")
        st.session_state[viewed] = page
    events = storage.list_audit(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    references = _references({e.submission_id for e in events if e.submission_id is not None})
    zone = clinic_clock.zone()
    st.caption(f"{total} events, newest first · page {page} of {pages}")
    st.table(
        [
            {
                "When": clinic_clock.shown(event.at, zone, seconds=True),
                "Who": as_text(event.actor),
                "What": event.event.replace("_", " "),
                "Screening": references.get(event.submission_id, "") if event.submission_id is not None else "",
                "Detail": as_text(event.detail),
            }
            for event in events
        ]
    )


def _references(ids: set[int]) -> dict[int, str]:
    storage = resources.storage()
    found = {}
    for screening_id in ids:
        row = storage.get_submission(screening_id)
        found[screening_id] = row.reference if row is not None else f"(removed #{screening_id})"
    return found
