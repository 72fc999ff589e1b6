"""Broken questionnaires: each problem is reported as `FILE: WHERE: WHAT`, never a traceback."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from scoring import QuestionnaireError, load_questionnaire, parse_questionnaire
from tests.support.answers import DEFAULT_QUESTIONNAIRE

FIXTURES = Path(__file__).parent / "fixtures"
REAL: dict[str, Any] = yaml.safe_load(DEFAULT_QUESTIONNAIRE.read_text(encoding="utf-8"))
Mutation = Callable[[dict[str, Any]], None]


def item(document: dict[str, Any], item_id: str) -> dict[str, Any]:
    return next(entry for entry in document["items"] if entry["id"] == item_id)


def problems_after(mutate: Mutation) -> tuple[str, ...]:
    document = copy.deepcopy(REAL)
    mutate(document)
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(yaml.safe_dump(document, allow_unicode=True), "questionnaires/test.yaml")
    return caught.value.problems


MUTATIONS = [
    pytest.param(
        lambda d: item(d, "swelling").update(show_if={"item": "pain_presnt", "in": ["yes"]}),
        "questionnaires/test.yaml: items[swelling].show_if: unknown item 'pain_presnt'",
        id="show_if-unknown-item",
    ),
    pytest.param(
        lambda d: item(d, "swelling").update(show_if={"item": "pain_present", "in": ["yess"]}),
        "questionnaires/test.yaml: items[swelling].show_if: 'yess' is not an answer of item 'pain_present'",
        id="show_if-unknown-answer",
    ),
    pytest.param(
        lambda d: item(d, "swelling").update(lable={"en": "x", "es": "y"}),
        "questionnaires/test.yaml: items[swelling].lable: unknown key",
        id="unknown-key-typo",
    ),
    pytest.param(
        lambda d: d.update(colour="blue"),
        "questionnaires/test.yaml: colour: unknown key",
        id="unknown-top-level-key",
    ),
    pytest.param(
        lambda d: item(d, "swelling").update(id="stiffness"),
        "questionnaires/test.yaml: items[stiffness].id: 'stiffness' is listed twice",
        id="duplicate-id",
    ),
    pytest.param(
        lambda d: item(d, "swelling").update(type="slider"),
        "questionnaires/test.yaml: items[swelling].type: unknown type 'slider'; use one of single, multiple, integer",
        id="unknown-type",
    ),
    pytest.param(
        lambda d: item(d, "swelling")["text"].pop("es"),
        "questionnaires/test.yaml: items[swelling].text.es: missing text for this language",
        id="missing-spanish",
    ),
    pytest.param(
        lambda d: item(d, "swelling").update(category="vascular"),
        "questionnaires/test.yaml: items[swelling].category: unknown category 'vascular'",
        id="unknown-category",
    ),
    pytest.param(
        lambda d: item(d, "swelling").update(category=["sensory", "vasomotor"]),
        "questionnaires/test.yaml: items[swelling].category: must be exactly one category id",
        id="two-categories",
    ),
    pytest.param(
        lambda d: d["scoring"]["gate"].append({"item": "pain_disproportionat", "in": ["yes"]}),
        "questionnaires/test.yaml: scoring.gate: unknown item 'pain_disproportionat'",
        id="gate-unknown-item",
    ),
    pytest.param(
        lambda d: item(d, "hand_or_foot_newly_pale")["red_flag"].update(urgent_if=["si"]),
        "questionnaires/test.yaml: items[hand_or_foot_newly_pale].red_flag.urgent_if: "
        "'si' is not one of this item's answers",
        id="red-flag-unknown-answer",
    ),
    pytest.param(
        lambda d: d["scoring"]["tiers"][0]["when"].update(min_categories=7),
        "questionnaires/test.yaml: scoring.tiers[referral_suggested].when.min_categories: 7 is outside 0..4",
        id="threshold-out-of-range",
    ),
    pytest.param(
        lambda d: d["categories"].append({"id": "sensory", "label": {"en": "x", "es": "y"}}),
        "questionnaires/test.yaml: categories[sensory].id: 'sensory' is listed twice",
        id="duplicate-category",
    ),
    pytest.param(
        lambda d: d["scoring"]["tiers"][1].update(id="referral_suggested"),
        "questionnaires/test.yaml: scoring.tiers[referral_suggested].id: 'referral_suggested' is listed twice",
        id="duplicate-tier",
    ),
    pytest.param(
        lambda d: d["scoring"]["tiers"][1]["when"]["any_of"][1].update(answers={"pain_disproportionat": ["no"]}),
        "questionnaires/test.yaml: scoring.tiers[clinician_review].when.any_of[1].answers.pain_disproportionat: "
        "unknown item 'pain_disproportionat'",
        id="tier-answers-unknown-item",
    ),
    pytest.param(
        lambda d: d["scoring"]["tiers"][1]["when"]["any_of"][1].update(answers={"pain_disproportionate": ["nope"]}),
        "questionnaires/test.yaml: scoring.tiers[clinician_review].when.any_of[1].answers.pain_disproportionate: "
        "'nope' is not an answer of item 'pain_disproportionate'",
        id="tier-answers-unknown-code",
    ),
    pytest.param(
        lambda d: d["scoring"]["tiers"][1]["when"]["any_of"][0].update(min_categories=3, max_categories=2),
        "questionnaires/test.yaml: scoring.tiers[clinician_review].when.any_of[0].min_categories: "
        "3 is above max_categories 2",
        id="tier-min-above-max",
    ),
    pytest.param(
        lambda d: d["scoring"]["tiers"][0]["when"].update(gate_met=True),
        "questionnaires/test.yaml: scoring.tiers[referral_suggested].when.gate_met: unknown key",
        id="tier-rule-typo",
    ),
    pytest.param(
        lambda d: d["scoring"]["tiers"][1].pop("when"),
        "questionnaires/test.yaml: scoring.tiers[clinician_review].when: missing; only the last tier may have no needs",
        id="tier-without-when",
    ),
    pytest.param(
        lambda d: d["scoring"]["tiers"][2].update(when={"gate": True}),
        "questionnaires/test.yaml: scoring.tiers[no_referral_suggested].when: "
        "the last tier is the fallback and takes no 'when'",
        id="fallback-with-when",
    ),
    # Red flags: required, shown to everyone, with a level and a patient message.
    pytest.param(
        lambda d: item(d, "stroke_signs_last_hours").pop("required"),
        "questionnaires/test.yaml: items[stroke_signs_last_hours].required: a red-flag item must be required: true",
        id="red-flag-optional",
    ),
    pytest.param(
        lambda d: item(d, "tight_cast_worsening_pain").update(required=False),
        "questionnaires/test.yaml: items[tight_cast_worsening_pain].required: a red-flag item must be required: true",
        id="red-flag-required-false",
    ),
    pytest.param(
        lambda d: item(d, "stroke_signs_last_hours").update(show_if={"item": "burning_pain", "in": ["yes"]}),
        "questionnaires/test.yaml: items[stroke_signs_last_hours].show_if: a red flag may depend only on a required, "
        "always-shown item; 'burning_pain' is not",
        id="red-flag-behind-optional-item",
    ),
    pytest.param(
        lambda d: item(d, "stroke_signs_last_hours").update(show_if={"item": "pain_disproportionate", "in": ["yes"]}),
        "questionnaires/test.yaml: items[stroke_signs_last_hours].show_if: a red flag may depend only on a required, "
        "always-shown item; 'pain_disproportionate' is not",
        id="red-flag-behind-sometimes-shown-item",
    ),
    pytest.param(
        lambda d: item(d, "stroke_signs_last_hours")["red_flag"].pop("level"),
        "questionnaires/test.yaml: items[stroke_signs_last_hours].red_flag.level: missing",
        id="red-flag-without-level",
    ),
    pytest.param(
        lambda d: item(d, "stroke_signs_last_hours")["red_flag"].update(level="soon"),
        "questionnaires/test.yaml: items[stroke_signs_last_hours].red_flag.level: unknown level 'soon'; "
        "use one of emergency, talk_now, same_day",
        id="red-flag-unknown-level",
    ),
    pytest.param(
        lambda d: item(d, "stroke_signs_last_hours")["red_flag"]["message"].pop("es"),
        "questionnaires/test.yaml: items[stroke_signs_last_hours].red_flag.message.es: missing text for this language",
        id="red-flag-message-without-spanish",
    ),
    pytest.param(
        lambda d: d["messages"].pop("answer_skipped"),
        "questionnaires/test.yaml: messages.answer_skipped: missing (the scoring needs it)",
        id="answer-words-missing",
    ),
    pytest.param(
        lambda d: d["messages"]["reason_category_met"].update(en="{categroy}: {item}"),
        "questionnaires/test.yaml: messages.reason_category_met.en: unknown placeholder {categroy}",
        id="message-placeholder-typo",
    ),
    pytest.param(
        lambda d: item(d, "pain_intensity").pop("max"),
        "questionnaires/test.yaml: items[pain_intensity]: an integer item needs both min and max",
        id="integer-without-max",
    ),
    pytest.param(
        lambda d: item(d, "hand_or_foot_newly_pale").update(show_if={"item": "self_harm_thoughts", "in": ["yes"]}),
        "questionnaires/test.yaml: items[hand_or_foot_newly_pale].show_if: "
        "'self_harm_thoughts' is asked later; it must come first",
        id="show_if-later-item",
    ),
    pytest.param(
        lambda d: (
            item(d, "pain_present").update(show_if={"item": "inciting_event", "in": ["yes"]}),
        ),
        "questionnaires/test.yaml: items[pain_present].show_if: branching loops: "
        "pain_present -> inciting_event -> pain_present",
        id="branching-cycle",
    ),
    pytest.param(
        lambda d: d["answer_sets"]["yes_no"].append({"code": "yes", "label": {"en": "Y", "es": "S"}}),
        "questionnaires/test.yaml: answer_sets.yes_no[yes].code: 'yes' is listed twice",
        id="duplicate-answer-code",
    ),
]


@pytest.mark.parametrize(("mutate", "message"), MUTATIONS)
def test_problem_is_named(mutate: Mutation, message: str) -> None:
    assert message in problems_after(mutate)


def test_every_problem_is_collected() -> None:
    def two_problems(document: dict[str, Any]) -> None:
        item(document, "swelling").update(lable="x")
        item(document, "stiffness")["text"].pop("en")

    found = problems_after(two_problems)
    assert "questionnaires/test.yaml: items[swelling].lable: unknown key" in found
    assert "questionnaires/test.yaml: items[stiffness].text.en: missing text for this language" in found


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        pytest.param("not_yaml.yaml", "not valid YAML", id="syntax"),
        pytest.param("tab_indent.yaml", "not valid YAML", id="tab-indent"),
        pytest.param("list_document.yaml", "file: must be a mapping, not a list", id="list-document"),
        pytest.param("empty.yaml", "file: is empty", id="empty"),
        pytest.param("missing.yaml", "cannot read file", id="missing-file"),
    ],
)
def test_unreadable_files(fixture: str, message: str) -> None:
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(FIXTURES / fixture)
    assert all(line.startswith(str(FIXTURES / fixture)) for line in caught.value.problems)
    assert message in str(caught.value)


def test_yaml_syntax_error_gives_line() -> None:
    with pytest.raises(QuestionnaireError, match=r"line \d+, column \d+"):
        load_questionnaire(FIXTURES / "not_yaml.yaml")


def test_safe_load_only_no_python_objects() -> None:
    hostile = "id: x\nversion: !!python/object/apply:os.system ['echo hacked']\n"
    with pytest.raises(QuestionnaireError, match="not valid YAML"):
        parse_questionnaire(hostile, "hostile.yaml")
