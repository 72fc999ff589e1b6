"""The pure branching and progress rules, against the real questionnaire."""

from __future__ import annotations

import pytest

from scoring import Questionnaire, flow


def test_progress_counts_the_longest_path_still_possible(questionnaire: Questionnaire) -> None:
    every = len(questionnaire.items)  # nothing answered yet: every question may still be asked
    every_follow_up = {"cast_or_tight_bandage": "yes", "injury_or_surgery_2_weeks": "yes",
                       "spine_procedure_4_weeks": "yes", "self_harm_thoughts": "yes"}
    no_pain_longest = len(flow.asked(questionnaire, {"pain_present": "no", **every_follow_up}))
    assert flow.progress(questionnaire, {}, "pain_present") == flow.Progress(1, every)
    assert flow.progress(questionnaire, {"pain_present": "yes"}, "pain_location") == flow.Progress(2, every)
    no_pain = flow.progress(questionnaire, {"pain_present": "no"}, "hand_or_foot_newly_pale")
    assert no_pain == flow.Progress(2, no_pain_longest)
    assert no_pain_longest < every


@pytest.mark.parametrize(
    ("pain", "after_first"),
    [pytest.param("no", "hand_or_foot_newly_pale", id="no-pain→safety"),
     pytest.param("yes", "pain_location", id="pain")],
)
def test_branching_comes_from_the_questionnaire(questionnaire: Questionnaire, pain: str, after_first: str) -> None:
    assert flow.item_after(questionnaire, {"pain_present": pain}, "pain_present") == after_first


def test_first_and_last(questionnaire: Questionnaire) -> None:
    assert flow.item_before(questionnaire, {}, "pain_present") is None
    assert flow.item_after(questionnaire, {}, "self_harm_thoughts") is None


def test_first_missing_names_the_first_required_unanswered(questionnaire: Questionnaire) -> None:
    assert flow.first_missing(questionnaire, {}) == "pain_present"
    assert flow.first_missing(questionnaire, {"pain_present": "yes"}) == "pain_location"  # required from 1.2


def test_answers_to_questions_no_longer_asked_are_dropped(questionnaire: Questionnaire) -> None:
    answers = {"pain_present": "no", "burning_pain": "yes", "stroke_signs_last_hours": "no"}
    assert flow.asked_answers(questionnaire, answers) == {"pain_present": "no", "stroke_signs_last_hours": "no"}

