"""`Storage`: the one class that owns the database (SQLAlchemy Core, parameterised SQL only).

SQLite by default (a file under data/, WAL, busy timeout); any SQLAlchemy URL works, the same
code runs on PostgreSQL. Writes are single statements or one short transaction; review actions
are conditional updates, so two coordinators never overwrite each other silently.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, create_engine, event, func, insert, select, update
from sqlalchemy.engine import Connection, RowMapping, make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.sql.elements import ColumnElement

from scoring import ScreeningResult
from storage import migrations
from storage.records import (
    STATUSES,
    AuditEvent,
    QueueFilter,
    QueuePage,
    SaveFailed,
    Submission,
    UpdateOutcome,
)
from storage.reference import new_reference, normalise_reference
from storage.schema import audit_events, staff_passcode, submissions

REPO = Path(__file__).resolve().parents[1]
PATIENT_KIOSK = "patient-kiosk"
_SAVE_ATTEMPTS = 5
CONFLICT = "Someone else changed this submission; here is its current state."


def prepare_sqlite_file(url: str) -> None:
    """For a SQLite file URL: create its folder (0700) and the file (0600) before SQLite does,
    so the screenings and password hashes are readable by the app's user only. A 1.0 file made
    world-readable is tightened; the default data/ folder too."""
    parsed = make_url(url)
    database = parsed.database
    if not parsed.drivername.startswith("sqlite") or not database or database == ":memory:" \
            or database.startswith("file:"):
        return
    path = Path(database)
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
        path.parent.chmod(0o700)  # mkdir's mode is filtered by the umask
    elif path.parent.resolve() == (REPO / "data").resolve():
        path.parent.chmod(0o700)
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)


def utc_now() -> datetime:
    return datetime.now(UTC)


class Storage:
    """Submissions, the audit trail and the staff passcode hash, in one database."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        """Open the database at `url`. With `migrate` (the default, and AUTO_MIGRATE) it is
        brought to the latest schema revision; without, it must already be there. Either way a
        database newer than this code is refused (`MigrationError`, one line)."""
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            prepare_sqlite_file(url)
        if migrate:
            migrations.upgrade(url)
        else:
            migrations.check(url)
        # hide_parameters: SQL errors and echo never carry a patient's answers or a note.
        self.engine: Engine = create_engine(url, future=True, pool_pre_ping=not self.is_sqlite,
                                            hide_parameters=True, echo=False)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)

    # -- saving -----------------------------------------------------------------------------

    def save_submission(self, *, idempotency_key: str, result: ScreeningResult, language: str) -> Submission:
        """Save a screening exactly once per key; a repeat returns the row already saved."""
        for attempt in range(_SAVE_ATTEMPTS):
            existing = self._by_key(idempotency_key)
            if existing is not None:
                return existing
            now = utc_now()
            try:
                with self.engine.begin() as connection:
                    inserted = connection.execute(
                        insert(submissions).values(
                            reference=new_reference(),
                            idempotency_key=idempotency_key,
                            created_at=now,
                            created_day=now.date(),
                            updated_at=now,
                            questionnaire_id=result.questionnaire_id,
                            questionnaire_version=result.questionnaire_version,
                            questionnaire_hash=result.questionnaire_hash,
                            language=language,
                            result=result.to_dict(),
                            tier=result.tier,
                            urgent=result.urgent,
                            status="new",
                            row_version=1,
                        )
                    ).inserted_primary_key
                    assert inserted is not None
                    new_id = int(inserted[0])
                    _audit(connection, "submitted", PATIENT_KIOSK, new_id, f"tier {result.tier}", now)
            except IntegrityError:
                continue  # same key saved by a concurrent tap (found above next time), or a reference clash
            except OperationalError as exc:
                if attempt == _SAVE_ATTEMPTS - 1:
                    raise SaveFailed(f"database unavailable: {type(exc.orig).__name__}") from None
                time.sleep(0.05 * 2**attempt)
                continue
            saved = self.get_submission(new_id)
            assert saved is not None
            return saved
        existing = self._by_key(idempotency_key)
        if existing is not None:
            return existing
        raise SaveFailed("could not save the submission after several attempts")

    def _by_key(self, idempotency_key: str) -> Submission | None:
        try:
            return self._one(submissions.c.idempotency_key == idempotency_key)
        except OperationalError:
            return None

    # -- reading ----------------------------------------------------------------------------

    def get_submission(self, submission_id: int) -> Submission | None:
        return self._one(submissions.c.id == submission_id)

    def get_by_reference(self, reference: str) -> Submission | None:
        """Find by reference code as staff type it (any case, with or without the dash)."""
        return self._one(submissions.c.reference == normalise_reference(reference))

    def _one(self, condition: ColumnElement[bool]) -> Submission | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(submissions).where(condition)).mappings().first()
        return None if row is None else _submission(row)

    def list_submissions(self, query: QueueFilter, *, page: int = 1, page_size: int = 25) -> QueuePage:
        """One page of matching submissions, newest first; filtering and paging done in SQL."""
        page = max(page, 1)
        conditions = _conditions(query)
        with self.engine.connect() as connection:
            total = connection.execute(select(func.count()).select_from(submissions).where(*conditions)).scalar_one()
            rows = connection.execute(
                select(submissions)
                .where(*conditions)
                .order_by(submissions.c.created_at.desc(), submissions.c.id.desc())
                .limit(page_size)
                .offset((page - 1) * page_size)
            ).mappings()
            found = [_submission(row) for row in rows]
        return QueuePage(rows=found, total=int(total), page=page, page_size=page_size)

    def unacknowledged_urgent(self, limit: int = 50) -> list[Submission]:
        """Urgent submissions nobody has acknowledged yet, newest first."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(submissions)
                .where(submissions.c.urgent.is_(True), submissions.c.acknowledged_at.is_(None))
                .order_by(submissions.c.created_at.desc(), submissions.c.id.desc())
                .limit(limit)
            ).mappings()
            return [_submission(row) for row in rows]

    def counts_for_day(self, day: date) -> dict[str, dict[str, int]]:
        """Counts by tier and by status for one UTC day."""
        counts: dict[str, dict[str, int]] = {"tier": {}, "status": {}}
        with self.engine.connect() as connection:
            for name, column in (("tier", submissions.c.tier), ("status", submissions.c.status)):
                for value, count in connection.execute(
                    select(column, func.count()).where(submissions.c.created_day == day).group_by(column)
                ):
                    counts[name][str(value)] = int(count)
        return counts

    def daily_counts(self, since: date) -> list[tuple[date, str, int]]:
        """(UTC day, tier, count) from `since` on, for the chart; grouped in SQL on an index."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(submissions.c.created_day, submissions.c.tier, func.count())
                .where(submissions.c.created_day >= since)
                .group_by(submissions.c.created_day, submissions.c.tier)
                .order_by(submissions.c.created_day, submissions.c.tier)
            ).all()
        return [(day, str(tier), int(count)) for day, tier, count in rows]

    def iter_export_rows(
        self, query: QueueFilter, *, chunk_size: int = 5000
    ) -> Iterator[list[Mapping[str, Any]]]:
        """Matching rows in chunks (keyset paging on id), never all in memory at once."""
        conditions = _conditions(query)
        last_id = 0
        while True:
            with self.engine.connect() as connection:
                chunk: list[Mapping[str, Any]] = list(  # RowMappings are read-only Mappings
                    connection.execute(
                        select(submissions)
                        .where(*conditions, submissions.c.id > last_id)
                        .order_by(submissions.c.id)
                        .limit(chunk_size)
                    ).mappings()  # type: ignore[arg-type]
                )
            if not chunk:
                return
            yield chunk
            last_id = chunk[-1]["id"]

    def export_csv(
        self, query: QueueFilter, out: IO[str], *, item_ids: Sequence[str], chunk_size: int = 5000
    ) -> int:
        """Write the matching submissions as CSV (UTF-8 with BOM for Excel); returns rows written.
        The caller records the export in the audit trail (it knows who asked)."""
        from storage.export import write_csv  # pandas is needed only here

        return write_csv(self.iter_export_rows(query, chunk_size=chunk_size), out, item_ids=item_ids)

    # -- review actions (single conditional updates) ----------------------------------------

    def acknowledge(self, submission_id: int, *, actor: str) -> UpdateOutcome:
        """Acknowledge an urgent alert once; a second acknowledgement is told who was first."""
        now = utc_now()
        with self.engine.begin() as connection:
            changed = connection.execute(
                update(submissions)
                .where(submissions.c.id == submission_id, submissions.c.acknowledged_at.is_(None))
                .values(
                    acknowledged_at=now, acknowledged_by=actor, updated_at=now,
                    row_version=submissions.c.row_version + 1,
                )
            ).rowcount
            if changed:
                _audit(connection, "acknowledged", actor, submission_id, "urgent alert acknowledged", now)
        current = self.get_submission(submission_id)
        if changed:
            return UpdateOutcome(True, current, "Acknowledged.")
        if current is None:
            return UpdateOutcome(False, None, "No such submission.")
        return UpdateOutcome(False, current, f"Already acknowledged by {current.acknowledged_by}.")

    def set_status(
        self, submission_id: int, *, actor: str, status: str, note: str | None, expected_row_version: int
    ) -> UpdateOutcome:
        """Set the review status (and note) only if nobody changed the row since it was read."""
        if status not in STATUSES:
            raise ValueError(f"unknown status '{status}'; use one of {', '.join(STATUSES)}")
        now = utc_now()
        with self.engine.begin() as connection:
            before = connection.execute(
                select(submissions.c.status).where(submissions.c.id == submission_id)
            ).scalar_one_or_none()
            changed = connection.execute(
                update(submissions)
                .where(submissions.c.id == submission_id, submissions.c.row_version == expected_row_version)
                .values(status=status, note=note, updated_at=now, row_version=submissions.c.row_version + 1)
            ).rowcount
            if changed:
                _audit(connection, "status_changed", actor, submission_id, f"status {before} -> {status}", now)
        current = self.get_submission(submission_id)
        if changed:
            return UpdateOutcome(True, current, "Saved.")
        return UpdateOutcome(False, current, CONFLICT if current else "No such submission.")

    # -- audit ------------------------------------------------------------------------------

    def record_event(self, event_name: str, *, actor: str, submission_id: int | None = None, detail: str = "") -> None:
        """Append one audit row (there is no way to change or delete one)."""
        with self.engine.begin() as connection:
            _audit(connection, event_name, actor, submission_id, detail, utc_now())

    def list_audit(self, *, limit: int = 100, offset: int = 0) -> list[AuditEvent]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(audit_events)
                .order_by(audit_events.c.at.desc(), audit_events.c.id.desc())
                .limit(limit)
                .offset(offset)
            ).mappings()
            return [
                AuditEvent(
                    id=row["id"], at=_aware(row["at"]), actor=row["actor"], event=row["event"],
                    submission_id=row["submission_id"], detail=row["detail"],
                )
                for row in rows
            ]

    def count_audit(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(audit_events)).scalar_one())

    # -- staff passcode ---------------------------------------------------------------------

    def set_passcode_hash(self, passcode_hash: str) -> None:
        """Store the one staff passcode's hash (never the passcode), replacing any before."""
        now = utc_now()
        with self.engine.begin() as connection:
            connection.execute(staff_passcode.delete())
            connection.execute(insert(staff_passcode).values(id=1, passcode_hash=passcode_hash, set_at=now))
            _audit(connection, "passcode_set", "admin", None, "", now)

    def passcode_hash(self) -> str | None:
        with self.engine.connect() as connection:
            return connection.execute(
                select(staff_passcode.c.passcode_hash).where(staff_passcode.c.id == 1)
            ).scalar_one_or_none()

    def sign_in_failures(self) -> tuple[int, datetime | None]:
        """Consecutive failed sign-ins since the last success, and when the last one failed."""
        with self.engine.connect() as connection:
            last_success = connection.execute(
                select(func.max(audit_events.c.id)).where(audit_events.c.event == "sign_in")
            ).scalar_one_or_none()
            count, last_at = connection.execute(
                select(func.count(), func.max(audit_events.c.at)).where(
                    audit_events.c.event == "sign_in_failed", audit_events.c.id > (last_success or 0)
                )
            ).one()
        return int(count), None if last_at is None else _aware(last_at)


