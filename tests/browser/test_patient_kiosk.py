"""The patient flow in a real browser on a tablet-sized screen (Playwright + Debian Chromium).

One server is shared by the tests in this module (started once; each test uses its own browser
context, so its own session). Screenshots of each kind of screen go to artifacts/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize

import access
from scoring import AnswerValue
from storage import Storage, Submission
from tests.support.browser import TABLET, StreamlitServer, page_text
from tests.support.plans import NO_RED_FLAGS
from tests.support.tablet_browser import (
    QUESTIONNAIRE,
    answer_everything,
    assert_accessible,
    assert_no_trace,
    heights_of,
    open_welcome,
    reference_on_screen,
    tap_answer,
    tap_button,
    wait_for_question,
)
from ui.patient.strings import text

STAFF_CODE = "246813"
LANGUAGE_BUTTON = {"en": "English", "es": "Español"}

REFERRAL: dict[str, AnswerValue] = {
    "pain_present": "yes", "pain_location": ("left_arm",), "pain_disproportionate": "yes", "pain_intensity": 7,
    "pain_duration": "3_6m",  # 1.2: a referral needs pain of a month or more
    "burning_pain": "yes", "touch_sensitivity": "yes", "temperature_difference": "yes", "swelling": "yes",
    **NO_RED_FLAGS,
}
CLINICIAN_REVIEW: dict[str, AnswerValue] = {
    "pain_present": "yes", "pain_location": ("right_leg",), "pain_disproportionate": "unsure",
    "touch_sensitivity": "yes", "skin_color_change": "yes",
    **NO_RED_FLAGS,
}
URGENT: dict[str, AnswerValue] = {"pain_present": "no", **NO_RED_FLAGS, "self_harm_thoughts": "yes",
                                  "self_harm_now": "no"}
"""A `talk_now` flag: the patient finishes, then the urgent screen (an emergency interrupts:
see test_patient_red_flags.py)."""


@pytest.fixture(scope="module")
def server(server: StreamlitServer) -> StreamlitServer:
    """The module's app with a kiosk staff code."""
    access.set_kiosk_code(Storage(server.env["DATABASE_URL"]), STAFF_CODE, actor="test admin")
    return server


# --- tests -------------------------------------------------------------------------------
def test_english_referral_every_screen_then_finish_leaves_no_trace(
    server: StreamlitServer, storage: Storage, tablet_page: Page, artifacts_dir: Path,
) -> None:
    page = tablet_page
    open_welcome(page, server.url)
    page.screenshot(path=str(artifacts_dir / "patient-welcome.png"))
    assert_accessible(page, "welcome")

    tap_button(page, "English")
    wait_for_question(page, {}, "pain_present", "en")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert min(heights_of(page, '[data-testid="stRadioOption"], button')) >= 56  # big touch targets
    tap_button(page, "Next")  # required: a clear message in text, and we stay
    page.get_by_text(text("required_missing", "en")).wait_for()
    page.screenshot(path=str(artifacts_dir / "patient-question-required-en.png"))
    assert_accessible(page, "question")

    def shoot_the_scale(item_id: str) -> None:
        if QUESTIONNAIRE.item(item_id).kind == "integer":
            page.screenshot(path=str(artifacts_dir / "patient-question-scale-en.png"))

    answer_everything(page, REFERRAL, "en", on_question=shoot_the_scale)
    page.screenshot(path=str(artifacts_dir / "patient-review-en.png"), full_page=True)
    assert_accessible(page, "review")

    tap_button(page, text("submit", "en"))
    reference = reference_on_screen(page)
    page.get_by_text(QUESTIONNAIRE.tier("referral_suggested").message["en"]).wait_for()
    page.screenshot(path=str(artifacts_dir / "patient-thanks-en.png"))
    assert_accessible(page, "thank-you")
    saved = storage.get_by_reference(reference)
    assert saved is not None and saved.result.tier == "referral_suggested" and saved.language == "en"
    assert saved.result.answer("pain_location") == ("left_arm",)

    tap_button(page, text("finish", "en"))
    assert_no_trace(page, REFERRAL, reference, "en")
    tap_button(page, "English")
    wait_for_question(page, {}, "pain_present", "en")
    assert page.locator("input:checked").count() == 0


