"""CSV (and FHIR NDJSON) export of submissions, written chunk by chunk (never all rows in memory)."""

from __future__ import annotations

import csv
import dataclasses
import gc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, tzinfo
from typing import IO, TYPE_CHECKING, Any

from scoring import Questionnaire
from scoring.model import RedFlagAnswer
from scoring.red_flag_history import describe
from scoring.safe_text import inert_cell, printable
from storage.csv_cells import AnswerCells, InertCells, reference_cell
from storage.records import QueueFilter, assisted_words

if TYPE_CHECKING:
    from storage import Storage

FIXED_COLUMNS = (
    "reference", "submitted_at", "language", "tier", "urgent", "red_flag_level", "complete", "tablet",
    "categories_met", "red_flags", "reasons", "status", "note", "chart_number", "questionnaire_id",
    "questionnaire_version",
)
EXAM_COLUMNS = (  # the latest clinician's examination, empty when none (storage.examinations)
    "exam_recorded_at", "exam_clinician", "exam_conclusion", "exam_criterion_d", "exam_other_diagnosis",
    "exam_signs", "exam_temperature_difference_c", "exam_severity_score", "exam_red_flags",
)

PATIENT_COLUMNS = ("birth_date", "answered_with_staff_help", "patient_name")  # beside chart_number


def write_csv(chunks: Iterable[list[Mapping[str, Any]]], out: IO[str], *, item_ids: Sequence[str],
              zone: tzinfo = UTC) -> int:
    """One row per submission, one column per item (answer codes); UTF-8 with a BOM for Excel;
    `submitted_at` in the clinic's zone (ISO 8601 with its offset). Every text cell goes through
    `inert_cell`. The standard csv writer, chunk by chunk (pandas wrote byte-identical text 2.2x
    slower)."""
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*FIXED_COLUMNS, *item_ids, *EXAM_COLUMNS, *PATIENT_COLUMNS])
    written = 0
    inert = InertCells().__getitem__
    for chunk in chunks:
        writer.writerows([*map(inert, _row(row, item_ids, zone))] for row in chunk)
        written += len(chunk)
    return written


def export_csv(storage: Storage, query: QueueFilter, out: IO[str], *, item_ids: Sequence[str],
               chunk_size: int = 5000, zone: tzinfo = UTC) -> int:
    """The matching submissions as CSV, what `write_csv` writes (UTF-8 with a BOM; the filter's
    dates and each row's time the clinic's, `zone`), read straight from the database
    (`storage.csv_rows`: only the columns and result fields the CSV writes); returns rows written.
    The caller records the export in the audit trail (it knows who asked).
    Every text cell read from the database goes through `inert_cell`: the texts repeated from row
    to row (codes, tiers, reasons) through the memos, the chart number (one per row) directly, the
    reference through `reference_cell` (the same cell, faster; the memos and it are in
    `storage.csv_cells`). `submitted_at` is not text from the database but a time Python formats
    (digits and `-:T+.`, starting with the year), which `inert_cell` always leaves as it is."""
    from storage import csv_rows as at

    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*FIXED_COLUMNS, *item_ids, *EXAM_COLUMNS, *PATIENT_COLUMNS])
    written = 0
    inert, answer = InertCells().__getitem__, AnswerCells().__getitem__
    no_exam = [""] * len(EXAM_COLUMNS)
    reader = at.ResultReader(item_ids)
    for chunk in at.csv_chunks(storage, query, reader, chunk_size=chunk_size, zone=zone):
        histories, examinations = chunk.histories, chunk.examinations
        lines = []
        for row, result in chunk.rows:
            created: datetime = row[at.CREATED_AT]
            if created.tzinfo is None:  # SQLite hands it back naive; it was written as UTC
                created = created.replace(tzinfo=UTC)
            row_id, chart, born = row[at.ID], row[at.PATIENT_IDENTIFIER], row[at.PATIENT_BIRTH_DATE]
            lines.append([
                reference_cell(row[at.REFERENCE]),
                created.astimezone(zone).isoformat(),
                inert(row[at.LANGUAGE]),
                inert(row[at.TIER]),
                bool(row[at.URGENT]),
                inert(row[at.RED_FLAG_LEVEL] or ""),
                bool(row[at.COMPLETE]),
                inert(row[at.TABLET] or ""),
                inert(";".join(result.categories_met)),
                inert(_red_flags(result.red_flags, histories.get(row_id, ()))),
                inert(" | ".join(result.reasons)),
                inert(row[at.STATUS]),
                inert(row[at.NOTE] or ""),
                inert_cell(chart) if chart else "",
                inert(row[at.QUESTIONNAIRE_ID]),
                inert(row[at.QUESTIONNAIRE_VERSION]),
                *(map(answer, result.answers) if result.plain else
                  [inert(value) if value.__class__ is str else "" if value is None else inert(_answer(value))
                   for value in result.answers]),
                *([inert(cell) for cell in _examination(examinations[row_id])] if row_id in examinations
                  else no_exam),
                inert_cell(born.strftime("%Y-%m-%d")) if born is not None else "",
                inert(assisted_words(row[at.ASSISTED_ROLE], row[at.ASSISTED_BY]) or ""),
                inert_cell(name) if (name := row[at.PATIENT_NAME]) else "",
            ])
        writer.writerows(lines)
        written += len(lines)
    return written


