"""One screening as FHIR R4: a QuestionnaireResponse and Observations derived from it.

`screening_resources` yields them one by one (for NDJSON, `ndjson_lines`); `screening_bundle`
wraps them in a Bundle of type `collection`. Answers of items the patient was not shown are
never in a result, so never here (except a red flag answered yes while hidden: it counts, issue
16). Every Observation carries the "not a diagnosis" note.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from typing import Any

from scoring.fhir.names import (
    IDENTIFIER_TYPE,
    NOT_A_DIAGNOSIS,
    OBSERVATION_CATEGORY,
    FhirNames,
    resource_id,
)
from scoring.model import Item, Questionnaire, ScreeningResult
from scoring.red_flag_history import describe


def screening_resources(
    questionnaire: Questionnaire,
    result: ScreeningResult,
    *,
    response_id: str,
    authored: datetime,
    complete: bool | None = None,
    patient_identifier: str | None = None,
    base_url: str = "",
    birth_date: date | None = None,
    assisted: tuple[str, str] | None = None,
    patient_name: str | None = None,
) -> Iterator[dict[str, Any]]:
    """The QuestionnaireResponse, then Observations: the tier, the urgent flag, each red flag.

    `response_id` becomes the resource ids (e.g. the screening's reference); `authored` must be
    timezone-aware; `complete` False (default: `result.complete`) gives status `in-progress`
    (saved at a red flag before the end) and preliminary Observations; `patient_identifier` (a
    chart number) becomes the subject identifier; with `birth_date` or `patient_name` too (the
    desk's hand-off, issue 19: the date of birth or the full name) a Patient resource (identifier,
    birthDate and/or name) comes last and every subject references it. `assisted` (("staff",
    NAME) or ("interpreter", LANGUAGE)) is the response's `{id}-assisted-answering` extension
    (role and name/language), and a staff member is also its `author` (display only). Red-flag
    Observations carry their level (`emergency`, `talk_now`, `same_day`) as a component; the
    urgent one the most severe.

    The response names the version the patient answered (`result.questionnaire_version`); a
    result stored under an older version exports its answers as they are, with labels where the
    current `questionnaire` still has the item and the code.
    """
    if result.questionnaire_id != questionnaire.id:
        raise ValueError(f"the result is for questionnaire {result.questionnaire_id!r}, not {questionnaire.id!r}")
    if complete is None:
        complete = result.complete
    if authored.tzinfo is None:
        raise ValueError("authored must carry a timezone (FHIR dateTime with a time needs one)")
    names = FhirNames.of(questionnaire, base_url)
    base_id = resource_id(response_id)
    when = authored.isoformat()
    patient_id = f"{base_id}-patient"
    patient_reference = None
    patient_name = (patient_name or "").strip() or None
    if (birth_date is not None or patient_name) and patient_identifier and patient_identifier.strip():
        patient_reference = names.full_url("Patient", patient_id) or f"Patient/{patient_id}"
    subject = _subject(patient_identifier, patient_reference)
    default = questionnaire.languages[0]
    answer_system = names.system("answer")
    response: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": base_id,
        "questionnaire": f"{names.questionnaire}|{result.questionnaire_version}",
        "language": result.language,
        "status": "completed" if complete else "in-progress",
        **subject,
        "authored": when,
        **_assisted(names, assisted),
        "item": [_answer_item(item_id, questionnaire.items_by_id.get(item_id), value, answer_system, default)
                 for item_id, value in result.answers],
    }
    yield response
    common = {
        "status": "final" if complete else "preliminary",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}],
        **subject,
        "effectiveDateTime": when,
        "derivedFrom": [{"reference": f"QuestionnaireResponse/{base_id}"}],
        "note": [{"text": NOT_A_DIAGNOSIS}],
    }
    tiers = {tier.id: tier.label[default] for tier in questionnaire.tiers}
    yield {
        "resourceType": "Observation",
        "id": f"{base_id}-tier",
        **common,
        "code": _concept(names.system("result"), "tier", "Screening suggestion (tier)"),
        "valueCodeableConcept": _concept(names.system("tier"), result.tier, tiers.get(result.tier, result.tier)),
    }
    yield {
        "resourceType": "Observation",
        "id": f"{base_id}-urgent",
        **common,
        "code": _concept(names.system("result"), "urgent", "Red flag answered: staff must see now"),
        "valueBoolean": result.urgent,
        **_level(names, result.red_flag_level),
    }
    for item_id in result.red_flags:
        flag = questionnaire.red_flag_of(item_id)  # an item's or a red-flag rule's
        concern = flag.concern[default] if flag is not None else item_id
        yield {
            "resourceType": "Observation",
            "id": f"{base_id}-{resource_id(item_id)}",
            **common,
            "code": _concept(names.system("result"), "red-flag", "Red flag"),
            "valueCodeableConcept": _concept(names.system("red-flag"), item_id, concern),
            **_level(names, flag.level if flag is not None else result.red_flag_level),
            **_changed(common["note"], result, item_id),
        }
    if patient_reference is not None:
        assert patient_identifier is not None
        yield {
            "resourceType": "Patient",
            "id": patient_id,
            "identifier": [_identifier(patient_identifier)],
            **({"name": [{"text": patient_name}]} if patient_name else {}),  # as the desk gave it, not split
            **({"birthDate": birth_date.isoformat()} if birth_date is not None else {}),
        }


def screening_bundle(
    questionnaire: Questionnaire,
    result: ScreeningResult,
    *,
    response_id: str,
    authored: datetime,
    complete: bool | None = None,
    patient_identifier: str | None = None,
    base_url: str = "",
    birth_date: date | None = None,
    assisted: tuple[str, str] | None = None,
    patient_name: str | None = None,
) -> dict[str, Any]:
    """The same resources in a Bundle of type `collection` (the coordinator's "FHIR (JSON)")."""
    names = FhirNames.of(questionnaire, base_url)
    entries = []
    for resource in screening_resources(
        questionnaire, result, response_id=response_id, authored=authored, complete=complete,
        patient_identifier=patient_identifier, base_url=base_url, birth_date=birth_date, assisted=assisted,
        patient_name=patient_name,
    ):
        full_url = names.full_url(resource["resourceType"], resource["id"])
        entries.append({"fullUrl": full_url, "resource": resource} if full_url else {"resource": resource})
    return {
        "resourceType": "Bundle",
        "id": f"{resource_id(response_id)}-bundle",
        "type": "collection",
        "timestamp": authored.isoformat(),
        "entry": entries,
    }


def ndjson_lines(resources: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """FHIR Bulk Data NDJSON: one resource per line (each ends with a newline), UTF-8 text."""
    for resource in resources:
        yield json.dumps(resource, ensure_ascii=False, separators=(",", ":")) + "\n"


def _level(names: FhirNames, level: str | None) -> dict[str, Any]:
    if level is None:
        return {}
    code = _concept(names.system("result"), "red-flag-level", "How fast staff must act")
    value = _concept(names.system("red-flag-level"), level, level.replace("_", " "))
    return {"component": [{"code": code, "valueCodeableConcept": value}]}


def _changed(notes: list[dict[str, str]], result: ScreeningResult, item_id: str) -> dict[str, Any]:
    """A flag whose answer changed after it was raised stays an Observation (the response carries
    the final answer), with a note saying what was answered when (issue 16; UTC times)."""
    kept = [answer for answer in result.red_flag_history if answer.item == item_id]
    if len(kept) < 2:
        return {}
    words = describe(kept, lambda moment: moment.astimezone(UTC).isoformat(),
                     lambda value: ";".join(value) if isinstance(value, tuple) else str(value))
    return {"note": [*notes, {"text": f"Red flag kept: {words}."}]}


def _identifier(patient_identifier: str) -> dict[str, Any]:
    return {
        "type": {"coding": [{"system": IDENTIFIER_TYPE, "code": "MR", "display": "Medical record number"}]},
        "value": patient_identifier.strip(),
    }


def _subject(patient_identifier: str | None, reference: str | None = None) -> dict[str, Any]:
    if patient_identifier is None or not patient_identifier.strip():
        return {}
    return {"subject": {**({"reference": reference} if reference else {}),
                        "identifier": _identifier(patient_identifier)}}


def _assisted(names: FhirNames, assisted: tuple[str, str] | None) -> dict[str, Any]:
    """Staff-assisted answering (issue 19 item 3) on the QuestionnaireResponse."""
    if assisted is None:
        return {}
    role, by = assisted
    extension = {"url": names.extension("assisted-answering"), "extension": [
        {"url": "role", "valueCode": role},
        {"url": "name" if role == "staff" else "language", "valueString": by},
    ]}
    author = {"author": {"display": f"{by} (staff, answered with the patient)"}} if role == "staff" else {}
    return {"extension": [extension], **author}


def _answer_item(item_id: str, item: Item | None, value: object, system: str, language: str) -> dict[str, Any]:
    """One answered item; an item or code the current questionnaire lacks goes without text/display."""
    if isinstance(value, int):
        answers: list[dict[str, Any]] = [{"valueInteger": value}]
    else:
        codes = value if isinstance(value, tuple) else (value,)
        answers = [{"valueCoding": _answer_coding(item, str(code), system, language)} for code in codes]
    if item is None:
        return {"linkId": item_id, "answer": answers}
    return {"linkId": item_id, "text": item.text[language], "answer": answers}


def _answer_coding(item: Item | None, code: str, system: str, language: str) -> dict[str, str]:
    if item is None or code not in item.codes:
        return {"system": system, "code": code}
    return {"system": system, "code": code, "display": item.choice(code).label[language]}


def _concept(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}
