"""Plain words (CLINICAL.md §5, issue 10): every English patient-facing string ≤ grade 6
(Flesch-Kincaid), each one on its own. textstat 0.7.8 works offline (newer ones fetch data).

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
EXCEPTIONS: dict[str, str] = {}
"""English string -> why it may read above grade 6 (an unavoidable word). Empty: none needed."""


def patient_strings(questionnaire: Questionnaire) -> list[str]:
    texts = [questionnaire.title, *(tier.message for tier in questionnaire.tiers)]
    texts += [text for key, text in questionnaire.messages.items() if not key.startswith(("reason_", "answer_"))]
    for item in questionnaire.items:
        texts += [item.text, *(choice.label for choice in item.choices)]
        texts += [t for t in (item.help, item.min_label, item.max_label) if t is not None]
        if item.red_flag is not None:
            texts.append(item.red_flag.message)
    every_yes = answers(
        **{item.id: "yes" for item in questionnaire.items if item.category},
        **{flag: "yes" for flag in RED_FLAGS},
    )
    reasons = [*score(questionnaire, every_yes).reasons, *score(questionnaire, NO_PAIN).reasons]
    words = [answer_text(questionnaire, (), "pain_intensity", None, "en"),
             answer_text(questionnaire, ("swelling",), "swelling", None, "en"),
             answer_text(questionnaire, ("pain_intensity",), "pain_intensity", 7, "en")]
    return [text["en"] for text in texts] + reasons + words


STRINGS = patient_strings(QUESTIONNAIRE)


@pytest.mark.parametrize("text", STRINGS)
def test_each_string_at_most_grade_6(text: str) -> None:
    assert textstat.flesch_kincaid_grade(text) <= MAX_GRADE or text in EXCEPTIONS


def test_questionnaire_on_average_at_most_grade_6() -> None:
    questions = [item.text["en"] for item in QUESTIONNAIRE.items]
    assert statistics.mean(textstat.flesch_kincaid_grade(q) for q in questions) <= MAX_AVERAGE
    assert statistics.mean(textstat.flesch_kincaid_grade(s) for s in STRINGS) <= MAX_AVERAGE


def test_the_measure_rejects_hard_text() -> None:
    hard = ("Patients demonstrating disproportionate nociceptive hypersensitivity necessitate "
            "comprehensive multidisciplinary interdisciplinary evaluation.")
    assert textstat.flesch_kincaid_grade(hard) > MAX_GRADE