def _audit(
    connection: Connection, event_name: str, actor: str, submission_id: int | None, detail: str, at: datetime
) -> None:
    connection.execute(
        insert(audit_events).values(
            at=at, actor=actor, event=event_name, submission_id=submission_id, detail=detail
        )
    )


def _conditions(query: QueueFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.date_from is not None:
        conditions.append(submissions.c.created_at >= _day_bounds(query.date_from)[0])
    if query.date_to is not None:
        conditions.append(submissions.c.created_at < _day_bounds(query.date_to)[1])
    if query.tier:
        conditions.append(submissions.c.tier == query.tier)
    if query.urgent is not None:
        conditions.append(submissions.c.urgent.is_(query.urgent))
    if query.status:
        conditions.append(submissions.c.status == query.status)
    if query.reference:
        conditions.append(submissions.c.reference.contains(normalise_reference(query.reference), autoescape=True))
    return conditions


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return start, start + timedelta(days=1)


def _aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back naive; they were written as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _submission(row: RowMapping) -> Submission:
    result = ScreeningResult.from_dict(row["result"])
    return Submission(
        id=row["id"],
        reference=row["reference"],
        created_at=_aware(row["created_at"]),
        updated_at=_aware(row["updated_at"]),
        questionnaire_id=row["questionnaire_id"],
        questionnaire_version=row["questionnaire_version"],
        questionnaire_hash=row["questionnaire_hash"],
        language=row["language"],
        answers=dict(result.answers),
        result=result,
        tier=row["tier"],
        urgent=bool(row["urgent"]),
        status=row["status"],
        note=row["note"],
        acknowledged_at=None if row["acknowledged_at"] is None else _aware(row["acknowledged_at"]),
        acknowledged_by=row["acknowledged_by"],
        row_version=row["row_version"],
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Mapping[str, Any] | Any) -> None:
    """WAL so readers never block the writer; wait for locks rather than fail at once."""
    cursor = dbapi_connection.cursor()
    for pragma in (
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=NORMAL",
        "PRAGMA foreign_keys=ON",
        "PRAGMA busy_timeout=15000",
    ):
        cursor.execute(pragma)
    cursor.close()
