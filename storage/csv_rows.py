"""The CSV export's read: the submission columns the CSV writes and, of each stored result, only
the four fields it writes, a chunk at a time.

The stored result is ~9 KB of JSON, most of it the question texts kept for the record; the CSV
needs `categories_met`, `red_flags`, `reasons` and `answers`. The result is read as its stored
text and decoded by msgspec into `ResultCells`, which skips every other field without building
it (2.4x faster than orjson decoding all of it, and no 9 KB of objects per row alive in a chunk).
A stored result msgspec refuses (NaN written by Python's json, a field of another type) is decoded
whole by `read_json` and read as before.

Chunks are keyset pages on id. With a filter, each step first takes the next FILTERED_IDS
matching ids (the filter's index, ids only), then reads those rows by id: SQLite, which keeps no
statistics, otherwise walked the filter's index and sorted every remaining match, whole rows,
for each chunk (a tier filter at 100,000 rows: 1.18 s vs 0.36 s, growing with the square of the
matches).
"""

from __future__ import annotations

import keyword
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, tzinfo
from typing import TYPE_CHECKING, Any, NamedTuple

import msgspec
import msgspec.structs
from sqlalchemy import Column, Select, Text, cast, select
from sqlalchemy.engine import Connection

from scoring.model import RedFlagAnswer
from storage.engine import read_json
from storage.reads import filter_conditions, red_flag_histories
from storage.records import QueueFilter
from storage.schema import examinations, red_flag_events, submissions

if TYPE_CHECKING:
    from storage import Storage

FILTERED_IDS = 50_000  # matching ids taken per step of a filtered export (400 KB of integers)
FETCH = 500  # rows fetched from the cursor at a time (their result texts, ~9 KB each, dropped once decoded)


ANSWER = str | int | float | tuple[str | int, ...] | None
"""An answer as the CSV memo can key it (a code, a number, codes, none); any other stored answer
(true, a nested list) makes msgspec refuse the row, which is then read whole."""


class ResultCells(NamedTuple):
    """The stored result's fields the CSV writes; the rest was skipped, never built."""

    categories_met: list[str]
    red_flags: list[str]
    reasons: list[str]
    answers: tuple[Any, ...]
    """Each item's answer in the order of the reader's item ids, None when not answered."""
    plain: bool
    """True when every answer is an `ANSWER` (msgspec checked them), False for a row read whole."""


class ResultReader:
    """`reader(stored)`: the `ResultCells` of a stored result's JSON text, with the answers to
    `item_ids` in that order. msgspec decodes the answers into a struct with one field per item
    (`msgspec.structs.astuple` gives them in one call, no dictionary built); a result it refuses
    is decoded whole by `read_json`, as every other reader does."""

    def __init__(self, item_ids: Sequence[str]) -> None:
        self.item_ids = tuple(item_ids)
        self.by_item = len(set(self.item_ids)) == len(self.item_ids) and all(
            item_id.isidentifier() and not keyword.iskeyword(item_id) for item_id in self.item_ids)
        answers: Any = dict[str, Any]  # item ids no struct can name (duplicates, keywords): a dictionary
        if self.by_item:
            answers = msgspec.defstruct("Answers", [(item_id, ANSWER, None) for item_id in self.item_ids], gc=False)
        fields = msgspec.defstruct("ResultFields", [("categories_met", list[str]), ("red_flags", list[str]),
                                                    ("reasons", list[str]), ("answers", answers)], gc=False)
        self._decode = msgspec.json.Decoder(fields).decode

    def __call__(self, stored: str | bytes) -> ResultCells:
        try:
            found: Any = self._decode(stored)
        except msgspec.DecodeError:  # also msgspec.ValidationError: read whole below
            whole = read_json(stored)
            return ResultCells(whole["categories_met"], whole["red_flags"], whole["reasons"],
                               tuple(whole["answers"].get(item_id) for item_id in self.item_ids), False)
        if self.by_item:
            return ResultCells(found.categories_met, found.red_flags, found.reasons,
                               msgspec.structs.astuple(found.answers), True)
        return ResultCells(found.categories_met, found.red_flags, found.reasons,
                           tuple(found.answers.get(item_id) for item_id in self.item_ids), False)


