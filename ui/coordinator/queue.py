"""The queue (url /queue): the live urgent list pinned on top, today's counts, screenings per day,
then the filtered, paged table (click a row, or move onto it with the arrow keys, to open it) and
the CSV export.
Every day here is the clinic's (CLINIC_TIMEZONE), counted and filtered by storage in that zone."""

from __future__ import annotations

from datetime import date, timedelta, tzinfo

import pandas as pd
import streamlit as st

from scoring import Questionnaire
from storage import STATUSES, InvalidInput, QueueFilter, QueuePage, Storage, hand_off
from storage.export import describe_filter
from ui import alerting, resources
from ui.coordinator import clinic_clock, deep_link, export, guard, header, nav
from ui.coordinator import session as staff
from ui.coordinator.chart import chart_alt, daily_svg, legend
from ui.coordinator.urgent_list import enable_alerts_button, live_urgent_list, patient_words
from ui.coordinator.wording import category_labels, language_name, status_label, tier_label

PAGE_SIZE = 25
COLUMNS = ["Reference", "Submitted", "Patient", "Language", "Suggestion", "Urgent", "Categories met", "Status"]
_HAND_OFF_MESSAGE = staff.widget_key("hand-off:message")


def render() -> None:
    session = guard.require_staff()
    st.title("Screenings")
    header.render(session)
    if staff.current() is None:
        return
    deep_link.open_remembered()  # the screening an alert's link named, once, after sign-in
    enable_alerts_button()
    alerting.show_status()  # a line per failing alert channel (webhook, e-mail)
    live_urgent_list()
    hand_off_form(session)
    # Read once per run and passed on: each of these reads the settings (about a millisecond).
    storage, questionnaire, zone = resources.storage(), resources.questionnaire(), clinic_clock.zone()
    st.caption(clinic_clock.zone_note(zone))
    _today(storage, questionnaire, zone)
    _chart(storage, questionnaire, zone)
    chosen = _filters(questionnaire, zone)
    if chosen != session.queue_filter:  # a new filter starts at its first page
        session.queue_filter, session.queue_page = chosen, 1
    page = _table(session, storage, questionnaire, zone)
    export.offer(session.queue_filter, page.total, session.actor, capped=page.total_is_capped, zone=zone)
    _audit_view(session)


def _audit_view(session: staff.StaffSession) -> None:
    """One audit row per distinct view of the queue (filter and page), not per 5-second refresh."""
    view = f"page {session.queue_page}; filter: {describe_filter(session.queue_filter)}"
    if st.session_state.get(staff.widget_key("queue-viewed")) != view:
        resources.storage().record_event("queue_viewed", actor=session.actor, detail=view)
        st.session_state[staff.widget_key("queue-viewed")] = view


def _today(storage: Storage, questionnaire: Questionnaire, zone: tzinfo) -> None:
    today = clinic_clock.today(zone)
    counts = storage.counts_for_day(today, zone)
    tiers, statuses = st.columns(2)
    tiers.markdown(f"**Today ({today:%Y-%m-%d}, clinic time) by suggestion**")
    for tier in questionnaire.tiers:
        tiers.text(f"{tier.label['en']}: {counts['tier'].get(tier.id, 0)}")
    statuses.markdown("**Today by status**")
    for status in STATUSES:
        statuses.text(f"{status_label(status)}: {counts['status'].get(status, 0)}")


def _chart(storage: Storage, questionnaire: Questionnaire, zone: tzinfo) -> None:
    rows = storage.daily_counts(clinic_clock.today(zone) - timedelta(weeks=6), zone)
    if not rows:
        return
    labels = {tier.id: tier.label["en"] for tier in questionnaire.tiers}
    st.markdown(f"**Screenings per day (clinic days, {clinic_clock.zone_name(zone)}), last 6 weeks**")
    # An image, not st.html: st.html sanitises with DOMPurify's HTML profile, which drops <svg>
    # (the chart drew its heading and legend only: issue 20.10).
    st.image(daily_svg(rows, labels), width="stretch", alt=chart_alt(rows))
    st.caption(legend(rows, labels))


