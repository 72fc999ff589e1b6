"""The queue (url /queue): urgent alerts pinned on top and refreshed every few seconds, today's
counts, screenings per day, then the filtered, paged table, opening a submission, and export."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import streamlit as st

from storage import STATUSES, QueueFilter, Submission
from ui import resources
from ui.coordinator import access
from ui.coordinator.labels import LANGUAGE_NAMES, STATUS_LABELS, category_labels, tier_label

PAGE_SIZE = 25
_SELECTED = "coordinator:selected"
_PAGE = "coordinator:page"


def queue() -> None:
    actor = access.require_staff()
    st.title("Screenings")
    _header_actions()
    _live_summary()
    _chart()
    query = _filters()
    page = _table(query)
    _open_buttons(page)
    _export(query, actor)


def open_submission(submission_id: int) -> None:
    """Remember which submission to show (in the session, never in the URL) and go there."""
    st.session_state[_SELECTED] = submission_id
    st.switch_page("ui/pages/submission.py")


def _header_actions() -> None:
    left, right = st.columns([3, 1])
    left.caption(f"Signed in as {access.current_actor()}. A screening aid: no screen here is a diagnosis.")
    if right.button("Sign out", key="coordinator:sign-out"):
        access.sign_out()
        st.rerun()
    if right.button("Audit log", key="coordinator:to-audit"):
        st.switch_page("ui/pages/audit.py")


@st.fragment(run_every=5)
def _live_summary() -> None:
    """Re-runs on its own every 5 s, so a new urgent screening shows without a click."""
    storage = resources.storage()
    questionnaire = resources.questionnaire()
    urgent = storage.open_urgent(page_size=50)  # oldest first; the total is exact
    if urgent.total:
        st.error(
            f"URGENT: {urgent.total} screening(s) need staff now. Open each and acknowledge it."
            + (f" The {len(urgent.rows)} waiting longest are listed." if urgent.total > len(urgent.rows) else ""),
            icon=":material/warning:",
        )
        for submission in urgent.rows:
            concerns = "; ".join(
                questionnaire.item(flag).red_flag.concern["en"]  # type: ignore[union-attr]
                if flag in questionnaire.items_by_id and questionnaire.item(flag).red_flag
                else flag
                for flag in submission.result.red_flags
            )
            cols = st.columns([1, 3, 1])
            cols[0].markdown(f"**{submission.reference}**")
            cols[1].text(f"{_when(submission.created_at)} · {concerns}")
            if cols[2].button("Open", key=f"coordinator:open-urgent:{submission.id}"):
                open_submission(submission.id)
    else:
        st.success("No unacknowledged urgent screenings.")
    counts = storage.counts_for_day(datetime.now(UTC).date())
    tiers, statuses = st.columns(2)
    tiers.markdown("**Today by suggestion**")
    for tier in questionnaire.tiers:
        tiers.text(f"{tier.label['en']}: {counts['tier'].get(tier.id, 0)}")
    statuses.markdown("**Today by status**")
    for status in STATUSES:
        statuses.text(f"{STATUS_LABELS[status]}: {counts['status'].get(status, 0)}")


def _chart() -> None:
    since = datetime.now(UTC).date() - timedelta(weeks=6)
    rows = resources.storage().daily_counts(since)
    if not rows:
        return
    questionnaire = resources.questionnaire()
    frame = pd.DataFrame(rows, columns=["day", "tier", "count"])
    frame["tier"] = frame["tier"].map(lambda tier: tier_label(questionnaire, tier))
    table = frame.pivot_table(index="day", columns="tier", values="count", aggfunc="sum", fill_value=0)
    st.markdown("**Screenings per day, last 6 weeks**")
    st.bar_chart(table, height=220)


def _filters() -> QueueFilter:
    questionnaire = resources.questionnaire()
    with st.expander("Filter and search", expanded=False):
        reference = st.text_input("Reference code", key="coordinator:filter:reference", max_chars=12)
        left, right = st.columns(2)
        date_from = left.date_input("From (UTC day)", value=None, key="coordinator:filter:from")
        date_to = right.date_input("To (UTC day)", value=None, key="coordinator:filter:to")
        tier_ids = ["", *(tier.id for tier in questionnaire.tiers)]
        tier = left.selectbox("Suggestion", tier_ids, key="coordinator:filter:tier",
                              format_func=lambda t: tier_label(questionnaire, t) if t else "Any")
        urgent = right.selectbox("Urgent", ["any", "yes", "no"], key="coordinator:filter:urgent",
                                 format_func={"any": "Any", "yes": "Urgent only", "no": "Not urgent"}.__getitem__)
        status = left.selectbox("Status", ["", *STATUSES], key="coordinator:filter:status",
                                format_func=lambda s: STATUS_LABELS.get(s, "Any"))
    return QueueFilter(
        date_from=date_from if isinstance(date_from, date) else None,
        date_to=date_to if isinstance(date_to, date) else None,
        tier=tier or None,
        urgent={"any": None, "yes": True, "no": False}[urgent],
        status=status or None,
        reference=reference.strip() or None,
    )


def _table(query: QueueFilter) -> list[Submission]:
    storage = resources.storage()
    questionnaire = resources.questionnaire()
    page_number = int(st.session_state.get(_PAGE, 1))
    page = storage.list_submissions(query, page=page_number, page_size=PAGE_SIZE)
    if page_number > 1 and not page.rows:  # the filter changed under an old page number
        page_number = 1
        page = storage.list_submissions(query, page=1, page_size=PAGE_SIZE)
    st.session_state[_PAGE] = page_number
    pages = max(1, -(-page.total // PAGE_SIZE))
    st.markdown(f"**{page.total} screening(s)** · page {page_number} of {pages}")
    frame = pd.DataFrame(
        [
            {
                "Reference": row.reference,
                "Submitted (UTC)": _when(row.created_at),
                "Language": LANGUAGE_NAMES.get(row.language, row.language),
                "Suggestion": tier_label(questionnaire, row.tier),
                "Urgent": "URGENT" if row.urgent else "",
                "Categories met": category_labels(questionnaire, row.result.categories_met),
                "Status": STATUS_LABELS.get(row.status, row.status),
            }
            for row in page.rows
        ],
        columns=["Reference", "Submitted (UTC)", "Language", "Suggestion", "Urgent", "Categories met", "Status"],
    )
    st.dataframe(frame, hide_index=True, width="stretch")
    back, forward = st.columns(2)
    if back.button("Previous page", disabled=page_number <= 1, key="coordinator:prev"):
        st.session_state[_PAGE] = page_number - 1
        st.rerun()
    if forward.button("Next page", disabled=page_number >= pages, key="coordinator:next"):
        st.session_state[_PAGE] = page_number + 1
        st.rerun()
    return page.rows


def _open_buttons(rows: list[Submission]) -> None:
    if not rows:
        return
    names = {row.id: f"{row.reference} · {_when(row.created_at)}" for row in rows}
    choice = st.selectbox("Open a screening", list(names), key="coordinator:choose", format_func=names.__getitem__)
    if st.button("Open", type="primary", key="coordinator:open") and choice is not None:
        open_submission(int(choice))


def _export(query: QueueFilter, actor: str) -> None:
    st.markdown("**Export**")
    if st.button("Prepare CSV of the filtered screenings", key="coordinator:prepare-export"):
        buffer = io.StringIO()
        item_ids = [item.id for item in resources.questionnaire().items]
        rows = resources.storage().export_csv(query, buffer, item_ids=item_ids)
        resources.storage().record_event("exported", actor=actor, detail=f"{rows} rows; filter {query}")
        st.session_state["coordinator:export"] = buffer.getvalue().encode("utf-8")
    data = st.session_state.get("coordinator:export")
    if isinstance(data, bytes):
        st.download_button(
            "Download CSV", data, file_name=f"crps-screenings-{datetime.now(UTC):%Y%m%d-%H%M}.csv",
            mime="text/csv", key="coordinator:download-export",
            on_click=lambda: resources.storage().record_event("export_downloaded", actor=actor),
        )


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
