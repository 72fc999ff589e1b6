"""The story of the pain in Chromium: the what-happened check boxes and the month and
year lists are big tap targets with no serious axe violation, and the answers are saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from scoring import AnswerValue
from storage import Storage
from tests.support.browser import StreamlitServer
from tests.support.plans import NO_RED_FLAGS
from tests.support.tablet_browser import (
    answer_everything,
    assert_accessible,
    heights_of,
    open_welcome,
    reference_on_screen,
    tap_button,
)
from ui.patient.strings import text

PLAN: dict[str, AnswerValue] = {
    "pain_present": "yes", "pain_location": ("right_arm",), "inciting_event": "yes",
    "pain_started_by": ("broken_bone", "cast"), "pain_disproportionate": "yes", "pain_duration": "gt_6m",
    "pain_start_month": "sep", "pain_start_year": "last_year", "doctor_said_crps": "no", **NO_RED_FLAGS,
}
CHECKED = ("pain_started_by", "pain_start_month", "pain_start_year")


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_story_screens_are_big_accessible_and_saved(
    server: StreamlitServer, tablet_page: Page, artifacts_dir: Path, language: str,
) -> None:
    page = tablet_page
    open_welcome(page, server.url)
    tap_button(page, {"en": "English", "es": "Español"}[language])

    def check_the_story_screen(item_id: str) -> None:
        if item_id in CHECKED:
            page.screenshot(path=str(artifacts_dir / f"patient-story-{item_id}-{language}.png"), full_page=True)
            assert_accessible(page, item_id)
            options = '[data-testid="stCheckbox"] label' if item_id == "pain_started_by" \
                else '[data-testid="stRadioOption"]'
            assert min(heights_of(page, options)) >= 56, item_id  # a painful or shaky hand

    answer_everything(page, PLAN, language, on_question=check_the_story_screen)
    page.get_by_role("heading", name=text("review_title", language)).wait_for()
    tap_button(page, text("submit", language))
    saved = Storage(server.env["DATABASE_URL"]).get_by_reference(reference_on_screen(page))
    assert saved is not None
    assert {key: saved.result.answer(key) for key in CHECKED} == {key: PLAN[key] for key in CHECKED}
    assert saved.result.answer("nerve_injured") is None and "nerve_injured" in saved.result.shown  # skipped
