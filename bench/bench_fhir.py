"""FHIR export of one screening: `screening_bundle` against the same resources built as plain
dicts by hand (no names, checks or lookups), in the same process; and the pure part of an NDJSON
export (resources + lines) for 100,000 screenings, written to a temporary file.

Targets: Bundle ≤ 3× the plain dicts; NDJSON of 100,000 screenings ≤ 30 s, ≤ 300 MB
(the database read is `storage`'s and is measured there).
"""

from __future__ import annotations

import json
import resource
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.bench_scoring import FULL_ANSWERS, QUESTIONNAIRE, per_call_us
from scoring import Questionnaire, ScreeningResult, load_questionnaire, score
from scoring.fhir import ndjson_lines, screening_bundle, screening_resources

AUTHORED = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
_NOTE = [{"text": "Screening suggestion, not a diagnosis."}]


def plain_bundle(questionnaire: Questionnaire, result: ScreeningResult, response_id: str) -> dict[str, Any]:
    """The same shape written out directly: fixed URLs, no id checks, labels looked up inline."""
    system = "urn:crps-screen:CodeSystem:crps_symptom_screen-answer"
    when = AUTHORED.isoformat()
    items = questionnaire.items_by_id
    response = {
        "resourceType": "QuestionnaireResponse", "id": response_id, "language": result.language,
        "questionnaire": "urn:crps-screen:Questionnaire:crps_symptom_screen|" + questionnaire.version,
        "status": "completed", "authored": when,
        "item": [
            {"linkId": key, "text": items[key].text["en"],
             "answer": [{"valueInteger": value}] if isinstance(value, int) else [
                 {"valueCoding": {"system": system, "code": code, "display": items[key].choice(code).label["en"]}}
                 for code in (value if isinstance(value, tuple) else (value,))]}
            for key, value in result.answers
        ],
    }
    common = {"status": "final", "category": [{"coding": [{"code": "survey"}]}], "effectiveDateTime": when,
              "derivedFrom": [{"reference": "QuestionnaireResponse/" + response_id}], "note": _NOTE}
    observations = [
        {"resourceType": "Observation", "id": response_id + "-tier", **common,
         "code": {"coding": [{"code": "tier"}]}, "valueCodeableConcept": {"coding": [{"code": result.tier}]}},
        {"resourceType": "Observation", "id": response_id + "-urgent", **common,
         "code": {"coding": [{"code": "urgent"}]}, "valueBoolean": result.urgent},
        *({"resourceType": "Observation", "id": f"{response_id}-{flag}", **common,
           "code": {"coding": [{"code": "red-flag"}]}, "valueCodeableConcept": {"coding": [{"code": flag}]}}
          for flag in result.red_flags),
    ]
    return {"resourceType": "Bundle", "type": "collection", "timestamp": when,
            "entry": [{"resource": r} for r in [response, *observations]]}


def main() -> None:
    questionnaire = load_questionnaire(QUESTIONNAIRE)
    result = score(questionnaire, {**FULL_ANSWERS, "stroke_signs_last_hours": "yes"})
    ours = screening_bundle(questionnaire, result, response_id="K7Q-2M4", authored=AUTHORED, complete=True)
    plain = plain_bundle(questionnaire, result, "K7Q-2M4")
    assert len(ours["entry"]) == len(plain["entry"]) == 4
    assert len(ours["entry"][0]["resource"]["item"]) == len(plain["entry"][0]["resource"]["item"])
    bundle = statistics.median(per_call_us(
        lambda: screening_bundle(questionnaire, result, response_id="K7Q-2M4", authored=AUTHORED, complete=True),
        calls=500))
    baseline = statistics.median(per_call_us(lambda: plain_bundle(questionnaire, result, "K7Q-2M4"), calls=500))
    print(f"screening_bundle: median {bundle:.1f} µs; plain dicts {baseline:.1f} µs; "
          f"ratio {bundle / baseline:.2f} (target ≤ 3)")

    count = 100_000
    with tempfile.TemporaryDirectory() as folder, (Path(folder) / "export.ndjson").open("w") as out:
        started = time.perf_counter()
        for number in range(count):
            resources = screening_resources(questionnaire, result, response_id=f"S{number}", authored=AUTHORED,
                                            complete=True)
            out.writelines(ndjson_lines(resources))
        elapsed = time.perf_counter() - started
        size_mb = out.tell() / 1e6
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out.seek(0)
        started = time.perf_counter()
        for number in range(count):  # baseline: the plain dicts, dumped one per line
            for entry in plain_bundle(questionnaire, result, f"S{number}")["entry"]:
                out.write(json.dumps(entry["resource"], ensure_ascii=False, separators=(",", ":")) + "\n")
        plain_elapsed = time.perf_counter() - started
    print(f"NDJSON, {count:,} screenings (resources + lines, no database): {elapsed:.1f} s (target ≤ 30), "
          f"{size_mb:.0f} MB written, process peak memory {peak_mb:.0f} MB (target ≤ 300); "
          f"plain dicts dumped the same way {plain_elapsed:.1f} s, ratio {elapsed / plain_elapsed:.2f}")


if __name__ == "__main__":
    main()
