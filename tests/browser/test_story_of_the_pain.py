"""The story of the pain in Chromium (issue 19): the what-happened check boxes and the month and
year lists are big tap targets with no serious axe violation, and the answers are saved."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from scoring import AnswerValue, flow
from storage import Storage
from tests.browser.conftest import StreamlitServer, _require_chromium, start_server
from tests.browser.test_patient_kiosk import (
    NO_RED_FLAGS,
    QUESTIONNAIRE,
    assert_accessible,
    heights_of,
    open_welcome,
    reference_on_screen,
    tap_answer,
    tap_button,
    wait_for_question,
)
from ui.patient.strings import text

PLAN: dict[str, AnswerValue] = {
    "pain_present": "yes", "pain_location": ("right_arm",), "inciting_event": "yes",
    "pain_started_by": ("broken_bone", "cast"), "pain_disproportionate": "yes", "pain_duration": "gt_6m",
    "pain_start_month": "sep", "pain_start_year": "last_year", "doctor_said_crps": "no", **NO_RED_FLAGS,
}
CHECKED = ("pain_started_by", "pain_start_month", "pain_start_year")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    _require_chromium()
    started = start_server(tmp_path_factory.mktemp("story"), TAP_GUARD_SECONDS="0")
    yield started
    started.stop()


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_story_screens_are_big_accessible_and_saved(
    server: StreamlitServer, tablet_page: Page, artifacts_dir: Path, language: str,
) -> None:
    page = tablet_page
    open_welcome(page, server.url)
    tap_button(page, {"en": "English", "es": "Español"}[language])
    given: dict[str, AnswerValue] = {}
    item_id: str | None = flow.first_item(QUESTIONNAIRE, given)
    while item_id is not None:
        wait_for_question(page, given, item_id, language)
        if item_id in CHECKED:
            page.screenshot(path=str(artifacts_dir / f"patient-story-{item_id}-{language}.png"), full_page=True)
            assert_accessible(page, item_id)
            options = '[data-testid="stCheckbox"] label' if item_id == "pain_started_by" \
                else '[data-testid="stRadioOption"]'
            assert min(heights_of(page, options)) >= 56, item_id  # a painful or shaky hand
        if item_id in PLAN:
            tap_answer(page, item_id, PLAN[item_id], language)
            given[item_id] = PLAN[item_id]
            tap_button(page, text("next", language))
        else:
            tap_button(page, text("skip", language))
        item_id = flow.item_after(QUESTIONNAIRE, given, item_id)
    page.get_by_role("heading", name=text("review_title", language)).wait_for()
    tap_button(page, text("submit", language))
    saved = Storage(server.env["DATABASE_URL"]).get_by_reference(reference_on_screen(page))
    assert saved is not None
    assert {key: saved.result.answer(key) for key in CHECKED} == {key: PLAN[key] for key in CHECKED}
    assert saved.result.answer("nerve_injured") is None and "nerve_injured" in saved.result.shown  # skipped
