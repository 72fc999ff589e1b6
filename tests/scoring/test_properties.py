"""Properties of the rule that hold for every answer set (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import score
from tests.support.answer_strategies import QUESTIONNAIRE, answer_sets, expected_rules

RED_FLAGS = tuple(item.id for item in QUESTIONNAIRE.red_flag_items)
RULE_ITEMS = tuple(dict.fromkeys(
    condition.item for rule in QUESTIONNAIRE.red_flag_rules for condition in (*rule.all, *rule.any)
))
TIER_RANK = {"no_referral_suggested": 0, "clinician_review": 1, "referral_suggested": 2}
SYMPTOMS = tuple(item.id for item in QUESTIONNAIRE.items if item.category)


@settings(max_examples=300, deadline=None)
@given(answer_sets(), st.sampled_from(SYMPTOMS))
def test_adding_a_yes_symptom_never_lowers_the_tier(given_answers: dict[str, object], symptom: str) -> None:
    before = score(QUESTIONNAIRE, given_answers)
    after = score(QUESTIONNAIRE, {**given_answers, symptom: "yes"})
    assert TIER_RANK[after.tier] >= TIER_RANK[before.tier]
    assert set(before.categories_met) <= set(after.categories_met)


def raise_flag(given_answers: dict[str, object], flag: str) -> dict[str, object]:
    """The answers with `flag` answered "yes", and whatever asks it (the cast question) too."""
    raised = {**given_answers, flag: "yes"}
    for condition in QUESTIONNAIRE.item(flag).show_if:
        raised[condition.item] = sorted(condition.any_of)[0]
    return raised


def groups_counting(result_answers: dict[str, object], counted: tuple[str, ...]) -> int:
    """How many symptom groups have an answer in `counted` (written out, not the engine's)."""
    if result_answers.get("pain_present") != "yes":
        return 0
    return sum(
        any(result_answers.get(item_id) in counted for item_id in category.items)
        for category in QUESTIONNAIRE.categories
    )


def expected_tier(result_answers: dict[str, object], categories_met: int) -> str:
    """The referral rule (README.md, "The scoring rule"; with the 1.2 counting) written out by
    hand, as the oracle for the YAML rule."""
    pain = result_answers.get("pain_present") == "yes"
    proportion = result_answers.get("pain_disproportionate")
    gate = pain and proportion in ("yes", "unsure")
    a_month_or_more = result_answers.get("pain_duration") in ("1_3m", "3_6m", "gt_6m")
    with_unsure = groups_counting(result_answers, ("yes", "unsure"))
    if gate and categories_met >= 3 and a_month_or_more:
        return "referral_suggested"
    if (gate and categories_met == 2) or (pain and proportion == "no" and categories_met >= 3):
        return "clinician_review"
    if gate and (categories_met >= 3 or with_unsure >= 3):  # under 1 month or unknown; "not sure" counted
        return "clinician_review"
    return "no_referral_suggested"


@settings(max_examples=300, deadline=None)
@given(answer_sets(), st.sampled_from(RED_FLAGS))
def test_any_red_flag_yes_is_always_urgent(given_answers: dict[str, object], flag: str) -> None:
    result = score(QUESTIONNAIRE, raise_flag(given_answers, flag))
    assert result.urgent
    assert flag in result.red_flags
    assert result.red_flag_level is not None


@settings(max_examples=300, deadline=None)
@given(answer_sets(), st.sampled_from(RED_FLAGS))
def test_urgent_is_never_hidden_by_the_tier(given_answers: dict[str, object], flag: str) -> None:
    """A red flag changes urgency only: the same tier, and urgent, whatever the tier is."""
    quiet = {f: "no" for f in (*RED_FLAGS, *RULE_ITEMS)}  # no red flag and no red-flag rule
    calm = score(QUESTIONNAIRE, {**raise_flag(given_answers, flag), **quiet})
    raised = score(QUESTIONNAIRE, raise_flag(given_answers, flag))
    assert raised.tier == calm.tier
    assert raised.urgent and not calm.urgent


@settings(max_examples=500, deadline=None)
@given(answer_sets())
def test_tier_follows_the_written_rule(given_answers: dict[str, object]) -> None:
    result = score(QUESTIONNAIRE, given_answers)
    assert result.tier == expected_tier(given_answers, len(result.categories_met))


@settings(max_examples=300, deadline=None)
@given(answer_sets())
def test_pain_not_out_of_proportion_with_3_groups_is_never_no_referral(given_answers: dict[str, object]) -> None:
    given_answers = {**given_answers, "pain_present": "yes", "pain_disproportionate": "no"}
    for item_id in ("touch_sensitivity", "temperature_difference", "swelling"):
        given_answers[item_id] = "yes"
    result = score(QUESTIONNAIRE, given_answers)
    assert len(result.categories_met) >= 3
    assert result.tier == "clinician_review"


@settings(max_examples=200, deadline=None)
@given(answer_sets(), st.randoms(use_true_random=False))
def test_result_never_depends_on_key_order(given_answers: dict[str, object], rng: object) -> None:
    keys = list(given_answers)
    rng.shuffle(keys)  # type: ignore[attr-defined]
    shuffled = {key: given_answers[key] for key in keys}
    assert score(QUESTIONNAIRE, shuffled) == score(QUESTIONNAIRE, given_answers)


@settings(max_examples=200, deadline=None)
@given(answer_sets())
def test_urgent_exactly_when_a_red_flag_answer_says_so(given_answers: dict[str, object]) -> None:
    """Shown or hidden by branching (a hidden "yes" used to be dropped)."""
    result = score(QUESTIONNAIRE, given_answers)
    expected = {
        item.id for item in QUESTIONNAIRE.red_flag_items
        if item.red_flag is not None and given_answers.get(item.id) in item.red_flag.urgent_if
    }
    expected |= expected_rules(given_answers)
    assert set(result.shown) >= {item.id for item in QUESTIONNAIRE.red_flag_items if not item.show_if}
    assert set(result.red_flags) == expected
    assert result.urgent is bool(expected)
