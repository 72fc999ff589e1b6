"""The clinician's examination as FHIR R4: an Observation per sign and for the CSS, one
for the conclusion, performer the clinician, derivedFrom the QuestionnaireResponse; all parse with
fhir.resources R4B and pass our bundle checks beside the screening's own resources."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation

from scoring import Questionnaire, score
from scoring.examination import ExaminationFindings
from scoring.fhir import check_bundle, screening_bundle
from scoring.fhir.examination import examination_resources
from tests.support.answers import with_categories
from tests.support.fhir import AUTHORED, BASE

RECORDED = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
FINDINGS = ExaminationFindings(
    signs=frozenset({"temperature_asymmetry", "oedema", "hyperalgesia_pinprick"}), criterion_d="yes",
    conclusion="does_not_meet", other_diagnosis="Cellulitis <suspected>", temperature_difference_c=1.4,
    red_flags=(("stroke_signs_last_hours", "false_alarm"),),
)


def _resources(questionnaire: Questionnaire) -> list[dict[str, Any]]:
    return list(examination_resources(
        questionnaire, FINDINGS, response_id="K7Q-2M4", examination_id=12, recorded_at=RECORDED, clinician="cleo",
        clinician_name="Cleo Clinician", severity_score=9, patient_identifier="CHART-1", base_url=BASE))


def test_one_observation_per_sign_then_css_then_conclusion(questionnaire: Questionnaire) -> None:
    resources = _resources(questionnaire)
    assert [r["id"] for r in resources] == [
        "K7Q-2M4-exam12-hyperalgesia-pinprick", "K7Q-2M4-exam12-oedema", "K7Q-2M4-exam12-temperature-asymmetry",
        "K7Q-2M4-exam12-css", "K7Q-2M4-exam12-conclusion",
    ]
    for resource in resources:
        Observation.model_validate(resource)
        assert resource["performer"] == [{"identifier": {"system": f"{BASE}/CodeSystem/crps_symptom_screen-staff",
                                                         "value": "cleo"}, "display": "Cleo Clinician"}]
        assert resource["derivedFrom"] == [{"reference": "QuestionnaireResponse/K7Q-2M4"}]
        assert resource["category"][0]["coding"][0]["code"] == "exam"
    temperature = resources[2]["component"][0]["valueQuantity"]
    assert temperature == {"value": 1.4, "unit": "°C", "system": "http://unitsofmeasure.org", "code": "Cel"}
    assert resources[3]["valueInteger"] == 9
    conclusion = resources[4]
    assert conclusion["valueCodeableConcept"]["coding"][0]["code"] == "does_not_meet"
    assert "clinician's own conclusion" in conclusion["note"][0]["text"]
    values = [c.get("valueString") or c["valueCodeableConcept"]["coding"][0]["code"] for c in conclusion["component"]]
    assert values == ["yes", "Cellulitis <suspected>", "false_alarm"]


def test_examination_entries_in_the_screening_bundle_validate(
    questionnaire: Questionnaire, exported: dict[str, Any]
) -> None:
    result = score(questionnaire, with_categories("sensory", "vasomotor", "motor_trophic",
                                                  stroke_signs_last_hours="yes"), "en")
    bundle = screening_bundle(questionnaire, result, response_id="K7Q-2M4", authored=AUTHORED, base_url=BASE)
    bundle["entry"] += [{"fullUrl": f"{BASE}/Observation/{r['id']}", "resource": r} for r in _resources(questionnaire)]
    Bundle.model_validate(bundle)
    assert check_bundle(bundle, exported) == []
