"""Reading submissions: one by id or reference, a page of the queue, the open urgent ones, a
patient's history, and the export's chunks. Filtering and paging are done in SQL.

Every reader returns the same result (`records.stored_result`): the stored scoring result with the
row's sticky facts and its kept red-flag answers put back.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, tzinfo
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.sql.elements import ColumnElement

from scoring.model import RedFlagAnswer
from storage.clinic_days import clinic_day_bounds
from storage.engine import as_date, aware
from storage.question_texts import texts_of
from storage.records import QueueFilter, QueuePage, Submission, stored_result, valid_tablet
from storage.reference import normalise_reference
from storage.schema import red_flag_events, submissions

if TYPE_CHECKING:
    from storage import Storage

COUNT_CAP = 100_000  # the queue counts this far, filtered or not (above the page export's 50,000 limit)
EXPORT_LEFT_OUT = frozenset({"idempotency_key", "created_day", "updated_at", "questionnaire_hash", "acknowledged_at",
                             "acknowledged_by", "row_version", "tablet_cleared_at", "questions_seen"})
"""Submission columns no export (CSV or FHIR) writes, left out of `iter_export_rows`."""


def get_submission(storage: Storage, submission_id: int) -> Submission | None:
    """The submission with this id, or None."""
    return _one(storage, submissions.c.id == submission_id)


def get_by_reference(storage: Storage, reference: str) -> Submission | None:
    """Find by reference code as staff type it (any case, with or without the dash)."""
    return _one(storage, submissions.c.reference == normalise_reference(reference))


def _one(storage: Storage, condition: ColumnElement[bool]) -> Submission | None:
    with storage.engine.connect() as connection:
        row = connection.execute(select(submissions).where(condition)).mappings().first()
        return None if row is None else as_submissions(connection, [row])[0]


def list_submissions(storage: Storage, query: QueueFilter, *, page: int = 1, page_size: int = 25,
                     count_cap: int = COUNT_CAP, zone: tzinfo = UTC) -> QueuePage:
    """One page of matching submissions, newest first; filtering and paging done in SQL.
    The total is counted up to `count_cap` only, with a filter or without (`total_is_capped`
    then says "count_cap or more"): an exact count of a few hundred thousand index entries was
    the whole time of a filtered page at a million rows. A cap, not a cache: the first look at
    a filter is bounded too, and the count is never stale (a new screening counts at once).
    The filter's dates are days in `zone` (the clinic's: CLINIC_TIMEZONE)."""
    page = max(page, 1)
    conditions = filter_conditions(query, zone)
    with storage.engine.connect() as connection:
        counted = select(submissions.c.id).where(*conditions).limit(count_cap + 1)
        total = connection.execute(select(func.count()).select_from(counted.subquery())).scalar_one()
        capped = total > count_cap
        rows = connection.execute(
            select(submissions)
            .where(*conditions)
            .order_by(submissions.c.created_at.desc(), submissions.c.id.desc())
            .limit(page_size)
            .offset((page - 1) * page_size)
        ).mappings().all()
        found = as_submissions(connection, rows, questions=False)
    return QueuePage(rows=found, total=min(int(total), count_cap) if capped else int(total), page=page,
                     page_size=page_size, total_is_capped=capped)


def open_urgent(storage: Storage, *, page: int = 1, page_size: int = 25) -> QueuePage:
    """Urgent screenings nobody has acknowledged, OLDEST first (the most overdue on top),
    one page of them, with the exact total (every day, not only today)."""
    page = max(page, 1)
    condition = (submissions.c.urgent.is_(True), submissions.c.acknowledged_at.is_(None))
    with storage.engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(submissions).where(*condition)).scalar_one()
        rows = connection.execute(
            select(submissions).where(*condition)
            .order_by(submissions.c.created_at, submissions.c.id)
            .limit(page_size).offset((page - 1) * page_size)
        ).mappings().all()
        found = as_submissions(connection, rows, questions=False)
    return QueuePage(rows=found, total=int(total), page=page, page_size=page_size)


def open_urgent_for_tablet(storage: Storage, tablet: str) -> Submission | None:
    """The newest urgent screening saved on this tablet that staff have neither acknowledged
    nor cleared on the tablet: while there is one, the tablet keeps the urgent screen."""
    tablet_name = valid_tablet(tablet)
    with storage.engine.connect() as connection:
        row = connection.execute(
            select(submissions)
            .where(submissions.c.tablet == tablet_name, submissions.c.urgent.is_(True),
                   submissions.c.acknowledged_at.is_(None), submissions.c.tablet_cleared_at.is_(None))
            .order_by(submissions.c.created_at.desc(), submissions.c.id.desc())
            .limit(1)
        ).mappings().first()
        return None if row is None else as_submissions(connection, [row])[0]


def patient_history(storage: Storage, identifier: str, *, limit: int = 50) -> list[Submission]:
    """Every screening of one chart number, newest first (the detail page's history)."""
    with storage.engine.connect() as connection:
        rows = connection.execute(
            select(submissions).where(submissions.c.patient_identifier == identifier)
            .order_by(submissions.c.created_at.desc(), submissions.c.id.desc()).limit(limit)
        ).mappings().all()
        return as_submissions(connection, rows, questions=False)


def iter_export_rows(
    storage: Storage, query: QueueFilter, *, chunk_size: int = 5000, zone: tzinfo = UTC
) -> Iterator[list[Mapping[str, Any]]]:
    """Matching rows in chunks (keyset paging on id), never all in memory at once; the
    filter's dates are days in `zone`. An urgent row also carries "red_flag_history" (its kept
    red-flag answers, `stored_result`). The columns only the app's own bookkeeping uses
    (EXPORT_LEFT_OUT) are not read: each is a conversion per row at a million rows."""
    conditions = filter_conditions(query, zone)
    columns = [column for column in submissions.c if column.name not in EXPORT_LEFT_OUT]
    last_id = 0
    if conditions:  # start at the first match (its filter's index), not at the table's first row
        with storage.engine.connect() as connection:
            first = connection.execute(select(func.min(submissions.c.id)).where(*conditions)).scalar_one_or_none()
        if first is None:
            return
        last_id = int(first) - 1
    while True:
        with storage.engine.connect() as connection:
            chunk: list[Mapping[str, Any]] = list(  # RowMappings are read-only Mappings
                connection.execute(
                    select(*columns)
                    .where(*conditions, submissions.c.id > last_id)
                    .order_by(submissions.c.id)
                    .limit(chunk_size)
                ).mappings()  # type: ignore[arg-type]
            )
            # The kept red-flag answers of the urgent rows (one query a chunk), for the
            # red_flags column and FHIR: a flag taken back is still exported.
            histories = red_flag_histories(connection, [row["id"] for row in chunk if row["urgent"]])
        if not chunk:
            return
        chunk = [{**row, "red_flag_history": histories[row["id"]]} if row["id"] in histories else row
                 for row in chunk]
        yield chunk
        last_id = chunk[-1]["id"]


def filter_conditions(query: QueueFilter, zone: tzinfo = UTC) -> list[ColumnElement[bool]]:
    """The queue filter as SQL conditions on `submissions` (its dates are days in `zone`)."""
    conditions: list[ColumnElement[bool]] = []
    if query.date_from is not None:
        conditions.append(submissions.c.created_at >= clinic_day_bounds(query.date_from, zone)[0])
    if query.date_to is not None:
        conditions.append(submissions.c.created_at < clinic_day_bounds(query.date_to, zone)[1])
    if query.tier:
        conditions.append(submissions.c.tier == query.tier)
    if query.urgent is not None:
        conditions.append(submissions.c.urgent.is_(query.urgent))
    if query.status:
        conditions.append(submissions.c.status == query.status)
    if query.reference:
        conditions.append(_reference_starts(normalise_reference(query.reference)))
    return conditions


def _reference_starts(typed: str) -> ColumnElement[bool]:
    """A whole code finds that one screening; part of one (typed from the start, e.g. "K7M" or
    "K7M4") the codes starting with it. Both through the unique index on reference (from three
    characters on): the prefix as a range (a LIKE prefix alone uses no index on PostgreSQL under
    a non-C collation, nor on SQLite by default), the LIKE keeping the match exact."""
    if len(typed) == 7 and typed[3] == "-":
        return submissions.c.reference == typed
    prefix = f"{typed[:3]}-{typed[3:]}" if len(typed) > 3 and "-" not in typed else typed
    like = submissions.c.reference.startswith(prefix, autoescape=True)
    stem = prefix.rstrip("-")
    if len(stem) < 3 or any(char not in _SORTED + "-" for char in stem):
        return like  # no code has such characters; or one or two: SQLite (no statistics) would
        # read and sort every match of the range (all demo codes start with D) for one page
    for position in range(len(stem) - 1, -1, -1):  # the first string after every "stem..."
        if stem[position] != "-" and stem[position] != _SORTED[-1]:
            upper = stem[:position] + _SORTED[_SORTED.index(stem[position]) + 1]
            return and_(submissions.c.reference >= stem, submissions.c.reference < upper, like)
    return and_(submissions.c.reference >= stem, like)


# Digits then capitals: the same order in the C collation and at the first level of the
# glibc/ICU ones (which skip the dash), so "stem" <= code < upper holds for every match there.
_SORTED = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def red_flag_histories(connection: Connection, ids: Sequence[int]) -> dict[int, tuple[RedFlagAnswer, ...]]:
    """The kept red-flag answers of these screenings, oldest first (one query)."""
    if not ids:
        return {}
    found: dict[int, list[RedFlagAnswer]] = {}
    for row in connection.execute(
        select(red_flag_events).where(red_flag_events.c.submission_id.in_(list(ids)))
        .order_by(red_flag_events.c.submission_id, red_flag_events.c.id)
    ).mappings():
        answer = row["answer"]
        found.setdefault(row["submission_id"], []).append(RedFlagAnswer(
            item=row["item"], answer=tuple(answer) if isinstance(answer, list) else answer,
            level=row["level"], at=aware(row["at"]), raises=bool(row["raises"]),
        ))
    return {key: tuple(value) for key, value in found.items()}


def as_submissions(connection: Connection, rows: Sequence[RowMapping], *, questions: bool = True) -> list[Submission]:
    """Rows as `Submission`s, each result with its kept red-flag answers (one query) and, with
    `questions`, the questions as the patient saw them (one more) put back. A list (queue page,
    urgent list, history) passes False: it shows no question, and its rows are opened again by id
    (`get_submission`) for the screening's page and PDF."""
    histories = red_flag_histories(connection, [row["id"] for row in rows if row["urgent"]])
    seen = texts_of(connection, [row["questions_seen"] for row in rows]) if questions else {}
    return [_submission(row, histories.get(row["id"], ()), seen.get(row["questions_seen"] or "")) for row in rows]


def _submission(row: RowMapping, history: Sequence[RedFlagAnswer], seen: object) -> Submission:
    result = stored_result(row, history, seen)
    return Submission(
        id=row["id"],
        reference=row["reference"],
        created_at=aware(row["created_at"]),
        updated_at=aware(row["updated_at"]),
        questionnaire_id=row["questionnaire_id"],
        questionnaire_version=row["questionnaire_version"],
        questionnaire_hash=row["questionnaire_hash"],
        language=row["language"],
        result=result,
        status=row["status"],
        note=row["note"],
        acknowledged_at=None if row["acknowledged_at"] is None else aware(row["acknowledged_at"]),
        acknowledged_by=row["acknowledged_by"],
        row_version=row["row_version"],
        complete=bool(row["complete"]),
        tablet=row["tablet"],
        tablet_cleared_at=None if row["tablet_cleared_at"] is None else aware(row["tablet_cleared_at"]),
        patient_identifier=row["patient_identifier"],
        patient_birth_date=as_date(row["patient_birth_date"]),
        patient_name=row["patient_name"],
        assisted_role=row["assisted_role"],
        assisted_by=row["assisted_by"],
    )
