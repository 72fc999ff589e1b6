"""The accuracy arithmetic against hand-computed tables and published Wilson intervals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.accuracy import (
    DOES_NOT_MEET,
    MEETS,
    NOT_YET_DECIDED,
    REFERRAL,
    REFERRAL_OR_REVIEW,
    TwoByTwo,
    two_by_two,
    version_accuracy,
    wilson,
)

TIERS = ("referral_suggested", "clinician_review", "no_referral_suggested")
CONCLUSIONS = (MEETS, DOES_NOT_MEET, NOT_YET_DECIDED)


@pytest.mark.parametrize(
    ("successes", "total", "low", "high"),
    [
        # Newcombe RG. Stat Med 1998;17:857-872, Table I, method 3 (Wilson score, no continuity correction).
        pytest.param(81, 263, 0.2553, 0.3662, id="newcombe-81-of-263"),
        pytest.param(15, 148, 0.0624, 0.1605, id="newcombe-15-of-148"),
        pytest.param(0, 20, 0.0000, 0.1611, id="newcombe-0-of-20"),
        pytest.param(1, 29, 0.0061, 0.1718, id="newcombe-1-of-29"),
    ],
)
def test_wilson_interval_matches_newcombe_1998(successes: int, total: int, low: float, high: float) -> None:
    interval = wilson(successes, total)
    assert interval.low == pytest.approx(low, abs=5e-5)
    assert interval.high == pytest.approx(high, abs=5e-5)


def test_wilson_of_nobody_has_no_interval_and_is_too_few_to_tell() -> None:
    interval = wilson(0, 0)
    assert (interval.estimate, interval.low, interval.high) == (None, None, None)
    assert interval.too_few_to_tell
    assert interval.shown() == "too few to tell (0 of 0)"


def test_an_interval_wider_than_20_points_is_too_few_to_tell() -> None:
    assert wilson(3, 4).too_few_to_tell  # 75%, 95% CI 30-95%
    assert wilson(3, 4).shown() == "too few to tell (3 of 4)"
    assert not wilson(81, 263).too_few_to_tell
    assert wilson(81, 263).shown() == "31% (95% CI 26–37%; 81 of 263)"
    # the edge: 20 of 20 reaches 16.1 points below 100%: a number; 10 of 10 (27.8 points) is not
    assert not wilson(20, 20).too_few_to_tell
    assert wilson(10, 10).too_few_to_tell


def test_bad_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="successes"):
        wilson(5, 4)


def test_two_by_two_by_hand() -> None:
    counts = {
        ("referral_suggested", MEETS): 30, ("referral_suggested", DOES_NOT_MEET): 10,
        ("clinician_review", MEETS): 8, ("clinician_review", DOES_NOT_MEET): 12,
        ("no_referral_suggested", MEETS): 2, ("no_referral_suggested", DOES_NOT_MEET): 38,
        ("referral_suggested", NOT_YET_DECIDED): 5,
    }
    referral = two_by_two(counts, REFERRAL)
    assert referral == TwoByTwo(true_positive=30, false_positive=10, false_negative=10, true_negative=50)
    assert (referral.ppv.successes, referral.ppv.total) == (30, 40)
    assert (referral.sensitivity.successes, referral.sensitivity.total) == (30, 40)
    assert (referral.specificity.successes, referral.specificity.total) == (50, 60)
    assert (referral.npv.successes, referral.npv.total) == (50, 60)
    wider = two_by_two(counts, REFERRAL_OR_REVIEW)
    assert wider == TwoByTwo(true_positive=38, false_positive=22, false_negative=2, true_negative=38)
    figures = version_accuracy("1.1.0", 1000, counts)
    assert (figures.screenings, figures.examined, figures.not_yet_decided) == (1000, 105, 5)


def test_zero_cells_give_no_figure_not_a_division_by_zero() -> None:
    only_negatives = two_by_two({("no_referral_suggested", DOES_NOT_MEET): 12}, REFERRAL)
    assert only_negatives == TwoByTwo(0, 0, 0, 12)
    assert only_negatives.ppv.total == 0 and only_negatives.ppv.estimate is None
    assert only_negatives.sensitivity.too_few_to_tell
    assert only_negatives.specificity.estimate == 1.0


def test_a_perfect_screen() -> None:
    perfect = two_by_two({("referral_suggested", MEETS): 100, ("no_referral_suggested", DOES_NOT_MEET): 100}, REFERRAL)
    assert perfect == TwoByTwo(100, 0, 0, 100)
    for figure in (perfect.ppv, perfect.sensitivity, perfect.specificity, perfect.npv):
        assert figure.estimate == 1.0
        assert figure.high == 1.0
        assert figure.low == pytest.approx(0.9630, abs=5e-5)  # Wilson 100/100: 96.3-100%
        assert not figure.too_few_to_tell


@given(st.dictionaries(st.tuples(st.sampled_from(TIERS), st.sampled_from(CONCLUSIONS)),
                       st.integers(min_value=0, max_value=10_000)))
def test_cells_and_undecided_always_sum_to_the_examined_count(counts: dict[tuple[str, str], int]) -> None:
    figures = version_accuracy("v", sum(counts.values()), counts)
    for table in (figures.referral, figures.referral_or_review):
        assert table.total + figures.not_yet_decided == figures.examined
        assert min(table.true_positive, table.false_positive, table.false_negative, table.true_negative) >= 0
