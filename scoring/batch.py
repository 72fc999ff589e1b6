"""Score many respondents at once: a CSV (one row each) or NDJSON of FHIR QuestionnaireResponses,
into a CSV of results. Read with the `csv` module, row by row, checking every row's field count:
a column is never shifted (1.0's pandas took a trailing comma's extra field as the index).

Every input row appears in the output, scored or with its problem in the `error` column. A red
flag is never lost to another problem: a row with an error still says `urgent` (true/false from
its red-flag answers alone, read first: `scoring.read_red_flags`) and why, in `warnings`; a row
that cannot be read at all (its fields do not line up, or not JSON) is urgent in doubt. CSV
cells are text, so each item's column is read by its type: an empty cell is no answer, a
multiple choice is codes separated by ";", a number must be written as digits. Every output
cell is made inert for spreadsheets (`scoring.safe_text.inert_cell`).
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from scoring.engine import AnswersInvalid, score
from scoring.fhir.reading import ResponseInvalid, answers_from_response, is_in_progress, is_questionnaire_response
from scoring.matching import RaisedFlag
from scoring.model import Item, Questionnaire, ScreeningResult
from scoring.safe_text import inert_cell, open_private, printable

RESPONDENT = "respondent_id"
LANGUAGE = "language"
VERSION = "questionnaire_version"
"""Optional columns: passed through (`respondent_id`), choosing the reasons' language, or saying
which questionnaire version the row answers (a different one refuses the file)."""
RESULT_COLUMNS = ("tier", "referral_suggested", "urgent", "red_flags", "categories_met", "error", "warnings")
UNREADABLE = ("this row cannot be read, so its red-flag answers cannot be checked: "
              "treated as urgent (when in doubt, urgent); check it by hand")
MAX_LINE_CHARS = 1_000_000
"""An NDJSON line (one response) longer than this is refused: ours are about 10 kB."""
_WHOLE_NUMBER = re.compile(r"^\s*-?\d{1,9}\s*$")


class BatchInputError(Exception):
    """The input as a whole cannot be read (a row's own problem goes in its `error` column)."""


@dataclass
class BatchSummary:
    """Counts for the summary line printed after a batch."""

    rows: int = 0
    scored: int = 0
    errors: int = 0
    urgent: int = 0
    urgent_errors: int = 0
    """Urgent rows among those with errors (urgent from their red-flag answers alone)."""
    skipped: int = 0
    tiers: Counter[str] = field(default_factory=Counter)

    def line(self) -> str:
        by_tier = ", ".join(f"{tier} {count}" for tier, count in sorted(self.tiers.items()))
        skipped = f"; skipped {self.skipped} other resources" if self.skipped else ""
        return (
            f"batch: {self.rows} rows, {self.scored} scored, {self.errors} errors; "
            f"by tier: {by_tier or 'none'}; urgent {self.urgent}"
            f"{f' ({self.urgent_errors} in rows with errors)' if self.errors else ''}{skipped}"
        )

    def add(self, result: ScreeningResult) -> tuple[object, ...]:
        """Count one scored row; its result columns."""
        self.scored += 1
        self.tiers[result.tier] += 1
        self.urgent += result.urgent
        return (
            result.tier, result.referral_suggested, result.urgent,
            ";".join(result.red_flags), ";".join(result.categories_met), "", "; ".join(result.warnings),
        )

    def error(
        self, message: str, flags: tuple[RaisedFlag, ...] = (), *, unreadable: bool = False
    ) -> tuple[object, ...]:
        """Count one row with an error; its result columns: urgent from its red flags alone."""
        self.errors += 1
        urgent = bool(flags) or unreadable
        self.urgent += urgent
        self.urgent_errors += urgent
        if unreadable:
            warning = UNREADABLE
        elif flags:
            warning = ("urgent from the red-flag answers alone (the row has errors; not scored): "
                       + "; ".join(str(flag) for flag in flags))
        else:
            warning = ""
        return ("", "", urgent, ";".join(flag.item for flag in flags), "", message, warning)


def score_csv(questionnaire: Questionnaire, source: Path, target: Path) -> BatchSummary:
    """Read `source`, score every row, write `target`; `BatchInputError` for an unusable file."""
    try:
        with source.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle, strict=True))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise BatchInputError(f"{source}: cannot read CSV: {printable(exc, 120)}") from None
    if not rows or not rows[0]:
        raise BatchInputError(f"{source}: no header row")
    header, body = rows[0], rows[1:]
    _check_header(source, questionnaire, header, body)
    _check_version(source, questionnaire, header, body)
    summary = BatchSummary()
    out_rows = (row[: len(header)] + [""] * (len(header) - len(row)) + list(outcome)
                for row, outcome in zip(body, _score_rows(questionnaire, header, body, summary), strict=True))
    _write(target, [*header, *RESULT_COLUMNS], out_rows)
    return summary


