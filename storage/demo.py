"""Made-up screenings for trying the app and for benchmarks (`python -m storage demo-data`).

Answers are random but valid, scored with the real questionnaire; rows are inserted in
batches. Nothing here is a real patient.
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from sqlalchemy import insert

from scoring import Questionnaire, load_questionnaire, score
from storage.database import Storage, utc_now
from storage.records import STATUSES
from storage.reference import ALPHABET
from storage.schema import submissions


def random_answers(questionnaire: Questionnaire, rng: random.Random) -> dict[str, object]:
    """A complete, valid answer set: most patients in pain, a few red flags."""
    pain = rng.random() < 0.85
    answers: dict[str, object] = {}
    for item in questionnaire.items:
        if item.id == "pain_present":
            answers[item.id] = "yes" if pain else "no"
        elif item.show_if and not pain:
            continue
        elif item.kind == "integer":
            assert item.minimum is not None and item.maximum is not None
            answers[item.id] = rng.randint(item.minimum, item.maximum)
        elif item.kind == "multiple":
            answers[item.id] = rng.sample(sorted(item.codes), rng.randint(1, 2))
        elif item.red_flag is not None:
            answers[item.id] = "yes" if rng.random() < 0.01 else "no"
        else:
            answers[item.id] = rng.choice([choice.code for choice in item.choices])
    return answers


def fill(storage: Storage, count: int, *, days: int = 42, seed: int = 1,
         questionnaire: Questionnaire | None = None) -> int:
    """Insert `count` made-up submissions spread over the last `days` days; returns the count."""
    if questionnaire is None:
        from settings import load_settings

        questionnaire = load_questionnaire(load_settings().questionnaire)
    rng = random.Random(seed)
    now = utc_now()
    batch: list[dict[str, object]] = []
    used: set[str] = set()
    for number in range(count):
        language = "es" if rng.random() < 0.4 else "en"
        result = score(questionnaire, random_answers(questionnaire, rng), language)
        created = now - timedelta(seconds=rng.randint(0, days * 86400))
        reference = _unique_reference(rng, used)
        record = result.to_dict()
        batch.append(
            {
                "reference": reference,
                "idempotency_key": f"demo-{uuid.UUID(int=rng.getrandbits(128)).hex}",
                "created_at": created,
                "created_day": created.date(),
                "updated_at": created,
                "questionnaire_id": result.questionnaire_id,
                "questionnaire_version": result.questionnaire_version,
                "questionnaire_hash": result.questionnaire_hash,
                "language": language,
                "result": record,
                "tier": result.tier,
                "urgent": result.urgent,
                "status": "new" if created > now - timedelta(days=2) else rng.choice(STATUSES),
                "row_version": 1,
            }
        )
        if len(batch) == 5000 or number == count - 1:
            with storage.engine.begin() as connection:
                connection.execute(insert(submissions), batch)
            batch = []
    return count


def _unique_reference(rng: random.Random, used: set[str]) -> str:
    while True:
        code = "".join(rng.choice(ALPHABET) for _ in range(6))
        reference = f"D{code[1:3]}-{code[3:]}"  # demo codes start with D
        if reference not in used:
            used.add(reference)
            return reference
