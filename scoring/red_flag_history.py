"""A red flag, once raised, is never taken back: which red-flag answers to keep, and the result
as every reader must see it once they are put back.

Never lost, never taken back: a red flag answered yes stays raised even
if the patient changes the answer; both answers are kept, with their times (NIMH ASQ treats a
retraction as positive). `storage` keeps the answers (`RedFlagAnswer`) in their own table;
`with_history` puts them back into the one `ScreeningResult` that the coordinator page, the PDF,
the CSV, the FHIR export and the alerts read. Pure Python: no Streamlit, SQLAlchemy or reportlab.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial

from scoring._red_flag_rules import rules_raised
from scoring.engine import shown_items
from scoring.matching import most_severe, raises
from scoring.model import (
    RED_FLAG_LEVELS,
    AnswerValue,
    Item,
    Questionnaire,
    RedFlagAnswer,
    ScreeningResult,
)

RULE_HELD = "held"
"""The answer kept for a red-flag rule (a combination of answers) the first time it holds."""


def answers_to_keep(
    questionnaire: Questionnaire,
    answers: Mapping[str, AnswerValue],
    answered_at: Mapping[str, datetime],
    earlier: Sequence[RedFlagAnswer],
    now: datetime,
) -> tuple[RedFlagAnswer, ...]:
    """The red-flag answers to add to those kept (`earlier`): an answer that raises its flag the
    first time, and every later answer to a raised flag that differs from the last one kept.
    A "no" to a flag never raised is not kept (it is in the answers). A red-flag rule is kept
    (answer `RULE_HELD`) the first time it holds, counting answers taken back (`rules_raised`).
    `answered_at` gives when each answer was given (default `now`)."""
    last: dict[str, RedFlagAnswer] = {}
    for kept in earlier:
        last[kept.item] = kept
    new: list[RedFlagAnswer] = []
    for item in questionnaire.red_flag_items:
        assert item.red_flag is not None
        value = answers.get(item.id)
        if value is None:
            continue
        raised = raises(item, value)
        before = last.get(item.id)
        if (before is None and raised) or (before is not None and before.answer != value):
            new.append(RedFlagAnswer(item=item.id, answer=value, level=item.red_flag.level,
                                     at=answered_at.get(item.id, now), raises=raised))
    held = set(rules_raised(questionnaire, answers, taken_back=[*earlier, *new]))
    for rule in questionnaire.red_flag_rules:
        if rule.id not in last and rule.id in held:
            at = max((answered_at.get(c.item, now) for c in (*rule.all, *rule.any) if c.item in answers), default=now)
            new.append(RedFlagAnswer(item=rule.id, answer=RULE_HELD, level=rule.red_flag.level, at=at, raises=True))
    return tuple(new)


def with_history(
    result: ScreeningResult, history: Sequence[RedFlagAnswer], *, urgent: bool, level: str | None
) -> ScreeningResult:
    """The result as read back: `history` attached, every flag it ever raised in `red_flags`,
    `urgent` and `red_flag_level` the most severe ever stored (`urgent`/`level` are the stored,
    never-lowered facts). A result is never made less urgent than it was."""
    raised = [answer.item for answer in history if answer.raises]
    flags = tuple(dict.fromkeys((*result.red_flags, *raised)))
    most = most_severe(level, result.red_flag_level, *(answer.level for answer in history if answer.raises))
    is_urgent = urgent or result.urgent or bool(flags)
    if is_urgent and most is None:
        most = "emergency"  # urgent with no known level: never understated
    return replace(result, red_flags=flags, urgent=is_urgent, red_flag_level=most,
                   red_flag_history=tuple(history))


def timeline(result: ScreeningResult, item_id: str, clock: Callable[[datetime], str],
             answer_words: Callable[[AnswerValue], str]) -> str:
    """One flag's kept answers in staff English: "answered yes at 10:02, changed to no at 10:04"
    ("" when none were kept). `clock` words a time, `answer_words` an answer."""
    return describe([answer for answer in result.red_flag_history if answer.item == item_id], clock, answer_words)


def describe(kept: Sequence[RedFlagAnswer], clock: Callable[[datetime], str],
             answer_words: Callable[[AnswerValue], str]) -> str:
    """Some kept answers of one flag, oldest first, as `timeline` words them."""
    def words(number: int, answer: RedFlagAnswer) -> str:
        if answer.answer == RULE_HELD:
            return f"raised at {clock(answer.at)}"
        return f"{'changed to' if number else 'answered'} {answer_words(answer.answer)} at {clock(answer.at)}"
    return ", ".join(words(number, answer) for number, answer in enumerate(kept))


def taken_back(result: ScreeningResult) -> tuple[str, ...]:
    """The raised flags whose last kept answer no longer raises them (the patient took it back)."""
    last: dict[str, RedFlagAnswer] = {}
    for answer in result.red_flag_history:
        last[answer.item] = answer
    return tuple(item for item, answer in last.items() if not answer.raises)


def not_asked(questionnaire: Questionnaire, result: ScreeningResult) -> tuple[Item, ...]:
    """The red-flag questions an unfinished screening never asked (the patient stopped at an
    emergency, or walked away), which staff must ask in person. A question its branching rules
    out by an answer given is not listed; one behind an unanswered question is (when in doubt,
    ask). A finished screening asked every red flag (all are required)."""
    if result.complete:
        return ()
    answers = dict(result.answers)
    shown = {item.id for item in shown_items(questionnaire, answers)}
    return tuple(
        item for item in questionnaire.red_flag_items
        if item.id not in answers
        and (item.id in shown or any(condition.item not in answers for condition in item.show_if))
    )


def staff_lines(
    questionnaire: Questionnaire, result: ScreeningResult, clock: Callable[[datetime], str]
) -> tuple[str, ...]:
    """What staff read under the urgent heading (coordinator page, clinician PDF), in English:
    each raised flag's kept answers ('thoughts of self-harm: answered "Yes" at 10:02 EST, changed
    to "No" at 10:04 EST'), most severe first; each red-flag question not asked ("Not asked:
    thoughts of self-harm: ask in person"); and, for an urgent screening whose flag is not
    recorded (saved before 1.2 lost it), a line saying so."""
    lines = []
    for item_id in sorted(result.red_flags, key=lambda flag: _rank(questionnaire, flag)):
        item = questionnaire.items_by_id.get(item_id)
        words = timeline(result, item_id, clock, partial(_quoted, item))
        if words:
            lines.append(f"{item.short['en'] if item else item_id}: {words}")
    lines += [f"Not asked: {item.short['en']}: ask in person" for item in not_asked(questionnaire, result)]
    if result.urgent and not result.red_flags:
        lines.append("A red flag was raised, but which question is not recorded (saved by an older version): "
                     "ask in person")
    return tuple(lines)


def _quoted(item: Item | None, value: AnswerValue) -> str:
    return f'"{item.answer_label(value, "en")}"' if item is not None else f'"{value}"'


def _rank(questionnaire: Questionnaire, item_id: str) -> int:
    flag = questionnaire.red_flag_of(item_id)  # an item's or a red-flag rule's
    return RED_FLAG_LEVELS.index(flag.level) if flag is not None else len(RED_FLAG_LEVELS)
