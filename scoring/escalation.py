"""Red flags on the tablet: which are raised by the answers so far, how urgent, and the result to save.

Pure: no Streamlit, so it is tested alone. A red flag escalates at the answer,
before the patient has answered everything, so `result_so_far` scores the answers
so far with `scoring.score(..., partial=True)`: the questions not reached yet are left
unanswered, never invented. Levels and their order come from the questionnaire and
`scoring.matching` (`RED_FLAG_LEVELS`, `most_severe`, `raises`). (Moved from
`ui/patient/escalation.py` in 1.2: `scoring` owns every rule about answers and red flags.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from scoring._red_flag_rules import rules_raised
from scoring.engine import score, shown_items
from scoring.matching import most_severe, raises
from scoring.model import (
    RED_FLAG_LEVELS,
    AnswerValue,
    Item,
    Questionnaire,
    RedFlagAnswer,
    RedFlagRule,
    ScreeningResult,
)

LEVELS: tuple[str, ...] = RED_FLAG_LEVELS
"""Most urgent first. `emergency` interrupts the flow at once; the others let the patient finish."""


def most_urgent(levels: Iterable[str | None]) -> str | None:
    """The most urgent of some levels, None for none: `scoring.most_severe` over an iterable."""
    return most_severe(*levels)


def level_of(item: Item | RedFlagRule) -> str:
    """The red flag's level from the questionnaire."""
    assert item.red_flag is not None
    return item.red_flag.level


def raised(
    questionnaire: Questionnaire, answers: Mapping[str, AnswerValue], taken_back: Sequence[RedFlagAnswer] = ()
) -> tuple[Item | RedFlagRule, ...]:
    """The red-flag questions answered so far whose answer makes the screening urgent, in
    questionnaire order: as `score` reads them, so also one answered while branching hides it;
    then the red-flag rules whose conditions the answers to shown questions meet, counting a
    raising answer the patient took back (`taken_back`, as storage keeps them: fever answered
    yes, changed to no, then spreading redness is the deep-infection emergency on the tablet
    too). Each rule is escalated at the answer that completes it."""
    items = tuple(item for item in questionnaire.red_flag_items if raises(item, answers.get(item.id)))
    shown = {item.id: answers.get(item.id) for item in shown_items(questionnaire, answers)}
    rule_ids = set(rules_raised(questionnaire, shown, taken_back))
    rules = tuple(rule for rule in questionnaire.red_flag_rules if rule.id in rule_ids)
    return items + rules


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
