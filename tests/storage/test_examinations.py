"""Examinations in the database on SQLite and PostgreSQL: append-only, audited with the
clinician's name, never attached to another screening, and counted for the accuracy page."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from scoring import ScreeningResult
from scoring.examination import ExaminationFindings
from storage import InvalidInput, Storage
from storage.__main__ import main as storage_command
from storage.engine import utc_now
from storage.examinations import accuracy, examinations_for, latest_for, save_examination
from storage.schema import examinations


def _findings(conclusion: str = "meets_budapest_clinical", **change: object) -> ExaminationFindings:
    fields: dict[str, object] = {"signs": frozenset({"oedema", "hyperalgesia_pinprick"}), "criterion_d": "no",
                                 "conclusion": conclusion, **change}
    return ExaminationFindings(**fields)  # type: ignore[arg-type]


def _save(storage: Storage, result: ScreeningResult, key: str):  # type: ignore[no-untyped-def]
    return storage.save_submission(idempotency_key=key, result=result, language="en")


def _examine(storage: Storage, row, conclusion: str = "meets_budapest_clinical", **change: object):  # type: ignore[no-untyped-def]
    return save_examination(storage, submission_id=row.id, reference=row.reference,
                            findings=_findings(conclusion, **change), severity_score=7, clinician="cleo",
                            clinician_name="Cleo Clinician")


def test_a_second_save_keeps_the_first_and_the_latest_counts(
    storage: Storage, make_result: Callable[..., ScreeningResult]
) -> None:
    row = _save(storage, make_result("sensory", "vasomotor", "motor_trophic"), "k1")
    first = _examine(storage, row, "not_yet_decided")
    second = _examine(storage, row, "meets_budapest_clinical")
    history = examinations_for(storage, row.id)
    assert [record.id for record in history] == [second.id, first.id]
    assert history[1].findings.conclusion == "not_yet_decided"  # the earlier record, unchanged
    assert latest_for(storage, [row.id])[row.id].findings.conclusion == "meets_budapest_clinical"
    events = [event for event in storage.list_audit() if event.event == "examination_recorded"]
    assert len(events) == 2
    assert all(event.actor == "cleo" and "Cleo Clinician" in event.detail for event in events)
    assert all(event.submission_id == row.id for event in events)


def test_an_examination_is_never_attached_to_another_screening(
    storage: Storage, make_result: Callable[..., ScreeningResult]
) -> None:
    one = _save(storage, make_result("sensory"), "k1")
    other = _save(storage, make_result("vasomotor"), "k2")
    with pytest.raises(InvalidInput, match=other.reference):
        save_examination(storage, submission_id=one.id, reference=other.reference, findings=_findings(),
                         severity_score=1, clinician="cleo", clinician_name="Cleo")
    with storage.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(examinations)).scalar_one() == 0
    assert not [event for event in storage.list_audit() if event.event == "examination_recorded"]


def test_accuracy_counts_the_latest_examination_per_screening(
    storage: Storage, make_result: Callable[..., ScreeningResult]
) -> None:
    positive = make_result("sensory", "vasomotor", "motor_trophic", pain_disproportionate="yes")
    negative = make_result()
    flagged = make_result("sensory", stroke_signs_last_hours="yes")
    assert positive.tier == "referral_suggested" and negative.tier == "no_referral_suggested"
    rows = [_save(storage, result, f"k{n}") for n, result in
            enumerate([positive, positive, positive, negative, negative, flagged, negative])]
    _examine(storage, rows[0], "does_not_meet")
    _examine(storage, rows[0], "meets_budapest_clinical")  # the latest counts: a true positive
    _examine(storage, rows[1], "does_not_meet")  # false positive
    _examine(storage, rows[2], "not_yet_decided")
    _examine(storage, rows[3], "meets_budapest_clinical")  # false negative
    _examine(storage, rows[4], "does_not_meet")  # true negative
    _examine(storage, rows[5], "does_not_meet",
             red_flags=tuple((flag, "false_alarm") for flag in flagged.red_flags))
    (figures,) = accuracy(storage)
    assert (figures.screenings, figures.examined, figures.not_yet_decided) == (7, 6, 1)
    referral = figures.referral
    assert (referral.true_positive, referral.false_positive, referral.false_negative, referral.true_negative) == \
        (1, 1, 1, 2)
    assert referral.total + figures.not_yet_decided == figures.examined
    tallies = {tally.red_flag: tally for tally in figures.red_flags}
    assert tallies["stroke_signs_last_hours"].raised == 1 and tallies["stroke_signs_last_hours"].false_alarm == 1
    tomorrow = (utc_now() + timedelta(days=1)).date()
    assert accuracy(storage, date_from=tomorrow) == []


def test_accuracy_command_prints_json_and_is_audited(
    database_url: str, make_result: Callable[..., ScreeningResult], capsys: pytest.CaptureFixture[str]
) -> None:
    storage = Storage(database_url)
    row = _save(storage, make_result("sensory", "vasomotor", "motor_trophic"), "k1")
    _examine(storage, row)
    assert storage_command(["accuracy", "--url", database_url, "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["versions"][0]["examined"] == 1
    assert "verification bias" in printed["note"]
    assert storage_command(["accuracy", "--url", database_url]) == 0
    assert "too few to tell (1 of 1)" in capsys.readouterr().out
    assert [event.actor for event in storage.list_audit() if event.event == "accuracy_viewed"] == \
        ["command line", "command line"]


def test_csv_and_ndjson_exports_carry_the_latest_examination(
    database_url: str, make_result: Callable[..., ScreeningResult], tmp_path, questionnaire,  # type: ignore[no-untyped-def]
) -> None:
    import csv
    import io

    from storage import QueueFilter
    from storage.export import EXAM_COLUMNS

    storage = Storage(database_url)
    examined = _save(storage, make_result("sensory", "vasomotor", "motor_trophic"), "k1")
    _save(storage, make_result(), "k2")
    _examine(storage, examined, "not_yet_decided")
    _examine(storage, examined, "does_not_meet", criterion_d="yes", other_diagnosis="=gout")
    buffer = io.StringIO()
    storage.export_csv(QueueFilter(), buffer, item_ids=[item.id for item in questionnaire.items])
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue().lstrip("\ufeff"))))
    assert all(column in rows[0] for column in EXAM_COLUMNS)
    by_reference = {row["reference"]: row for row in rows}
    row = by_reference[examined.reference]
    assert (row["exam_conclusion"], row["exam_clinician"], row["exam_severity_score"]) == ("does_not_meet", "cleo", "7")
    assert row["exam_signs"] == "hyperalgesia_pinprick;oedema"
    assert row["exam_other_diagnosis"] == "'=gout"  # a spreadsheet formula made inert
    assert all(value == "" for key, value in next(r for r in rows if r is not row).items() if key.startswith("exam_"))
    output = tmp_path / "out.ndjson"
    assert storage_command(["export", "--url", database_url, "--output", str(output), "--format", "ndjson"]) == 0
    lines = [json.loads(line) for line in output.read_text().splitlines()]
    conclusions = [r for r in lines if r["id"].endswith("-conclusion")]
    assert len(conclusions) == 1 and conclusions[0]["performer"][0]["identifier"]["value"] == "cleo"
