"""The one way answers and red flags read (issue 8 §3), red-flag levels (issue 9) and the
result's shown items, partial scoring and stored-dict tolerance."""

from __future__ import annotations

import dataclasses

import pytest

from scoring import (
    Questionnaire,
    ScreeningResult,
    answer_text,
    red_flag_concerns,
    red_flag_messages,
    score,
)
from tests.core.conftest import NO_PAIN, answers

LEVELS = {
    "hand_or_foot_newly_pale": "emergency",
    "hand_or_foot_newly_cold": "emergency",
    "hand_or_foot_newly_numb": "emergency",
    "hand_or_foot_newly_weak": "emergency",
    "breathless_or_chest_pain": "emergency",
    "pain_worse_fast_after_injury": "emergency",
    "wound_with_pus": "same_day",
    "self_harm_now": "emergency",
    "tight_cast_worsening_pain": "emergency",
    "stroke_signs_last_hours": "emergency",
    "arm_or_leg_newly_swollen": "same_day",
    "fever_with_hot_red_limb": "same_day",
    "redness_spreading_fast": "same_day",
    "self_harm_thoughts": "talk_now",
}


def no_pain() -> dict[str, object]:
    return dict(NO_PAIN)


@pytest.mark.parametrize(
    ("given", "item_id", "language", "expected"),
    [
        pytest.param(no_pain(), "burning_pain", "en", "Not asked", id="hidden-by-branching"),
        pytest.param(no_pain(), "burning_pain", "es", "No se preguntó", id="hidden-spanish"),
        pytest.param(answers(swelling=None), "swelling", "en", "Skipped", id="asked-unanswered"),
        pytest.param(answers(swelling=None), "swelling", "es", "Omitida", id="skipped-spanish"),
        pytest.param(answers(pain_intensity=7), "pain_intensity", "en", "7 out of 10", id="number"),
        pytest.param(answers(pain_intensity=0), "pain_intensity", "es", "0 de 10", id="zero-spanish"),
        pytest.param(answers(swelling="unsure"), "swelling", "en", "Not sure", id="label"),
        pytest.param(answers(pain_location=["right_leg", "left_arm"]), "pain_location", "en",
                     "Left arm or hand, Right leg or foot", id="several-labels"),
    ],
)
def test_answer_text_from_a_result(
    questionnaire: Questionnaire, given: dict[str, object], item_id: str, language: str, expected: str
) -> None:
    result = score(questionnaire, given)
    assert answer_text(questionnaire, result, item_id, result.answer(item_id), language) == expected
    item = questionnaire.item(item_id)
    assert answer_text(questionnaire, result.shown, item, result.answer(item_id), language) == expected


def test_answer_text_for_what_an_older_version_stored(questionnaire: Questionnaire) -> None:
    assert answer_text(questionnaire, ("retired_item",), "retired_item", "maybe", "en") == "maybe"
    assert answer_text(questionnaire, ("swelling",), "swelling", "retired_code", "en") == "retired_code"


def test_result_lists_shown_items_in_order(questionnaire: Questionnaire) -> None:
    result = score(questionnaire, no_pain())
    always = ("pain_present", *(item.id for item in questionnaire.items if item.required and not item.show_if))
    assert result.shown == tuple(dict.fromkeys(always))
    assert "tight_cast_worsening_pain" not in result.shown  # no cast: not asked
    full = score(questionnaire, answers(self_harm_thoughts="yes", spine_procedure_4_weeks="yes",
                                        legs_newly_weak="no", bladder_or_bowel_new_trouble="no",
                                        pain_duration="gt_6m"))  # past 6 months: the year it began is asked
    assert full.shown == tuple(item.id for item in questionnaire.items)


def test_every_red_flag_has_a_level_listed_here(questionnaire: Questionnaire) -> None:
    assert {item.id for item in questionnaire.red_flag_items} == set(LEVELS)


@pytest.mark.parametrize(("flag", "level"), LEVELS.items())
def test_each_red_flag_has_its_level(questionnaire: Questionnaire, flag: str, level: str) -> None:
    red_flag = questionnaire.item(flag).red_flag
    assert red_flag is not None and red_flag.level == level
    given = answers(**{flag: "yes"}, **({"self_harm_thoughts": "yes"} if flag == "self_harm_now" else {}))
    assert score(questionnaire, given).red_flag_level == level


