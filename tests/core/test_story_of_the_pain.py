"""The story of the pain (issue 19): what a pain physician asks first, asked only when there is
pain, all optional, never scored (hazard H69), and shown to staff as the patient's report."""

from __future__ import annotations

import copy

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import Questionnaire, load_questionnaire, parse_questionnaire, score, shown_items, story_of_the_pain
from tests.core.conftest import DEFAULT_QUESTIONNAIRE, NO_PAIN, answers
from tests.core.test_properties import answer_sets
from tests.core.test_wording import DIAGNOSIS_WORDING

QUESTIONNAIRE: Questionnaire = load_questionnaire(DEFAULT_QUESTIONNAIRE)
STORY = QUESTIONNAIRE.section_items("story")
STORY_IDS = tuple(item.id for item in STORY)
UNCHANGED = ("tier", "referral_suggested", "urgent", "gate_met", "red_flags", "red_flag_level",
             "categories_met", "findings", "reasons")
"""What a story answer may never change: the suggestion, urgency, the groups and the reasons."""


def test_the_story_questions_a_pain_physician_asks_first() -> None:
    assert STORY_IDS == ("inciting_event", "pain_started_by", "pain_start_month", "pain_start_year",
                         "nerve_injured", "pain_spread", "doctor_said_crps")
    started_by = QUESTIONNAIRE.item("pain_started_by")
    assert started_by.kind == "multiple"  # a broken bone set in surgery, then a cast: all three
    assert {c.code for c in started_by.choices} == {"broken_bone", "surgery", "sprain_or_other_injury", "cast", "other"}
    # "None I know of" is inciting_event's "No": the follow-up asks what only after a "Yes".
    assert [(c.item, set(c.any_of)) for c in started_by.show_if] == [("inciting_event", {"yes"})]
    # "Less than 1 month" is pain_duration's own answer: the month and year are asked only past it.
    month, year = QUESTIONNAIRE.item("pain_start_month"), QUESTIONNAIRE.item("pain_start_year")
    assert [(c.item, set(c.any_of)) for c in month.show_if] == [("pain_duration", {"1_3m", "3_6m", "gt_6m"})]
    assert [(c.item, set(c.any_of)) for c in year.show_if] == [("pain_duration", {"gt_6m"})]
    assert len(month.choices) == 13  # twelve months and "I don't remember"


def test_every_story_question_is_optional_and_never_counted() -> None:
    for item in STORY:
        assert not item.required and item.red_flag is None and item.category is None, item.id
    named = {c.item for c in QUESTIONNAIRE.gate} | {
        c.item for tier in QUESTIONNAIRE.tiers for rule in tier.when for c in rule.answers} | {
        c.item for rule in QUESTIONNAIRE.red_flag_rules for c in (*rule.all, *rule.any)}
    assert named.isdisjoint(STORY_IDS)


def test_asked_only_when_there_is_pain() -> None:
    no_pain = {item.id for item in shown_items(QUESTIONNAIRE, NO_PAIN)}
    assert no_pain.isdisjoint(STORY_IDS)
    assert story_of_the_pain(QUESTIONNAIRE, score(QUESTIONNAIRE, NO_PAIN)) == ()
    long_pain = {item.id for item in shown_items(QUESTIONNAIRE, answers(pain_duration="gt_6m"))}
    assert set(STORY_IDS) <= long_pain
    short_pain = {item.id for item in shown_items(QUESTIONNAIRE, answers(pain_duration="lt_1m", inciting_event="no"))}
    assert short_pain & set(STORY_IDS) == {"inciting_event", "nerve_injured", "pain_spread", "doctor_said_crps"}


@st.composite
def story_answers(draw: st.DrawFn) -> dict[str, object]:
    """Any combination of story answers (each item answered or not, any of its answers)."""
    chosen: dict[str, object] = {}
    for item in STORY:
        if draw(st.booleans()):
            continue
        codes = [choice.code for choice in item.choices]
        chosen[item.id] = (draw(st.lists(st.sampled_from(codes), unique=True, min_size=1))
                           if item.kind == "multiple" else draw(st.sampled_from(codes)))
    return chosen


