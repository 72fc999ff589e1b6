"""Made-up screenings for trying the app and for benchmarks (`python -m storage demo-data`).

Answers are random but valid, scored with the real questionnaire (a pool of a few thousand
scored answer sets, reused at random: scoring a million would take longer than storing them).
Rows are inserted in batches (executemany; PostgreSQL `COPY` measured no faster here), so
memory stays flat at any count.
Nothing here is a real patient, and every row says so: tablet "demo", reference starting with
"D", idempotency key "demo-N". Urgent demo rows older than a day are acknowledged by
"demo-data", so a million of them never flood the live urgent list; the recent ones are hidden
from the urgent list unless the coordinator asks for them, and then labelled DEMO. The command
refuses a database that holds real screenings unless forced (`refuse_real_database`).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, timedelta
from typing import Any

from sqlalchemy import exists, func, insert, or_, select

from scoring import Questionnaire, holds, load_questionnaire, score, shown_items
from storage import Storage, question_texts
from storage.engine import utc_now
from storage.records import STATUSES
from storage.reference import ALPHABET
from storage.schema import submissions

DEMO_TABLET = "demo"
DEMO_ACTOR = "demo-data"
POOL_SIZE = 2000
BATCH = 5000
_CODES = len(ALPHABET) ** 5  # demo references: "D" + five characters
_STEP = 7_368_787  # coprime with 31**5: n -> n * _STEP mod 31**5 is a bijection (unique codes, no set)


def random_answers(questionnaire: Questionnaire, rng: random.Random) -> dict[str, object]:
    """A complete, valid answer set: most patients in pain, a few red flags (about 1% each)."""
    pain = rng.random() < 0.85
    answers: dict[str, object] = {}
    # Questions behind a red-flag rule (1.2: chest symptoms, recent injury, spine procedure) are as
    # rare as a red flag, or half the made-up screenings would be urgent.
    rare = {condition.item for rule in questionnaire.red_flag_rules for condition in (*rule.all, *rule.any)}
    # The gate's first question (the questionnaire's own: in crps.yaml, ongoing pain) is met by most.
    first = questionnaire.gate[0] if questionnaire.gate else None
    for item in questionnaire.items:
        if first is not None and item.id == first.item and item.choices:
            met = [choice.code for choice in item.choices if holds(first, {item.id: choice.code})]
            unmet = [choice.code for choice in item.choices if not holds(first, {item.id: choice.code})]
            answers[item.id] = met[0] if (pain and met) or not unmet else unmet[0]
        elif item.kind == "integer":
            assert item.minimum is not None and item.maximum is not None
            answers[item.id] = rng.randint(item.minimum, item.maximum)
        elif item.kind == "multiple":
            answers[item.id] = rng.sample(sorted(item.codes), rng.randint(1, 2))
        elif item.red_flag is not None or item.id in rare:
            answers[item.id] = "yes" if rng.random() < 0.01 else "no"
        else:
            answers[item.id] = rng.choice([choice.code for choice in item.choices])
    shown = {item.id for item in shown_items(questionnaire, answers)}  # type: ignore[arg-type]
    return {item_id: value for item_id, value in answers.items() if item_id in shown}


def demo_reference(number: int) -> str:
    """The `number`th demo reference, e.g. "DK7-M4P": distinct for every number below 31**5."""
    value = (number * _STEP) % _CODES
    code = ""
    for _ in range(5):
        value, digit = divmod(value, len(ALPHABET))
        code += ALPHABET[digit]
    return f"D{code[:2]}-{code[2:]}"


class RealScreeningsPresent(RuntimeError):
    """`make demo-data` was pointed at a database that holds real screenings (one line, no data)."""


def real_screenings(storage: Storage) -> bool:
    """True when the database holds any screening that `fill` did not make (a real clinic's)."""
    with storage.engine.connect() as connection:
        return bool(connection.execute(select(exists().where(
            or_(submissions.c.tablet.is_(None), submissions.c.tablet != DEMO_TABLET)))).scalar())


def refuse_real_database(storage: Storage, *, force: bool) -> None:
    """Demo rows are never mixed into a clinic's list by accident: refuse a
    database with real screenings unless `force` (`--force`) says this is meant."""
    if not force and real_screenings(storage):
        raise RealScreeningsPresent(
            "this database holds real screenings; demo data would mix into the clinic's lists. "
            "Use an empty or demo database (--url), or add --force if this is really meant")


def fill(storage: Storage, count: int, *, days: int = 42, seed: int = 1,
         questionnaire: Questionnaire | None = None, examined_share: float = 0.0) -> int:
    """Insert `count` made-up submissions spread over the last `days` days; returns the count.
    Running it again adds more (numbering continues after the demo rows already there)."""
    if questionnaire is None:
        from settings import load_settings

        questionnaire = load_questionnaire(load_settings().questionnaire)
    with storage.engine.connect() as connection:
        start = int(connection.execute(
            select(func.count()).select_from(submissions).where(submissions.c.tablet == DEMO_TABLET)
        ).scalar_one())
    if start + count > _CODES:
        raise ValueError(f"at most {_CODES:,} demo rows per database")
    _insert(storage, _rows(questionnaire, count, start=start, days=days, seed=seed))
    fill_examinations(storage, questionnaire, share=examined_share, seed=seed)  # 0: none
    return count


COLUMNS = (
    "reference", "idempotency_key", "created_at", "created_day", "updated_at", "questionnaire_id",
    "questionnaire_version", "questionnaire_hash", "language", "result", "tier", "urgent", "status",
    "acknowledged_at", "acknowledged_by", "row_version", "complete", "tablet", "red_flag_level", "questions_seen",
)
_RESULT, _DAY, _SEEN = COLUMNS.index("result"), COLUMNS.index("created_day"), COLUMNS.index("questions_seen")
_TIMES = tuple(COLUMNS.index(name) for name in ("created_at", "updated_at", "acknowledged_at"))


def _rows(questionnaire: Questionnaire, count: int, *, start: int, days: int, seed: int
          ) -> Iterator[list[Any]]:
    """Rows in COLUMNS order, oldest first (as a clinic's rows arrive); `result` as a dict
    without its question texts, whose key is in `questions_seen` (the texts are stored first)."""
    rng = random.Random(seed + start)
    pool = []
    for _ in range(min(POOL_SIZE, max(count, 1))):
        language = "es" if rng.random() < 0.4 else "en"
        result = score(questionnaire, random_answers(questionnaire, rng), language)
        record, seen = question_texts.split_result(result)
        pool.append((language, result, record, seen))
    now = utc_now()
    recent, day_ago = now - timedelta(days=2), now - timedelta(days=1)
    span = days * 86400.0
    for index in range(count):
        language, result, record, seen = pool[rng.randrange(len(pool))]
        created = now - timedelta(seconds=span * (1 - (index + rng.random()) / count))
        acknowledged = created + timedelta(minutes=rng.randint(2, 60)) if result.urgent and created < day_ago \
            else None
        yield [
            demo_reference(start + index), f"demo-{start + index}", created, created.date(),
            acknowledged or created, result.questionnaire_id, result.questionnaire_version,
            result.questionnaire_hash, language, record, result.tier, result.urgent,
            "new" if created > recent else rng.choice(STATUSES), acknowledged,
            DEMO_ACTOR if acknowledged else None, 2 if acknowledged else 1, result.complete, DEMO_TABLET,
            result.red_flag_level, seen,
        ]


def _batches(rows: Iterator[list[Any]]) -> Iterator[list[list[Any]]]:
    batch: list[list[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(storage: Storage, rows: Iterator[list[Any]]) -> None:
    """Batched executemany, one transaction per batch. On SQLite the values go to the driver as
    SQLAlchemy would store them (text times in UTC, JSON text, 0/1), skipping its per-row work."""
    sqlite = storage.engine.dialect.name == "sqlite"
    compiled = insert(submissions).compile(dialect=storage.engine.dialect, column_keys=list(COLUMNS))
    statement, order = str(compiled), [COLUMNS.index(name) for name in compiled.positiontup or ()]
    dumped: dict[int, str] = {}
    keys: dict[int, str | None] = {}  # each pooled set of question texts is stored once
    for batch in _batches(rows):
        with storage.engine.begin() as connection:
            for row in batch:
                seen = id(row[_SEEN])
                if seen not in keys:
                    keys[seen] = question_texts.keep(connection, row[_SEEN])
                row[_SEEN] = keys[seen]
            if sqlite:
                connection.exec_driver_sql(statement, [_sqlite_row(row, dumped, order) for row in batch])
            else:
                connection.execute(insert(submissions), [dict(zip(COLUMNS, row, strict=True)) for row in batch])


def _sqlite_row(row: list[Any], dumped: dict[int, str], order: list[int]) -> tuple[Any, ...]:
    for index in _TIMES:
        if row[index] is not None:
            row[index] = row[index].astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    row[_DAY] = row[_DAY].isoformat()
    row[_RESULT] = _json(row[_RESULT], dumped)
    return tuple(row[index] for index in order)


def _json(record: dict[str, Any], dumped: dict[int, str]) -> str:
    """Each pooled result is dumped once (the pool's dicts live as long as the fill)."""
    text = dumped.get(id(record))
    if text is None:
        text = dumped[id(record)] = json.dumps(record, separators=(",", ":"))
    return text


# -- made-up examinations ----------------------------------------------------------

DEMO_CLINICIAN = "demo-clinician"
DEMO_CLINICIAN_NAME = "DEMO clinician (made-up examinations)"
_MEETS_SHARE = {"referral_suggested": 0.6, "clinician_review": 0.3}  # else 0.05: made-up, not data


def fill_examinations(storage: Storage, questionnaire: Questionnaire, *, share: float, seed: int = 1) -> int:
    """Made-up examinations by DEMO_CLINICIAN for about `share` of the demo screenings not yet
    examined, so the accuracy page has something to show; one audit row says how many."""
    from storage.schema import examination_red_flags, examinations

    spec = questionnaire.examination
    if share <= 0 or spec is None:
        return 0
    rng = random.Random(seed)
    signs_by_category: dict[str, list[str]] = {}
    for sign in spec.signs:
        signs_by_category.setdefault(sign.category, []).append(sign.id)
    examined = select(examinations.c.submission_id)
    with storage.engine.connect() as connection:
        rows = connection.execute(
            select(submissions.c.id, submissions.c.reference, submissions.c.tier, submissions.c.urgent,
                   submissions.c.result, submissions.c.questionnaire_version, submissions.c.created_at)
            .where(submissions.c.tablet == DEMO_TABLET, submissions.c.id.not_in(examined))
        ) if share >= 1 else connection.execute(
            select(submissions.c.id, submissions.c.reference, submissions.c.tier, submissions.c.urgent,
                   submissions.c.result, submissions.c.questionnaire_version, submissions.c.created_at)
            .where(submissions.c.tablet == DEMO_TABLET, submissions.c.id.not_in(examined),
                   ((submissions.c.id % 1000) * 7919) % 1000 < int(share * 1000))  # no int32 overflow
        )
        picked = [(row[0], row[1], row[2], row[4]["red_flags"] if row[3] else [], row[5], row[6]) for row in rows]
    now = utc_now()
    total = 0
    for begin in range(0, len(picked), BATCH):
        exams: list[dict[str, Any]] = []
        with storage.engine.begin() as connection:
            raised_by_row = []
            for submission_id, reference, tier, raised, version, screened_at in picked[begin:begin + BATCH]:
                roll = rng.random()
                conclusion = "not_yet_decided" if roll < 0.1 else (
                    "meets_budapest_clinical" if rng.random() < _MEETS_SHARE.get(tier, 0.05) else "does_not_meet")
                categories = rng.sample(sorted(signs_by_category), 2 if conclusion == "meets_budapest_clinical"
                                        else rng.randint(0, 1))
                signs = sorted(rng.choice(signs_by_category[category]) for category in categories)
                exams.append({
                    "submission_id": submission_id, "submission_reference": reference,
                    "recorded_at": now, "clinician": DEMO_CLINICIAN, "clinician_name": DEMO_CLINICIAN_NAME,
                    "signs": signs, "temperature_difference_c": None,
                    "criterion_d": "no" if conclusion == "meets_budapest_clinical" else "not_yet_known",
                    "other_diagnosis": "", "conclusion": conclusion, "severity_score": len(signs) + rng.randint(0, 8),
                    "questionnaire_version": version, "tier": tier, "screened_at": screened_at,
                })
                raised_by_row.append(raised)
            # The database numbers them (a PostgreSQL sequence must move on); ids come back in order.
            ids = connection.execute(insert(examinations).returning(examinations.c.id, sort_by_parameter_order=True),
                                     exams).scalars().all()
            flags = [{"examination_id": examination_id, "red_flag": flag,
                      "finding": rng.choice(("confirmed", "false_alarm", "false_alarm", "not_assessed"))}
                     for examination_id, raised in zip(ids, raised_by_row, strict=True) for flag in raised]
            if flags:
                connection.execute(insert(examination_red_flags), flags)
        total += len(exams)
    storage.record_event("examination_recorded", actor=DEMO_CLINICIAN, detail=f"{total} made-up DEMO examinations")
    return total


__all__ = ["DEMO_ACTOR", "DEMO_CLINICIAN", "DEMO_TABLET", "RealScreeningsPresent", "demo_reference", "fill",
           "fill_examinations", "random_answers", "real_screenings", "refuse_real_database"]
