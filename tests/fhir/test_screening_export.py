"""One screening as FHIR: QuestionnaireResponse + Observations in a Bundle, and NDJSON lines;
what we write parses (fhir.resources R4B), passes our checks, and scores back to the same result."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from scoring import Questionnaire, ScreeningResult, score
from scoring.fhir import (
    answers_from_response,
    check_bundle,
    ndjson_lines,
    screening_bundle,
    screening_resources,
)
from tests.support.answers import NO_PAIN, answers, with_categories
from tests.support.fhir import AUTHORED, BASE


def _bundle(questionnaire: Questionnaire, result: ScreeningResult, **overrides: Any) -> dict[str, Any]:
    options: dict[str, Any] = {"response_id": "K7Q-2M4", "authored": AUTHORED, "complete": True, "base_url": BASE}
    return screening_bundle(questionnaire, result, **{**options, **overrides})


def test_bundle_parses_and_passes_our_checks(
    questionnaire: Questionnaire, exported: dict[str, Any], urgent_referral: ScreeningResult
) -> None:
    bundle = _bundle(questionnaire, urgent_referral, patient_identifier="CHART-0042")
    Bundle.model_validate(bundle)
    assert check_bundle(bundle, exported) == []
    assert bundle["type"] == "collection"
    assert [e["fullUrl"] for e in bundle["entry"]] == [
        f"{BASE}/QuestionnaireResponse/K7Q-2M4", f"{BASE}/Observation/K7Q-2M4-tier",
        f"{BASE}/Observation/K7Q-2M4-urgent", f"{BASE}/Observation/K7Q-2M4-hand-or-foot-newly-pale",
        f"{BASE}/Observation/K7Q-2M4-self-harm-thoughts",
    ]


def test_response_names_the_questionnaire_and_subject(
    questionnaire: Questionnaire, exported: dict[str, Any], urgent_referral: ScreeningResult
) -> None:
    response = _bundle(questionnaire, urgent_referral, patient_identifier="CHART-0042")["entry"][0]["resource"]
    QuestionnaireResponse.model_validate(response)
    assert response["questionnaire"] == f"{exported['url']}|{exported['version']}"
    assert response["status"] == "completed" and response["authored"] == "2026-11-28T09:30:00+00:00"
    assert response["subject"]["identifier"]["value"] == "CHART-0042"
    location = next(i for i in response["item"] if i["linkId"] == "pain_location")
    assert [a["valueCoding"]["code"] for a in location["answer"]] == ["left_arm", "right_leg"]
    pain = next(i for i in response["item"] if i["linkId"] == "pain_intensity")
    assert pain["answer"] == [{"valueInteger": 6}]


def test_no_subject_without_an_identifier(questionnaire: Questionnaire, urgent_referral: ScreeningResult) -> None:
    for resource in screening_resources(questionnaire, urgent_referral, response_id="a", authored=AUTHORED,
                                        complete=True, patient_identifier="  "):
        assert "subject" not in resource


def test_observations_tier_urgent_and_each_red_flag(
    questionnaire: Questionnaire, urgent_referral: ScreeningResult
) -> None:
    observations = [e["resource"] for e in _bundle(questionnaire, urgent_referral)["entry"][1:]]
    for observation in observations:
        Observation.model_validate(observation)
        assert observation["derivedFrom"] == [{"reference": "QuestionnaireResponse/K7Q-2M4"}]
        assert "not a diagnosis" in observation["note"][0]["text"]
        assert observation["status"] == "final"
    tier, urgent, *flags = observations
    assert tier["valueCodeableConcept"]["coding"][0]["code"] == urgent_referral.tier == "referral_suggested"
    assert urgent["valueBoolean"] is True
    assert [f["valueCodeableConcept"]["coding"][0]["code"] for f in flags] == list(urgent_referral.red_flags)
    levels = [o["component"][0]["valueCodeableConcept"]["coding"][0]["code"] for o in [urgent, *flags]]
    assert levels == ["emergency", "emergency", "talk_now"]  # the urgent flag carries the most severe
    assert [questionnaire.item(i).red_flag.level for i in urgent_referral.red_flags] == levels[1:]
    text = json.dumps(observations).lower()
    assert "has crps" not in text and "meets criteria" not in text


def test_in_progress_screening(questionnaire: Questionnaire) -> None:
    """Saved at a red flag before the end: the response is in progress, the findings preliminary."""
    result = score(questionnaire, answers(stroke_signs_last_hours="yes"))
    resources = list(screening_resources(questionnaire, result, response_id="early", authored=AUTHORED,
                                         complete=False))
    assert resources[0]["status"] == "in-progress"
    assert {r["status"] for r in resources[1:]} == {"preliminary"}
    assert resources[2]["valueBoolean"] is True and resources[3]["id"] == "early-stroke-signs-last-hours"


def test_a_red_flag_rule_is_an_observation_with_its_concern_and_level(questionnaire: Questionnaire) -> None:
    """A combination (red_flag_rules) exports like an item's red flag: its id, its
    concern for staff and its level, and the Observation is valid R4B."""
    result = score(questionnaire, answers(fever_with_hot_red_limb="yes", redness_spreading_fast="yes"))
    resources = list(screening_resources(questionnaire, result, response_id="rule", authored=AUTHORED))
    (rule,) = [r for r in resources if r["id"] == "rule-deep-infection"]
    Observation.model_validate(rule)
    coding = rule["valueCodeableConcept"]["coding"][0]
    assert coding["code"] == "deep_infection"
    assert coding["display"] == "possible necrotising or deep infection: emergency now"
    assert "emergency" in json.dumps(rule)


def test_saved_at_a_red_flag_is_in_progress_and_scores_back_partial(questionnaire: Questionnaire) -> None:
    """A screening stopped at an emergency red flag: `result.complete` is False, so the response
    is in progress, and scoring it back (partial) gives the same result, not a missing-answer error."""
    result = score(questionnaire, {"pain_present": "no", "hand_or_foot_newly_pale": "yes"}, partial=True)
    assert result.complete is False
    response = next(screening_resources(questionnaire, result, response_id="stop", authored=AUTHORED))
    assert response["status"] == "in-progress"
    assert score(questionnaire, answers_from_response(questionnaire, response), partial=True) == result


def test_unshown_items_are_left_out(questionnaire: Questionnaire) -> None:
    """No pain: the symptom items are not asked; an answer sent for one anyway is not exported."""
    flat = {**NO_PAIN, "burning_pain": "yes"}
    result = score(questionnaire, flat)
    response = next(screening_resources(questionnaire, result, response_id="r", authored=AUTHORED, complete=True))
    assert [i["linkId"] for i in response["item"]] == [item_id for item_id, _ in result.answers]
    assert "burning_pain" not in {i["linkId"] for i in response["item"]}


def test_a_result_stored_under_an_older_version_exports_as_answered(
    questionnaire: Questionnaire, exported: dict[str, Any], urgent_referral: ScreeningResult
) -> None:
    """A 1.0 screening read back from the database: an item and a red flag 1.1 no longer has."""
    stored = urgent_referral.to_dict()
    stored.update(questionnaire_version="1.0.0", red_flags=["retired_flag", *urgent_referral.red_flags])
    stored["answers"] = {**stored["answers"], "retired_flag": "yes", "burning_pain": "sometimes"}
    old = ScreeningResult.from_dict(stored)
    bundle = _bundle(questionnaire, old)
    Bundle.model_validate(bundle)
    response = bundle["entry"][0]["resource"]
    assert response["questionnaire"] == f"{exported['url']}|1.0.0"
    by_id = {item["linkId"]: item for item in response["item"]}
    assert by_id["retired_flag"] == {"linkId": "retired_flag", "answer": [{"valueCoding": {
        "system": f"{BASE}/CodeSystem/{questionnaire.id}-answer", "code": "yes"}}]}
    assert "display" not in by_id["burning_pain"]["answer"][0]["valueCoding"]
    assert bundle["entry"][3]["resource"]["valueCodeableConcept"]["coding"][0]["code"] == "retired_flag"
    with pytest.raises(ValueError, match="questionnaire 'phq9'"):
        _bundle(questionnaire, ScreeningResult.from_dict({**stored, "questionnaire_id": "phq9"}))


def test_naive_time_and_bad_id_are_refused(questionnaire: Questionnaire, urgent_referral: ScreeningResult) -> None:
    with pytest.raises(ValueError, match="timezone"):
        _bundle(questionnaire, urgent_referral, authored=datetime(2026, 1, 1))
    for bad in ("a/../b", "K7Q\n", "", "x" * 65):
        with pytest.raises(ValueError, match="FHIR id"):
            _bundle(questionnaire, urgent_referral, response_id=bad)


def test_ndjson_is_one_resource_per_line(questionnaire: Questionnaire, urgent_referral: ScreeningResult) -> None:
    resources = list(screening_resources(questionnaire, urgent_referral, response_id="n", authored=AUTHORED,
                                         complete=True))
    lines = list(ndjson_lines(resources))
    assert all(line.endswith("\n") and line.count("\n") == 1 for line in lines)
    assert [json.loads(line) for line in lines] == resources


@pytest.mark.parametrize(
    "flat",
    [
        answers(),
        with_categories("sensory", "vasomotor"),
        with_categories("sensory", "vasomotor", "motor_trophic", fever_with_hot_red_limb="yes"),
        answers(self_harm_thoughts="prefer_not_to_say", pain_location=["other", "left_leg"]),
        {**NO_PAIN, "arm_or_leg_newly_swollen": "yes"},
    ],
    ids=["base", "two-categories", "three-and-flag", "prefer-not", "no-pain-flag"],
)
@pytest.mark.parametrize("base", ["", BASE], ids=["no-base", "base"])
def test_exported_response_scores_back_to_the_same_result(
    questionnaire: Questionnaire, flat: dict[str, object], base: str
) -> None:
    result = score(questionnaire, flat, "es")
    response = next(screening_resources(questionnaire, result, response_id="rt", authored=AUTHORED,
                                        complete=True, base_url=base))
    again = score(questionnaire, answers_from_response(questionnaire, response, base_url=base), response["language"])
    assert again == result
