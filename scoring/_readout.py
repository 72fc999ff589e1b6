"""How an answer and a raised red flag read, in one language: the one place that decides it.

The patient review, the coordinator pages and the PDF all call these, so they say the same
words ("Not asked", "Skipped", "7 out of 10"). The words live in the questionnaire's
`messages`, so a translator changes them without code.
"""

from __future__ import annotations

from collections.abc import Collection

from scoring.model import RED_FLAG_LEVELS, AnswerValue, Item, Questionnaire, ScreeningResult


def answer_text(
    questionnaire: Questionnaire,
    shown: ScreeningResult | Collection[str],
    item: Item | str,
    value: AnswerValue | None,
    language: str,
) -> str:
    """An answer as a reader sees it: "Not asked" (hidden by branching), "Skipped" (asked, no
    answer), the choice label(s), or "7 out of 10". `shown` is a result or the shown item ids.

    An item or answer code this questionnaire no longer has (a screening stored under an older
    version) is shown as stored.
    """
    item_id = item if isinstance(item, str) else item.id
    shown_ids = shown.shown if isinstance(shown, ScreeningResult) else shown
    messages = questionnaire.messages
    if value is None:
        key = "answer_skipped" if item_id in shown_ids else "answer_not_asked"
        return messages[key][language]
    known = questionnaire.items_by_id.get(item_id) if isinstance(item, str) else item
    if known is None:
        return ", ".join(value) if isinstance(value, tuple) else str(value)
    if isinstance(value, int):
        return messages["answer_number"][language].format(value=value, maximum=known.maximum)
    return known.answer_label(value, language)


def red_flag_concerns(questionnaire: Questionnaire, result: ScreeningResult, language: str) -> tuple[str, ...]:
    """One line per raised red flag for staff, most severe first: "what was said: what to think of".

    A red flag of an older questionnaire version (no longer an item) is shown by its id.
    """
    lines: list[tuple[int, str]] = []
    for position, item_id in enumerate(result.red_flags):
        item = questionnaire.red_flag_source(item_id)  # an item or a red-flag rule (its concern)
        if item is None or item.red_flag is None:
            lines.append((len(RED_FLAG_LEVELS) * 1000 + position, item_id))
            continue
        rank = RED_FLAG_LEVELS.index(item.red_flag.level)
        lines.append((rank * 1000 + position, f"{item.short[language]}: {item.red_flag.concern[language]}"))
    return tuple(line for _, line in sorted(lines))


def red_flag_messages(questionnaire: Questionnaire, result: ScreeningResult, language: str) -> tuple[str, ...]:
    """What the patient is told for the raised red flags, most severe first, each message once."""
    raised = [flag for flag_id in result.red_flags if (flag := questionnaire.red_flag_of(flag_id)) is not None]
    raised.sort(key=lambda flag: RED_FLAG_LEVELS.index(flag.level))
    return tuple(dict.fromkeys(flag.message[language] for flag in raised))


def story_of_the_pain(questionnaire: Questionnaire, result: ScreeningResult, language: str = "en",
                      ) -> tuple[tuple[str, str], ...]:
    """The story of the pain for staff, (what, answer) per story item the patient was asked, in
    questionnaire order: e.g. ("Patient reports a doctor said it is CRPS", "Yes").

    The coordinator page and the clinician PDF both show these words. Each "what" is the item's
    `short`, which says whose report it is; these answers are context and never scored.
    """
    lines: list[tuple[str, str]] = []
    for item in questionnaire.section_items("story"):
        if item.id not in result.shown:
            continue
        what = item.short[language]
        lines.append((what[:1].upper() + what[1:],
                      answer_text(questionnaire, result, item, result.answer(item.id), language)))
    return tuple(lines)