def test_spanish_clinician_review_with_a_double_tap_on_send_saves_one_row(
    server: StreamlitServer, storage: Storage, tablet_page: Page, artifacts_dir: Path,
) -> None:
    page = tablet_page
    open_welcome(page, server.url)
    tap_button(page, "Español")
    wait_for_question(page, {}, "pain_present", "es")
    assert page.evaluate("document.documentElement.lang") == "es"
    page.screenshot(path=str(artifacts_dir / "patient-question-es.png"))
    answer_everything(page, CLINICIAN_REVIEW, "es")
    page.screenshot(path=str(artifacts_dir / "patient-review-es.png"), full_page=True)

    page.get_by_role("button", name=text("submit", "es"), exact=True).dblclick()
    reference = reference_on_screen(page)
    page.get_by_text(text("next_steps", "es")).wait_for()
    page.screenshot(path=str(artifacts_dir / "patient-thanks-es.png"))
    body = page_text(page)
    assert QUESTIONNAIRE.tier("clinician_review").message["es"] in body
    assert "Next" not in body and "Thank you" not in body  # every string in the chosen language

    saved = storage.get_by_reference(reference)
    assert saved is not None and (saved.result.tier, saved.language) == ("clinician_review", "es")
    from storage import QueueFilter

    same_answers = [row for row in storage.list_submissions(QueueFilter(), page_size=100).rows
                    if row.result.answers == saved.result.answers]
    assert len(same_answers) == 1


def test_urgent_screen_shows_the_crisis_line_and_waits_for_staff(
    server: StreamlitServer, storage: Storage, tablet_page: Page, artifacts_dir: Path,
) -> None:
    page = tablet_page
    open_welcome(page, server.url)
    tap_button(page, "English")
    answer_everything(page, URGENT, "en")
    tap_button(page, text("submit", "en"))

    flag = QUESTIONNAIRE.item("self_harm_thoughts").red_flag
    assert flag is not None
    page.get_by_text(flag.message["en"]).wait_for()  # with 911 and 988
    reference = reference_on_screen(page)
    page.screenshot(path=str(artifacts_dir / "patient-urgent-en.png"))
    assert_accessible(page, "urgent")
    saved: Submission | None = storage.get_by_reference(reference)
    assert saved is not None and saved.result.urgent

    page.get_by_text(text("staff_section", "en")).click()
    page.get_by_label(text("staff_code_label", "en")).fill("0000")
    tap_button(page, text("staff_clear", "en"))
    page.get_by_text(text("staff_code_wrong", "en")).wait_for()
    page.get_by_label(text("staff_code_label", "en")).fill(STAFF_CODE)
    tap_button(page, text("staff_clear", "en"))
    assert_no_trace(page, URGENT, reference, "en")
    assert "988" not in page_text(page)


def test_two_tablets_at_once_never_see_each_others_answers(server: StreamlitServer, browser: Browser) -> None:
    viewport: ViewportSize = {"width": TABLET["width"], "height": TABLET["height"]}
    contexts = [browser.new_context(viewport=viewport, has_touch=True) for _ in range(2)]
    try:
        first, second = (context.new_page() for context in contexts)
        for page, language in ((first, "en"), (second, "es")):
            open_welcome(page, server.url)
            tap_button(page, LANGUAGE_BUTTON[language])
        tap_answer(first, "pain_present", "yes", "en")
        tap_button(first, "Next")
        wait_for_question(first, {"pain_present": "yes"}, "pain_location", "en")
        tap_answer(first, "pain_location", ("right_leg",), "en")

        second.reload()  # a reload is a new session: it starts fresh
        open_welcome(second, server.url)
        tap_button(second, "English")
        wait_for_question(second, {}, "pain_present", "en")
        assert second.locator("input:checked").count() == 0
        assert "Right leg or foot" not in page_text(second)
        chosen = text("body_map_chosen", "en", label="Right leg or foot")  # the body map's button says so
        assert first.get_by_role("button", name=chosen).count() == 1
    finally:
        for context in contexts:
            context.close()


def test_kiosk_chrome_is_hidden(server: StreamlitServer, tablet_page: Page) -> None:
    open_welcome(tablet_page, server.url)
    for test_id in ("stToolbar", "stMainMenu", "stAppDeployButton", "stDecoration"):
        assert not tablet_page.get_by_test_id(test_id).is_visible(), test_id
    heights = heights_of(tablet_page, "button")
    assert heights and min(heights) >= 56
    assert re.search(r"Pain symptom check", tablet_page.locator("h1").inner_text())