def _filters(questionnaire: Questionnaire, zone: tzinfo) -> QueueFilter:
    key = staff.widget_key
    day = f"clinic day, {clinic_clock.zone_name(zone)}"
    with st.expander("Filter and search", expanded=False):
        reference = st.text_input("Reference code", key=key("filter:reference"), max_chars=12)
        left, right = st.columns(2)
        date_from = left.date_input(f"From ({day})", value=None, key=key("filter:from"))
        date_to = right.date_input(f"To ({day})", value=None, key=key("filter:to"))
        tier_ids = ["", *(tier.id for tier in questionnaire.tiers)]
        tier = left.selectbox("Suggestion", tier_ids, key=key("filter:tier"),
                              format_func=lambda t: tier_label(questionnaire, t) if t else "Any")
        urgent = right.selectbox("Urgent", ["any", "yes", "no"], key=key("filter:urgent"),
                                 format_func={"any": "Any", "yes": "Urgent only", "no": "Not urgent"}.__getitem__)
        status = left.selectbox("Status", ["", *STATUSES], key=key("filter:status"),
                                format_func=lambda s: status_label(s) if s else "Any")
    return QueueFilter(
        date_from=date_from if isinstance(date_from, date) else None,
        date_to=date_to if isinstance(date_to, date) else None,
        tier=tier or None,
        urgent={"any": None, "yes": True, "no": False}[urgent],
        status=status or None,
        reference=reference.strip() or None,
    )


def _table(session: staff.StaffSession, storage: Storage, questionnaire: Questionnaire, zone: tzinfo) -> QueuePage:
    page = storage.list_submissions(session.queue_filter, page=session.queue_page, page_size=PAGE_SIZE, zone=zone)
    if session.queue_page > 1 and not page.rows:  # rows went away under an old page number
        session.queue_page = 1
        page = storage.list_submissions(session.queue_filter, page=1, page_size=PAGE_SIZE, zone=zone)
    st.markdown(f"**{total_label(page)} screening(s)** · page {session.queue_page}"
                + ("" if page.total_is_capped else f" of {last_page(page)}")
                + " · click a row (or move onto it with the arrow keys) to open it")
    frame = pd.DataFrame(
        [
            {
                "Reference": row.reference,
                "Submitted": clinic_clock.shown(row.created_at, zone),
                "Patient": patient_words(row),
                "Language": language_name(row.language),
                "Suggestion": tier_label(questionnaire, row.result.tier),
                "Urgent": "URGENT" if row.result.urgent else "",
                "Categories met": category_labels(questionnaire, row.result.categories_met),
                "Status": status_label(row.status),
            }
            for row in page.rows
        ],
        columns=COLUMNS,
    )
    # The table's key changes with the page, so coming back to the queue starts with no row picked.
    # A click on any cell, or the arrow keys moving onto it, selects a cell (the grid's selection
    # follows the keyboard: st.dataframe reports no separate Enter); the row's tick box selects the
    # row: either opens that screening (issue 20.11; 1.1 opened only on the tick box).
    key = staff.widget_key(f"queue-table:{session.queue_page}:{hash(session.queue_filter)}")
    event = st.dataframe(frame, hide_index=True, width="stretch", on_select="rerun",
                         selection_mode=["single-row", "single-cell"], key=key)
    chosen = chosen_row(getattr(event, "selection", None))
    if chosen is not None and 0 <= chosen < len(page.rows):
        st.session_state.pop(key, None)
        nav.open_screening(page.rows[chosen].id)
    back, forward = st.columns(2)
    if back.button("Previous page", disabled=session.queue_page <= 1, key=staff.widget_key("prev")):
        session.queue_page -= 1
        st.rerun()
    if forward.button("Next page", disabled=not has_next(page), key=staff.widget_key("next")):
        session.queue_page += 1
        st.rerun()
    return page


def chosen_row(selection: object) -> int | None:
    """The row picked in the table: a selected row, else the row of a selected cell, else None."""
    rows = list(getattr(selection, "rows", None) or [])
    cells = list(getattr(selection, "cells", None) or [])
    if rows:
        return int(rows[0])
    if cells:
        return int(cells[0][0])
    return None