def score_ndjson(questionnaire: Questionnaire, source: Path, target: Path, *, base_url: str = "") -> BatchSummary:
    """Score each QuestionnaireResponse line (other resource types are skipped and counted)."""
    summary = BatchSummary()
    try:
        with source.open(encoding="utf-8-sig") as handle:
            _write(target, ["line", "response_id", *RESULT_COLUMNS],
                   _score_lines(questionnaire, _capped_lines(handle), summary, base_url))
    except (OSError, UnicodeDecodeError) as exc:
        raise BatchInputError(f"{source}: cannot read NDJSON: {printable(exc, 120)}") from None
    return summary


def _check_header(source: Path, questionnaire: Questionnaire, header: list[str], body: list[list[str]]) -> None:
    known = {*questionnaire.items_by_id, RESPONDENT, LANGUAGE, VERSION}
    for column in header:
        if column not in known:
            shown = printable(column) if column else "(empty: a trailing comma in the header?)"
            raise BatchInputError(f"{source}: column '{shown}' is not an item of {questionnaire.id}")
    if len(set(header)) != len(header):
        raise BatchInputError(f"{source}: a column appears twice in the header")
    if body and all(len(row) > len(header) for row in body):
        raise BatchInputError(
            f"{source}: every row has more fields than the header's {len(header)} "
            "(a trailing comma on each row?); nothing scored"
        )


def _check_version(source: Path, questionnaire: Questionnaire, header: list[str], body: list[list[str]]) -> None:
    """A `questionnaire_version` cell, when filled in, must be this questionnaire's version."""
    if VERSION not in header:
        return
    at = header.index(VERSION)
    for number, row in enumerate(body, start=2):
        given = row[at].strip() if at < len(row) else ""
        if given and given != questionnaire.version:
            raise BatchInputError(
                f"{source}: row {number}: questionnaire_version {printable(given)} is not {questionnaire.version} "
                "(score it with that version's file); nothing scored"
            )


def _score_rows(
    questionnaire: Questionnaire, header: list[str], body: list[list[str]], summary: BatchSummary
) -> Iterator[tuple[object, ...]]:
    readers = [(index, column, _reader(questionnaire.items_by_id[column]))
               for index, column in enumerate(header) if column in questionnaire.items_by_id]
    language_at = header.index(LANGUAGE) if LANGUAGE in header else None
    for number, row in enumerate(body, start=2):
        summary.rows += 1
        if len(row) != len(header):
            yield summary.error(f"row {number}: {len(row)} fields, the header has {len(header)}; not scored",
                                unreadable=any(cell.strip() for cell in row))
            continue
        answers = {column: read(row[index]) for index, column, read in readers if row[index]}
        language = row[language_at] if language_at is not None else ""
        try:
            result = score(questionnaire, answers, language or None)
        except AnswersInvalid as exc:
            yield summary.error(f"row {number}: {problems_line(exc)}", exc.red_flags)
            continue
        yield summary.add(result)