@contextmanager
def rare_full_collections() -> Iterator[None]:
    """While a long export runs, Python's cycle collector still collects young objects as always
    but the whole heap only after FULL_COLLECTION_ROUNDS rounds of the middle generation (none in
    300,000 rows measured), then back as it was. Each chunk's thousands of rows, alive while it is
    written, made it collect the whole heap several times a chunk: over half of the reading time
    at a million rows (turning it off instead let memory creep up)."""
    before = gc.get_threshold()
    gc.set_threshold(before[0], before[1], max(before[2], FULL_COLLECTION_ROUNDS))
    try:
        yield
    finally:
        gc.set_threshold(*before)


FULL_COLLECTION_ROUNDS = 1000


def _row(row: Mapping[str, Any], item_ids: Sequence[str], zone: tzinfo = UTC) -> list[object]:
    """One CSV row straight from the stored JSON (no result objects: this runs 100,000 times)."""
    result = row["result"]
    answers = result["answers"]
    created: datetime = row["created_at"]
    if created.tzinfo is None:  # SQLite hands it back naive; it was written as UTC
        created = created.replace(tzinfo=UTC)
    return [
        row["reference"],
        created.astimezone(zone).isoformat(),
        row["language"],
        row["tier"],
        bool(row["urgent"]),
        row["red_flag_level"] or "",
        bool(row["complete"]),
        row["tablet"] or "",
        ";".join(result["categories_met"]),
        _red_flags(result["red_flags"], row.get("red_flag_history", ())),
        " | ".join(result["reasons"]),
        row["status"],
        row["note"] or "",
        row["patient_identifier"] or "",
        row["questionnaire_id"],
        row["questionnaire_version"],
        *[value if (value := answers.get(item_id)).__class__ is str else _answer(value) for item_id in item_ids],
        *_examination(row.get("examination")),
        *_patient(row),
    ]


def _patient(row: Mapping[str, Any]) -> list[object]:
    """The PATIENT_COLUMNS cells: the date of birth (YYYY-MM-DD), who helped answer, the full name."""
    born = row.get("patient_birth_date")
    return [born.strftime("%Y-%m-%d") if born is not None else "",
            assisted_words(row.get("assisted_role"), row.get("assisted_by")) or "", row.get("patient_name") or ""]


def _examination(record: Any) -> list[object]:
    """The exam_ cells of one row: its latest examination (`storage.examinations.Examination`)."""
    if record is None:
        return [""] * len(EXAM_COLUMNS)
    findings = record.findings
    measured = findings.temperature_difference_c
    return [
        record.recorded_at.isoformat(), record.clinician, findings.conclusion, findings.criterion_d,
        findings.other_diagnosis, ";".join(sorted(findings.signs)), "" if measured is None else measured,
        record.severity_score, ";".join(f"{flag}:{finding}" for flag, finding in findings.red_flags),
    ]


def _red_flags(flags: list[str], history: Sequence[RedFlagAnswer]) -> str:
    """Every flag ever raised, ";" between them; one whose answer changed after it was raised says
    so with the answers (codes) and UTC times: "self_harm_thoughts (answered yes at
    2026-12-05T15:02:00+00:00, changed to no at 2026-12-05T15:04:00+00:00)"."""
    if not history:
        return ";".join(flags)
    ever = dict.fromkeys([*flags, *(answer.item for answer in history if answer.raises)])
    parts = []
    for item_id in ever:
        kept = [answer for answer in history if answer.item == item_id]
        if len(kept) < 2:
            parts.append(item_id)
            continue
        words = describe(kept, lambda moment: moment.astimezone(UTC).isoformat(), lambda value: str(_answer(value)))
        parts.append(f"{item_id} ({words})")
    return ";".join(parts)


