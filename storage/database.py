"""`Storage`: the one class that owns the database (SQLAlchemy Core, parameterised SQL only).

SQLite by default (a file under data/, WAL, busy timeout); any SQLAlchemy URL works, the same
code runs on PostgreSQL. Writes are single statements or one short transaction; review actions
are conditional updates, so two coordinators never overwrite each other silently.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from datetime import time as clock_time
from pathlib import Path
from typing import IO, Any

import orjson
from sqlalchemy import Engine, and_, create_engine, event, func, insert, select, text, update
from sqlalchemy.engine import Connection, RowMapping, make_url
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.elements import ColumnElement

from scoring import RED_FLAG_LEVELS, Questionnaire, ScreeningResult, most_severe
from scoring.model import RedFlagAnswer
from scoring.red_flag_history import answers_to_keep, with_history
from storage import migrations
from storage.migrations import MigrationError
from storage.records import (
    STATUSES,
    AuditEvent,
    InvalidInput,
    PatientIds,
    QueueFilter,
    QueuePage,
    SaveFailed,
    Submission,
    UpdateOutcome,
    valid_assistance,
    valid_birth_date,
    valid_identifier,
    valid_note,
    valid_tablet,
)
from storage.reference import new_reference, normalise_reference
from storage.schema import audit_events, red_flag_events, staff_passcode, submissions

REPO = Path(__file__).resolve().parents[1]
PATIENT_KIOSK = "patient-kiosk"
_SAVE_ATTEMPTS = 5
PAST_DAYS_SECONDS = 300.0  # the chart's days before today are recounted this often
COUNT_CAP = 100_000  # the queue counts this far, filtered or not (above the page export's 50,000 limit)
EXPORT_LEFT_OUT = frozenset({"idempotency_key", "created_day", "updated_at", "questionnaire_hash", "acknowledged_at",
                             "acknowledged_by", "row_version", "tablet_cleared_at"})
"""Submission columns no export (CSV or FHIR) writes, left out of `iter_export_rows`."""
CONFLICT = "Someone else changed this submission; here is its current state."
SUPPORTED_ENGINES = ("sqlite", "postgresql")
"""The databases this code is tested on (settings.py checks DATABASE_URL against it)."""
DEFAULT_FOLDER = REPO / "data"
"""The only folder a SQLite file's path may make: any other must exist (a typo is not a new database)."""


class DatabaseUnusable(MigrationError):  # a MigrationError, so every start-up check reports it alike
    """The database cannot be used as it is (an unsupported engine, a SQLite file that is damaged
    or whose folder does not exist); str() is one line saying what to do."""


def check_engine(url: str) -> None:
    """Raise `DatabaseUnusable` unless `url` is for a supported engine (SQLite, PostgreSQL)."""
    backend = make_url(url).get_backend_name()
    if backend not in SUPPORTED_ENGINES:
        raise DatabaseUnusable(f"the {backend} database engine is not supported: use SQLite (sqlite:///FILE) or "
                               "PostgreSQL (postgresql+psycopg://USER@HOST/DB)")


def check_sqlite_file(url: str) -> None:
    """`PRAGMA quick_check` on a SQLite file (at start and in `make migrate`): a damaged file is
    refused in one line instead of being used (and written to) without complaint."""
    if not url.startswith("sqlite"):
        return
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            found = [line for row in connection.execute(text("PRAGMA quick_check")).scalars()
                     for line in str(row).splitlines() if line.strip() and not line.startswith("***")]
    except DatabaseError as exc:  # "file is not a database", "database disk image is malformed"
        found = [str(exc.orig).splitlines()[0] if exc.orig is not None else type(exc).__name__]
    finally:
        engine.dispose()
    if found != ["ok"]:
        raise DatabaseUnusable(f"the SQLite file {make_url(url).database} is damaged ({found[0]}"
                               f"{f'; {len(found) - 1} more problems' if len(found) > 1 else ''}): "
                               "restore it from a backup")