def test_most_severe_level_wins(questionnaire: Questionnaire) -> None:
    both = score(questionnaire, answers(self_harm_thoughts="yes", fever_with_hot_red_limb="yes"))
    assert both.red_flag_level == "talk_now"
    all_three = score(questionnaire, answers(self_harm_thoughts="yes", fever_with_hot_red_limb="yes",
                                             stroke_signs_last_hours="yes"))
    assert all_three.red_flag_level == "emergency"
    assert score(questionnaire, answers()).red_flag_level is None


def test_stroke_message_says_call_911_and_self_harm_988(questionnaire: Questionnaire) -> None:
    stroke = questionnaire.item("stroke_signs_last_hours").red_flag
    self_harm = questionnaire.item("self_harm_thoughts").red_flag
    assert stroke is not None and self_harm is not None
    for language in questionnaire.languages:
        assert "911" in stroke.message[language]
        assert "988" in self_harm.message[language]
    # Issue 17: the 988 line says how to get help in Spanish by call and by text, in both languages.
    assert "Call 988 and press 2 for Spanish, or text AYUDA to 988." in self_harm.message["en"]
    assert "Llame al 988 y marque 2 para español, o envíe AYUDA por texto al 988." in self_harm.message["es"]
    for key in ("crisis_line",):
        assert questionnaire.messages[key]["en"].endswith("Call 988 and press 2 for Spanish, or text AYUDA to 988.")
        assert questionnaire.messages[key]["es"].endswith("o envíe AYUDA por texto al 988.")


def test_concerns_and_messages_most_severe_first(questionnaire: Questionnaire) -> None:
    result = score(questionnaire, answers(fever_with_hot_red_limb="yes", self_harm_thoughts="yes",
                                          stroke_signs_last_hours="yes"))
    concerns = red_flag_concerns(questionnaire, result, "en")
    assert len(concerns) == 3
    assert "stroke" in concerns[0] and "self-harm" in concerns[1] and "infection" in concerns[2]
    messages = red_flag_messages(questionnaire, result, "es")
    assert "911" in messages[0] and "988" in messages[1]
    assert red_flag_concerns(questionnaire, score(questionnaire, answers()), "en") == ()


def test_partial_scoring_keeps_a_red_flag_without_the_rest(questionnaire: Questionnaire) -> None:
    so_far = {"pain_present": "no", "hand_or_foot_newly_pale": "yes"}
    result = score(questionnaire, so_far, partial=True)
    assert result.urgent and result.red_flags == ("hand_or_foot_newly_pale",)
    assert result.red_flag_level == "emergency"
    assert result.complete is False
    assert result.shown == ("pain_present", "hand_or_foot_newly_pale")
    assert ScreeningResult.from_dict(result.to_dict()) == result


def test_partial_scoring_still_refuses_bad_answers(questionnaire: Questionnaire) -> None:
    from scoring import AnswersInvalid

    with pytest.raises(AnswersInvalid, match="stroke_signs_last_hours"):
        score(questionnaire, {"pain_present": "no", "stroke_signs_last_hours": "perhaps"}, partial=True)


def test_complete_answers_say_complete(questionnaire: Questionnaire) -> None:
    assert score(questionnaire, answers()).complete is True


def test_a_dict_stored_before_1_1_still_reads(questionnaire: Questionnaire) -> None:
    stored = score(questionnaire, answers(swelling=None, stroke_signs_last_hours="yes")).to_dict()
    for key in ("shown", "red_flag_level", "complete"):
        del stored[key]
    old = ScreeningResult.from_dict(stored)
    assert old.shown == tuple(key for key, _ in old.answers)
    assert old.red_flag_level == "emergency"  # never understated
    assert old.complete is True
    assert answer_text(questionnaire, old, "swelling", None, "en") == "Not asked"


def test_partial_is_incomplete_even_when_every_required_answer_is_in(questionnaire: Questionnaire) -> None:
    """Incomplete means "not sent by the patient yet", whatever has been answered."""
    result = score(questionnaire, answers(self_harm_thoughts="yes"), partial=True)
    assert result.complete is False and result.urgent
    assert dataclasses.replace(result, complete=True) == score(questionnaire, answers(self_harm_thoughts="yes"))
