"""The patient's steps on the tablet in a real browser: open the welcome screen, tap answers and
buttons, answer a whole plan or answer until a question, read the reference, check that nothing
of a patient is left behind."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from playwright.sync_api import Page

from scoring import AnswerValue, Questionnaire, flow, load_questionnaire
from storage import Storage, Submission
from tests.support.answers import DEFAULT_QUESTIONNAIRE
from tests.support.browser import page_text, settle
from ui.patient.strings import text

QUESTIONNAIRE: Questionnaire = load_questionnaire(DEFAULT_QUESTIONNAIRE)
SERIOUS = {"serious", "critical"}


def open_welcome(page: Page, url: str) -> None:
    """Open the app and wait for the welcome screen's language buttons."""
    page.goto(url)
    page.get_by_role("button", name="Español").wait_for()


def tap_button(page: Page, label: str) -> None:
    """Tap the button with this exact label once the last run has finished."""
    settle(page)
    page.get_by_role("button", name=label, exact=True).click()


def tap_answer(page: Page, item_id: str, value: AnswerValue, language: str) -> None:
    """Tap an answer by its label (each region of a body map, each box of a list) and wait to see it chosen."""
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
    """Wait until this question and its progress line are on screen and the run has finished."""
    where = flow.progress(QUESTIONNAIRE, answers, item_id)
    page.get_by_text(text("progress", language, n=where.number, total=where.total), exact=True).wait_for()
    page.get_by_text(QUESTIONNAIRE.item(item_id).text[language], exact=True).first.wait_for()
    settle(page)


def answer_everything(page: Page, plan: Mapping[str, AnswerValue], language: str,
                      on_question: Callable[[str], None] | None = None) -> None:
    """From the first question to the review screen, tapping labels and Next/Skip. `on_question`
    is called with each question's id once it is on screen and answered as planned, before Next
    or Skip (a test's checks or screenshots of that screen)."""
    given: dict[str, AnswerValue] = {}
    item_id: str | None = flow.first_item(QUESTIONNAIRE, given)
    while item_id is not None:
        wait_for_question(page, given, item_id, language)
        if item_id in plan:
            tap_answer(page, item_id, plan[item_id], language)
            given[item_id] = plan[item_id]
        if on_question is not None:
            on_question(item_id)
        tap_button(page, text("next" if item_id in plan else "skip", language))
        item_id = flow.item_after(QUESTIONNAIRE, given, item_id)
    page.get_by_role("heading", name=text("review_title", language)).wait_for()


def reference_on_screen(page: Page) -> str:
    """The screening's reference code as the patient sees it."""
    code = page.locator(".st-key-reference-code code").first
    code.wait_for()
    settle(page)
    return code.inner_text().strip()


FIRST_FRAME_OF_WELCOME = """(words) => {
  const title = document.querySelector('h1');
  if (title === null || !title.innerText.includes('Pain symptom check')) return null;
  const body = document.body.innerText;
  return words.filter((w) => body.includes(w));
}"""
"""Checked on every animation frame: at the first frame the welcome title is on show, which of
`words` are still on the page (the reset clears the page before the rerun)."""


def assert_no_trace(page: Page, plan: Mapping[str, AnswerValue], reference: str, language: str) -> None:
    """The welcome screen shows nothing of the last patient: no reference, outcome, question or answer."""
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
    """Open the welcome screen and start in English."""
    open_welcome(page, url)
    tap_button(page, "English")


def wait_for_row(storage: Storage, tablet: str, seconds: float = 30) -> Submission:
    """The tablet's open urgent screening, waiting for it to exist (a condition, not a sleep)."""
    deadline = time.monotonic() + seconds
    while (row := storage.open_urgent_for_tablet(tablet)) is None:
        assert time.monotonic() < deadline, f"no urgent screening for {tablet} after {seconds} s"
        time.sleep(0.1)
    return row


def heights_of(page: Page, selector: str) -> list[float]:
    """The on-screen height of each element the selector finds, in CSS pixels."""
    return [float(h) for h in page.locator(selector).evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height)")]


def assert_accessible(page: Page, screen: str) -> None:
    """axe-core finds no serious or critical problem on the page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [(v["id"], v["impact"], len(v["nodes"])) for v in results.response["violations"] if v["impact"] in SERIOUS]
    assert bad == [], f"{screen}: serious/critical axe violations {bad}"
