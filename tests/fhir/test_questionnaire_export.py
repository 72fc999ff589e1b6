"""The FHIR R4 Questionnaire we export: structure (fhir.resources R4B), our own checks, and the
mapping of each questionnaire feature (show_if, LOINC, translations, red flags, item controls)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire

from scoring import Questionnaire, load_questionnaire
from scoring.fhir import FhirExportError, check_questionnaire, questionnaire_resource
from scoring.fhir.names import ITEM_CONTROL, TRANSLATION
from tests.support.answers import REPO
from tests.support.fhir import BASE

QUESTIONNAIRE_FILES = sorted((REPO / "questionnaires").glob("*.yaml"))


@pytest.mark.parametrize("path", QUESTIONNAIRE_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("base", ["", BASE], ids=["no-base", "base"])
def test_every_questionnaire_exports_parses_and_passes_our_checks(path: Path, base: str) -> None:
    questionnaire = load_questionnaire(path)
    resource = questionnaire_resource(questionnaire, base_url=base)
    parsed = FhirQuestionnaire.model_validate(resource)
    assert check_questionnaire(resource) == []
    assert [item.linkId for item in parsed.item or []] == [item.id for item in questionnaire.items]
    assert resource["version"] == questionnaire.version


def test_url_from_the_base_or_the_questionnaire_id(questionnaire: Questionnaire) -> None:
    url = questionnaire_resource(questionnaire, base_url=BASE + "/")["url"]
    assert url == f"{BASE}/Questionnaire/{questionnaire.id}"
    assert questionnaire_resource(questionnaire)["url"] == f"urn:crps-screen:Questionnaire:{questionnaire.id}"
    with pytest.raises(ValueError, match="http"):
        questionnaire_resource(questionnaire, base_url="javascript:alert(1)")


def _item(resource: dict[str, Any], link_id: str) -> dict[str, Any]:
    return next(item for item in resource["item"] if item["linkId"] == link_id)


def test_item_types_required_and_controls(exported: dict[str, Any], questionnaire: Questionnaire) -> None:
    for item in questionnaire.items:
        fhir_item = _item(exported, item.id)
        assert fhir_item["required"] is item.required
        assert fhir_item["type"] == ("integer" if item.kind == "integer" else "choice")
        assert fhir_item.get("repeats", False) is (item.kind == "multiple")
        controls = [e["valueCodeableConcept"]["coding"][0]["code"]
                    for e in fhir_item["extension"] if e["url"] == ITEM_CONTROL]
        assert controls == {"single": ["radio-button"], "multiple": ["check-box"], "integer": []}[item.kind]
        if item.choices:
            assert [o["valueCoding"]["code"] for o in fhir_item["answerOption"]] == [c.code for c in item.choices]


def test_pain_scale_has_loinc_and_bounds(exported: dict[str, Any]) -> None:
    pain = _item(exported, "pain_intensity")
    assert {"system": "http://loinc.org", "code": "72514-3"}.items() <= pain["code"][0].items()
    bounds = {e["url"].rsplit("/", 1)[1]: e["valueInteger"] for e in pain["extension"]}
    assert bounds == {"minValue": 0, "maxValue": 10}


def test_show_if_becomes_enable_when(exported: dict[str, Any], questionnaire: Questionnaire) -> None:
    for item in questionnaire.items:
        whens = _item(exported, item.id).get("enableWhen", [])
        expected = {(c.item, code) for c in item.show_if for code in c.any_of}
        assert {(w["question"], w["answerCoding"]["code"]) for w in whens} == expected
    assert _item(exported, "burning_pain")["enableWhen"][0]["answerCoding"]["system"] == (
        _item(exported, "pain_present")["answerOption"][0]["valueCoding"]["system"]
    )  # LHC-Forms fires enableWhen only when the systems match


def test_spanish_rides_the_translation_extension(exported: dict[str, Any], questionnaire: Questionnaire) -> None:
    item = _item(exported, "pain_present")
    (translation,) = item["_text"]["extension"]
    assert translation["url"] == TRANSLATION
    assert {e["url"]: list(e.values())[1] for e in translation["extension"]} == {
        "lang": "es", "content": questionnaire.item("pain_present").text["es"]
    }
    yes = item["answerOption"][0]["valueCoding"]
    assert yes["display"] == "Yes" and yes["_display"]["extension"][0]["extension"][1]["valueString"] == "Sí"


def test_categories_and_red_flags_are_item_codes(exported: dict[str, Any], questionnaire: Questionnaire) -> None:
    for item in questionnaire.items:
        systems = {c["system"].rsplit("-", 1)[-1]: c["code"] for c in _item(exported, item.id).get("code", [])}
        if item.category:
            assert systems["category"] == item.category
        if item.red_flag:
            assert systems["flag"] == item.id
            urgent = {e["valueCoding"]["code"] for e in _item(exported, item.id)["extension"]
                      if e["url"].endswith("-urgent-if")}
            assert urgent == set(item.red_flag.urgent_if)
            (level,) = [e["valueCode"] for e in _item(exported, item.id)["extension"]
                        if e["url"].endswith("-red-flag-level")]
            assert level == item.red_flag.level


@pytest.mark.parametrize(
    ("break_it", "problem"),
    [
        pytest.param(lambda r: r.update(status="bogus"), "status 'bogus'", id="status"),
        pytest.param(lambda r: r["item"][1].update(linkId="pain_present"), "linkId used twice", id="duplicate-linkId"),
        pytest.param(lambda r: r["item"][1]["enableWhen"][0].update(question="nowhere"), "not an earlier item",
                     id="enableWhen-missing"),
        pytest.param(lambda r: r["item"][0].update(enableWhen=[{"question": "self_harm_thoughts", "operator": "=",
                                                              "answerBoolean": True}]),
                     "not an earlier item", id="enableWhen-later"),
        pytest.param(lambda r: r["item"][1]["enableWhen"][0]["answerCoding"].update(code="maybe"),
                     "not an answerOption", id="enableWhen-code"),
        pytest.param(lambda r: r["item"][0].update(type="slider"), "not an R4 item type", id="item-type"),
    ],
)
def test_our_checks_catch_what_fhir_resources_lets_through(
    exported: dict[str, Any], break_it: Any, problem: str
) -> None:
    broken = copy.deepcopy(exported)
    break_it(broken)
    if problem != "not an R4 item type":
        FhirQuestionnaire.model_validate(broken)  # structure alone accepts it...
    assert any(problem in line for line in check_questionnaire(broken))  # ...our checks do not


def test_unexportable_branching_is_one_line(questionnaire: Questionnaire) -> None:
    from dataclasses import replace

    from scoring.model import Condition

    item = questionnaire.item("burning_pain")
    odd = replace(item, show_if=(Condition("pain_present", frozenset({"yes", "no"})),
                                 Condition("inciting_event", frozenset({"yes", "unsure"}))))
    items = tuple(odd if i.id == item.id else i for i in questionnaire.items)
    with pytest.raises(FhirExportError, match=r"items\[burning_pain\]\.show_if"):
        questionnaire_resource(replace(questionnaire, items=items, items_by_id={i.id: i for i in items}))