def _score_lines(
    questionnaire: Questionnaire, lines: Iterable[str], summary: BatchSummary, base_url: str
) -> Iterator[tuple[object, ...]]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            resource = parse_json(line, MAX_LINE_CHARS)
        except ValueError as exc:
            summary.rows += 1
            yield (number, "", *summary.error(f"line {number}: {exc}", unreadable=True))
            continue
        if not is_questionnaire_response(resource):
            summary.skipped += 1
            continue
        assert isinstance(resource, dict)
        summary.rows += 1
        response_id = resource.get("id", "")
        try:
            answers = answers_from_response(questionnaire, resource, base_url=base_url)
            language = resource.get("language")
            result = score(questionnaire, answers, language if language in questionnaire.languages else None,
                           partial=is_in_progress(resource))
        except ResponseInvalid as exc:
            yield (number, response_id, *summary.error(f"line {number}: {exc}", exc.red_flags))
            continue
        except AnswersInvalid as exc:
            yield (number, response_id, *summary.error(f"line {number}: {problems_line(exc)}", exc.red_flags))
            continue
        yield (number, response_id, *summary.add(result))


def _capped_lines(handle: IO[str]) -> Iterator[str]:
    """Lines of at most MAX_LINE_CHARS; a longer one is read in pieces, never whole, and becomes
    a marker that `parse_json` refuses as too large (so one huge line cannot exhaust memory)."""
    while line := handle.readline(MAX_LINE_CHARS + 1):
        if len(line) <= MAX_LINE_CHARS or line.endswith("\n"):
            yield line
            continue
        while (more := handle.readline(MAX_LINE_CHARS)) and not more.endswith("\n"):
            pass
        yield "x" * (MAX_LINE_CHARS + 1)


def _write(target: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    try:
        with open_private(target, "w", encoding="utf-8", newline="") as handle:  # 0600, no symlink
            _write_rows(handle, header, rows)
    except OSError as exc:
        raise BatchInputError(f"{target}: cannot write CSV: {printable(exc, 120)}") from None


def _write_rows(handle: IO[str], header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    writer = csv.writer(handle)  # "\r\n" ends rows, so a cell holding \r or \n is quoted
    writer.writerow(header)
    for row in rows:
        writer.writerow([inert_cell(cell) if isinstance(cell, str) else cell for cell in row])


def _reader(item: Item) -> Callable[[str], object]:
    """How one CSV cell becomes an answer for `item` (bad text is kept, so scoring names it)."""
    if item.kind == "multiple":
        return lambda cell: [code.strip() for code in cell.split(";") if code.strip()]
    if item.kind == "integer":
        return lambda cell: int(cell) if _WHOLE_NUMBER.match(cell) else cell.strip()
    return str.strip


def problems_line(exc: AnswersInvalid, shown: int = 3) -> str:
    """The answers' problems as one short line: the first few, each escaped and cut, then a count."""
    parts = [f"{printable(p.item)}: {printable(p.message, 100)}" for p in exc.problems[:shown]]
    more = len(exc.problems) - shown
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def parse_json(text: str, limit: int) -> object:
    """JSON with hostile input refused in one line (ValueError): too long, too deep, huge numbers,
    a key given twice in one object (which answer would count?)."""
    if len(text) > limit:
        raise ValueError(f"too large ({len(text):,} characters; at most {limit:,})")
    try:
        return json.loads(text, parse_int=_small_int, parse_constant=_no_constant, object_pairs_hook=_no_twice)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg} (line {exc.lineno})") from None


def _no_twice(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """One JSON object; a key given twice is refused (json.loads would keep the last silently)."""
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"key '{printable(key, 80)}' appears twice in one object (which answer counts?)")
        result[key] = value
    return result


def _small_int(text: str) -> int:
    if len(text.lstrip("-")) > 18:
        raise ValueError(f"a number with {len(text)} digits (at most 18)")
    return int(text)


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number JSON allows")
