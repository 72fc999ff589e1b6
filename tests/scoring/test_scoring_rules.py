"""Boundary tables for the default rule (README.md, "The scoring rule"), against the real YAML."""

from __future__ import annotations

import pytest

from scoring import AnswersInvalid, Questionnaire, score
from tests.support.answers import NO_PAIN, RED_FLAGS, answers, with_categories

TIER_CASES = [
    pytest.param(with_categories(), "no_referral_suggested", id="0-categories=no-referral"),
    pytest.param(with_categories("sensory"), "no_referral_suggested", id="1-category=no-referral"),
    pytest.param(with_categories("sensory", "vasomotor"), "clinician_review", id="2-categories=clinician-review"),
    pytest.param(
        with_categories("sensory", "vasomotor", "sudomotor_edema"), "referral_suggested",
        id="3-categories=referral",
    ),
    pytest.param(
        with_categories("sensory", "vasomotor", "sudomotor_edema", "motor_trophic"), "referral_suggested",
        id="4-categories=referral",
    ),
    pytest.param(
        with_categories("sensory", "vasomotor", "sudomotor_edema", pain_disproportionate="unsure"),
        "referral_suggested", id="gate-unsure-passes",
    ),
    pytest.param(
        with_categories("sensory", "vasomotor", "sudomotor_edema", pain_disproportionate="no"),
        "clinician_review", id="not-out-of-proportion-3-categories=clinician-review",
    ),
    pytest.param(
        with_categories("sensory", "vasomotor", "sudomotor_edema", "motor_trophic", pain_disproportionate="no"),
        "clinician_review", id="not-out-of-proportion-4-categories=clinician-review",
    ),
    pytest.param(
        answers(touch_sensitivity="unsure", temperature_difference="unsure", sweating_change="unsure",
                stiffness="unsure"),
        "clinician_review", id="4-groups-only-unsure=clinician-review",  # 1.2: was no referral in 1.1
    ),
    pytest.param(
        answers(touch_sensitivity="unsure", temperature_difference="unsure"),
        "no_referral_suggested", id="2-groups-only-unsure=no-referral",
    ),
    pytest.param(
        with_categories("vasomotor", "sudomotor_edema", burning_pain="yes"),
        "clinician_review", id="burning-pain-counts-in-no-category",
    ),
    pytest.param(
        with_categories("sensory", "vasomotor", "sudomotor_edema", pain_disproportionate="unsure",
                        pain_intensity=0),
        "referral_suggested", id="pain-0-still-an-answer",
    ),
    pytest.param(
        with_categories("sensory", "vasomotor", pain_disproportionate="no"),
        "no_referral_suggested", id="not-out-of-proportion-2-categories=no-referral",
    ),
    pytest.param(
        with_categories("sensory", "vasomotor", "sudomotor_edema", pain_disproportionate="no", pain_present="no"),
        "no_referral_suggested", id="no-pain-3-answers-hidden=no-referral",
    ),
    pytest.param(
        with_categories("sensory", "vasomotor", sweating_change="unsure", swelling=None),
        "clinician_review", id="unsure-and-unanswered-do-not-count",
    ),
    pytest.param(
        answers(temperature_difference="yes", skin_color_change="yes", touch_sensitivity="yes"),
        "clinician_review", id="two-yes-in-one-category-count-once",
    ),
]


@pytest.mark.parametrize(("given", "tier"), TIER_CASES)
def test_tier(questionnaire: Questionnaire, given: dict[str, object], tier: str) -> None:
    result = score(questionnaire, given)
    assert result.tier == tier
    assert result.referral_suggested is (tier == "referral_suggested")


def test_burning_pain_is_shown_but_counts_nowhere(questionnaire: Questionnaire) -> None:
    result = score(questionnaire, answers(burning_pain="yes"))
    assert result.categories_met == ()
    assert result.answer("burning_pain") == "yes" and "burning_pain" in result.shown


