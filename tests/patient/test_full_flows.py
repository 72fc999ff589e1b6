"""Whole screenings in AppTest, in both languages: the screen, then the row in the database."""

from __future__ import annotations

import pytest

from scoring import AnswerValue, Questionnaire
from tests.support.kiosk import Kiosk, Saved
from tests.support.plans import CLINICIAN_REVIEW, NO_PAIN, REFERRAL, URGENT

CASES = [
    pytest.param(REFERRAL, "referral_suggested", False, id="referral"),
    pytest.param(CLINICIAN_REVIEW, "clinician_review", False, id="clinician-review"),
    pytest.param(NO_PAIN, "no_referral_suggested", False, id="no-referral"),
    pytest.param(URGENT, "no_referral_suggested", True, id="urgent"),
]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(("plan", "tier", "urgent"), CASES)
def test_a_patient_completes_the_screen(
    kiosk: Kiosk, saved: Saved, questionnaire: Questionnaire, language: str,
    plan: dict[str, AnswerValue], tier: str, urgent: bool,
) -> None:
    kiosk.start(language)
    kiosk.answer_all(plan)
    assert kiosk.words("review_title") in kiosk.screen_text()

    kiosk.submit()

    (row,) = saved()
    assert (row.result.tier, row.result.urgent, row.language) == (tier, urgent, language)
    assert dict(row.result.answers) == {key: value for key, value in plan.items() if key in dict(row.result.answers)}
    assert set(dict(row.result.answers)) == set(plan)  # every planned answer was asked and stored
    screen = kiosk.screen_text()
    assert row.reference in screen
    if urgent:
        flag = questionnaire.item("self_harm_thoughts").red_flag  # the questionnaire's own words
        assert flag is not None and flag.message[language] in screen and "988" in screen
        assert not kiosk.has_button(kiosk.words("finish"))  # only staff clear this screen
    else:
        assert kiosk.words("next_steps") in screen
        assert questionnaire.tier(tier).message[language] in screen
    other = "es" if language == "en" else "en"
    assert kiosk.words("review_title") not in screen
    assert text_of_other_language_absent(screen, language, other)


def text_of_other_language_absent(screen: str, language: str, other: str) -> bool:
    from ui.patient.strings import text

    return all(text(key, other) not in screen for key in ("thanks_title", "next_steps", "finish", "urgent_title")
               if text(key, other) != text(key, language))


def test_the_outcome_can_be_hidden_from_the_patient(
    kiosk: Kiosk, saved: Saved, questionnaire: Questionnaire, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOW_OUTCOME_TO_PATIENT", "false")
    kiosk.start("en")
    kiosk.answer_all(REFERRAL)
    kiosk.submit()

    screen = kiosk.screen_text()
    assert saved()[0].result.tier == "referral_suggested"
    assert questionnaire.tier("referral_suggested").message["en"] not in screen
    assert kiosk.words("next_steps") in screen
