"""A red flag is never lost, as properties (hypothesis): once a red flag is answered in its `urgent_if`, every
score of the answers so far and the final score say urgent, at the most severe level raised,
whatever the answers and the order they were given in (hidden-by-branching answers included)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import RED_FLAG_LEVELS, most_severe, score
from tests.support.answer_strategies import QUESTIONNAIRE, answer_sets, expected_rules

LEVEL_OF = {item.id: item.red_flag.level for item in QUESTIONNAIRE.red_flag_items if item.red_flag is not None}
LEVEL_OF |= {rule.id: rule.red_flag.level for rule in QUESTIONNAIRE.red_flag_rules}  # combinations


def raised_by(answers: dict[str, object]) -> set[str]:
    """The oracle, written out: a red-flag item whose answer is one of its `urgent_if` codes, and
    each red-flag rule (written out by hand in `test_properties.expected_rules`)."""
    return {
        item.id for item in QUESTIONNAIRE.red_flag_items
        if item.red_flag is not None and answers.get(item.id) in item.red_flag.urgent_if
    } | expected_rules(answers)


def expected_level(flags: set[str]) -> str | None:
    levels = {LEVEL_OF[flag] for flag in flags}
    return next((level for level in RED_FLAG_LEVELS if level in levels), None)


@st.composite
def answering(draw: st.DrawFn) -> list[tuple[str, object]]:
    """A complete answer set, answered one item at a time in any order."""
    final = draw(answer_sets())
    return draw(st.permutations(list(final.items())))


@settings(max_examples=200, deadline=None)
@given(answering())
def test_once_a_red_flag_is_raised_every_score_says_urgent_at_the_most_severe_level(
    steps: list[tuple[str, object]],
) -> None:
    so_far: dict[str, object] = {}
    raised_before: set[str] = set()
    for item_id, value in steps:
        so_far[item_id] = value
        result = score(QUESTIONNAIRE, so_far, partial=True)
        flags = raised_by(so_far)
        assert set(result.red_flags) == flags
        assert result.urgent is bool(flags)
        assert result.red_flag_level == expected_level(flags)
        assert raised_before <= set(result.red_flags)  # a later answer (cast "no") never un-raises one
        raised_before = set(result.red_flags)
    final = score(QUESTIONNAIRE, so_far)
    assert final.urgent is bool(raised_before)
    assert set(final.red_flags) == raised_before
    assert final.red_flag_level == expected_level(raised_before)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*RED_FLAG_LEVELS, None])), st.randoms(use_true_random=False))
def test_most_severe_follows_the_order_of_red_flag_levels(levels: list[str | None], rng: object) -> None:
    present = [level for level in levels if level is not None]
    expected = min(present, key=RED_FLAG_LEVELS.index) if present else None
    assert most_severe(*levels) == expected
    shuffled = list(levels)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    assert most_severe(*shuffled) == expected


def test_the_level_order_is_emergency_talk_now_same_day() -> None:
    """Self-harm (talk_now) is acted on before the patient leaves, before same_day.
    1.1's storage had a second order (same_day before talk_now)."""
    assert RED_FLAG_LEVELS == ("emergency", "talk_now", "same_day")
    assert most_severe("same_day", "talk_now") == "talk_now"
    assert most_severe("talk_now", "emergency", "same_day") == "emergency"
