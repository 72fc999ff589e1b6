"""Properties of the rule that hold for every answer set (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import Questionnaire, load_questionnaire, score
from tests.core.conftest import DEFAULT_QUESTIONNAIRE, RED_FLAGS

QUESTIONNAIRE: Questionnaire = load_questionnaire(DEFAULT_QUESTIONNAIRE)
TIER_RANK = {"no_referral_suggested": 0, "clinician_review": 1, "referral_suggested": 2}
SYMPTOMS = tuple(item.id for item in QUESTIONNAIRE.items if item.category)


@st.composite
def answer_sets(draw: st.DrawFn) -> dict[str, object]:
    """Any valid, complete answer set for the default questionnaire."""
    result: dict[str, object] = {}
    for item in QUESTIONNAIRE.items:
        optional = not item.required
        if optional and draw(st.booleans()):
            continue
        if item.kind == "integer":
            assert item.minimum is not None and item.maximum is not None
            result[item.id] = draw(st.integers(item.minimum, item.maximum))
        elif item.kind == "multiple":
            result[item.id] = draw(st.lists(st.sampled_from([c.code for c in item.choices]), unique=True))
        else:
            result[item.id] = draw(st.sampled_from([c.code for c in item.choices]))
    return result


@settings(max_examples=300, deadline=None)
@given(answer_sets(), st.sampled_from(SYMPTOMS))
def test_adding_a_yes_symptom_never_lowers_the_tier(given_answers: dict[str, object], symptom: str) -> None:
    before = score(QUESTIONNAIRE, given_answers)
    after = score(QUESTIONNAIRE, {**given_answers, symptom: "yes"})
    assert TIER_RANK[after.tier] >= TIER_RANK[before.tier]
    assert set(before.categories_met) <= set(after.categories_met)


@settings(max_examples=300, deadline=None)
@given(answer_sets(), st.sampled_from(RED_FLAGS))
def test_any_red_flag_yes_is_always_urgent(given_answers: dict[str, object], flag: str) -> None:
    result = score(QUESTIONNAIRE, {**given_answers, flag: "yes"})
    assert result.urgent
    assert flag in result.red_flags


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
    result = score(QUESTIONNAIRE, given_answers)
    expected = {
        item.id for item in QUESTIONNAIRE.red_flag_items
        if item.red_flag is not None and given_answers.get(item.id) in item.red_flag.urgent_if
    }
    assert set(result.red_flags) == expected
    assert result.urgent is bool(expected)
