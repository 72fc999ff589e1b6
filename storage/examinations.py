"""The clinician's examinations: saved append-only and audited, read back, and counted
per questionnaire version for the screen's accuracy, the aggregates done in SQL.

A save is one transaction: the screening must still carry the reference the clinician saw (an
examination is never attached to another screening), the examination and its red-flag findings
are inserted, and the audit row names the clinician. Nothing is ever updated or deleted: a later
examination of the same screening is a new row and the latest (highest id) counts.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, and_, func, insert, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import OperationalError
from sqlalchemy.sql.elements import ColumnElement

from scoring import Questionnaire
from scoring.accuracy import RedFlagTally, VersionAccuracy, version_accuracy
from scoring.examination import ExaminationFindings
from storage import audit
from storage.clinic_days import clinic_day_bounds
from storage.engine import aware, utc_now
from storage.records import InvalidInput, SaveFailed
from storage.schema import examination_red_flags, examinations, submissions

if TYPE_CHECKING:
    from storage import Storage

EVENT = "examination_recorded"
_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class Examination:
    """One saved examination (never changed after the save)."""

    id: int
    submission_id: int
    submission_reference: str
    recorded_at: datetime
    clinician: str
    clinician_name: str
    findings: ExaminationFindings
    severity_score: int


def save_examination(
    storage: Storage, *, submission_id: int, reference: str, findings: ExaminationFindings, severity_score: int,
    clinician: str, clinician_name: str,
) -> Examination:
    """Append one examination and its audit row. InvalidInput when the screening is gone or its
    reference is not `reference` (the one on the clinician's screen); SaveFailed (one line) when
    the database stays unavailable. The findings are checked by `scoring.examination` first."""
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            return _insert(storage, submission_id, reference, findings, severity_score, clinician, clinician_name)
        except OperationalError as exc:
            if attempt == _ATTEMPTS:
                raise SaveFailed(f"examination not saved, database unavailable: {type(exc.orig).__name__}") from None
            time.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")


def _insert(
    storage: Storage, submission_id: int, reference: str, findings: ExaminationFindings, severity_score: int,
    clinician: str, clinician_name: str,
) -> Examination:
    now = utc_now()
    with storage.engine.begin() as connection:
        screening = connection.execute(
            select(submissions.c.reference, submissions.c.questionnaire_version, submissions.c.tier,
                   submissions.c.created_at).where(submissions.c.id == submission_id)
        ).one_or_none()
        if screening is None or screening.reference != reference:
            raise InvalidInput(f"screening {reference} is not the one open (id {submission_id}); nothing saved")
        examination_id = connection.execute(
            insert(examinations).values(
                submission_id=submission_id, submission_reference=reference, recorded_at=now, clinician=clinician,
                clinician_name=clinician_name, signs=sorted(findings.signs),
                temperature_difference_c=findings.temperature_difference_c, criterion_d=findings.criterion_d,
                other_diagnosis=findings.other_diagnosis, conclusion=findings.conclusion,
                severity_score=severity_score, questionnaire_version=screening.questionnaire_version,
                tier=screening.tier, screened_at=screening.created_at,
            ).returning(examinations.c.id)
        ).scalar_one()
        if findings.red_flags:
            connection.execute(insert(examination_red_flags), [
                {"examination_id": examination_id, "red_flag": flag, "finding": finding}
                for flag, finding in findings.red_flags
            ])
        # No findings in the audit trail: who, which screening, which record.
        audit.write(connection, EVENT, clinician, submission_id,
               f"examination {examination_id} by {clinician_name} (earlier records kept)", now)
    return Examination(examination_id, submission_id, reference, now, clinician, clinician_name, findings,
                       severity_score)


def examinations_for(storage: Storage, submission_id: int) -> list[Examination]:
    """Every examination of one screening, newest (the one that counts) first."""
    with storage.engine.connect() as connection:
        rows = list(connection.execute(
            select(examinations).where(examinations.c.submission_id == submission_id)
            .order_by(examinations.c.id.desc())
        ).mappings())
        flags = _red_flags(connection, [row["id"] for row in rows])
    return [_examination(row, flags.get(row["id"], ())) for row in rows]


def latest_for(storage: Storage, submission_ids: Iterable[int]) -> dict[int, Examination]:
    """Screening id -> its latest examination, for those that have one (e.g. one export chunk)."""
    ids = list(submission_ids)
    if not ids:
        return {}
    latest = (select(func.max(examinations.c.id)).where(examinations.c.submission_id.in_(ids))
              .group_by(examinations.c.submission_id).scalar_subquery())
    with storage.engine.connect() as connection:
        rows = list(connection.execute(select(examinations).where(examinations.c.id.in_(latest))).mappings())
        flags = _red_flags(connection, [row["id"] for row in rows])
    return {row["submission_id"]: _examination(row, flags.get(row["id"], ())) for row in rows}


def with_examinations(storage: Storage, chunks: Iterable[list[Mapping[str, Any]]]) -> Iterator[list[Mapping[str, Any]]]:
    """Export chunks with each row's latest examination under "examination" (or None)."""
    for chunk in chunks:
        latest = latest_for(storage, [row["id"] for row in chunk])
        yield [{**row, "examination": latest.get(row["id"])} for row in chunk]


def examination_fhir(questionnaire: Questionnaire, row: Any, record: Examination, base_url: str = "",
                     ) -> Iterator[dict[str, Any]]:
    """FHIR Observations for `record`, an examination of screening `row` (a Submission or export row)."""
    from scoring.fhir.examination import examination_resources

    get = row.get if isinstance(row, Mapping) else lambda name: getattr(row, name)
    return examination_resources(
        questionnaire, record.findings, response_id=str(get("reference")), examination_id=record.id,
        recorded_at=record.recorded_at, clinician=record.clinician, clinician_name=record.clinician_name,
        severity_score=record.severity_score, patient_identifier=get("patient_identifier"), base_url=base_url,
    )


def _red_flags(connection: Any, examination_ids: list[int]) -> dict[int, tuple[tuple[str, str], ...]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for start in range(0, len(examination_ids), 500):
        for row in connection.execute(
            select(examination_red_flags).where(
                examination_red_flags.c.examination_id.in_(examination_ids[start:start + 500]))
            .order_by(examination_red_flags.c.red_flag)
        ).mappings():
            found.setdefault(row["examination_id"], []).append((row["red_flag"], row["finding"]))
    return {key: tuple(value) for key, value in found.items()}


def _examination(row: RowMapping, flags: tuple[tuple[str, str], ...]) -> Examination:
    findings = ExaminationFindings(
        signs=frozenset(row["signs"]), criterion_d=row["criterion_d"], conclusion=row["conclusion"],
        other_diagnosis=row["other_diagnosis"], temperature_difference_c=row["temperature_difference_c"],
        red_flags=flags,
    )
    return Examination(row["id"], row["submission_id"], row["submission_reference"], aware(row["recorded_at"]),
                       row["clinician"], row["clinician_name"], findings, row["severity_score"])


# -- accuracy ---------------------------------------------------------------------------------


def accuracy(storage: Storage, *, date_from: date | None = None, date_to: date | None = None) -> list[VersionAccuracy]:
    """Per questionnaire version, screenings made in the dates and their latest examinations,
    counted in three GROUP BY queries (`accuracy_statements`; the arithmetic is `scoring.accuracy`)."""
    screened_sql, cells_sql, flags_sql = accuracy_statements(date_from, date_to)
    with storage.engine.connect() as connection:
        screened = {str(name): int(count) for name, count in connection.execute(screened_sql)}
        cells: dict[str, dict[tuple[str, str], int]] = {}
        for name, tier, conclusion, count in connection.execute(cells_sql):
            cells.setdefault(name, {})[(tier, conclusion)] = int(count)
        flags: dict[str, dict[str, dict[str, int]]] = {}
        for name, flag, finding, count in connection.execute(flags_sql):
            flags.setdefault(name, {}).setdefault(flag, {})[finding] = int(count)
    return [
        version_accuracy(name, screened.get(name, 0), cells.get(name, {}), [
            RedFlagTally(flag, sum(found.values()), found.get("confirmed", 0), found.get("false_alarm", 0))
            for flag, found in flags.get(name, {}).items()
        ])
        for name in sorted(set(screened) | set(cells))
    ]


def accuracy_statements(date_from: date | None = None, date_to: date | None = None) -> tuple[Select[Any], ...]:
    """The three aggregates: screenings per version (an index-only scan); (version, tier,
    conclusion) counts of each screening's latest examination; (version, red flag, finding) counts
    of those examinations, driven by the few red-flag rows. Examinations carry the screening's
    version, tier and time, so neither touches the million screenings' rows.

    The latest examinations are all of them minus the few earlier ones of screenings examined more
    than once (found on the (submission_id, id) index), counted on the covering index
    `ix_examinations_accuracy` without reading an examination row (revision 0011)."""
    screened = _dates(submissions.c.created_at, date_from, date_to)
    examined = _dates(examinations.c.screened_at, date_from, date_to)
    version = submissions.c.questionnaire_version
    exam = examinations.c
    again = select(exam.submission_id, func.max(exam.id).label("latest")).group_by(exam.submission_id) \
        .having(func.count() > 1).subquery("examined_again")
    earlier = examinations.alias("earlier")
    superseded = select(earlier.c.id).join(again, and_(earlier.c.submission_id == again.c.submission_id,
                                                       earlier.c.id < again.c.latest))
    newer = examinations.alias("newer")
    is_latest = exam.id == select(func.max(newer.c.id)).where(newer.c.submission_id == exam.submission_id) \
        .scalar_subquery()
    exam_version, tier, conclusion = exam.questionnaire_version, exam.tier, exam.conclusion
    flags = examination_red_flags
    flag, finding = flags.c.red_flag, flags.c.finding
    return (
        select(version, func.count()).where(*screened).group_by(version),
        select(exam_version, tier, conclusion, func.count())
        .where(exam.id.not_in(superseded), *examined).group_by(exam_version, tier, conclusion),
        select(exam_version, flag, finding, func.count())
        .select_from(flags.join(examinations, exam.id == flags.c.examination_id))
        .where(is_latest, *examined).group_by(exam_version, flag, finding),
    )


def _dates(column: Any, date_from: date | None, date_to: date | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if date_from is not None:
        conditions.append(column >= clinic_day_bounds(date_from, UTC)[0])
    if date_to is not None:
        conditions.append(column < clinic_day_bounds(date_to, UTC)[1])
    return [and_(*conditions)] if conditions else []
