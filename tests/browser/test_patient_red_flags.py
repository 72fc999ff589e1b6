"""Red flags on the tablet in a real browser: a red flag escalates at the answer, the urgent screen survives a
reload and a failed save, and only staff clear it (the queue's acknowledgement or the kiosk code)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Browser, Page

from storage import Storage
from tests.support.browser import TABLET, StreamlitServer, page_text, settle
from tests.support.plans import NO_PAIN
from tests.support.tablet_browser import (
    QUESTIONNAIRE,
    answer_until,
    reference_on_screen,
    start,
    tap_button,
    tap_only,
    wait_for_question,
    wait_for_row,
)
from ui.patient.strings import text

LEFT_BEHIND = " / ".join(text("bring_tablet", language) for language in ("en", "es"))
"""The urgent screen once the patient is away."""


def urgent_screen(page: Page, timeout: float = 30_000) -> str:
    page.get_by_role("heading", name=text("urgent_title", "en")).wait_for(timeout=timeout)
    return page_text(page)


def test_stroke_yes_interrupts_at_once_and_the_row_is_saved_before_anything_else(
    server: StreamlitServer, storage: Storage, tablet_page: Page, artifacts_dir: Path
) -> None:
    page = tablet_page
    start(page, f"{server.url}/?tablet=front-1")
    answer_until(page, NO_PAIN, "stroke_signs_last_hours", "yes")  # no Next: the answer itself escalates
    body = urgent_screen(page)
    row = storage.open_urgent_for_tablet("front-1")  # read at once: the patient has done nothing more
    assert row is not None and row.result.red_flags == ("stroke_signs_last_hours",) and row.complete is False
    assert "911" in body and row.reference in body
    assert "tablet=front-1" in page.url  # the name stays in the URL
    page.screenshot(path=str(artifacts_dir / "patient-urgent-emergency-en.png"))


def test_a_reload_keeps_the_urgent_screen_until_the_queue_acknowledges_it(
    server: StreamlitServer, storage: Storage, tablet_page: Page
) -> None:
    page = tablet_page
    start(page, f"{server.url}/?tablet=front-3")
    answer_until(page, NO_PAIN, "hand_or_foot_newly_pale", "yes")
    reference = reference_on_screen(page)

    page.reload()
    # The screen left behind says only "bring this tablet to the front desk"
    page.get_by_role("heading", name=LEFT_BEHIND).wait_for(timeout=30_000)
    settle(page)
    body = page_text(page)
    assert reference not in body and "reload" not in body.lower()

    row = storage.get_by_reference(reference)
    assert row is not None
    storage.acknowledge(row.id, actor="nurse@example.org")
    page.get_by_role("button", name="English").wait_for(timeout=15_000)  # the screen's poll
    assert reference not in page_text(page)
    page.reload()
    page.get_by_role("button", name="English").wait_for()


def test_closing_the_browser_after_a_same_day_flag_still_leaves_the_alert(
    server: StreamlitServer, storage: Storage, browser: Browser
) -> None:
    context = browser.new_context(viewport={"width": TABLET["width"], "height": TABLET["height"]}, has_touch=True)
    page = context.new_page()
    start(page, f"{server.url}/?tablet=front-2")
    answer_until(page, NO_PAIN, "arm_or_leg_newly_swollen", "yes")
    page.get_by_role("radio", name="Yes", checked=True).wait_for(state="attached")  # same_day: it stays
    settle(page)
    assert page.get_by_role("heading", name=text("urgent_title", "en")).count() == 0  # same_day: go on
    # The tap has reached the server (the radio ticks in the browser before that): saved at the answer.
    saved_at_the_answer = wait_for_row(storage, "front-2")
    context.close()  # the patient walks away; the tab is gone

    row = wait_for_row(storage, "front-2")
    assert row.id == saved_at_the_answer.id
    assert row.result.urgent and row.complete is False
    assert row.result.red_flags == ("arm_or_leg_newly_swollen",)
    assert row.result.red_flag_level == "same_day"


def test_walking_away_mid_flow_after_a_same_day_flag_ends_on_the_urgent_screen(
    streamlit_server: Callable[..., StreamlitServer], tablet_page: Page
) -> None:
    server = streamlit_server(IDLE_TIMEOUT_SECONDS="6", IDLE_WARNING_SECONDS="3", TAP_GUARD_SECONDS="0")
    page = tablet_page
    start(page, f"{server.url}/?tablet=side-1")
    answer_until(page, NO_PAIN, "fever_with_hot_red_limb", "yes")
    page.get_by_role("radio", name="Yes", checked=True).wait_for(state="attached")
    page.get_by_role("heading", name=LEFT_BEHIND).wait_for(timeout=20_000)  # after the idle time-out
    settle(page)
    body = page_text(page)  # nothing about what was answered, no reference code
    assert QUESTIONNAIRE.item("fever_with_hot_red_limb").text["en"] not in body
    row = Storage(server.env["DATABASE_URL"]).open_urgent_for_tablet("side-1")
    assert row is not None and row.reference not in body


def test_a_failed_save_still_shows_the_urgent_screen_then_saves_when_the_database_is_back(
    streamlit_server: Callable[..., StreamlitServer], tablet_page: Page
) -> None:
    """A real failure: another process holds the SQLite file's write lock."""
    server = streamlit_server(TAP_GUARD_SECONDS="0")
    page = tablet_page
    start(page, f"{server.url}/?tablet=front-9")
    database = server.env["DATABASE_URL"].removeprefix("sqlite:///")
    answer_until(page, NO_PAIN, "injury_or_surgery_2_weeks", "no")  # 1.2: the question before the stroke one
    page.get_by_role("radio", name="No", checked=True).wait_for(state="attached")
    tap_button(page, text("next", "en"))
    wait_for_question(page, {**NO_PAIN}, "stroke_signs_last_hours", "en")

    lock = sqlite3.connect(database, isolation_level=None, timeout=30)
    lock.execute("BEGIN EXCLUSIVE")
    try:
        tap_only(page, "stroke_signs_last_hours", "yes")
        body = urgent_screen(page, timeout=10_000)
        assert "911" in body
        assert Storage(server.env["DATABASE_URL"]).open_urgent_for_tablet("front-9") is None
    finally:
        lock.execute("COMMIT")
        lock.close()
    reference = reference_on_screen(page)  # the background retry saved it
    row = Storage(server.env["DATABASE_URL"]).get_by_reference(reference)
    assert row is not None and row.result.urgent and row.result.red_flags == ("stroke_signs_last_hours",)
