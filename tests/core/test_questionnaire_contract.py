"""Every file in questionnaires/ meets the whole contract (CamCOPS-style: one test walks all)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring import RED_FLAG_LEVELS, Questionnaire, load_questionnaire, score

FILES = sorted((Path(__file__).resolve().parents[2] / "questionnaires").glob("*.yaml"))
REQUIRED_ITEMS = {
    "pain_present", "pain_location", "inciting_event", "pain_disproportionate", "pain_duration",
    "pain_intensity", "burning_pain", "touch_sensitivity", "temperature_difference", "skin_color_change",
    "sweating_change", "swelling", "stiffness", "weakness_tremor_or_odd_position", "skin_hair_nail_change",
    "sleep_problems", "mood_low", "hand_or_foot_newly_pale", "arm_or_leg_newly_swollen",
    "fever_with_hot_red_limb", "tight_cast_worsening_pain", "stroke_signs_last_hours", "self_harm_thoughts",
    "self_harm_now",
}


def test_there_is_at_least_one_questionnaire() -> None:
    assert any(path.name == "crps.yaml" for path in FILES)


@pytest.fixture(params=FILES, ids=[path.name for path in FILES])
def questionnaire(request: pytest.FixtureRequest) -> Questionnaire:
    return load_questionnaire(request.param)


def test_identity_and_citation(questionnaire: Questionnaire) -> None:
    assert questionnaire.id and questionnaire.version
    assert len(questionnaire.source) > 40


def test_every_string_in_every_language(questionnaire: Questionnaire) -> None:
    texts = [questionnaire.title, *questionnaire.messages.values()]
    for item in questionnaire.items:
        texts += [item.text, item.short, *(choice.label for choice in item.choices)]
        texts += [t for t in (item.help, item.min_label, item.max_label) if t is not None]
        if item.red_flag:
            texts += [item.red_flag.concern, item.red_flag.message]
    texts += [tier.label for tier in questionnaire.tiers] + [tier.message for tier in questionnaire.tiers]
    for text in texts:
        assert text.languages == questionnaire.languages


def test_red_flags_required_with_a_level_and_asked_of_everyone(questionnaire: Questionnaire) -> None:
    """Issue 9: no red flag can be skipped, or hidden behind an answer that may be skipped."""
    for item in questionnaire.red_flag_items:
        assert item.red_flag is not None
        assert item.required, item.id
        assert item.red_flag.level in RED_FLAG_LEVELS
        assert item.red_flag.message.languages == questionnaire.languages
        for condition in item.show_if:
            gate_item = questionnaire.item(condition.item)
            assert gate_item.required and not gate_item.show_if, item.id


def test_answer_words_in_every_language(questionnaire: Questionnaire) -> None:
    for key in ("answer_not_asked", "answer_skipped", "answer_number"):
        assert questionnaire.messages[key].languages == questionnaire.languages


def test_every_category_has_items_and_each_scored_item_one_category(questionnaire: Questionnaire) -> None:
    for category in questionnaire.categories:
        assert category.items
        for item_id in category.items:
            assert questionnaire.item(item_id).category == category.id


def test_last_tier_is_the_fallback(questionnaire: Questionnaire) -> None:
    last = questionnaire.tiers[-1]
    assert last.when == ()
    assert all(tier.when for tier in questionnaire.tiers[:-1])


def test_empty_answers_for_optional_items_score(questionnaire: Questionnaire) -> None:
    minimal: dict[str, object] = {}
    for item in questionnaire.items:
        if item.required and not item.show_if:
            minimal[item.id] = item.choices[-1].code if item.red_flag is None else "no"
    if "pain_present" in minimal:
        minimal["pain_present"] = "no"
    result = score(questionnaire, minimal)
    assert result.tier == questionnaire.tiers[-1].id


def test_default_questionnaire_has_the_issue_items() -> None:
    default = load_questionnaire(FILES[0].parent / "crps.yaml")
    assert set(default.items_by_id) >= REQUIRED_ITEMS
    required = {item.id for item in default.items if item.required}
    assert required == {
        "pain_present", "pain_location", "pain_disproportionate",
        "hand_or_foot_newly_pale", "hand_or_foot_newly_cold", "hand_or_foot_newly_numb", "hand_or_foot_newly_weak",
        "arm_or_leg_newly_swollen", "breathless_or_chest_pain", "chest_pain_or_breathless_2_days",
        "fever_with_hot_red_limb", "redness_spreading_fast", "wound_with_pus", "cast_or_tight_bandage",
        "tight_cast_worsening_pain", "injury_or_surgery_2_weeks", "pain_worse_fast_after_injury",
        "stroke_signs_last_hours", "spine_procedure_4_weeks", "legs_newly_weak", "bladder_or_bowel_new_trouble",
        "self_harm_thoughts", "self_harm_now",
    }
    assert default.version == "1.2.0"
    assert [item.id for item in default.items[-2:]] == ["self_harm_thoughts", "self_harm_now"]
    assert {rule.id for rule in default.red_flag_rules} == {
        "deep_infection", "spine_procedure_warning", "chest_symptoms_stopped",
    }
    assert [c.id for c in default.categories] == ["sensory", "vasomotor", "sudomotor_edema", "motor_trophic"]
    first_red_flag = next(i for i, item in enumerate(default.items) if item.red_flag)
    asked_with_pain: set[str] = set()  # every item before the red flags is asked only when there is pain
    for item in default.items[1:first_red_flag]:
        if item.report_section == "story" and item.show_if[0].item != "pain_present":
            # a story follow-up (issue 19): asked after an earlier pain item only
            assert [c.item for c in item.show_if] and {c.item for c in item.show_if} <= asked_with_pain
        else:
            assert [(c.item, set(c.any_of)) for c in item.show_if] == [("pain_present", {"yes"})]
        asked_with_pain.add(item.id)