def prepare_sqlite_file(url: str) -> None:
    """For a SQLite file URL: create its folder (0700) and the file (0600) before SQLite does,
    so the screenings and password hashes are readable by the app's user only. A 1.0 file made
    world-readable is tightened; the default data/ folder too. Only the default data/ folder is
    made: a path in a folder that does not exist is refused (`DatabaseUnusable`), so a typo in
    DATABASE_URL never starts an empty database."""
    parsed = make_url(url)
    database = parsed.database
    if not parsed.drivername.startswith("sqlite") or not database or database == ":memory:" \
            or database.startswith("file:"):
        return
    path = Path(database)
    if not path.parent.exists():
        if path.parent.absolute() != DEFAULT_FOLDER:
            raise DatabaseUnusable(f"the folder of the SQLite file does not exist: {path.parent} "
                                   "(check DATABASE_URL; only the default data/ folder is created)")
        path.parent.mkdir(mode=0o700)
        path.parent.chmod(0o700)  # mkdir's mode is filtered by the umask
    elif path.parent.resolve() == (REPO / "data").resolve():
        path.parent.chmod(0o700)
    if not path.exists():
        # Only when missing: closing any descriptor of a file drops every POSIX lock this process
        # holds on it, so doing it while another Storage is open lets SQLite delete a live WAL.
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)


def utc_now() -> datetime:
    return datetime.now(UTC)