def _answer(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, (tuple, list)):
        return ";".join(str(code) for code in value)
    return value


def write_ndjson(chunks: Iterable[list[Mapping[str, Any]]], out: IO[str], *, questionnaire: Questionnaire,
                 base_url: str = "", zone: tzinfo = UTC) -> int:
    """FHIR R4 NDJSON (`scoring.fhir`): per submission its QuestionnaireResponse and Observations,
    one resource a line; returns the submissions written. (`zone` is not needed: FHIR times
    carry their offset.) Rows saved with another questionnaire
    version are refused (one line naming the reference): export them with that version."""
    from scoring.fhir import ndjson_lines, screening_resources
    from storage.records import stored_result

    written = 0
    for chunk in chunks:
        for row in chunk:
            if (row["questionnaire_id"], row["questionnaire_version"]) != (questionnaire.id, questionnaire.version):
                raise ValueError(f"screening {row['reference']} used questionnaire {row['questionnaire_id']} "
                                 f"{row['questionnaire_version']}, not {questionnaire.id} {questionnaire.version}")
            created: datetime = row["created_at"]
            resources = screening_resources(
                questionnaire, stored_result(row, row.get("red_flag_history", ())), response_id=row["reference"],
                authored=created if created.tzinfo else created.replace(tzinfo=UTC), complete=bool(row["complete"]),
                patient_identifier=row["patient_identifier"], base_url=base_url,
                birth_date=_birth_date(row.get("patient_birth_date")), assisted=_assisted(row),
                patient_name=row.get("patient_name"),
            )
            out.writelines(ndjson_lines(resources))
            if row.get("examination") is not None:  # the latest examination's Observations
                from storage.examinations import examination_fhir

                out.writelines(ndjson_lines(examination_fhir(questionnaire, row, row["examination"], base_url)))
            written += 1
    return written


def _csv_for(storage: Storage, query: QueueFilter, out: IO[str], *, questionnaire: Questionnaire,
             zone: tzinfo = UTC) -> int:
    return export_csv(storage, query, out, item_ids=[item.id for item in questionnaire.items], zone=zone)


def _ndjson_for(storage: Storage, query: QueueFilter, out: IO[str], *, questionnaire: Questionnaire,
                zone: tzinfo = UTC) -> int:
    from storage.examinations import with_examinations

    rows = with_examinations(storage, storage.iter_export_rows(query, zone=zone))
    return write_ndjson(rows, out, questionnaire=questionnaire, zone=zone)


EXPORT_FORMATS: dict[str, Callable[..., int]] = {"csv": _csv_for, "ndjson": _ndjson_for}
"""`python -m storage export --format NAME`: each writer takes (storage, the filter, an open text
file, questionnaire=..., zone=...), reads what it writes chunk by chunk and returns rows written."""


def describe_filter(query: QueueFilter) -> str:
    """The filter in words for the audit log ("no filter", or "from 2026-11-01 to 2026-11-24;
    urgent only; reference starting 'K7M'"), never Python's repr. Dates are the clinic's days."""
    parts = []
    if query.date_from is not None or query.date_to is not None:
        parts.append(" ".join(part for part in (
            f"from {query.date_from:%Y-%m-%d}" if query.date_from is not None else "",
            f"to {query.date_to:%Y-%m-%d}" if query.date_to is not None else "") if part) + " (clinic days)")
    if query.tier:
        parts.append(f"suggestion {printable(query.tier)}")
    if query.urgent is not None:
        parts.append("urgent only" if query.urgent else "not urgent")
    if query.status:
        parts.append(f"status {printable(query.status)}")
    if query.reference:
        parts.append(f"reference starting '{printable(query.reference, 12)}'")
    described = {"date_from", "date_to", "tier", "urgent", "status", "reference"}
    for extra in dataclasses.fields(query):  # a filter added later is still named, never dropped
        value = getattr(query, extra.name)
        if extra.name not in described and value not in (None, False, ""):
            parts.append(f"{extra.name.replace('_', ' ')} {printable(value)}")
    return "; ".join(parts) or "no filter"


def _birth_date(value: Any) -> Any:
    return value.date() if isinstance(value, datetime) else value


def _assisted(row: Mapping[str, Any]) -> tuple[str, str] | None:
    role, by = row.get("assisted_role"), row.get("assisted_by")
    return (role, by) if role and by else None
