"""Score a CSV of respondents (one row each) into a CSV of results, with pandas.

Every input row appears in the output, scored or with its problem in the `error` column.
CSV cells are text, so each item's column is read by its type: an empty cell is no answer,
a multiple choice is codes separated by ";", a number must be written as digits.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from scoring.engine import AnswersInvalid, score
from scoring.model import Item, Questionnaire

RESPONDENT = "respondent_id"
LANGUAGE = "language"
"""Optional columns: passed through (`respondent_id`) or choosing the reasons' language."""
RESULT_COLUMNS = ("tier", "referral_suggested", "urgent", "red_flags", "categories_met", "error")
_WHOLE_NUMBER = re.compile(r"^\s*-?\d+\s*$")


class BatchInputError(Exception):
    """The CSV as a whole cannot be read (a row-level problem goes in the `error` column)."""


@dataclass
class BatchSummary:
    """Counts for the summary line printed after a batch."""

    rows: int = 0
    scored: int = 0
    errors: int = 0
    urgent: int = 0
    tiers: Counter[str] = field(default_factory=Counter)

    def line(self) -> str:
        by_tier = ", ".join(f"{tier} {count}" for tier, count in sorted(self.tiers.items()))
        return (
            f"batch: {self.rows} rows, {self.scored} scored, {self.errors} errors; "
            f"by tier: {by_tier or 'none'}; urgent {self.urgent}"
        )


def score_csv(questionnaire: Questionnaire, source: Path, target: Path) -> BatchSummary:
    """Read `source`, score every row, write `target`; raise `CommandError` for an unusable file."""
    from scoring.cli import CommandError

    try:
        frame = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise CommandError(f"{source}: cannot read CSV: {str(exc).splitlines()[0]}") from None
    known = {*questionnaire.items_by_id, RESPONDENT, LANGUAGE}
    unknown = [column for column in frame.columns if column not in known]
    if unknown:
        raise CommandError(f"{source}: column '{unknown[0]}' is not an item of {questionnaire.id}")
    summary, results = score_frame(questionnaire, frame)
    output = pd.concat([frame, pd.DataFrame(results, columns=list(RESULT_COLUMNS))], axis=1)
    try:
        output.to_csv(target, index=False)
    except OSError as exc:
        raise CommandError(f"{target}: cannot write CSV: {exc}") from None
    return summary


def score_frame(
    questionnaire: Questionnaire, frame: pd.DataFrame
) -> tuple[BatchSummary, list[tuple[object, ...]]]:
    """Score each row of a text-only frame; one result tuple per row, in order."""
    items = [questionnaire.items_by_id[c] for c in frame.columns if c in questionnaire.items_by_id]
    readers = [(item.id, _reader(item)) for item in items]
    columns = [frame[item.id].tolist() for item in items]
    languages = frame[LANGUAGE].tolist() if LANGUAGE in frame.columns else [None] * len(frame)
    summary = BatchSummary(rows=len(frame))
    results: list[tuple[object, ...]] = []
    rows = zip(*columns, strict=True) if columns else [()] * len(frame)
    for row_number, (language, cells) in enumerate(zip(languages, rows, strict=True)):
        answers = {item_id: read(cell) for (item_id, read), cell in zip(readers, cells, strict=True) if cell}
        try:
            result = score(questionnaire, answers, language or None)
        except AnswersInvalid as exc:
            summary.errors += 1
            results.append(("", "", "", "", "", f"row {row_number + 2}: {exc}"))
            continue
        summary.scored += 1
        summary.tiers[result.tier] += 1
        summary.urgent += result.urgent
        results.append(
            (
                result.tier,
                result.referral_suggested,
                result.urgent,
                ";".join(result.red_flags),
                ";".join(result.categories_met),
                "",
            )
        )
    return summary, results


def _reader(item: Item) -> Callable[[str], object]:
    """How one CSV cell becomes an answer for `item` (bad text is kept, so scoring names it)."""
    if item.kind == "multiple":
        return lambda cell: [code.strip() for code in cell.split(";") if code.strip()]
    if item.kind == "integer":
        return lambda cell: int(cell) if _WHOLE_NUMBER.match(cell) else cell.strip()
    return str.strip
