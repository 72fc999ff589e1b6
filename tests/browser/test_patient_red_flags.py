"""Issue 9 in a real browser: a red flag escalates at the answer, the urgent screen survives a
reload and a failed save, and only staff clear it (the queue's acknowledgement or the kiosk code)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from scoring import AnswerValue, flow
from storage import Storage, Submission
from tests.browser.test_patient_kiosk import (
    NO_RED_FLAGS,
    QUESTIONNAIRE,
    open_welcome,
    reference_on_screen,
    tap_answer,
    tap_button,
    wait_for_question,
)
from tests.support.browser import TABLET, StreamlitServer, page_text, require_chromium, settle, start_server
from ui.patient.strings import text

NO_PAIN: dict[str, AnswerValue] = {"pain_present": "no", **NO_RED_FLAGS}
LEFT_BEHIND = " / ".join(text("bring_tablet", language) for language in ("en", "es"))
"""The urgent screen once the patient is away (issue 16)."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    require_chromium()
    started = start_server(tmp_path_factory.mktemp("patient-red-flags"), TAP_GUARD_SECONDS="0")
    yield started
    started.stop()


@pytest.fixture(scope="module")
def storage(server: StreamlitServer) -> Storage:
    return Storage(server.env["DATABASE_URL"])


def answer_until(page: Page, plan: Mapping[str, AnswerValue], item_id: str, value: AnswerValue) -> None:
    """From the first question, answer `plan` in English until `item_id`, then tap `value` there."""
    given: dict[str, AnswerValue] = {}
    current: str | None = flow.first_item(QUESTIONNAIRE, given)
    while current != item_id:
        assert current is not None, f"{item_id} never asked"
        wait_for_question(page, given, current, "en")
        tap_answer(page, current, plan[current], "en")
        given[current] = plan[current]
        tap_button(page, text("next", "en"))
        current = flow.item_after(QUESTIONNAIRE, given, current)
    wait_for_question(page, given, item_id, "en")
    tap_only(page, item_id, value)


def tap_only(page: Page, item_id: str, value: AnswerValue) -> None:
    """Tap an answer without waiting for it to show as ticked: an emergency answer replaces the
    question with the urgent screen, so the ticked radio may never be seen."""
    label = QUESTIONNAIRE.item(item_id).choice(str(value)).label["en"]
    page.get_by_test_id("stRadio").get_by_text(label, exact=True).click()


def start(page: Page, url: str) -> None:
    open_welcome(page, url)
    tap_button(page, "English")


def urgent_screen(page: Page, timeout: float = 30_000) -> str:
    page.get_by_role("heading", name=text("urgent_title", "en")).wait_for(timeout=timeout)
    return page_text(page)


def wait_for_row(storage: Storage, tablet: str, seconds: float = 30) -> Submission:
    """The tablet's open urgent screening, waiting for it to exist (a condition, not a sleep)."""
    deadline = time.monotonic() + seconds
    while (row := storage.open_urgent_for_tablet(tablet)) is None:
        assert time.monotonic() < deadline, f"no urgent screening for {tablet} after {seconds} s"
        time.sleep(0.1)
    return row


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
    # issue 16: the screen left behind says only "bring this tablet to the front desk"
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
    body = page_text(page)  # issue 16: nothing about what was answered, no reference code
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
