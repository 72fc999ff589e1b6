"""Plain words (CLINICAL.md §5): every English patient-facing string ≤ grade 8 (Flesch-Kincaid),
the questionnaire on average ≤ grade 6. textstat 0.7.8 works offline (newer ones fetch data).

Patient-facing: title, questions, help, answer labels, number labels, tier messages, the
app's messages, and the reasons as the engine fills them in. Staff-facing labels (tier labels,
red-flag concerns) are excluded: the coordinator and the clinician PDF show them.
"""

from __future__ import annotations

import statistics

import pytest
import textstat

from scoring import Questionnaire, load_questionnaire, score
from tests.core.conftest import DEFAULT_QUESTIONNAIRE, RED_FLAGS, answers

QUESTIONNAIRE: Questionnaire = load_questionnaire(DEFAULT_QUESTIONNAIRE)
MAX_GRADE, MAX_AVERAGE = 8.0, 6.0


def patient_strings(questionnaire: Questionnaire) -> list[str]:
    texts = [questionnaire.title, *(tier.message for tier in questionnaire.tiers)]
    texts += [text for key, text in questionnaire.messages.items() if not key.startswith("reason_")]
    for item in questionnaire.items:
        texts += [item.text, *(choice.label for choice in item.choices)]
        texts += [t for t in (item.help, item.min_label, item.max_label) if t is not None]
    every_yes = answers(
        **{item.id: "yes" for item in questionnaire.items if item.category},
        **{flag: "yes" for flag in RED_FLAGS},
    )
    reasons = [*score(questionnaire, every_yes).reasons, *score(questionnaire, {"pain_present": "no",
               **{flag: "no" for flag in RED_FLAGS}}).reasons]
    return [text["en"] for text in texts] + reasons


STRINGS = patient_strings(QUESTIONNAIRE)


@pytest.mark.parametrize("text", STRINGS)
def test_each_string_at_most_grade_8(text: str) -> None:
    assert textstat.flesch_kincaid_grade(text) <= MAX_GRADE


def test_questionnaire_on_average_at_most_grade_6() -> None:
    questions = [item.text["en"] for item in QUESTIONNAIRE.items]
    assert statistics.mean(textstat.flesch_kincaid_grade(q) for q in questions) <= MAX_AVERAGE
    assert statistics.mean(textstat.flesch_kincaid_grade(s) for s in STRINGS) <= MAX_AVERAGE


def test_the_measure_rejects_hard_text() -> None:
    hard = ("Patients demonstrating disproportionate nociceptive hypersensitivity necessitate "
            "comprehensive multidisciplinary interdisciplinary evaluation.")
    assert textstat.flesch_kincaid_grade(hard) > MAX_GRADE