def total_label(page: QueuePage) -> str:
    """"1,234", or "100,000+" when storage stopped counting at its cap (COUNT_CAP, filtered or not)."""
    return f"{page.total:,}" + ("+" if page.total_is_capped else "")


def last_page(page: QueuePage) -> int:
    return max(1, -(-page.total // page.page_size))


def has_next(page: QueuePage) -> bool:
    """Past a capped total the last page is unknown: a full page may have more after it."""
    if page.total_is_capped:
        return len(page.rows) == page.page_size
    return page.page < last_page(page)


def hand_off_form(session: staff.StaffSession) -> None:
    """The desk's hand-off (issue 19): "Start a screening on tablet front-1" for a patient with
    the chart number and the date of birth or the full name (or both; the tablet shows at most the
    name's initial, if the clinic allows it). The next patient who starts on that tablet takes it,
    once; it expires after HAND_OFF_MINUTES. Pending hand-offs are listed, each can be withdrawn; all audited."""
    storage = resources.storage()
    message = st.session_state.pop(_HAND_OFF_MESSAGE, None)
    waiting = hand_off.waiting(storage)
    with st.expander("Start a screening on a tablet", expanded=bool(message) or bool(waiting)):
        if isinstance(message, tuple):
            (st.success if message[0] else st.error)(message[1])
        with st.form(staff.widget_key("hand-off"), clear_on_submit=False):
            left, right = st.columns(2)
            left.text_input("Tablet (its ?tablet= name)", max_chars=32, key=staff.widget_key("hand-off:tablet"),
                            placeholder="front-1")
            right.text_input("Chart number", max_chars=64, key=staff.widget_key("hand-off:chart"))
            left.date_input("Date of birth", value=None, min_value=date(1890, 1, 1), max_value=date.today(),
                            format="YYYY-MM-DD", key=staff.widget_key("hand-off:born"))
            right.text_input("Full name (if no date of birth: one of the two is needed)", max_chars=100,
                             key=staff.widget_key("hand-off:name"))
            st.form_submit_button("Start the screening on this tablet", type="primary", on_click=_start_hand_off)
        for pending in waiting:
            line, button = st.columns([6, 1], vertical_alignment="center")
            line.text(f"Tablet {pending.tablet}: waiting for chart {pending.patient.chart_number} "
                      f"(until {clinic_clock.shown(pending.expires_at, clinic_clock.zone())}, "
                      f"started by {pending.started_by})")
            button.button("Withdraw", key=staff.widget_key(f"hand-off:cancel:{pending.tablet}"),
                          on_click=_cancel_hand_off, args=(pending.tablet,))


def _start_hand_off() -> None:
    session = staff.current()
    if session is None:
        return
    values = {name: st.session_state.get(staff.widget_key(f"hand-off:{name}")) for name in
              ("tablet", "chart", "born", "name")}
    try:
        started = hand_off.start(
            resources.storage(), tablet=str(values["tablet"] or ""), chart_number=str(values["chart"] or ""),
            birth_date=values["born"] if isinstance(values["born"], date) else None,
            patient_name=str(values["name"] or ""), actor=session.actor,
            minutes=resources.settings().hand_off_minutes,
        )
    except InvalidInput as exc:  # one line, the value never echoed
        st.session_state[_HAND_OFF_MESSAGE] = (False, f"Not started: {exc}.")
        return
    for name in ("tablet", "chart", "born", "name"):  # the next hand-off starts from an empty form
        st.session_state.pop(staff.widget_key(f"hand-off:{name}"), None)
    st.session_state[_HAND_OFF_MESSAGE] = (
        True, f"Screening started on tablet {started.tablet}: the next patient who starts there is chart "
              f"{started.patient.chart_number} (for {resources.settings().hand_off_minutes} minutes).")


def _cancel_hand_off(tablet: str) -> None:
    session = staff.current()
    if session is None:
        return
    gone = hand_off.cancel(resources.storage(), tablet, actor=session.actor)
    st.session_state[_HAND_OFF_MESSAGE] = (gone, f"Hand-off to tablet {tablet} withdrawn." if gone
                                           else f"Tablet {tablet} had already taken it (or it expired).")
