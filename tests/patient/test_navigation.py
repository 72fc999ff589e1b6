"""One question per screen: branching, progress, required items, Back, and change from review."""

from __future__ import annotations

import pytest

from scoring import Questionnaire, flow
from tests.patient.conftest import Saved
from tests.patient.kiosk import Kiosk
from tests.patient.plans import NO_PAIN, REFERRAL


def test_no_pain_skips_to_the_safety_questions(kiosk: Kiosk, questionnaire: Questionnaire) -> None:
    kiosk.start("en")
    assert kiosk.current_item().id == "pain_present"
    kiosk.answer("no")

    assert kiosk.current_item().id == "hand_or_foot_newly_pale"
    assert kiosk.current_item().red_flag is not None
    longest = flow.progress(questionnaire, {"pain_present": "no"}, "hand_or_foot_newly_pale").total
    assert kiosk.progress() == f"Question 2 of {longest}"
    assert longest < len(questionnaire.items)


def test_the_progress_on_screen_does_not_jump_with_the_answer(kiosk: Kiosk) -> None:
    """Issue 10: "Question 1 of 7" became "Question 2 of 23" after "Yes"; now the longest path."""
    every = len(kiosk.questionnaire.items)
    kiosk.start("es")
    assert kiosk.progress() == f"Pregunta 1 de {every}"
    kiosk.choose("yes")
    assert kiosk.progress() == f"Pregunta 1 de {every}"
    kiosk.forward()
    assert kiosk.progress() == f"Pregunta 2 de {every}"


def test_a_required_question_cannot_be_skipped(kiosk: Kiosk) -> None:
    kiosk.start("en")
    assert not kiosk.has_button(kiosk.words("skip"))
    kiosk.tap(kiosk.words("next"))

    assert kiosk.current_item().id == "pain_present"
    assert [e.value for e in kiosk.at.error] == [kiosk.words("required_missing")]
    kiosk.answer("yes")
    assert kiosk.current_item().id == "pain_location"
    assert not kiosk.at.error


def test_an_optional_question_can_be_skipped(kiosk: Kiosk) -> None:
    kiosk.start("en").answer("yes")
    assert kiosk.current_item().id == "pain_location"  # required from 1.2: no Skip
    assert not kiosk.has_button(kiosk.words("skip"))
    kiosk.answer(("left_arm",))
    assert kiosk.current_item().id == "inciting_event"
    assert kiosk.words("optional_hint") in kiosk.screen_text()
    kiosk.tap(kiosk.words("skip"))
    assert kiosk.current_item().id == "pain_disproportionate"


def test_back_returns_to_the_previous_answer_then_the_welcome(kiosk: Kiosk) -> None:
    kiosk.start("en").answer("yes").answer(("left_arm", "right_leg"))
    kiosk.tap(kiosk.words("back"))

    assert kiosk.current_item().id == "pain_location"
    chosen = {button.label for button in kiosk.at.button if button.label.endswith("(chosen)")}  # the body map
    assert chosen == {"Left arm or hand (chosen)", "Right leg or foot (chosen)"}
    kiosk.tap(kiosk.words("back"))
    assert kiosk.at.radio[0].value == "yes"
    kiosk.tap(kiosk.words("back"))
    assert kiosk.has_button("English") and kiosk.has_button("Español")


def test_the_0_to_10_scale_is_eleven_choices_not_a_slider(kiosk: Kiosk) -> None:
    kiosk.start("en").answer("yes")
    while kiosk.current_item().id != "pain_intensity":
        item = kiosk.current_item()
        kiosk.answer(None if not item.required else ("left_arm",) if item.kind == "multiple" else "yes")

    (scale,) = kiosk.at.radio
    assert list(scale.options) == [str(n) for n in range(11)]
    assert not kiosk.at.get("slider") and not kiosk.at.get("select_slider")


def test_review_lists_every_answer_and_changes_one(kiosk: Kiosk, saved: Saved) -> None:
    kiosk.start("en")
    kiosk.answer_all(REFERRAL)
    review = kiosk.screen_text()
    assert "Left arm or hand" in review and "More than 6 months" not in review
    assert "3 to 6 months" in review

    asked = [item.id for item in flow.asked(kiosk.questionnaire, REFERRAL)]  # the review's numbering
    kiosk.tap(f"Change {asked.index('pain_duration') + 1}")
    assert kiosk.current_item().id == "pain_duration"
    assert kiosk.at.radio[0].value == "3_6m"
    kiosk.answer("gt_6m")

    review = kiosk.screen_text()
    assert kiosk.words("review_title") in review
    assert "More than 6 months" in review and "3 to 6 months" not in review
    kiosk.submit()
    assert saved()[0].result.answer("pain_duration") == "gt_6m"


def test_back_from_a_change_returns_to_review(kiosk: Kiosk) -> None:
    kiosk.start("en")
    kiosk.answer_all(NO_PAIN)
    kiosk.tap("Change 2")
    kiosk.tap(kiosk.words("back_to_review"))
    assert kiosk.words("review_title") in kiosk.screen_text()


def test_a_change_that_opens_questions_asks_the_required_ones_first(kiosk: Kiosk, saved: Saved) -> None:
    kiosk.start("en")
    kiosk.answer_all(NO_PAIN)
    kiosk.tap("Change 1")
    kiosk.answer("yes")  # pain now: "where" and "is the pain worse than expected" are required

    assert kiosk.current_item().id == "pain_location"
    kiosk.answer(("right_leg",))
    assert kiosk.current_item().id == "pain_disproportionate"
    kiosk.answer("no")
    screen = kiosk.screen_text()
    assert kiosk.words("review_title") in screen
    skipped = kiosk.questionnaire.messages["answer_skipped"]["en"]  # scoring.answer_text's words
    assert skipped in screen  # optional pain questions, shown as unanswered
    kiosk.submit()
    assert saved()[0].result.answer("pain_disproportionate") == "no"


def test_a_double_tap_does_not_skip_the_next_question(kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch) -> None:
    kiosk.start("en").answer("yes").answer(("left_arm",))
    assert kiosk.current_item().id == "inciting_event"
    monkeypatch.setenv("TAP_GUARD_SECONDS", "30")  # the second tap comes right after the screen appeared
    kiosk.tap(kiosk.words("skip"))
    assert kiosk.current_item().id == "inciting_event"

    monkeypatch.setenv("TAP_GUARD_SECONDS", "0")
    kiosk.tap(kiosk.words("skip"))
    assert kiosk.current_item().id == "pain_disproportionate"
