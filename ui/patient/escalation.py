"""Red flags on the tablet: which are raised by the answers so far, how urgent, and the result to save.

Pure: no Streamlit, so it is tested alone. A red flag escalates at the answer (CLINICAL.md
section 4), before the patient has answered everything, so `result_so_far` scores an
incomplete set of answers: `scoring.score` on the answers so far, with the questions not yet
reached counted as not answered rather than as errors. Nothing is made up for them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from scoring import AnswersInvalid, AnswerValue, Item, Questionnaire, ScreeningResult, score, shown_items

LEVELS = ("emergency", "same_day", "talk_now")
"""Most urgent first. `emergency` interrupts the flow at once; the others let the patient finish."""

_FALLBACK_LEVELS = {"cold_pale_numb_limb": "emergency", "tight_cast_worsening_pain": "emergency",
                    "stroke_signs": "emergency", "sudden_leg_swelling_or_breathless": "same_day",
                    "fever_with_hot_red_limb": "same_day", "self_harm_thoughts": "talk_now"}
"""Only for a questionnaire without `red_flag.level` (1.0); an unknown item counts as an emergency."""

_MISSING = "required answer missing"


def level_of(item: Item) -> str:
    """The red flag's level from the questionnaire (CLINICAL.md section 4)."""
    assert item.red_flag is not None
    level = getattr(item.red_flag, "level", None) or _FALLBACK_LEVELS.get(item.id, "emergency")
    return str(level) if str(level) in LEVELS else "emergency"


def raised(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> tuple[Item, ...]:
    """The red-flag questions asked so far whose answer makes the screening urgent."""
    return tuple(
        item for item in shown_items(questionnaire, answers)
        if item.red_flag is not None and _hits(answers.get(item.id), item.red_flag.urgent_if)
    )


def most_urgent(levels: object) -> str | None:
    """The most urgent of some levels (an iterable of level names), None for none."""
    present = set(levels)  # type: ignore[call-overload]
    return next((level for level in LEVELS if level in present), None)


def level_raised(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> str | None:
    """The most urgent level raised by the answers so far, or None."""
    return most_urgent(level_of(item) for item in raised(questionnaire, answers))


def interrupts(level: str | None) -> bool:
    """True when the flow stops at once for the urgent screen."""
    return level == "emergency"


def result_so_far(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue], language: str) -> ScreeningResult:
    """Score the answers so far; questions not reached yet are left unanswered, not invented.

    Raises `AnswersInvalid` for a bad answer, as `scoring.score` does; only "required answer
    missing" is forgiven, and only here.
    """
    try:
        return score(questionnaire, answers, language)
    except AnswersInvalid as exc:
        if any(problem.message != _MISSING for problem in exc.problems):
            raise
    return score(_all_optional(questionnaire), answers, language)


_OPTIONAL: dict[tuple[int, str], Questionnaire] = {}
"""Static questionnaire content, the same for every session (no answers here)."""


def _all_optional(questionnaire: Questionnaire) -> Questionnaire:
    """The same questionnaire (same id, version and hash) with every item optional."""
    key = (id(questionnaire), questionnaire.content_hash)
    if key not in _OPTIONAL:
        _OPTIONAL[key] = _relaxed(questionnaire)
    return _OPTIONAL[key]


def _relaxed(questionnaire: Questionnaire) -> Questionnaire:
    items = {item.id: dataclasses.replace(item, required=False) for item in questionnaire.items}
    return dataclasses.replace(
        questionnaire,
        items=tuple(items[item.id] for item in questionnaire.items),
        items_by_id=items,
        groups=tuple(
            (conditions, tuple(items[item.id] for item in group)) for conditions, group in questionnaire.groups
        ),
    )


def _hits(value: AnswerValue | None, urgent_if: frozenset[str]) -> bool:
    if isinstance(value, tuple):
        return not urgent_if.isdisjoint(value)
    return isinstance(value, str) and value in urgent_if