def test_cast_red_flag_is_asked_only_with_a_cast(questionnaire: Questionnaire) -> None:
    """The cast question gates one red flag (H01); a "yes" given while it is hidden still counts."""
    no_cast = score(questionnaire, {**NO_PAIN, "tight_cast_worsening_pain": "yes"})
    assert "tight_cast_worsening_pain" not in no_cast.shown
    assert no_cast.urgent and no_cast.red_flags == ("tight_cast_worsening_pain",)
    assert any("hidden by branching" in warning for warning in no_cast.warnings)
    no_cast_no = score(questionnaire, {**NO_PAIN, "tight_cast_worsening_pain": "no"})
    assert not no_cast_no.urgent and "tight_cast_worsening_pain" not in no_cast_no.shown
    with pytest.raises(AnswersInvalid, match="tight_cast_worsening_pain: required"):
        score(questionnaire, {**NO_PAIN, "cast_or_tight_bandage": "yes"})
    cast = score(questionnaire, {**NO_PAIN, "cast_or_tight_bandage": "yes", "tight_cast_worsening_pain": "yes"})
    assert cast.urgent and cast.red_flag_level == "emergency"


def test_no_pain_skips_to_safety_questions(questionnaire: Questionnaire) -> None:
    result = score(questionnaire, NO_PAIN)
    assert result.tier == "no_referral_suggested"
    assert not result.gate_met and not result.urgent
    assert result.categories_met == ()


def test_hidden_answers_are_ignored_and_warned(questionnaire: Questionnaire) -> None:
    given = with_categories("sensory", "vasomotor", "sudomotor_edema", pain_present="no")
    result = score(questionnaire, given)
    assert result.tier == "no_referral_suggested"
    assert result.categories_met == ()
    assert any(w.startswith("burning_pain:") and "ignored" in w for w in result.warnings)
    assert result.answer("burning_pain") is None


@pytest.mark.parametrize("flag", RED_FLAGS)
@pytest.mark.parametrize(
    "categories", [(), ("sensory", "vasomotor"), ("sensory", "vasomotor", "sudomotor_edema")],
    ids=["no-referral", "clinician-review", "referral"],
)
def test_each_red_flag_is_urgent_with_any_tier(
    questionnaire: Questionnaire, flag: str, categories: tuple[str, ...]
) -> None:
    result = score(questionnaire, with_categories(*categories, **{flag: "yes"}))
    assert result.urgent is True
    assert result.red_flags == (flag,)
    assert len(result.categories_met) == len(categories)


def test_red_flag_urgent_even_without_pain(questionnaire: Questionnaire) -> None:
    result = score(questionnaire, {**NO_PAIN, "stroke_signs_last_hours": "yes"})
    assert result.urgent and result.tier == "no_referral_suggested"


def test_self_harm_refusal_is_urgent(questionnaire: Questionnaire) -> None:
    result = score(questionnaire, answers(self_harm_thoughts="prefer_not_to_say"))
    assert result.urgent and result.red_flags == ("self_harm_thoughts",)


def test_no_red_flag_not_urgent(questionnaire: Questionnaire) -> None:
    assert score(questionnaire, answers()).urgent is False


@pytest.mark.parametrize(
    ("given", "item", "fragment"),
    [
        pytest.param(answers(pain_present=None), "pain_present", "required", id="required-missing"),
        pytest.param(answers(pain_disproportionate=None), "pain_disproportionate", "required",
                     id="required-when-shown"),
        pytest.param(answers(self_harm_thoughts=None), "self_harm_thoughts", "required", id="red-flag-required"),
        pytest.param(answers(stroke_signs_last_hours=None), "stroke_signs_last_hours", "required",
                     id="stroke-required"),
        pytest.param(answers(tight_cast_worsening_pain=None), "tight_cast_worsening_pain", "required",
                     id="cast-red-flag-required-when-asked"),
        pytest.param(answers(pain_intensity="seven"), "pain_intensity", "whole number", id="intensity-text"),
        pytest.param(answers(pain_intensity=11), "pain_intensity", "whole number", id="intensity-too-high"),
        pytest.param(answers(pain_intensity=True), "pain_intensity", "whole number", id="intensity-bool"),
        pytest.param(answers(pain_location="left_arm"), "pain_location", "must be a list", id="multi-as-string"),
        pytest.param(answers(pain_location=["elbow"]), "pain_location", "not one of", id="multi-bad-code"),
        pytest.param(answers(swelling="maybe"), "swelling", "not one of", id="bad-code"),
        pytest.param(answers(sleep_problems="unsure"), "sleep_problems", "not one of", id="unsure-not-allowed"),
        pytest.param({**answers(), "pain_typo": "yes"}, "pain_typo", "unknown item", id="unknown-item"),
    ],
)
def test_bad_answers_name_the_item(
    questionnaire: Questionnaire, given: dict[str, object], item: str, fragment: str
) -> None:
    with pytest.raises(AnswersInvalid) as caught:
        score(questionnaire, given)
    assert [problem.item for problem in caught.value.problems] == [item]
    assert fragment in str(caught.value)
    assert "\n" not in str(caught.value)


