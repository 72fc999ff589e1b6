"""Branching and progress for the patient flow. Pure: no Streamlit, so it is tested alone.

Which questions are asked comes from the questionnaire's `show_if` rules through
`scoring.shown_items` and `scoring.matching.holds`; nothing here knows about particular items.
(Moved from `ui/patient/flow.py` in 1.2: `scoring` owns every rule about answers.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scoring.engine import shown_items
from scoring.matching import holds
from scoring.model import AnswerValue, Item, Questionnaire


@dataclass(frozen=True)
class Progress:
    """Question `number` of at most `total`.

    `total` counts the longest path still possible: the questions already asked, this one, and
    every later question that the answers before this one do not rule out. The answer on the
    current screen does not change it, and each step forward can only keep or shrink it, so the
    bar never jumps back ("Question 1 of 7" never becomes "Question 2 of 23").
    """

    number: int
    total: int


def asked(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> tuple[Item, ...]:
    """The questions this patient is asked, in order, given the answers so far."""
    return shown_items(questionnaire, answers)


def first_item(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> str:
    return asked(questionnaire, answers)[0].id


def progress(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue], item_id: str) -> Progress:
    order = [item.id for item in questionnaire.items]
    position = order.index(item_id)
    before = {key: value for key, value in answers.items() if key in order[:position]}
    ids = [item.id for item in asked(questionnaire, before)]
    number = ids.index(item_id) + 1 if item_id in ids else len([i for i in ids if order.index(i) < position]) + 1
    later = [item for item in questionnaire.items[position + 1:] if _possible(item, before, order[:position])]
    return Progress(number=number, total=number + len(later))


def _possible(item: Item, before: Mapping[str, AnswerValue], decided: list[str]) -> bool:
    """Could `item` still be asked? Conditions on questions not answered yet may still hold."""
    return all(holds(condition, before) for condition in item.show_if if condition.item in decided)


def item_after(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue], item_id: str) -> str | None:
    """The next question asked after `item_id`, or None when it was the last (go to review)."""
    ids = [item.id for item in asked(questionnaire, answers)]
    position = ids.index(item_id)
    return ids[position + 1] if position + 1 < len(ids) else None


def item_before(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue], item_id: str) -> str | None:
    """The question asked before `item_id`, or None when it is the first (back to welcome)."""
    ids = [item.id for item in asked(questionnaire, answers)]
    position = ids.index(item_id)
    return ids[position - 1] if position > 0 else None


def first_missing(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> str | None:
    """The first asked question that is required and has no answer yet."""
    for item in asked(questionnaire, answers):
        if item.required and item.id not in answers:
            return item.id
    return None


def asked_answers(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> dict[str, AnswerValue]:
    """Only the answers to questions still asked (a changed branch drops the others)."""
    return {item.id: answers[item.id] for item in asked(questionnaire, answers) if item.id in answers}

