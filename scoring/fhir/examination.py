"""The clinician's examination as FHIR R4 Observations: one per sign recorded, one for
the CRPS Severity Score, one for the clinician's conclusion (criterion D and the red-flag findings
as components). `performer` is the clinician (a logical reference: the staff username), and
`derivedFrom` the screening's QuestionnaireResponse. Category `exam`; staff data, never a
patient's. Plain dicts, checked by the tests with `fhir.resources` R4B.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from scoring.examination import CONCLUSION_LABELS, CRITERION_D_LABELS, RED_FLAG_FINDING_LABELS, ExaminationFindings
from scoring.fhir.names import OBSERVATION_CATEGORY, FhirNames, resource_id
from scoring.model import Questionnaire

UCUM = "http://unitsofmeasure.org"
RECORDED_NOTE = "Recorded by the examining clinician. Anything the screening app counts is not a diagnosis."
CONCLUSION_NOTE = "The examining clinician's own conclusion, recorded by them; the screening app does not diagnose."
SEVERITY_NOTE = ("CRPS Severity Score (Harden 2010): reported symptoms from the screening and signs from this "
                 "examination, 0-17. Staff only.")


def examination_resources(
    questionnaire: Questionnaire,
    findings: ExaminationFindings,
    *,
    response_id: str,
    examination_id: int,
    recorded_at: datetime,
    clinician: str,
    clinician_name: str,
    severity_score: int,
    patient_identifier: str | None = None,
    base_url: str = "",
) -> Iterator[dict[str, Any]]:
    """Observations for one examination of the screening whose response id is `response_id`."""
    if recorded_at.tzinfo is None:
        raise ValueError("recorded_at must carry a timezone")
    names = FhirNames.of(questionnaire, base_url)
    base = f"{resource_id(response_id)}-exam{int(examination_id)}"
    spec = questionnaire.examination
    labels = {sign.id: sign.label for sign in spec.signs} if spec else {}
    subject = ({"subject": {"identifier": {"value": patient_identifier.strip()}}}
               if patient_identifier and patient_identifier.strip() else {})
    common: dict[str, Any] = {
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "exam", "display": "Exam"}]}],
        **subject,
        "effectiveDateTime": recorded_at.isoformat(),
        "performer": [{"identifier": {"system": names.system("staff"), "value": clinician},
                       "display": clinician_name}],
        "derivedFrom": [{"reference": f"QuestionnaireResponse/{resource_id(response_id)}"}],
        "note": [{"text": RECORDED_NOTE}],
    }
    sign_system = names.system("examination-sign")
    for sign in sorted(findings.signs):
        observation: dict[str, Any] = {
            "resourceType": "Observation", "id": f"{base}-{resource_id(sign)}", **common,
            "code": _concept(sign_system, sign, labels.get(sign, sign)), "valueBoolean": True,
        }
        if spec and sign == spec.measured_temperature_sign and findings.temperature_difference_c is not None:
            observation["component"] = [{
                "code": _concept(names.system("result"), "temperature-difference", "Measured difference between sides"),
                "valueQuantity": {"value": findings.temperature_difference_c, "unit": "°C", "system": UCUM,
                                  "code": "Cel"},
            }]
        yield observation
    yield {
        "resourceType": "Observation", "id": f"{base}-css", **common,
        "code": _concept(names.system("result"), "crps-severity-score", "CRPS Severity Score"),
        "valueInteger": int(severity_score), "note": [{"text": SEVERITY_NOTE}, {"text": RECORDED_NOTE}],
    }
    components: list[dict[str, Any]] = [{
        "code": _concept(names.system("result"), "criterion-d",
                         "Another diagnosis better explains the signs and symptoms"),
        "valueCodeableConcept": _concept(names.system("criterion-d"), findings.criterion_d,
                                         CRITERION_D_LABELS.get(findings.criterion_d, findings.criterion_d)),
    }]
    if findings.other_diagnosis:
        components.append({"code": _concept(names.system("result"), "other-diagnosis", "Which other diagnosis"),
                           "valueString": findings.other_diagnosis})
    components += [{
        "code": _concept(names.system("red-flag"), flag, flag),
        "valueCodeableConcept": _concept(names.system("red-flag-finding"), finding,
                                         RED_FLAG_FINDING_LABELS.get(finding, finding)),
    } for flag, finding in findings.red_flags]
    yield {
        "resourceType": "Observation", "id": f"{base}-conclusion", **common,
        "code": _concept(names.system("result"), "budapest-clinical-conclusion",
                         "Clinician's conclusion on the Budapest clinical criteria"),
        "valueCodeableConcept": _concept(names.system("conclusion"), findings.conclusion,
                                         CONCLUSION_LABELS.get(findings.conclusion, findings.conclusion)),
        "component": components, "note": [{"text": CONCLUSION_NOTE}, {"text": RECORDED_NOTE}],
    }


def _concept(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}