def read_json(text: str | bytes) -> Any:
    """A stored JSON value, decoded by orjson; the standard module only for what orjson refuses
    and Python's json wrote (NaN, Infinity, integers past 64 bits), so every stored row still reads."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


class Storage:
    """Submissions, the audit trail and the staff passcode hash, in one database."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        """Open the database at `url`. With `migrate` (the default, and AUTO_MIGRATE) it is
        brought to the latest schema revision; without, it must already be there. Either way a
        database newer than this code is refused (`MigrationError`, one line)."""
        self.url = url
        check_engine(url)
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            prepare_sqlite_file(url)
            check_sqlite_file(url)
        if migrate:
            migrations.upgrade(url)
        else:
            migrations.check(url)
        # hide_parameters: SQL errors and echo never carry a patient's answers or a note.
        # json_deserializer: every stored result is read through orjson (4x the standard module;
        # the export's per-row cost, BENCHMARKS.md "Export at any size").
        self.engine: Engine = create_engine(url, future=True, pool_pre_ping=not self.is_sqlite,
                                            hide_parameters=True, echo=False, json_deserializer=read_json)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._past_days: dict[tuple[date, str], tuple[date, float, list[tuple[date, str, int]]]] = {}

    # -- saving -----------------------------------------------------------------------------

    def save_submission(
        self, *, idempotency_key: str, result: ScreeningResult, language: str, complete: bool = True,
        tablet: str | None = None, red_flag_level: str | None = None,
        questionnaire: Questionnaire | None = None, answered_at: Mapping[str, datetime] | None = None,
        patient: PatientIds | None = None, assisted: tuple[str, str] | None = None,
    ) -> Submission:
        """Save a screening exactly once per key. The first call inserts; a later call with the
        same key updates that same row (result, tier, complete) until it is complete, after
        which repeats return it unchanged. `urgent` and `red_flag_level` never go down: a red
        flag once raised stays for staff. `red_flag_level` defaults to the result's own, if any.

        In the same transaction the red-flag answers worth keeping are added to the screening's
        `red_flag_events` (`scoring.red_flag_history.answers_to_keep`, with `questionnaire`): the
        answer that raised a flag and any later change of it, at the times in `answered_at`
        (default: now). Without `questionnaire` the result's raised flags are kept at its level.
        A flag raised for the first time re-opens a screening staff had already acknowledged or
        cleared on the tablet: it is news to them.
        `patient` (the desk's hand-off: chart number and date of birth) and `assisted` (("staff",
        NAME) or ("interpreter", LANGUAGE)) are written with the row; a later save never removes them.
        Raises `SaveFailed` (one line, no answers) when the database stays unavailable."""
        tablet = valid_tablet(tablet)
        people = _people(patient, assisted)
        levels = (red_flag_level, getattr(result, "red_flag_level", None))
        if any(level is not None and level not in RED_FLAG_LEVELS for level in levels):
            raise InvalidInput(f"red-flag level must be one of {', '.join(RED_FLAG_LEVELS)}")
        level = most_severe(*levels)
        kept = _Keeping(questionnaire, answered_at or {})
        failures = 0
        for _ in range(_SAVE_ATTEMPTS * 10):  # a lost race means another save got through: bounded
            try:
                saved_id = self._insert_or_update(idempotency_key, result, language, complete, tablet, level, kept,
                                                  people)
            except IntegrityError:
                continue  # same key inserted by a concurrent tap (updated next time), or a reference clash
            except OperationalError as exc:
                failures += 1
                if failures == _SAVE_ATTEMPTS:
                    raise SaveFailed(f"database unavailable: {type(exc.orig).__name__}") from None
                time.sleep(0.05 * 2**failures)
                continue
            if saved_id is None:
                continue  # changed by someone else between read and write: read again
            saved = self.get_submission(saved_id)
            assert saved is not None
            return saved
        raise SaveFailed("could not save the submission after several attempts")

    def _insert_or_update(
        self, key: str, result: ScreeningResult, language: str, complete: bool, tablet: str | None,
        level: str | None, kept: _Keeping, people: Mapping[str, Any] | None = None,
    ) -> int | None:
        """One transaction: insert, or a conditional update of the row with this key. Returns
        the row id, or None when a concurrent write won (the caller tries again)."""
        now = utc_now()
        with self.engine.begin() as connection:
            row = connection.execute(
                select(submissions.c.id, submissions.c.complete, submissions.c.urgent,
                       submissions.c.red_flag_level, submissions.c.row_version, submissions.c.acknowledged_at,
                       submissions.c.tablet_cleared_at)
                .where(submissions.c.idempotency_key == key)
                .with_for_update()  # PostgreSQL: concurrent saves of one key queue here
            ).mappings().first()
            if row is None:
                inserted = connection.execute(
                    insert(submissions).values(
                        reference=new_reference(), idempotency_key=key, created_at=now, created_day=now.date(),
                        updated_at=now, questionnaire_id=result.questionnaire_id,
                        questionnaire_version=result.questionnaire_version,
                        questionnaire_hash=result.questionnaire_hash, language=language, result=result.to_dict(),
                        tier=result.tier, urgent=result.urgent, status="new", row_version=1, complete=complete,
                        tablet=tablet, red_flag_level=level, **(people or {}),
                    )
                ).inserted_primary_key
                assert inserted is not None
                new_id = int(inserted[0])
                _insert_answers(connection, new_id, kept.new_answers(result, level, now, earlier=()))
                event_name = "submitted" if complete else "saved-incomplete"
                _audit(connection, event_name, PATIENT_KIOSK, new_id, _save_detail(result, level), now)
                return new_id
            if row["complete"]:
                return int(row["id"])  # a repeat of a finished save (double tap, rerun, retry)
            kept_level = most_severe(row["red_flag_level"], level)
            earlier = _histories(connection, [int(row["id"])]).get(int(row["id"]), ())
            new_answers = kept.new_answers(result, level, now, earlier=earlier)
            before = {answer.item for answer in earlier if answer.raises}
            newly_raised = any(answer.raises and answer.item not in before for answer in new_answers)
            reopen = dict.fromkeys(("acknowledged_at", "acknowledged_by", "tablet_cleared_at")) if newly_raised else {}
            changed = connection.execute(
                update(submissions)
                .where(submissions.c.id == row["id"], submissions.c.row_version == row["row_version"])
                .values(
                    result=result.to_dict(), tier=result.tier, urgent=bool(row["urgent"]) or result.urgent,
                    red_flag_level=kept_level, complete=complete, updated_at=now,
                    row_version=submissions.c.row_version + 1,
                    **({"tablet": tablet} if tablet is not None else {}), **reopen, **(people or {}),
                )
            ).rowcount
            if not changed:
                return None
            _insert_answers(connection, int(row["id"]), new_answers)
            if newly_raised and (row["acknowledged_at"] is not None or row["tablet_cleared_at"] is not None):
                _audit(connection, "reopened", PATIENT_KIOSK, int(row["id"]), "a new red flag was raised", now)
            event_name = "completed" if complete else "saved-incomplete"
            _audit(connection, event_name, PATIENT_KIOSK, int(row["id"]), _save_detail(result, kept_level), now)
            return int(row["id"])

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
            return None if row is None else _submissions(connection, [row])[0]

    def list_submissions(self, query: QueueFilter, *, page: int = 1, page_size: int = 25,
                         count_cap: int = COUNT_CAP, zone: tzinfo = UTC) -> QueuePage:
        """One page of matching submissions, newest first; filtering and paging done in SQL.
        The total is counted up to `count_cap` only, with a filter or without (`total_is_capped`
        then says "count_cap or more"): an exact count of a few hundred thousand index entries was
        the whole time of a filtered page at a million rows. A cap, not a cache: the first look at
        a filter is bounded too, and the count is never stale (a new screening counts at once).
        The filter's dates are days in `zone` (the clinic's: CLINIC_TIMEZONE)."""
        page = max(page, 1)
        conditions = _conditions(query, zone)
        with self.engine.connect() as connection:
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
            found = _submissions(connection, rows)
        return QueuePage(rows=found, total=min(int(total), count_cap) if capped else int(total), page=page,
                         page_size=page_size, total_is_capped=capped)

    def open_urgent(self, *, page: int = 1, page_size: int = 25) -> QueuePage:
        """Urgent screenings nobody has acknowledged, OLDEST first (the most overdue on top),
        one page of them, with the exact total (every day, not only today)."""
        page = max(page, 1)
        condition = (submissions.c.urgent.is_(True), submissions.c.acknowledged_at.is_(None))
        with self.engine.connect() as connection:
            total = connection.execute(select(func.count()).select_from(submissions).where(*condition)).scalar_one()
            rows = connection.execute(
                select(submissions).where(*condition)
                .order_by(submissions.c.created_at, submissions.c.id)
                .limit(page_size).offset((page - 1) * page_size)
            ).mappings().all()
            found = _submissions(connection, rows)
        return QueuePage(rows=found, total=int(total), page=page, page_size=page_size)

    def open_urgent_for_tablet(self, tablet: str) -> Submission | None:
        """The newest urgent screening saved on this tablet that staff have neither acknowledged
        nor cleared on the tablet: while there is one, the tablet keeps the urgent screen."""
        tablet_name = valid_tablet(tablet)
        with self.engine.connect() as connection:
            row = connection.execute(
                select(submissions)
                .where(submissions.c.tablet == tablet_name, submissions.c.urgent.is_(True),
                       submissions.c.acknowledged_at.is_(None), submissions.c.tablet_cleared_at.is_(None))
                .order_by(submissions.c.created_at.desc(), submissions.c.id.desc())
                .limit(1)
            ).mappings().first()
            return None if row is None else _submissions(connection, [row])[0]

    def counts_for_day(self, day: date, zone: tzinfo = UTC) -> dict[str, dict[str, int]]:
        """Counts by tier and by status for one day in `zone` (the clinic's), on indexes only:
        a UTC day by `created_day`; another zone's day by a created_at range per tier and per
        status (the (tier, created_at) and (status, created_at) indexes)."""
        counts: dict[str, dict[str, int]] = {"tier": {}, "status": {}}
        columns = (("tier", submissions.c.tier), ("status", submissions.c.status))
        with self.engine.connect() as connection:
            if is_utc_day(day, zone):
                for name, column in columns:
                    for value, count in connection.execute(
                        select(column, func.count()).where(submissions.c.created_day == day).group_by(column)
                    ):
                        counts[name][str(value)] = int(count)
                return counts
            start, end = clinic_day_bounds(day, zone)
            for name, column in columns:
                for value in _distinct(connection, column):
                    count = _count_between(connection, column, value, start, end)
                    if count:
                        counts[name][value] = count
        return counts

    def daily_counts(self, since: date, zone: tzinfo = UTC) -> list[tuple[date, str, int]]:
        """(day in `zone`, tier, count) from `since` on, for the chart, counted on indexes (see
        `counts_for_day`). Days before today are counted once per PAST_DAYS_SECONDS (at a million
        rows that is the slow part, and those days hardly change); today on every call."""
        today = utc_now().astimezone(zone).date()
        window = (since, str(zone))
        cached = self._past_days.get(window)
        if cached is None or cached[0] != today or time.monotonic() > cached[1]:
            cached = (today, time.monotonic() + PAST_DAYS_SECONDS, self._daily_counts(since, today, zone))
            self._past_days = {window: cached}  # one entry: the chart asks for one window
        return cached[2] + self._daily_counts(max(since, today), today + timedelta(days=1), zone)

    def _daily_counts(self, since: date, before: date, zone: tzinfo) -> list[tuple[date, str, int]]:
        days = [since + timedelta(days=n) for n in range((before - since).days)]
        if not all(is_utc_day(day, zone) for day in days):
            return self._zoned_daily_counts(days, zone)
        conditions = [submissions.c.created_day >= since, submissions.c.created_day < before]
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(submissions.c.created_day, submissions.c.tier, func.count())
                .where(*conditions)
                .group_by(submissions.c.created_day, submissions.c.tier)
                .order_by(submissions.c.created_day, submissions.c.tier)
            ).all()
        return [(day, str(tier), int(count)) for day, tier, count in rows]

    def _zoned_daily_counts(self, days: list[date], zone: tzinfo) -> list[tuple[date, str, int]]:
        """The clinic's days are not UTC days (created_day): per tier and day, a count of a
        created_at range on the (tier, created_at) index, never reading a row."""
        found: list[tuple[date, str, int]] = []
        with self.engine.connect() as connection:
            tiers = sorted(_distinct(connection, submissions.c.tier))
            for day in days:
                start, end = clinic_day_bounds(day, zone)
                for tier in tiers:
                    count = _count_between(connection, submissions.c.tier, tier, start, end)
                    if count:
                        found.append((day, tier, count))
        return found

    def iter_export_rows(
        self, query: QueueFilter, *, chunk_size: int = 5000, zone: tzinfo = UTC
    ) -> Iterator[list[Mapping[str, Any]]]:
        """Matching rows in chunks (keyset paging on id), never all in memory at once; the
        filter's dates are days in `zone`. An urgent row also carries "red_flag_history" (its kept
        red-flag answers, `stored_result`). The columns only the app's own bookkeeping uses
        (EXPORT_LEFT_OUT) are not read: each is a conversion per row at a million rows."""
        conditions = _conditions(query, zone)
        columns = [column for column in submissions.c if column.name not in EXPORT_LEFT_OUT]
        last_id = 0
        if conditions:  # start at the first match (its filter's index), not at the table's first row
            with self.engine.connect() as connection:
                first = connection.execute(select(func.min(submissions.c.id)).where(*conditions)).scalar_one_or_none()
            if first is None:
                return
            last_id = int(first) - 1
        while True:
            with self.engine.connect() as connection:
                chunk: list[Mapping[str, Any]] = list(  # RowMappings are read-only Mappings
                    connection.execute(
                        select(*columns)
                        .where(*conditions, submissions.c.id > last_id)
                        .order_by(submissions.c.id)
                        .limit(chunk_size)
                    ).mappings()  # type: ignore[arg-type]
                )
                # The kept red-flag answers of the urgent rows (one query a chunk), for the
                # red_flags column and FHIR: a flag taken back is still exported (issue 16).
                histories = _histories(connection, [row["id"] for row in chunk if row["urgent"]])
            if not chunk:
                return
            chunk = [{**row, "red_flag_history": histories[row["id"]]} if row["id"] in histories else row
                     for row in chunk]
            yield chunk
            last_id = chunk[-1]["id"]

    def export_csv(
        self, query: QueueFilter, out: IO[str], *, item_ids: Sequence[str], chunk_size: int = 5000,
        zone: tzinfo = UTC,
    ) -> int:
        """Write the matching submissions as CSV (UTF-8 with BOM for Excel); returns rows written.
        Dates (the filter's and each row's time) are the clinic's, `zone`. The caller records the
        export in the audit trail (it knows who asked)."""
        from storage.export import export_csv

        return export_csv(self, query, out, item_ids=item_ids, chunk_size=chunk_size, zone=zone)

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

    def clear_on_tablet(self, submission_id: int, *, actor: str) -> UpdateOutcome:
        """Staff cleared the urgent screen on the tablet (once; the alert stays in the queue
        until acknowledged)."""
        now = utc_now()
        with self.engine.begin() as connection:
            changed = connection.execute(
                update(submissions)
                .where(submissions.c.id == submission_id, submissions.c.tablet_cleared_at.is_(None))
                .values(tablet_cleared_at=now, updated_at=now, row_version=submissions.c.row_version + 1)
            ).rowcount
            if changed:
                _audit(connection, "tablet_cleared", actor, submission_id, "urgent screen cleared on the tablet", now)
        current = self.get_submission(submission_id)
        if changed:
            return UpdateOutcome(True, current, "Cleared on the tablet.")
        return UpdateOutcome(False, current, "Already cleared on the tablet." if current else "No such submission.")

    def set_patient_identifier(self, submission_id: int, identifier: str | None, *, actor: str) -> UpdateOutcome:
        """Set (or, with None/empty, remove) the clinic's chart number; audited, not echoed."""
        value = valid_identifier(identifier)  # InvalidInput before the database
        now = utc_now()
        with self.engine.begin() as connection:
            changed = connection.execute(
                update(submissions).where(submissions.c.id == submission_id)
                .values(patient_identifier=value, updated_at=now, row_version=submissions.c.row_version + 1)
            ).rowcount
            if changed:
                _audit(connection, "patient_identifier_set", actor, submission_id,
                       "chart number set" if value else "chart number removed", now)
        current = self.get_submission(submission_id)
        return UpdateOutcome(bool(changed), current, "Saved." if changed else "No such submission.")

    def attach_patient(self, submission_id: int, identifier: str | None, birth_date: date | str | None, *,
                       actor: str) -> UpdateOutcome:
        """Attach (or correct) the patient after the screening: chart number and date of birth
        (issue 19), both checked before the database; audited without echoing either."""
        value = valid_identifier(identifier)
        born = valid_birth_date(birth_date)
        if value is None or born is None:
            raise InvalidInput("give both the chart number and the date of birth")
        now = utc_now()
        with self.engine.begin() as connection:
            before = connection.execute(
                select(submissions.c.patient_identifier).where(submissions.c.id == submission_id)
            ).first()
            changed = connection.execute(
                update(submissions).where(submissions.c.id == submission_id)
                .values(patient_identifier=value, patient_birth_date=born, updated_at=now,
                        row_version=submissions.c.row_version + 1)
            ).rowcount
            if changed:
                was = "no patient attached" if before is None or before[0] is None else "replacing another patient"
                _audit(connection, "patient_attached", actor, submission_id,
                       f"chart number ending {value[-4:]} and date of birth attached ({was})", now)
        current = self.get_submission(submission_id)
        return UpdateOutcome(bool(changed), current, "Patient attached." if changed else "No such submission.")

    def patient_history(self, identifier: str, *, limit: int = 50) -> list[Submission]:
        """Every screening of one chart number, newest first (the detail page's history)."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(submissions).where(submissions.c.patient_identifier == identifier)
                .order_by(submissions.c.created_at.desc(), submissions.c.id.desc()).limit(limit)
            ).mappings().all()
            return _submissions(connection, rows)

    def set_status(
        self, submission_id: int, *, actor: str, status: str, note: str | None, expected_row_version: int
    ) -> UpdateOutcome:
        """Set the review status (and note) only if nobody changed the row since it was read.
        The note is checked first (`InvalidInput`: over 2,000 characters, control characters)."""
        if status not in STATUSES:
            raise ValueError(f"unknown status '{status}'; use one of {', '.join(STATUSES)}")
        note = valid_note(note)
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


class _Keeping:
    """What one save needs to decide which red-flag answers to keep (see `save_submission`)."""

    def __init__(self, questionnaire: Questionnaire | None, answered_at: Mapping[str, datetime]) -> None:
        self.questionnaire, self.answered_at = questionnaire, answered_at

    def new_answers(self, result: ScreeningResult, level: str | None, now: datetime,
                    earlier: Sequence[RedFlagAnswer]) -> tuple[RedFlagAnswer, ...]:
        if self.questionnaire is not None and self.questionnaire.id == result.questionnaire_id:
            return answers_to_keep(self.questionnaire, dict(result.answers), self.answered_at, earlier, now)
        raised = {answer.item for answer in earlier if answer.raises}
        return tuple(
            RedFlagAnswer(item=item, answer=result.answer(item) or "yes",
                          level=level or "emergency",  # type: ignore[arg-type]  # checked by the caller
                          at=self.answered_at.get(item, now), raises=True)
            for item in result.red_flags if item not in raised
        )


def _insert_answers(connection: Connection, submission_id: int, answers: Sequence[RedFlagAnswer]) -> None:
    if answers:
        connection.execute(insert(red_flag_events), [
            {"submission_id": submission_id, "item": answer.item,
             "answer": list(answer.answer) if isinstance(answer.answer, tuple) else answer.answer,
             "level": answer.level, "raises": answer.raises, "at": answer.at}
            for answer in answers
        ])


def _histories(connection: Connection, ids: Sequence[int]) -> dict[int, tuple[RedFlagAnswer, ...]]:
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
            level=row["level"], at=_aware(row["at"]), raises=bool(row["raises"]),
        ))
    return {key: tuple(value) for key, value in found.items()}


def _audit(
    connection: Connection, event_name: str, actor: str, submission_id: int | None, detail: str, at: datetime
) -> None:
    connection.execute(
        insert(audit_events).values(  # PostgreSQL cannot store a NUL byte: shown as \0 (issue 20)
            at=at, actor=actor.replace("\x00", "\\0"), event=event_name, submission_id=submission_id,
            detail=detail.replace("\x00", "\\0"),
        )
    )


def _conditions(query: QueueFilter, zone: tzinfo = UTC) -> list[ColumnElement[bool]]:
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


def clinic_day_bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The day `day` in `zone` as a UTC half-open interval [start, end): 24 hours, or 23 or 25
    across a daylight-saving change."""
    start = datetime.combine(day, clock_time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), clock_time(), tzinfo=zone).astimezone(UTC)
    return start, end


