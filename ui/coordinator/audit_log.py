"""The audit log (url /audit): every sign-in, view, review action, export and download."""

from __future__ import annotations

from datetime import UTC

import pandas as pd
import streamlit as st

from ui import resources
from ui.coordinator import access

PAGE_SIZE = 100


def audit() -> None:
    access.require_staff()
    storage = resources.storage()
    st.title("Audit log")
    if st.button("Back to the queue", key="coordinator:audit-back"):
        st.switch_page("ui/pages/queue.py")
    total = storage.count_audit()
    pages = max(1, -(-total // PAGE_SIZE))
    page = int(st.number_input("Page", min_value=1, max_value=pages, value=1, key="coordinator:audit-page"))
    events = storage.list_audit(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    st.caption(f"{total} events, newest first · page {page} of {pages}")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "When (UTC)": event.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
                    "Who": event.actor,
                    "What": event.event,
                    "Submission": event.submission_id if event.submission_id is not None else "",
                    "Detail": event.detail,
                }
                for event in events
            ],
            columns=["When (UTC)", "Who", "What", "Submission", "Detail"],
        ),
        hide_index=True,
        width="stretch",
    )