def test_pain_not_required_when_not_shown(questionnaire: Questionnaire) -> None:
    result = score(questionnaire, NO_PAIN)
    assert result.answer("pain_disproportionate") is None


def test_result_carries_versions_and_reasons(questionnaire: Questionnaire) -> None:
    result = score(questionnaire, with_categories("sensory", "vasomotor", "sudomotor_edema"))
    assert (result.questionnaire_id, result.questionnaire_version) == (questionnaire.id, questionnaire.version)
    assert len(result.questionnaire_hash) == 64
    assert result.categories_met == ("sensory", "vasomotor", "sudomotor_edema")
    assert any("pain or a much stronger feeling from a light touch" in reason for reason in result.reasons)
    assert any("3 of 4" in reason for reason in result.reasons)


def test_reasons_follow_the_answer_language(questionnaire: Questionnaire) -> None:
    spanish = score(questionnaire, with_categories("sensory", "vasomotor"), "es")
    assert spanish.language == "es"
    assert any("roce suave" in reason for reason in spanish.reasons)
    assert any("2 de 4" in reason for reason in spanish.reasons)


def test_all_four_categories_noted_as_extra_information(questionnaire: Questionnaire) -> None:
    result = score(questionnaire, with_categories(*("sensory", "vasomotor", "sudomotor_edema", "motor_trophic")))
    assert any("every symptom group" in reason and "not a diagnosis" in reason for reason in result.reasons)


def test_unknown_language_is_an_error(questionnaire: Questionnaire) -> None:
    with pytest.raises(AnswersInvalid, match="language"):
        score(questionnaire, answers(), "fr")


def test_multi_choice_normalised_to_questionnaire_order(questionnaire: Questionnaire) -> None:
    result = score(questionnaire, answers(pain_location=["right_leg", "left_arm"]))
    assert result.answer("pain_location") == ("left_arm", "right_leg")


def test_result_round_trips_through_dict(questionnaire: Questionnaire) -> None:
    from scoring import ScreeningResult

    result = score(questionnaire, with_categories("sensory", "vasomotor", self_harm_thoughts="yes"), "es")
    assert ScreeningResult.from_dict(result.to_dict()) == result


@pytest.mark.parametrize(
    ("item_id", "value", "language", "label"),
    [
        pytest.param("swelling", "unsure", "en", "Not sure", id="single"),
        pytest.param("swelling", "yes", "es", "Sí", id="single-spanish"),
        pytest.param("pain_location", ("left_arm", "other"), "en", "Left arm or hand, Somewhere else", id="multiple"),
        pytest.param("pain_intensity", 7, "es", "7", id="number"),
        pytest.param("swelling", "retired_code", "en", "retired_code", id="code-from-an-older-version"),
    ],
)
def test_answer_label(questionnaire: Questionnaire, item_id: str, value: object, language: str, label: str) -> None:
    assert questionnaire.item(item_id).answer_label(value, language) == label  # type: ignore[arg-type]


def test_tier_rules_read_gate_false_and_max_categories(questionnaire: Questionnaire) -> None:
    """The `when` schema beyond the default file: `gate: false` needs the gate NOT met, and
    `max_categories` caps the count (a variant questionnaire built from the real one)."""
    import yaml

    from scoring import parse_questionnaire
    from tests.support.answers import DEFAULT_QUESTIONNAIRE

    document = yaml.safe_load(DEFAULT_QUESTIONNAIRE.read_text(encoding="utf-8"))
    document["scoring"]["tiers"][1]["when"] = {"gate": False, "min_categories": 1, "max_categories": 1}
    variant = parse_questionnaire(yaml.safe_dump(document, allow_unicode=True), "variant.yaml")
    assert score(variant, with_categories("sensory", pain_disproportionate="no")).tier == "clinician_review"
    assert score(variant, with_categories("sensory")).tier == "no_referral_suggested"  # gate met
    assert score(variant, with_categories("sensory", "vasomotor", pain_disproportionate="no")).tier == (
        "no_referral_suggested"  # 2 is above max_categories
    )
