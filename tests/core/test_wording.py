"""The app screens; it never diagnoses (CLINICAL.md §1). No questionnaire string or reason may
say a patient has CRPS, is diagnosed, or meets criteria, in English or Spanish."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings

from scoring import Questionnaire, load_questionnaire, score
from tests.core.conftest import DEFAULT_QUESTIONNAIRE
from tests.core.test_properties import answer_sets

# Kept in tests only, so the app's own code never carries these phrases.
DIAGNOSIS_WORDING = re.compile(
    r"\b(you have|has|have got|tiene|padece)\s+(crps|sdrc|complex regional|s[ií]ndrome de dolor regional)"
    r"|diagnosed with|diagnosticad[oa] con|\bis diagnosed|confirms?\b.*\bcrps"
    r"|meets?\s+(the\s+)?(budapest\s+|diagnostic\s+)?criteria|cumple\s+(con\s+)?(los\s+)?criterios",
    re.IGNORECASE,
)
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
