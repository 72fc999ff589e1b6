"""Instrument facts live in the questionnaire, not in code (issue 21): the summary's sections, the
take-home rule, the pain score's standard code and the languages, each checked by the loader
with one line naming file, item and field."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from scoring import Questionnaire, load_questionnaire, parse_questionnaire
from tests.core.conftest import DEFAULT_QUESTIONNAIRE
from tests.core.test_loader_errors import REAL, Mutation, item, problems_after

QUESTIONNAIRE: Questionnaire = load_questionnaire(DEFAULT_QUESTIONNAIRE)
F = "questionnaires/test.yaml"
SECTIONS = "use one of pain, sleep_mood, story"


def test_the_default_questionnaire_says_it_all() -> None:
    sections = {section: [i.id for i in QUESTIONNAIRE.section_items(section)] for section in ("pain", "sleep_mood")}
    assert sections == {"pain": ["pain_location", "pain_disproportionate", "pain_duration", "pain_intensity"],
                        "sleep_mood": ["sleep_problems", "mood_low"]}
    assert QUESTIONNAIRE.left_out_of_take_home == ("self_harm_thoughts", "self_harm_now")
    code = QUESTIONNAIRE.item("pain_intensity").fhir_code
    assert code is not None and (code.system, code.code) == ("http://loinc.org", "72514-3")
    assert [item.id for item in QUESTIONNAIRE.items if item.fhir_code] == ["pain_intensity"]
    assert QUESTIONNAIRE.languages == ("en", "es")


BAD_VALUES = [
    pytest.param(lambda d: item(d, "pain_duration").update(report_section="pian"),
                 f"{F}: items[pain_duration].report_section: unknown section 'pian'; {SECTIONS}",
                 id="report_section-unknown"),
    pytest.param(lambda d: item(d, "pain_duration").update(report_section=["pain"]),
                 f"{F}: items[pain_duration].report_section: unknown section ['pain']; {SECTIONS}",
                 id="report_section-a-list"),
    pytest.param(lambda d: item(d, "mood_low").update(take_home="sometimes"),
                 f"{F}: items[mood_low].take_home: must be true or false, not text", id="take_home-not-boolean"),
    pytest.param(lambda d: item(d, "self_harm_thoughts").update(take_home=True),
                 f"{F}: items[self_harm_thoughts].take_home: a talk_now red flag must be take_home: false "
                 "(the patient's copy goes home)", id="take_home-true-on-talk-now"),
    pytest.param(lambda d: item(d, "self_harm_now").update(take_home=True),
                 f"{F}: items[self_harm_now].take_home: asked only after 'self_harm_thoughts', which is take_home: "
                 "false, so it must be take_home: false too", id="take_home-true-after-a-left-out-answer"),
    pytest.param(lambda d: item(d, "pain_intensity").update(fhir_code="72514-3"),
                 f"{F}: items[pain_intensity].fhir_code: must be a mapping, not text", id="fhir_code-not-a-mapping"),
    pytest.param(lambda d: item(d, "pain_intensity")["fhir_code"].pop("display"),
                 f"{F}: items[pain_intensity].fhir_code.display: missing", id="fhir_code-no-display"),
    pytest.param(lambda d: item(d, "pain_intensity")["fhir_code"].update(system="loinc"),
                 f"{F}: items[pain_intensity].fhir_code.system: 'loinc' must be a URI (http://, https:// or urn:)",
                 id="fhir_code-system-not-a-uri"),
    pytest.param(lambda d: item(d, "pain_intensity")["fhir_code"].update(sytem="http://loinc.org"),
                 f"{F}: items[pain_intensity].fhir_code.sytem: unknown key", id="fhir_code-typo"),
    pytest.param(lambda d: item(d, "pain_intensity")["fhir_code"].update(code=""),
                 f"{F}: items[pain_intensity].fhir_code.code: must be non-empty text", id="fhir_code-empty-code"),
    pytest.param(lambda d: d.update(languages=["en", "es", "en\"><script>"]),
                 f"{F}: languages[2]: 'en\"><script>' is not a language code like en, es or es-MX",
                 id="language-not-a-code"),
    pytest.param(lambda d: item(d, "pain_spread").update(category="sensory"),
                 f"{F}: items[pain_spread].category: a story item (report_section: story) is never scored; "
                 "it must be optional, with no category or red flag", id="story-in-a-category"),
    pytest.param(lambda d: item(d, "nerve_injured").update(required=True),
                 f"{F}: items[nerve_injured].required: a story item (report_section: story) is never scored; "
                 "it must be optional, with no category or red flag", id="story-required"),
    pytest.param(lambda d: item(d, "pain_disproportionate").update(report_section="story"),
                 f"{F}: items[pain_disproportionate].report_section: a story item is never scored, but "
                 "scoring.gate names it", id="story-in-the-gate"),
    pytest.param(lambda d: item(d, "pain_duration").update(report_section="story"),
                 f"{F}: items[pain_duration].report_section: a story item is never scored, but "
                 "scoring.tiers[referral_suggested] names it", id="story-in-a-tier"),
    pytest.param(lambda d: item(d, "legs_newly_weak").update(report_section="story"),
                 f"{F}: items[legs_newly_weak].report_section: a story item is never scored, but "
                 "red_flag_rules[spine_procedure_warning] names it", id="story-in-a-red-flag-rule"),
]


@pytest.mark.parametrize(("mutate", "message"), BAD_VALUES)
def test_each_bad_value_is_one_line(mutate: Mutation, message: str) -> None:
    assert message in problems_after(mutate)


def renamed(document: dict[str, Any], old: str, new: str) -> None:
    """The item `old` renamed to `new` everywhere the file names it (as a new version would)."""
    item(document, old)["id"] = new
    for entry in document["items"]:
        for condition in entry.get("show_if", []) if isinstance(entry.get("show_if"), list) else [entry.get("show_if")]:
            if condition and condition["item"] == old:
                condition["item"] = new


def parsed(document: dict[str, Any]) -> Questionnaire:
    return parse_questionnaire(yaml.safe_dump(document, allow_unicode=True), F)


def test_a_renamed_self_harm_question_is_still_left_out_of_the_take_home_copy() -> None:
    """Hazard H70: the rule follows the question, not its id, and holds even without the line."""
    document = copy.deepcopy(REAL)
    renamed(document, "self_harm_thoughts", "thoughts_of_self_harm_weeks")
    renamed(document, "self_harm_now", "thoughts_of_suicide_now")
    assert parsed(document).left_out_of_take_home == ("thoughts_of_self_harm_weeks", "thoughts_of_suicide_now")
    for entry in document["items"]:
        entry.pop("take_home", None)
    assert parsed(document).left_out_of_take_home == ("thoughts_of_self_harm_weeks", "thoughts_of_suicide_now")


def test_take_home_false_leaves_any_item_out() -> None:
    document = copy.deepcopy(REAL)
    item(document, "mood_low")["take_home"] = False
    assert parsed(document).left_out_of_take_home == ("mood_low", "self_harm_thoughts", "self_harm_now")