_c = submissions.c
CSV_COLUMNS = (
    _c.id, _c.reference, _c.created_at, _c.language, _c.tier, _c.urgent, _c.red_flag_level, _c.complete, _c.tablet,
    _c.status, _c.note, _c.patient_identifier, _c.questionnaire_id, _c.questionnaire_version,
    _c.patient_birth_date, _c.assisted_role, _c.assisted_by, _c.patient_name, cast(_c.result, Text).label("result"),
)
"""What `csv_chunks` reads, in this order (`Row` indexes below)."""
(ID, REFERENCE, CREATED_AT, LANGUAGE, TIER, URGENT, RED_FLAG_LEVEL, COMPLETE, TABLET, STATUS, NOTE,
 PATIENT_IDENTIFIER, QUESTIONNAIRE_ID, QUESTIONNAIRE_VERSION, PATIENT_BIRTH_DATE, ASSISTED_ROLE, ASSISTED_BY,
 PATIENT_NAME, RESULT) = range(len(CSV_COLUMNS))


@dataclass(frozen=True)
class CsvChunk:
    """Rows in id order, each (its CSV_COLUMNS but the result, its `ResultCells`), the urgent
    ones' kept red-flag answers and the latest examination of those examined, both by id."""

    rows: Sequence[tuple[tuple[Any, ...], ResultCells]]
    histories: dict[int, tuple[RedFlagAnswer, ...]]
    examinations: dict[int, Any]


def csv_chunks(storage: Storage, query: QueueFilter, reader: ResultReader, *, chunk_size: int = 5000,
               zone: tzinfo = UTC) -> Iterator[CsvChunk]:
    """The matching submissions in id order, `chunk_size` at a time (never all in memory), each
    result read by `reader`; the filter's dates are days in `zone`."""
    conditions = filter_conditions(query, zone)
    read = select(*CSV_COLUMNS).order_by(_c.id)
    last_id = 0
    if not conditions:
        while chunk := _chunk(storage, reader, read.where(_c.id > last_id).limit(chunk_size)):
            last_id = chunk.rows[-1][0][ID]
            yield chunk
        return
    while True:
        with storage.engine.connect() as connection:
            ids = connection.execute(select(_c.id).where(*conditions, _c.id > last_id).order_by(_c.id)
                                     .limit(FILTERED_IDS)).scalars().all()
        if not ids:
            return
        last_id = ids[-1]
        for start in range(0, len(ids), chunk_size):
            if chunk := _chunk(storage, reader, read.where(_c.id.in_(ids[start:start + chunk_size]))):
                yield chunk


def _chunk(storage: Storage, reader: ResultReader, read: Select[Any]) -> CsvChunk | None:
    """The rows `read` finds, each with its result's cells, and what the CSV adds to them; None
    when there are none. The rows are fetched FETCH at a time and each result's text dropped once
    decoded: a chunk of texts (45 MB) is never alive at once. Kept red-flag answers and
    examinations are looked up for the rows that have some (an index range on the chunk's ids
    first), not by a list of every id in the chunk."""
    from storage.examinations import latest_for

    with storage.engine.connect() as connection:
        rows = [(row[:RESULT], reader(row[RESULT]))
                for row in connection.execution_options(yield_per=FETCH).execute(read)]
        if not rows:
            return None
        first, last = rows[0][0][ID], rows[-1][0][ID]
        flagged = _ids_between(connection, red_flag_events.c.submission_id, first, last)
        examined = _ids_between(connection, examinations.c.submission_id, first, last)
        histories = red_flag_histories(connection, [row[ID] for row, _ in rows
                                                    if row[URGENT] and row[ID] in flagged])
    return CsvChunk(rows, histories, latest_for(storage, [row[ID] for row, _ in rows if row[ID] in examined]))


def _ids_between(connection: Connection, column: Column[int], first: int, last: int) -> set[int]:
    """The submission ids from `first` to `last` that `column` (a submission_id) holds."""
    return set(connection.execute(select(column).where(column.between(first, last)).distinct()).scalars())
