"""The accuracy aggregate in SQL (`storage.examinations.accuracy`) counts exactly what a
plain Python count of the same rows counts: seeded random screenings over several weeks and two
questionnaire versions, none to three examinations each (the latest counts), random red-flag
findings, over several date ranges, on both engines. The Python side reads each screening's own
version, tier and time (not the copies on the examination row) and picks the latest examination
itself, so a wrong join, a wrong "latest" or a stale copy shows up as a difference."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select, update

from scoring import Questionnaire
from scoring.accuracy import RedFlagTally, VersionAccuracy, version_accuracy
from scoring.examination import ExaminationFindings
from storage import Storage
from storage.demo import fill
from storage.examinations import accuracy, save_examination
from storage.schema import examination_red_flags, examinations, submissions

CONCLUSIONS = ("meets_budapest_clinical", "does_not_meet", "not_yet_decided")
FINDINGS = ("confirmed", "false_alarm", "not_assessed")
FLAGS = ("stroke_signs_last_hours", "self_harm_thoughts", "infection_signs")


def _random_data(storage: Storage, questionnaire: Questionnaire, seed: int, screenings: int = 120) -> None:
    rng = random.Random(seed)
    fill(storage, screenings, days=30, seed=seed, questionnaire=questionnaire)
    with storage.engine.begin() as connection:  # a second questionnaire version on a random third
        rows = connection.execute(select(submissions.c.id, submissions.c.reference)).all()
        older = [row.id for row in rows if rng.random() < 0.33]
        connection.execute(update(submissions).where(submissions.c.id.in_(older)).values(questionnaire_version="1.1.0"))
    for row in rows:
        for _ in range(rng.choice((0, 0, 1, 1, 1, 2, 3))):
            flags = tuple((flag, rng.choice(FINDINGS)) for flag in rng.sample(FLAGS, rng.randint(0, 2)))
            findings = ExaminationFindings(frozenset(), "no", rng.choice(CONCLUSIONS), red_flags=flags)
            save_examination(storage, submission_id=row.id, reference=row.reference, findings=findings,
                             severity_score=rng.randint(0, 17), clinician="cleo", clinician_name="Cleo")


def _counted_in_python(storage: Storage, date_from: date | None, date_to: date | None) -> list[VersionAccuracy]:
    with storage.engine.connect() as connection:
        screenings = {row.id: row for row in connection.execute(
            select(submissions.c.id, submissions.c.questionnaire_version, submissions.c.tier,
                   submissions.c.created_at))}
        exams = connection.execute(select(examinations.c.id, examinations.c.submission_id,
                                          examinations.c.conclusion)).all()
        flags = connection.execute(select(examination_red_flags)).all()
    # the accuracy page's dates are whole UTC days, the last one included
    low = datetime.combine(date_from, time(), tzinfo=UTC) if date_from else None
    high = datetime.combine(date_to + timedelta(days=1), time(), tzinfo=UTC) if date_to else None

    def in_range(moment: datetime) -> bool:
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return (low is None or moment >= low) and (high is None or moment < high)

    latest: dict[int, tuple[int, str]] = {}
    for exam_id, submission_id, conclusion in exams:
        if submission_id not in latest or exam_id > latest[submission_id][0]:
            latest[submission_id] = (exam_id, conclusion)
    screened: Counter[str] = Counter()
    for row in screenings.values():
        if in_range(row.created_at):
            screened[row.questionnaire_version] += 1
    cells: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    counted: dict[int, str] = {}  # the latest examination's id -> the screening's version
    for submission_id, (exam_id, conclusion) in latest.items():
        row = screenings[submission_id]
        if in_range(row.created_at):
            cells[row.questionnaire_version][(row.tier, conclusion)] += 1
            counted[exam_id] = row.questionnaire_version
    found: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for exam_id, flag, finding in flags:
        if exam_id in counted:
            found[counted[exam_id]][flag][finding] += 1
    return [
        version_accuracy(version, screened[version], dict(cells[version]), [
            RedFlagTally(flag, sum(tally.values()), tally["confirmed"], tally["false_alarm"])
            for flag, tally in found[version].items()])
        for version in sorted(set(screened) | set(cells))
    ]


@pytest.mark.parametrize("seed", [3, 11])
def test_the_sql_aggregate_equals_a_python_count_sqlite(
    database_url: str, questionnaire: Questionnaire, seed: int
) -> None:
    _compare(Storage(database_url), questionnaire, seed)


def test_the_sql_aggregate_equals_a_python_count_postgresql(postgres_url: str, questionnaire: Questionnaire) -> None:
    _compare(Storage(postgres_url), questionnaire, 5)


def _compare(storage: Storage, questionnaire: Questionnaire, seed: int) -> None:
    _random_data(storage, questionnaire, seed)
    today = datetime.now(UTC).date()
    ranges = [(None, None), (today - timedelta(days=10), None), (None, today - timedelta(days=12)),
              (today - timedelta(days=20), today - timedelta(days=5)), (today, today)]
    for date_from, date_to in ranges:
        expected = _counted_in_python(storage, date_from, date_to)
        assert accuracy(storage, date_from=date_from, date_to=date_to) == expected, (date_from, date_to)
    everything = _counted_in_python(storage, None, None)
    assert {version.questionnaire_version for version in everything} == {"1.1.0", questionnaire.version}
    assert sum(version.examined for version in everything) > 50  # the data is not trivially empty
    assert any(version.red_flags for version in everything)
