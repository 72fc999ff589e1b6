"""FHIR carries the story of the pain (issue 19) both ways, and the pain score's standard code
comes from the questionnaire's `fhir_code` (issue 21), not from code."""

from __future__ import annotations

import copy
from typing import Any

import yaml
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire

from scoring import Questionnaire, parse_questionnaire, score
from scoring.fhir import (
    answers_from_response,
    check_bundle,
    check_questionnaire,
    questionnaire_resource,
    screening_bundle,
)
from tests.core.test_loader_errors import REAL, item
from tests.fhir.conftest import AUTHORED, BASE, answers

STORY = {"pain_duration": "gt_6m", "pain_started_by": ["broken_bone", "surgery"], "pain_start_month": "nov",
         "pain_start_year": "3_to_5_years_ago", "nerve_injured": "yes", "pain_spread": "unsure",
         "doctor_said_crps": "yes"}


def _items(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["linkId"]: entry for entry in resource["item"]}


def test_the_questionnaire_asks_the_story_with_its_branching(questionnaire: Questionnaire,
                                                             exported: dict[str, Any]) -> None:
    FhirQuestionnaire.model_validate(exported)
    assert check_questionnaire(exported) == []
    items = _items(exported)
    started_by = items["pain_started_by"]
    assert started_by["repeats"] is True and started_by["required"] is False
    assert [w["question"] for w in started_by["enableWhen"]] == ["inciting_event"]
    month = items["pain_start_month"]
    assert {w["answerCoding"]["code"] for w in month["enableWhen"]} == {"1_3m", "3_6m", "gt_6m"}
    assert month["enableBehavior"] == "any"
    assert [w["answerCoding"]["code"] for w in items["pain_start_year"]["enableWhen"]] == ["gt_6m"]
    said = items["doctor_said_crps"]
    assert said["text"].startswith("Has a doctor already told you")
    assert "code" not in said  # no category, no red flag: never scored


def test_story_answers_round_trip(questionnaire: Questionnaire, exported: dict[str, Any]) -> None:
    result = score(questionnaire, answers(**STORY), "es")
    bundle = screening_bundle(questionnaire, result, response_id="K7Q-2M4", authored=AUTHORED, complete=True,
                              base_url=BASE)
    Bundle.model_validate(bundle)
    assert check_bundle(bundle, exported) == []
    response = bundle["entry"][0]["resource"]
    sent = _items(response)
    assert [a["valueCoding"]["code"] for a in sent["pain_started_by"]["answer"]] == ["broken_bone", "surgery"]
    assert sent["doctor_said_crps"]["answer"][0]["valueCoding"]["code"] == "yes"
    back = answers_from_response(questionnaire, response, base_url=BASE)
    assert {key: back[key] for key in STORY} == {key: value for key, value in STORY.items()}
    assert score(questionnaire, back, "es") == result


def test_the_pain_scores_code_comes_from_the_questionnaire(exported: dict[str, Any]) -> None:
    pain = _items(exported)["pain_intensity"]
    assert pain["code"][0] == {"system": "http://loinc.org", "code": "72514-3",
                               "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported"}
    document = copy.deepcopy(REAL)
    item(document, "pain_intensity").pop("fhir_code")
    item(document, "burning_pain")["fhir_code"] = {"system": "urn:example:codes", "code": "B1", "display": "Burning"}
    changed = questionnaire_resource(parse_questionnaire(yaml.safe_dump(document, allow_unicode=True)), base_url=BASE)
    assert "code" not in _items(changed)["pain_intensity"]
    assert _items(changed)["burning_pain"]["code"] == [{"system": "urn:example:codes", "code": "B1",
                                                        "display": "Burning"}]