def is_utc_day(day: date, zone: tzinfo) -> bool:
    """True when `day` in `zone` is exactly the UTC day (so the `created_day` column counts it)."""
    start, end = clinic_day_bounds(day, zone)
    return start == datetime.combine(day, clock_time(), tzinfo=UTC) and end - start == timedelta(days=1)


def _distinct(connection: Connection, column: Any) -> list[str]:
    """The values of an indexed column, one index seek each (a loose index scan: there are a few)."""
    found: list[str] = []
    while True:
        after = select(func.min(column))
        if found:
            after = after.where(column > found[-1])
        value = connection.execute(after).scalar_one_or_none()
        if value is None:
            return found
        found.append(str(value))


def _count_between(connection: Connection, column: Any, value: str, start: datetime, end: datetime) -> int:
    """Rows with `column` = value created in [start, end): a range on its (column, created_at) index."""
    return int(connection.execute(
        select(func.count()).select_from(submissions)
        .where(column == value, submissions.c.created_at >= start, submissions.c.created_at < end)
    ).scalar_one())


def _aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back naive; they were written as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _submissions(connection: Connection, rows: Sequence[RowMapping]) -> list[Submission]:
    """Rows as `Submission`s, each result with its kept red-flag answers put back (one query)."""
    histories = _histories(connection, [row["id"] for row in rows if row["urgent"]])
    return [_submission(row, histories.get(row["id"], ())) for row in rows]


