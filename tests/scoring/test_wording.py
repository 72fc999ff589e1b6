"""The app screens; it never diagnoses. No questionnaire string or reason may
say a patient has CRPS, is diagnosed, or meets criteria, in English or Spanish."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings

from scoring import Questionnaire, load_questionnaire, score
from tests.support.answer_strategies import answer_sets
from tests.support.answers import DEFAULT_QUESTIONNAIRE
from tests.support.wording import DIAGNOSIS_WORDING

QUESTIONNAIRE: Questionnaire = load_questionnaire(DEFAULT_QUESTIONNAIRE)


def every_string(questionnaire: Questionnaire) -> list[str]:
    texts = [questionnaire.title, *questionnaire.messages.values()]
    for item in questionnaire.items:
        texts += [item.text, item.short, *(c.label for c in item.choices)]
        if item.red_flag:
            texts.append(item.red_flag.concern)
    texts += [tier.label for tier in questionnaire.tiers] + [tier.message for tier in questionnaire.tiers]
    texts += [category.label for category in questionnaire.categories]
    return [value for text in texts for _, value in text.by_language]


@pytest.mark.parametrize(
    "phrase",
    ["You have CRPS.", "Usted tiene SDRC", "meets the Budapest criteria", "diagnosed with CRPS",
     "cumple los criterios"],
)
def test_the_check_catches_diagnosis_wording(phrase: str) -> None:
    assert DIAGNOSIS_WORDING.search(phrase)


def test_no_questionnaire_string_reads_as_a_diagnosis() -> None:
    strings = every_string(QUESTIONNAIRE)
    assert len(strings) > 100
    assert [s for s in strings if DIAGNOSIS_WORDING.search(s)] == []


def test_every_tier_message_says_not_a_diagnosis() -> None:
    for tier in QUESTIONNAIRE.tiers:
        assert "not a diagnosis" in tier.message["en"]
        assert "no es un diagnóstico" in tier.message["es"]


@settings(max_examples=200, deadline=None)
@given(answer_sets())
def test_no_reason_reads_as_a_diagnosis(given_answers: dict[str, object]) -> None:
    for language in QUESTIONNAIRE.languages:
        result = score(QUESTIONNAIRE, given_answers, language)
        assert [r for r in result.reasons if DIAGNOSIS_WORDING.search(r)] == []


# Phrases a Spanish review replaced, which must not come back.
OLD_SPANISH = re.compile(
    r"otro color que|se tuerce|tiesa|tieso|golpe|que apliquen|toque suave|rojez|examinarle"
    r"|no le deja dormir|^¿Suda|^¿Se hincha|\bdecaído\b(?!\(a\))|\bseguro\b(?!\(a\))|\bpreocupado\b(?!\(a\))",
    re.IGNORECASE,
)


def test_the_spanish_fixes_hold() -> None:
    spanish = sorted(spanish_strings())
    assert len(spanish) > 50
    assert [s for s in spanish if OLD_SPANISH.search(s)] == []
    assert OLD_SPANISH.search("¿El dolor no le deja dormir bien?")  # the check itself works
    assert not OLD_SPANISH.search("decaído(a) o preocupado(a)")


def spanish_strings() -> set[str]:
    texts = [QUESTIONNAIRE.title, *QUESTIONNAIRE.messages.values()]
    for item in QUESTIONNAIRE.items:
        texts += [item.text, item.short, *(c.label for c in item.choices)]
        if item.red_flag:
            texts += [item.red_flag.concern, item.red_flag.message]
    texts += [tier.message for tier in QUESTIONNAIRE.tiers]
    return {text["es"] for text in texts}


NEW_NOT_USUAL = re.compile(r" Say yes only if this is new for you, not [a-z ]+\.$")
"""The 1.2 qualifier of every limb red flag: new for the patient, not how it usually is."""


def test_no_negative_questions() -> None:
    """The question itself is never negative; the 1.2 "new, not usual" qualifier is not a question."""
    negative = re.compile(r"\bnot\b|n't\b|\bnever\b", re.IGNORECASE)
    assert [item.id for item in QUESTIONNAIRE.items
            if negative.search(NEW_NOT_USUAL.sub("", item.text["en"]))] == []


def test_each_symptom_question_names_what_it_is_about() -> None:
    """On a one-question screen "Is it weak?" has no referent: say the pain or the arm or leg."""
    for item in QUESTIONNAIRE.items:
        if [c.item for c in item.show_if] == ["pain_present"] and item.red_flag is None:
            assert re.search(r"\bpain\b|arm or leg that hurts", item.text["en"]), item.id


@pytest.mark.parametrize("item_id", ["hand_or_foot_newly_pale", "hand_or_foot_newly_cold", "hand_or_foot_newly_numb",
                                     "hand_or_foot_newly_weak", "arm_or_leg_newly_swollen",
                                     "chest_pain_or_breathless_2_days", "fever_with_hot_red_limb",
                                     "stroke_signs_last_hours", "breathless_or_chest_pain"])
def test_red_flags_have_a_time_frame(item_id: str) -> None:
    text = QUESTIONNAIRE.item(item_id).text
    assert re.match(r"(Today or in the last 2 days|Right now|In the last few hours),", text["en"])
    assert re.match(r"(Hoy o en los últimos 2 días|Ahora mismo|En las últimas horas),", text["es"])


LIMB_RED_FLAGS = ["hand_or_foot_newly_pale", "hand_or_foot_newly_cold", "hand_or_foot_newly_numb",
                  "hand_or_foot_newly_weak", "arm_or_leg_newly_swollen", "redness_spreading_fast"]


@pytest.mark.parametrize("item_id", LIMB_RED_FLAGS)
def test_limb_red_flags_ask_what_is_new_for_the_patient(item_id: str) -> None:
    """A CRPS limb is cold, numb, weak, discoloured or swollen every day; the question
    asks only about what is new for this patient, in both languages."""
    text = QUESTIONNAIRE.item(item_id).text
    assert NEW_NOT_USUAL.search(text["en"]), text["en"]
    assert "Diga que sí solo si esto es nuevo para usted, no " in text["es"]


def test_stroke_asks_about_the_last_hours_and_be_fast_signs() -> None:
    text = QUESTIONNAIRE.item("stroke_signs_last_hours").text["en"]
    assert text.startswith("In the last few hours")
    for sign in ("face", "droop", "speaking", "seeing", "one side"):
        assert sign in text


def test_one_idea_per_limb_question() -> None:
    """cold_pale_numb_limb asked four things; each now has its own question."""
    words = {item_id: QUESTIONNAIRE.item(item_id).text["en"].split("?")[0] for item_id in LIMB_RED_FLAGS[:4]}
    for item_id, idea in zip(LIMB_RED_FLAGS[:4], ("pale", "cold", "feeling", "weak"), strict=True):
        assert idea in words[item_id]
        assert not any(other in words[item_id] for other in {"pale", "cold", "feeling", "weak"} - {idea})
