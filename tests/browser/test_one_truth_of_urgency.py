"""One truth of urgency in a real browser: a red flag answered yes, then changed to no on the review screen
and sent, stays raised for every reader (one flag of each level); an emergency cleared by staff
lets the patient go on; the urgent screen left after the idle time-out says nothing answered."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

import pytest
import streamlit
from playwright.sync_api import Page

from scoring import AnswerValue, flow
from storage import QueueFilter, Storage, Submission
from tests.support.browser import StreamlitServer, page_text, settle
from tests.support.plans import NO_PAIN
from tests.support.tablet_browser import (
    QUESTIONNAIRE,
    answer_until,
    start,
    tap_answer,
    tap_button,
    wait_for_question,
    wait_for_row,
)
from tests.support.urgency_readers import (
    ANSWERED,
    CHANGED,
    coordinator_page_text,
    csv_row,
    fhir_answer,
    fhir_bundle,
    fhir_level,
    fhir_red_flags,
    pdf_text,
)
from ui.patient.strings import text
from ui.patient.urgent import staff_words


def answer_from(
    page: Page, plan: Mapping[str, AnswerValue], given: dict[str, AnswerValue], item_id: str | None
) -> None:
    """Answer `plan` from `item_id` on, in English, until the review screen."""
    while item_id is not None:
        wait_for_question(page, given, item_id, "en")
        tap_answer(page, item_id, plan[item_id], "en")
        given[item_id] = plan[item_id]
        tap_button(page, text("next", "en"))
        item_id = flow.item_after(QUESTIONNAIRE, given, item_id)
    page.get_by_role("button", name=text("submit", "en")).wait_for()


def answered_before(plan: Mapping[str, AnswerValue], item_id: str) -> dict[str, AnswerValue]:
    """The answers `answer_until` gave before `item_id`."""
    given: dict[str, AnswerValue] = {}
    current = flow.first_item(QUESTIONNAIRE, given)
    while current != item_id:
        given[current] = plan[current]
        current = flow.item_after(QUESTIONNAIRE, given, current)  # type: ignore[assignment]
    return given


def change_on_review(page: Page, given: dict[str, AnswerValue], item_id: str, value: AnswerValue) -> None:
    number = [item.id for item in flow.asked(QUESTIONNAIRE, given)].index(item_id) + 1
    tap_button(page, text("change", "en", n=number))
    wait_for_question(page, given, item_id, "en")
    tap_answer(page, item_id, value, "en")
    given[item_id] = value
    tap_button(page, text("next", "en"))
    page.get_by_role("button", name=text("submit", "en")).wait_for()


def finished_row(storage: Storage, tablet: str, seconds: float = 30) -> Submission:
    deadline = time.monotonic() + seconds
    while True:
        rows = [row for row in storage.list_submissions(QueueFilter(), page_size=100).rows if row.tablet == tablet]
        if rows and rows[0].complete:
            return rows[0]
        assert time.monotonic() < deadline, f"no finished screening from {tablet} after {seconds} s"
        time.sleep(0.1)


@pytest.mark.parametrize(("item_id", "level"), [
    pytest.param("stroke_signs_last_hours", "emergency", id="emergency"),
    pytest.param("fever_with_hot_red_limb", "same_day", id="same_day"),
    pytest.param("self_harm_thoughts", "talk_now", id="talk_now"),
])
def test_yes_then_change_to_no_then_send_keeps_the_flag_for_every_reader(
    server: StreamlitServer, tablet_page: Page, monkeypatch: pytest.MonkeyPatch, item_id: str, level: str
) -> None:
    storage = Storage(server.env["DATABASE_URL"])
    tablet = f"change-{level.replace('_', '-')}"
    plan = {**NO_PAIN, item_id: "yes", "self_harm_now": "no"}  # the right-now question follows a yes to self-harm
    page = tablet_page
    start(page, f"{server.url}/?tablet={tablet}")
    answer_until(page, plan, item_id, "yes")
    given = {**answered_before(plan, item_id), item_id: "yes"}
    if level == "emergency":
        page.get_by_role("heading", name=text("urgent_title", "en")).wait_for(timeout=30_000)
        opened = storage.open_urgent_for_tablet(tablet)
        assert opened is not None
        storage.acknowledge(opened.id, actor="nurse@example.org")  # in the queue
        tap_button_when_shown(page, staff_words("staff_continue", "en"))
    else:
        page.get_by_role("radio", name="Yes", checked=True).wait_for(state="attached")
        tap_button(page, text("next", "en"))
    answer_from(page, plan, given, flow.item_after(QUESTIONNAIRE, given, item_id))
    change_on_review(page, given, item_id, "no")
    tap_button(page, text("submit", "en"))

    row = finished_row(storage, tablet)
    assert row.result.answer(item_id) == "no"
    assert row.result.urgent and item_id in row.result.red_flags and row.result.red_flag_level == level
    monkeypatch.setenv("DATABASE_URL", server.env["DATABASE_URL"])
    streamlit.cache_resource.clear()
    page_words = coordinator_page_text(server.env["DATABASE_URL"], row)
    assert ANSWERED in page_words and CHANGED in page_words
    clinician = pdf_text(row, QUESTIONNAIRE)
    assert ANSWERED in clinician and CHANGED in clinician
    exported = csv_row(storage, row, QUESTIONNAIRE)
    assert (exported["urgent"], exported["red_flag_level"]) == ("True", level)
    assert f"{item_id} (answered yes at " in exported["red_flags"] and "changed to no at" in exported["red_flags"]
    bundle = fhir_bundle(row, QUESTIONNAIRE)
    flags = fhir_red_flags(bundle)
    assert fhir_level(flags["urgent"]) == level and "changed to no" in flags[item_id]["note"][-1]["text"]
    assert fhir_answer(bundle, item_id) == "no"
    streamlit.cache_resource.clear()


def tap_button_when_shown(page: Page, label: str, timeout: float = 30_000) -> None:
    page.get_by_role("button", name=label, exact=True).wait_for(timeout=timeout)
    tap_button(page, label)


def test_after_an_emergency_staff_continue_and_the_self_harm_question_is_asked(
    server: StreamlitServer, tablet_page: Page
) -> None:
    storage = Storage(server.env["DATABASE_URL"])
    page = tablet_page
    start(page, f"{server.url}/?tablet=go-on-1")
    answer_until(page, NO_PAIN, "stroke_signs_last_hours", "yes")
    page.get_by_role("heading", name=text("urgent_title", "en")).wait_for(timeout=30_000)
    opened = storage.open_urgent_for_tablet("go-on-1")
    assert opened is not None
    storage.acknowledge(opened.id, actor="nurse@example.org")
    tap_button_when_shown(page, staff_words("staff_continue", "en"))
    # The remaining questions (1.2 asks the spine-procedure ones after stroke), up to self-harm.
    given = {**answered_before(NO_PAIN, "stroke_signs_last_hours"), "stroke_signs_last_hours": "yes"}
    item_id = flow.item_after(QUESTIONNAIRE, given, "stroke_signs_last_hours")
    while item_id != "self_harm_thoughts":
        assert item_id is not None, "the questions ended before self-harm was asked"
        wait_for_question(page, given, item_id, "en")
        tap_answer(page, item_id, NO_PAIN[item_id], "en")
        given[item_id] = NO_PAIN[item_id]
        tap_button(page, text("next", "en"))
        item_id = flow.item_after(QUESTIONNAIRE, given, item_id)
    page.get_by_text(QUESTIONNAIRE.item("self_harm_thoughts").text["en"], exact=True).first.wait_for()


def test_the_urgent_screen_left_after_the_idle_time_out_says_nothing_answered(
    streamlit_server: Callable[..., StreamlitServer], tablet_page: Page
) -> None:
    server = streamlit_server(IDLE_TIMEOUT_SECONDS="6", IDLE_WARNING_SECONDS="3", TAP_GUARD_SECONDS="0")
    page = tablet_page
    start(page, f"{server.url}/?tablet=walk-away")
    answer_until(page, NO_PAIN, "self_harm_thoughts", "yes")  # the last question; then the patient leaves
    page.get_by_role("radio", name="Yes", checked=True).wait_for(state="attached")
    row = wait_for_row(Storage(server.env["DATABASE_URL"]), "walk-away")
    heading = " / ".join(text("bring_tablet", language) for language in ("en", "es"))
    page.get_by_role("heading", name=heading).wait_for(timeout=30_000)  # after the time-out
    settle(page)
    left = page_text(page)
    assert "988" not in left and row.reference not in left and text("urgent_title", "en") not in left
    assert QUESTIONNAIRE.item("self_harm_thoughts").text["en"] not in left
