"""Plain words (CLINICAL.md §5, issues 10 and 17): every English patient-facing string ≤ grade 6
(Flesch-Kincaid) and every Spanish one Fernández-Huerta ≥ 70, each one on its own (one test id
per string). textstat 0.7.8 works offline (newer ones fetch data).

Patient-facing: title, questions, help, answer labels, number labels, tier messages, red-flag
messages, the app's messages (templates filled in), and the reasons as the engine fills them in.
Staff-facing labels (tier labels, red-flag concerns) are excluded: the coordinator and the
clinician PDF show them. Exceptions, each with its reason, go in EXCEPTIONS (none today).
"""

from __future__ import annotations

import statistics

import pytest
import textstat

from scoring import Questionnaire, answer_text, load_questionnaire, score
from tests.core.conftest import DEFAULT_QUESTIONNAIRE, NO_PAIN, RED_FLAGS, answers

QUESTIONNAIRE: Questionnaire = load_questionnaire(DEFAULT_QUESTIONNAIRE)
MAX_GRADE, MAX_AVERAGE = 6.0, 4.5
MIN_SPANISH_EASE = 70.0
"""Fernández-Huerta: 70-80 is "fairly easy" (about US grade 6-7), the Spanish match of grade 6."""
_MONTH = "a month's name (pain_start_month): unavoidable; the formula scores any lone word of 2+ syllables too hard"
EXCEPTIONS: dict[str, str] = {
    month: _MONTH for month in ("January", "February", "April", "July", "August", "September", "October",
                                "November", "December")
}
"""English string -> why it may read above grade 6 (an unavoidable word): only the month names."""
SPANISH_EXCEPTIONS: dict[str, str] = {
    "Prefiero no responder": "a 3-word answer label (the review's wording); the formula needs sentences",
    "Omitida": "one word; Fernández-Huerta scores a lone 3-syllable word far below 70",
    **{month: _MONTH for month in ("Febrero", "Septiembre", "Octubre", "Noviembre", "Diciembre")},
}
"""Spanish string -> why it may score below 70: only labels of 3 words or fewer."""


def patient_strings(questionnaire: Questionnaire, language: str = "en") -> list[str]:
    texts = [questionnaire.title, *(tier.message for tier in questionnaire.tiers)]
    texts += [rule.red_flag.message for rule in questionnaire.red_flag_rules]
    texts += [text for key, text in questionnaire.messages.items() if not key.startswith(("reason_", "answer_"))]
    for item in questionnaire.items:
        texts += [item.text, *(choice.label for choice in item.choices)]
        texts += [t for t in (item.help, item.min_label, item.max_label) if t is not None]
        if item.red_flag is not None:
            texts.append(item.red_flag.message)
    every_yes = answers(
        **{item.id: "yes" for item in questionnaire.items if item.category},
        **{flag: "yes" for flag in RED_FLAGS},
        self_harm_now="yes", spine_procedure_4_weeks="yes", legs_newly_weak="yes",
        bladder_or_bowel_new_trouble="yes", chest_pain_or_breathless_2_days="yes",
    )
    reasons = [*score(questionnaire, every_yes, language).reasons, *score(questionnaire, NO_PAIN, language).reasons]
    words = [answer_text(questionnaire, (), "pain_intensity", None, language),
             answer_text(questionnaire, ("swelling",), "swelling", None, language),
             answer_text(questionnaire, ("pain_intensity",), "pain_intensity", 7, language)]
    return list(dict.fromkeys([text[language] for text in texts] + reasons + words))


STRINGS = patient_strings(QUESTIONNAIRE)
SPANISH = patient_strings(QUESTIONNAIRE, "es")


def _ids(texts: list[str]) -> list[str]:
    """One readable test id per string (its start), so a failure names the string."""
    return [f"{index:02d}-{text[:50]}" for index, text in enumerate(texts)]


@pytest.mark.parametrize("text", STRINGS, ids=_ids(STRINGS))
def test_each_string_at_most_grade_6(text: str) -> None:
    assert textstat.flesch_kincaid_grade(text) <= MAX_GRADE or text in EXCEPTIONS


def fernandez_huerta(text: str) -> float:
    """Fernández-Huerta reading ease of Spanish text (textstat counts Spanish syllables)."""
    textstat.set_lang("es")
    try:
        return float(textstat.fernandez_huerta(text))
    finally:
        textstat.set_lang("en_US")


@pytest.mark.parametrize("text", SPANISH, ids=_ids(SPANISH))
def test_each_spanish_string_fernandez_huerta_at_least_70(text: str) -> None:
    if text in SPANISH_EXCEPTIONS:
        assert len(text.split()) <= 3, "the exception is for a short label only"
        return
    assert fernandez_huerta(text) >= MIN_SPANISH_EASE, text


def test_the_spanish_measure_rejects_hard_text() -> None:
    hard = ("La hipersensibilidad nociceptiva desproporcionada requiere una evaluación "
            "multidisciplinaria interdisciplinaria exhaustiva.")
    assert fernandez_huerta(hard) < MIN_SPANISH_EASE


def test_questionnaire_on_average_at_most_grade_6() -> None:
    questions = [item.text["en"] for item in QUESTIONNAIRE.items]
    assert statistics.mean(textstat.flesch_kincaid_grade(q) for q in questions) <= MAX_AVERAGE
    assert statistics.mean(textstat.flesch_kincaid_grade(s) for s in STRINGS) <= MAX_AVERAGE


def test_the_measure_rejects_hard_text() -> None:
    hard = ("Patients demonstrating disproportionate nociceptive hypersensitivity necessitate "
            "comprehensive multidisciplinary interdisciplinary evaluation.")
    assert textstat.flesch_kincaid_grade(hard) > MAX_GRADE
