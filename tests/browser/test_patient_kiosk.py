"""The patient flow in a real browser on a tablet-sized screen (Playwright + Debian Chromium).

One server is shared by the tests in this module (started once; each test uses its own browser
context, so its own session). Screenshots of each kind of screen go to artifacts/screenshots/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize

import access
from scoring import AnswerValue, Questionnaire, flow, load_questionnaire
from storage import Storage, Submission
from tests.support.browser import REPO, TABLET, StreamlitServer, page_text, require_chromium, settle, start_server
from ui.patient.strings import text

QUESTIONNAIRE: Questionnaire = load_questionnaire(REPO / "questionnaires" / "crps.yaml")
STAFF_CODE = "246813"
LANGUAGE_BUTTON = {"en": "English", "es": "Español"}
SERIOUS = {"serious", "critical"}

NO_RED_FLAGS: dict[str, AnswerValue] = {
    "hand_or_foot_newly_pale": "no", "arm_or_leg_newly_swollen": "no", "breathless_or_chest_pain": "no",
    "fever_with_hot_red_limb": "no", "redness_spreading_fast": "no", "cast_or_tight_bandage": "no",
    "stroke_signs_last_hours": "no", "self_harm_thoughts": "no",
    "hand_or_foot_newly_cold": "no", "hand_or_foot_newly_numb": "no", "hand_or_foot_newly_weak": "no",
    "chest_pain_or_breathless_2_days": "no", "wound_with_pus": "no", "injury_or_surgery_2_weeks": "no",
    "spine_procedure_4_weeks": "no",
}
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
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    """One app for the module, with its own database and a kiosk staff code."""
    require_chromium()
    # Playwright taps as soon as a screen settles; the double-tap guard would ignore that.
    started = start_server(tmp_path_factory.mktemp("patient-kiosk"), TAP_GUARD_SECONDS="0")
    access.set_kiosk_code(Storage(started.env["DATABASE_URL"]), STAFF_CODE, actor="test admin")
    yield started
    started.stop()


@pytest.fixture(scope="module")
def storage(server: StreamlitServer) -> Storage:
    return Storage(server.env["DATABASE_URL"])


# --- steps a patient takes ---------------------------------------------------------------
def open_welcome(page: Page, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Español").wait_for()


def tap_button(page: Page, label: str) -> None:
    settle(page)
    page.get_by_role("button", name=label, exact=True).click()


def tap_answer(page: Page, item_id: str, value: AnswerValue, language: str) -> None:
    item = QUESTIONNAIRE.item(item_id)
    if item.kind == "multiple":
        assert isinstance(value, tuple)
        regions = {code for _, code in item.body_map}
        for code in value:
            label = item.choice(code).label[language]
            if code in regions:  # a body-map region: a button that says "(chosen)" once tapped
                page.get_by_role("button", name=label, exact=True).click()
                chosen = text("body_map_chosen", language, label=label)
                page.get_by_role("button", name=chosen).wait_for()
                continue
            page.get_by_test_id("stCheckbox").get_by_text(item.choice(code).label[language], exact=True).click()
            checked = page.get_by_role("checkbox", name=item.choice(code).label[language], checked=True)
            checked.wait_for(state="attached")
        return
    label = str(value) if item.kind == "integer" else item.choice(str(value)).label[language]
    page.get_by_test_id("stRadio").get_by_text(label, exact=True).click()
    page.get_by_role("radio", name=label, checked=True).wait_for(state="attached")


def wait_for_question(page: Page, answers: Mapping[str, AnswerValue], item_id: str, language: str) -> None:
    where = flow.progress(QUESTIONNAIRE, answers, item_id)
    page.get_by_text(text("progress", language, n=where.number, total=where.total), exact=True).wait_for()
    page.get_by_text(QUESTIONNAIRE.item(item_id).text[language], exact=True).first.wait_for()
    settle(page)


def answer_everything(page: Page, plan: Mapping[str, AnswerValue], language: str, shots: Path | None = None) -> None:
    """From the first question to the review screen, tapping labels and Next/Skip."""
    given: dict[str, AnswerValue] = {}
    item_id: str | None = flow.first_item(QUESTIONNAIRE, given)
    while item_id is not None:
        wait_for_question(page, given, item_id, language)
        if item_id in plan:
            tap_answer(page, item_id, plan[item_id], language)
            given[item_id] = plan[item_id]
            if shots is not None and QUESTIONNAIRE.item(item_id).kind == "integer":
                page.screenshot(path=str(shots / f"patient-question-scale-{language}.png"))
            tap_button(page, text("next", language))
        else:
            tap_button(page, text("skip", language))
        item_id = flow.item_after(QUESTIONNAIRE, given, item_id)
    page.get_by_role("heading", name=text("review_title", language)).wait_for()


def reference_on_screen(page: Page) -> str:
    code = page.locator(".st-key-reference-code code").first
    code.wait_for()
    settle(page)
    return code.inner_text().strip()


def heights_of(page: Page, selector: str) -> list[float]:
    return [float(h) for h in page.locator(selector).evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height)")]


def assert_accessible(page: Page, screen: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [(v["id"], v["impact"], len(v["nodes"])) for v in results.response["violations"] if v["impact"] in SERIOUS]
    assert bad == [], f"{screen}: serious/critical axe violations {bad}"


FIRST_FRAME_OF_WELCOME = """(words) => {
  const title = document.querySelector('h1');
  if (title === null || !title.innerText.includes('Pain symptom check')) return null;
  const body = document.body.innerText;
  return words.filter((w) => body.includes(w));
}"""
"""Checked on every animation frame: at the first frame the welcome title is on show, which of
`words` are still on the page (issue 8: the reset clears the page before the rerun)."""


def assert_no_trace(page: Page, plan: Mapping[str, AnswerValue], reference: str, language: str) -> None:
    outcome = [reference, *(tier.message[language] for tier in QUESTIONNAIRE.tiers)]
    left_over = page.wait_for_function(FIRST_FRAME_OF_WELCOME, arg=outcome, polling="raf").json_value()
    assert left_over == [], f"the last patient's outcome was on screen while the welcome rendered: {left_over}"
    page.get_by_role("button", name="English").wait_for()
    body = page_text(page)
    assert reference not in body
    for tier in QUESTIONNAIRE.tiers:
        assert tier.message[language] not in body
    for item_id, value in plan.items():
        item = QUESTIONNAIRE.item(item_id)
        assert item.text[language] not in body
        if item.kind == "multiple":
            assert all(item.choice(code).label[language] not in body for code in value)  # type: ignore[union-attr]
    assert page.locator("input:checked").count() == 0


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

    answer_everything(page, REFERRAL, "en", shots=artifacts_dir)
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
