"""CSV export of submissions, written chunk by chunk with pandas (never all rows in memory)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import IO, Any

import pandas as pd

FIXED_COLUMNS = (
    "reference", "submitted_at", "language", "tier", "urgent", "red_flag_level", "complete", "tablet",
    "categories_met", "red_flags", "reasons", "status", "note", "chart_number", "questionnaire_id",
    "questionnaire_version",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\x00")


def write_csv(chunks: Iterable[list[Mapping[str, Any]]], out: IO[str], *, item_ids: Sequence[str]) -> int:
    """One row per submission, one column per item (answer codes); UTF-8 with a BOM for Excel."""
    columns = [*FIXED_COLUMNS, *item_ids]
    out.write("\ufeff")
    written = 0
    for chunk in chunks:
        frame = pd.DataFrame([_row(row, item_ids) for row in chunk], columns=columns)
        frame.to_csv(out, index=False, header=written == 0, lineterminator="\n")
        written += len(frame)
    if written == 0:
        pd.DataFrame(columns=columns).to_csv(out, index=False, lineterminator="\n")
    return written


def _row(row: Mapping[str, Any], item_ids: Sequence[str]) -> list[object]:
    """One CSV row straight from the stored JSON (no result objects: this runs 100,000 times)."""
    result = row["result"]
    answers = result["answers"]
    created: datetime = row["created_at"]
    if created.tzinfo is None:  # SQLite hands it back naive; it was written as UTC
        created = created.replace(tzinfo=UTC)
    return [
        row["reference"],
        created.isoformat(),
        row["language"],
        row["tier"],
        bool(row["urgent"]),
        row["red_flag_level"] or "",
        bool(row["complete"]),
        row["tablet"] or "",
        ";".join(result["categories_met"]),
        ";".join(result["red_flags"]),
        " | ".join(result["reasons"]),
        row["status"],
        _inert(row["note"] or ""),
        _inert(row["patient_identifier"] or ""),
        row["questionnaire_id"],
        row["questionnaire_version"],
        *(_answer(answers.get(item_id)) for item_id in item_ids),
    ]


def _answer(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, (tuple, list)):
        return ";".join(str(code) for code in value)
    return value


def _inert(text: str) -> str:
    """A spreadsheet runs a cell starting with = + - @ as a formula: make staff text plain."""
    return "'" + text if text.startswith(_FORMULA_START) else text


EXPORT_FORMATS: dict[str, Callable[..., int]] = {"csv": write_csv}
"""`python -m storage export --format NAME`: each writer takes (chunks of rows, an open text
file, item_ids=...) and returns rows written, streaming chunk by chunk. An "ndjson" writer
(one FHIR QuestionnaireResponse per line, from `scoring.fhir`) registers here."""
