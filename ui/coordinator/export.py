"""The queue's CSV export: built only when the coordinator clicks (`st.download_button` with a
callable), never kept in session state or at a reusable URL, audited, and refused above
EXPORT_MAX_ROWS with a pointer to the command line that streams any number of rows."""

from __future__ import annotations

import io
from datetime import UTC, datetime, tzinfo
from functools import partial

import streamlit as st

from storage import QueueFilter, Storage
from storage.export import describe_filter
from ui import resources
from ui.coordinator import session as staff


def max_rows() -> int:
    """EXPORT_MAX_ROWS (settings.py, default 50,000): the page's export refuses larger sets."""
    return int(resources.settings().export_max_rows)


def build_csv(storage: Storage, query: QueueFilter, item_ids: list[str], actor: str, zone: tzinfo = UTC) -> bytes:
    """The filtered screenings as CSV bytes (UTF-8 with BOM), days and times the clinic's (`zone`);
    writes the audit row."""
    buffer = io.StringIO()
    rows = storage.export_csv(query, buffer, item_ids=item_ids, zone=zone)
    storage.record_event("exported", actor=actor, detail=f"{rows} rows as CSV; filter: {describe_filter(query)}")
    return buffer.getvalue().encode("utf-8")


def offer(query: QueueFilter, matching: int, actor: str, *, capped: bool = False, zone: tzinfo = UTC) -> None:
    """`capped`: `matching` is a floor (storage stopped counting), so the export may be larger."""
    st.markdown("**Export**")
    limit = max_rows()
    if matching > limit or capped:
        how_many = (f"{matching:,}+ screenings match (counted only this far)" if capped
                    else f"{matching:,} screenings match: more than this page exports ({limit:,}, EXPORT_MAX_ROWS)")
        st.info(f"{how_many}. Narrow the filter, or on the server run `python -m storage export --output FILE` "
                "(it streams any number of rows).")
        return
    item_ids = [item.id for item in resources.questionnaire().items]
    st.download_button(
        f"Download CSV of the {matching} filtered screening(s)",
        data=partial(build_csv, resources.storage(), query, item_ids, actor, zone),  # built on the click
        file_name=f"crps-screenings-{datetime.now(zone):%Y%m%d-%H%M}.csv",
        mime="text/csv",
        key=staff.widget_key("export"),
        disabled=matching == 0,
    )
