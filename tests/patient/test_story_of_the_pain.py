"""The story of the pain on the tablet (issue 19): asked only when there is pain, each follow-up
only after the answer it follows, every one skippable, and none changes the outcome."""

from __future__ import annotations

import pytest

from scoring import AnswerValue, Questionnaire
from tests.patient.conftest import Saved
from tests.patient.kiosk import Kiosk
from tests.patient.plans import NO_PAIN, NO_RED_FLAGS, PAIN, REFERRAL

STORY: dict[str, AnswerValue] = {
    "inciting_event": "yes", "pain_started_by": ("broken_bone", "cast"), "pain_duration": "gt_6m",
    "pain_start_month": "mar", "pain_start_year": "2_years_ago", "nerve_injured": "no", "pain_spread": "yes",
    "doctor_said_crps": "unsure",
}
STORY_IDS = ("inciting_event", "pain_started_by", "pain_start_month", "pain_start_year", "nerve_injured",
             "pain_spread", "doctor_said_crps")


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_patient_in_pain_tells_the_story(kiosk: Kiosk, saved: Saved, questionnaire: Questionnaire,
                                           language: str) -> None:
    kiosk.start(language)
    seen = kiosk.answer_all({**REFERRAL, **STORY})
    assert [item_id for item_id in seen if item_id in STORY_IDS] == list(STORY_IDS)
    assert seen.index("pain_started_by") == seen.index("inciting_event") + 1  # right after its "Yes"
    assert seen.index("pain_start_month") == seen.index("pain_duration") + 1
    review = kiosk.screen_text()
    assert questionnaire.item("pain_start_month").choice("mar").label[language] in review
    kiosk.submit()
    (row,) = saved()
    stored = dict(row.result.answers)
    assert {key: stored[key] for key in STORY} == STORY
    assert (row.result.tier, row.result.urgent) == ("referral_suggested", False)  # as without the story


def test_the_follow_ups_are_not_asked_without_their_answer(kiosk: Kiosk, saved: Saved) -> None:
    """No injury: not asked what happened ("No" is "none I know of"); under a month: not asked
    the month or year (that is the answer). The rest of the story is asked and can be skipped."""
    kiosk.start("en")
    seen = kiosk.answer_all({**PAIN, "inciting_event": "no", "pain_duration": "lt_1m", **NO_RED_FLAGS})
    assert not {"pain_started_by", "pain_start_month", "pain_start_year"} & set(seen)
    assert {"nerve_injured", "pain_spread", "doctor_said_crps"} <= set(seen)  # skipped: nothing planned
    kiosk.submit()
    (row,) = saved()
    assert "nerve_injured" in row.result.shown and row.result.answer("nerve_injured") is None


def test_a_story_question_offers_skip(kiosk: Kiosk) -> None:
    kiosk.start("en")
    while kiosk.current_item().id != "doctor_said_crps":
        item = kiosk.current_item()
        kiosk.answer(None if not item.required else ("left_arm",) if item.kind == "multiple" else "yes")
    assert kiosk.has_button(kiosk.words("skip")) and kiosk.words("optional_hint") in kiosk.screen_text()
    kiosk.tap(kiosk.words("skip"))
    assert kiosk.current_item().id == "pain_intensity"


def test_no_story_without_pain(kiosk: Kiosk) -> None:
    kiosk.start("es")
    seen = kiosk.answer_all(NO_PAIN)
    assert not set(STORY_IDS) & set(seen)
