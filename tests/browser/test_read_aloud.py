"""Read-aloud in Chromium: the button reads the screen in its language, with the tablet's own
voice when it has one for the language, and otherwise with audio rendered on the server
(espeak-ng). Headless Chromium has no voices, so the server path is the plain case; the
browser-voice path is shown with a stand-in `speechSynthesis` that records what it was asked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scoring import load_questionnaire
from speech import espeak_available, question_text
from tests.support.browser import StreamlitServer, settle
from ui.patient.strings import text

QUESTIONNAIRE = load_questionnaire(Path(__file__).resolve().parents[2] / "questionnaires" / "crps.yaml")
FIRST = QUESTIONNAIRE.items[0].id

# A tablet whose browser has a voice for every language: speak() is recorded, not played.
FAKE_VOICES = """
(() => {
  window.__spoken = [];
  const voices = [{lang: "en-US", name: "Fake English"}, {lang: "es-US", name: "Fake Spanish"}];
  Object.defineProperty(window, "speechSynthesis", {value: {
    getVoices: () => voices, cancel: () => {}, speak: (u) => window.__spoken.push({text: u.text, lang: u.lang}),
  }});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ""; this.voice = null; };
})();
"""
NO_VOICES = """
(() => {
  const real = window.speechSynthesis;
  window.__spoken = [];
  if (real) { Object.defineProperty(window, "speechSynthesis", {value: {
    getVoices: () => [], cancel: () => {}, speak: (u) => window.__spoken.push({text: u.text, lang: u.lang}),
  }}); }
})();
"""


@pytest.fixture(scope="module")
def server(server: StreamlitServer) -> StreamlitServer:
    """The module's app; the server audio path needs espeak-ng, so its absence is a failure."""
    if not espeak_available():
        pytest.fail("espeak-ng is missing (apt-get install espeak-ng): the server audio path cannot be tested")
    return server


def _open_question(page: Any, url: str, language: str, tablet: str) -> None:
    page.goto(f"{url}/?tablet={tablet}")
    page.get_by_role("button", name="Español").wait_for()
    page.get_by_role("button", name="English" if language == "en" else "Español").click()
    page.get_by_text(QUESTIONNAIRE.item(FIRST).text[language], exact=True).first.wait_for()
    settle(page)


def _mark(page: Any) -> dict[str, str]:
    page.wait_for_function("""() => { const m = document.querySelectorAll('[data-read-aloud]');
                                      return m.length && m[m.length - 1].dataset.spoken; }""", timeout=30_000)
    return dict(page.evaluate("""() => { const m = document.querySelectorAll('[data-read-aloud]');
                                          return Object.assign({}, m[m.length - 1].dataset); }"""))


@pytest.mark.parametrize("language", ["en", "es"])
def test_without_a_voice_the_button_plays_server_audio_of_the_question(
        server: StreamlitServer, browser: Any, language: str) -> None:
    context = browser.new_context(viewport={"width": 820, "height": 1180}, has_touch=True)
    context.add_init_script(NO_VOICES)
    page = context.new_page()
    try:
        _open_question(page, server.url, language, f"server-audio-{language}")
        assert page.locator("audio").count() == 0  # nothing plays before the tap (READ_ALOUD is off)
        page.get_by_role("button", name=text("read_aloud", language)).click()
        mark = _mark(page)
        assert mark["spoken"] == "server", mark
        assert mark["lang"] == language
        assert mark["text"] == question_text(QUESTIONNAIRE, FIRST, language)
        audio = page.locator(".st-key-read-aloud-audio audio").last
        page.wait_for_function("(a) => a.readyState >= 2 && a.duration > 0.5", arg=audio.element_handle(),
                               timeout=30_000)
        source = audio.get_attribute("src")
        body = page.request.get(f"{server.url}{source}" if source.startswith("/") else source).body()
        assert body[:4] == b"RIFF" and len(body) > 10_000  # a real WAV, seconds long
        assert page.evaluate("window.__spoken") == []
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "es"])
def test_with_a_voice_for_the_language_the_browser_speaks_the_question(
        server: StreamlitServer, browser: Any, language: str) -> None:
    context = browser.new_context(viewport={"width": 820, "height": 1180}, has_touch=True)
    context.add_init_script(FAKE_VOICES)
    page = context.new_page()
    try:
        _open_question(page, server.url, language, f"browser-voice-{language}")
        page.get_by_role("button", name=text("read_aloud", language)).click()
        assert _mark(page)["spoken"] == "browser"
        assert page.evaluate("window.__spoken") == [
            {"text": question_text(QUESTIONNAIRE, FIRST, language), "lang": language}]
    finally:
        context.close()


def test_read_each_question_aloud_from_the_welcome_screen_reads_the_next_question_by_itself(
        server: StreamlitServer, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 820, "height": 1180}, has_touch=True)
    context.add_init_script(FAKE_VOICES)
    page = context.new_page()
    try:
        page.goto(f"{server.url}/?tablet=reader-2")
        page.get_by_role("button", name="Español").wait_for()
        page.get_by_text(text("read_aloud_always", "en"), exact=False).click()
        settle(page)
        page.get_by_role("button", name="Español").click()
        page.get_by_text(QUESTIONNAIRE.item(FIRST).text["es"], exact=True).first.wait_for()
        page.wait_for_function("() => window.__spoken.length > 0", timeout=30_000)
        assert page.evaluate("window.__spoken")[-1] == {"text": question_text(QUESTIONNAIRE, FIRST, "es"),
                                                        "lang": "es"}
    finally:
        context.close()


def test_the_read_aloud_screens_have_no_serious_accessibility_problem(server: StreamlitServer, browser: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 820, "height": 1180}, has_touch=True)
    context.add_init_script(NO_VOICES)
    page = context.new_page()
    try:
        page.goto(f"{server.url}/?tablet=reader-3")
        page.get_by_role("button", name="Español").wait_for()
        settle(page)
        for screen in ("welcome", "question after read aloud"):
            results = Axe().run(page)
            bad = [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
            assert bad == [], f"{screen}: serious/critical axe violations {bad}"
            if screen == "welcome":
                page.get_by_role("button", name="English").click()
                page.get_by_text(QUESTIONNAIRE.item(FIRST).text["en"], exact=True).first.wait_for()
                page.get_by_role("button", name=text("read_aloud", "en")).click()
                _mark(page)
    finally:
        context.close()
