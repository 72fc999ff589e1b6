"""The idle time-out in a real browser: a warning with "I'm still here", then a fresh screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page

from tests.support.browser import StreamlitServer, page_text
from tests.support.tablet_browser import (
    QUESTIONNAIRE,
    assert_no_trace,
    open_welcome,
    tap_answer,
    tap_button,
    wait_for_question,
)
from ui.patient.strings import text

TIMEOUT_SECONDS = 6
WARNING_SECONDS = 3


def test_idle_time_out_warns_then_clears_the_screen(
    streamlit_server: Callable[..., StreamlitServer], tablet_page: Page, artifacts_dir: Path
) -> None:
    server = streamlit_server(
        IDLE_TIMEOUT_SECONDS=str(TIMEOUT_SECONDS), IDLE_WARNING_SECONDS=str(WARNING_SECONDS), TAP_GUARD_SECONDS="0"
    )
    page = tablet_page
    open_welcome(page, server.url)
    tap_button(page, "Español")
    tap_answer(page, "pain_present", "yes", "es")

    still_here = page.get_by_role("button", name=text("still_here", "es"))
    still_here.wait_for(timeout=(TIMEOUT_SECONDS + 3) * 1000)
    page.screenshot(path=str(artifacts_dir / "patient-idle-warning-es.png"))
    still_here.click()
    still_here.wait_for(state="detached", timeout=5000)
    wait_for_question(page, {"pain_present": "yes"}, "pain_present", "es")  # nothing was lost
    assert page.get_by_role("radio", name="Sí", checked=True).count() == 1

    page.get_by_role("button", name="English").wait_for(timeout=(TIMEOUT_SECONDS + 5) * 1000)
    assert_no_trace(page, {"pain_present": "yes"}, "no-reference-yet", "es")
    assert QUESTIONNAIRE.item("pain_present").text["es"] not in page_text(page)
