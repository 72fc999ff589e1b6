"""The words each patient saw, kept with the answers, and read back for staff.

From 1.2 every result keeps the text of each question asked (`ScreeningResult.questions_seen`:
id, questionnaire version, language, text), so the coordinator page and the PDF show the
question as that patient read it, not today's wording. A result stored before 1.2 has none: its
text is read from the frozen copy of its questionnaire version in `questionnaires/archive/`
(`<id>-<version>.yaml`, never edited), and only when that is missing from today's file, each
labelled so staff know which it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Literal, NamedTuple

from scoring.model import Questionnaire, QuestionSeen, ScreeningResult

ARCHIVE = "archive"
"""The folder, beside the questionnaire file, holding frozen copies of earlier versions."""

Source = Literal["as_shown", "archived_version", "current_version"]


class QuestionText(NamedTuple):
    """A question's words for staff, and where they come from."""

    text: str
    source: Source
    """`as_shown`: kept with the answers; `archived_version`: the frozen file of the version the
    patient answered (stored before 1.2); `current_version`: today's wording, version unknown."""


def seen_texts(questionnaire: Questionnaire) -> dict[str, dict[str, QuestionSeen]]:
    """Every question's `QuestionSeen`, per language: built once at load, so scoring only looks up."""
    return {
        language: {
            item.id: QuestionSeen(item.id, questionnaire.version, language, item.text[language])
            for item in questionnaire.items
        }
        for language in questionnaire.languages
    }


def questions_seen(questionnaire: Questionnaire, shown: Sequence[str], language: str) -> tuple[QuestionSeen, ...]:
    """The words of each shown question in `language`, for the result to keep."""
    table = questionnaire.seen_texts.get(language)
    if table is None:  # a questionnaire built without the loader
        table = seen_texts(questionnaire)[language]
    return tuple(map(table.__getitem__, shown))


def answered_under(questionnaire: Questionnaire, result: ScreeningResult) -> Questionnaire:
    """The questionnaire version the patient answered: its archived copy when the result is of
    another version and the copy exists, else `questionnaire` (so retired items still list)."""
    if result.questionnaire_version == questionnaire.version:
        return questionnaire
    archived = archived_version(questionnaire.path, result.questionnaire_id, result.questionnaire_version)
    return archived if archived is not None else questionnaire


def question_text(
    questionnaire: Questionnaire, result: ScreeningResult, item_id: str, language: str | None = None
) -> QuestionText | None:
    """The words of `item_id` as this patient saw them (in `language`, default the patient's):
    kept with the answers, else from the archived copy of the version answered, else today's
    wording (see the module docstring). None when no version has the item in that language."""
    language = language or result.language
    for seen in result.questions_seen:
        if seen.item == item_id and seen.language == language:
            return QuestionText(seen.text, "as_shown")
    words = answered_under(questionnaire, result)
    same_version = words.version == result.questionnaire_version
    source: Source = "archived_version" if same_version else "current_version"
    item = words.items_by_id.get(item_id) or questionnaire.items_by_id.get(item_id)
    if item is None or language not in item.text.languages:
        return None
    if result.questions_seen and same_version:
        source = "as_shown"  # kept for the patient's language; the same version's words in another
    return QuestionText(item.text[language], source)


def wording_note(questionnaire: Questionnaire, result: ScreeningResult) -> str | None:
    """A line for staff when the questions shown are not the words kept with the answers, or None."""
    if result.questions_seen:
        return None
    version = result.questionnaire_version
    if answered_under(questionnaire, result).version == version:
        return (f"Questions as worded in questionnaire {version} (stored before answers kept their "
                "wording; read from that version's file).")
    return (f"Questions in today's wording (questionnaire {questionnaire.version}); the wording of "
            f"version {version}, which this patient answered, was not found.")


@cache  # frozen files, read once per process; questionnaire wording only, never answers
def archived_version(path: str, questionnaire_id: str, version: str) -> Questionnaire | None:
    """The frozen copy of an earlier version beside `path`, or None when there is none."""
    from scoring.loader import QuestionnaireError, load_questionnaire

    if not path:
        return None
    candidate = Path(path).parent / ARCHIVE / f"{questionnaire_id}-{version}.yaml"
    if not candidate.is_file():
        return None
    try:
        archived = load_questionnaire(candidate)
    except QuestionnaireError:
        return None
    return archived if archived.id == questionnaire_id and archived.version == version else None
