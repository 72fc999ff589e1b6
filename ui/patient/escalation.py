"""Red flags on the tablet: which are raised by the answers so far, how urgent, and the result to save.

Pure: no Streamlit, so it is tested alone. A red flag escalates at the answer (CLINICAL.md
section 4), before the patient has answered everything, so `result_so_far` scores the answers
so far with `scoring.score(..., partial=True)`: the questions not reached yet are left
unanswered, never invented. Levels and their order come from the questionnaire and `scoring`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from scoring import (
    RED_FLAG_LEVELS,
    AnswerValue,
    Item,
    Questionnaire,
    RedFlagRule,
    ScreeningResult,
    rules_raised,
    score,
    shown_items,
)

LEVELS: tuple[str, ...] = RED_FLAG_LEVELS
"""Most urgent first. `emergency` interrupts the flow at once; the others let the patient finish."""


def level_of(item: Item | RedFlagRule) -> str:
    """The red flag's level from the questionnaire (CLINICAL.md section 4)."""
    assert item.red_flag is not None
    return item.red_flag.level


def raised(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> tuple[Item | RedFlagRule, ...]:
    """The red-flag questions asked so far whose answer makes the screening urgent, then the
    red-flag rules whose conditions the answers so far meet (escalated at that answer)."""
    shown = shown_items(questionnaire, answers)
    items = tuple(
        item for item in shown
        if item.red_flag is not None and _hits(answers.get(item.id), item.red_flag.urgent_if)
    )
    rule_ids = rules_raised(questionnaire, {item.id: answers.get(item.id) for item in shown})
    return items + tuple(source for rule_id in rule_ids
                         if isinstance(source := questionnaire.red_flag_source(rule_id), RedFlagRule))


def most_urgent(levels: Iterable[str | None]) -> str | None:
    """The most urgent of some levels, None for none."""
    present = set(levels)
    return next((level for level in LEVELS if level in present), None)


def level_raised(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> str | None:
    """The most urgent level raised by the answers so far, or None."""
    return most_urgent(level_of(item) for item in raised(questionnaire, answers))


def interrupts(level: str | None) -> bool:
    """True when the flow stops at once for the urgent screen."""
    return level == "emergency"


def result_so_far(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue], language: str) -> ScreeningResult:
    """Score the answers so far (`complete=False`); raises `AnswersInvalid` for a bad answer."""
    return score(questionnaire, answers, language, partial=True)


def patient_messages(questionnaire: Questionnaire, item_ids: Iterable[str], language: str) -> list[str]:
    """What the patient is told for these raised red flags, most urgent first, each once."""
    raised = [questionnaire.red_flag_of(flag_id) for flag_id in item_ids]  # items and rules alike
    flags = sorted((flag for flag in raised if flag is not None),
                   key=lambda flag: LEVELS.index(flag.level))
    return list(dict.fromkeys(flag.message[language] for flag in flags if flag.message.languages))


def _hits(value: AnswerValue | None, urgent_if: frozenset[str]) -> bool:
    if isinstance(value, tuple):
        return not urgent_if.isdisjoint(value)
    return isinstance(value, str) and value in urgent_if