def stored_result(row: Mapping[str, Any] | RowMapping, history: Sequence[RedFlagAnswer]) -> ScreeningResult:
    """The one result every reader reads: the stored scoring result with the sticky facts of the
    row (urgent, the most severe level ever raised) and its kept red-flag answers put back."""
    return with_history(ScreeningResult.from_dict(row["result"]), history, urgent=bool(row["urgent"]),
                        level=row["red_flag_level"])


def _submission(row: RowMapping, history: Sequence[RedFlagAnswer]) -> Submission:
    result = stored_result(row, history)
    return Submission(
        id=row["id"],
        reference=row["reference"],
        created_at=_aware(row["created_at"]),
        updated_at=_aware(row["updated_at"]),
        questionnaire_id=row["questionnaire_id"],
        questionnaire_version=row["questionnaire_version"],
        questionnaire_hash=row["questionnaire_hash"],
        language=row["language"],
        result=result,
        status=row["status"],
        note=row["note"],
        acknowledged_at=None if row["acknowledged_at"] is None else _aware(row["acknowledged_at"]),
        acknowledged_by=row["acknowledged_by"],
        row_version=row["row_version"],
        complete=bool(row["complete"]),
        tablet=row["tablet"],
        tablet_cleared_at=None if row["tablet_cleared_at"] is None else _aware(row["tablet_cleared_at"]),
        patient_identifier=row["patient_identifier"],
        patient_birth_date=_day(row["patient_birth_date"]),
        assisted_role=row["assisted_role"],
        assisted_by=row["assisted_by"],
    )


def _day(value: Any) -> date | None:
    """A Date column as a date (SQLite may hand back a datetime)."""
    return value.date() if isinstance(value, datetime) else value


def _people(patient: PatientIds | None, assisted: tuple[str, str] | None) -> dict[str, Any]:
    """The columns a save writes for the patient's identifiers and any staff help (checked)."""
    values: dict[str, Any] = {}
    if patient is not None:
        identifier = valid_identifier(patient.chart_number)
        if identifier is None:
            raise InvalidInput("a hand-off needs the chart number")
        values.update(patient_identifier=identifier, patient_birth_date=valid_birth_date(patient.birth_date))
    if assisted is not None:
        role, by = valid_assistance(*assisted)
        values.update(assisted_role=role, assisted_by=by)
    return values


def _save_detail(result: ScreeningResult, level: str | None) -> str:
    """No answers in the audit trail: the tier and the red-flag level only."""
    return f"tier {result.tier}" + (f", red flag {level}" if level else "")


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