@settings(max_examples=400, deadline=None)
@given(answer_sets(), story_answers(), st.sampled_from(QUESTIONNAIRE.languages))
def test_story_answers_never_change_the_tier_or_urgency(
    given_answers: dict[str, object], story: dict[str, object], language: str,
) -> None:
    """Hazard H69: any combination of story answers added to any answer set leaves the tier,
    urgency, red flags, symptom groups and reasons as they were without them."""
    without = {key: value for key, value in given_answers.items() if key not in STORY_IDS}
    plain = score(QUESTIONNAIRE, without, language)
    for told in (score(QUESTIONNAIRE, {**without, **story}, language), score(QUESTIONNAIRE, given_answers, language)):
        assert [getattr(told, field) for field in UNCHANGED] == [getattr(plain, field) for field in UNCHANGED]


def test_staff_read_the_story_as_the_patient_report() -> None:
    told = score(QUESTIONNAIRE, answers(pain_duration="gt_6m", pain_started_by=["broken_bone", "cast"],
                                        pain_start_month="mar", pain_start_year="2_years_ago",
                                        nerve_injured="unsure", pain_spread="no", doctor_said_crps="yes"))
    lines = dict(story_of_the_pain(QUESTIONNAIRE, told))
    assert lines == {
        "Pain began after an injury or surgery": "Yes",
        "What happened before the pain began": "I broke a bone, I wore a cast",
        "Month the pain began": "March",
        "Year the pain began": "2 years ago",
        "Patient reports being told a nerve was hurt": "Not sure",
        "Pain spread to another arm or leg": "No",
        "Patient reports a doctor said it is CRPS": "Yes",
    }
    assert told.tier == score(QUESTIONNAIRE, answers()).tier
    skipped = dict(story_of_the_pain(QUESTIONNAIRE, score(QUESTIONNAIRE, answers(doctor_said_crps=None))))
    assert skipped["Patient reports a doctor said it is CRPS"] == "Skipped"


@pytest.mark.parametrize("language", QUESTIONNAIRE.languages)
def test_no_story_wording_reads_as_a_diagnosis(language: str) -> None:
    """CLINICAL.md section 1: a doctor's earlier word is the patient's report, never the app's
    diagnosis: staff read "Patient reports a doctor said it is CRPS"."""
    strings = [text for item in STORY for text in (item.text[language], item.short[language],
                                                    *(c.label[language] for c in item.choices))]
    every_yes = answers(pain_duration="gt_6m", **{item.id: item.choices[0].code for item in STORY
                                                    if item.kind == "single"}, pain_started_by=["other"])
    lines = [f"{what}: {answer}" for what, answer in story_of_the_pain(QUESTIONNAIRE, score(QUESTIONNAIRE, every_yes),
                                                                        language)]
    assert len(lines) == len(STORY)
    assert [s for s in strings + lines if DIAGNOSIS_WORDING.search(s)] == []
    assert QUESTIONNAIRE.item("doctor_said_crps").short["en"].startswith("patient reports a doctor said")


def test_a_story_item_moved_into_the_scoring_is_refused() -> None:
    """The loader keeps hazard H69 structural: put a story item in a tier rule and the file is refused."""
    document = yaml.safe_load(DEFAULT_QUESTIONNAIRE.read_text(encoding="utf-8"))
    broken = copy.deepcopy(document)
    broken["scoring"]["tiers"][0]["when"]["answers"]["doctor_said_crps"] = ["yes"]
    with pytest.raises(ValueError, match=r"items\[doctor_said_crps\]\.report_section: a story item is never "
                                         r"scored, but scoring\.tiers\[referral_suggested\] names it"):
        parse_questionnaire(yaml.safe_dump(broken, allow_unicode=True), "questionnaires/test.yaml")
