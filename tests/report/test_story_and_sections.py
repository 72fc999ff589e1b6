"""The clinician PDF's sections come from the questionnaire (`report_section:`), with the story of
the pain as the patient's report (issue 19); the take-home copy leaves out what the questionnaire
says (`take_home: false`), whatever the items are called (hazard H70)."""

from __future__ import annotations

import copy

import pytest
import yaml

from report import SummaryHeader, SummaryOptions, build_summary
from scoring import Questionnaire, ScreeningResult, parse_questionnaire, score
from tests.core.conftest import answers, with_categories
from tests.core.test_instrument_facts import renamed
from tests.core.test_loader_errors import REAL
from tests.core.test_wording import DIAGNOSIS_WORDING
from tests.report.test_summary import QUESTIONNAIRE, WHEN, build, text_of

STORY = answers(pain_duration="gt_6m", pain_started_by=["surgery", "cast"], pain_start_month="mar",
                pain_start_year="last_year", nerve_injured="no", pain_spread="yes", doctor_said_crps="yes")


def _between(text: str, start: str, end: str) -> str:
    assert start in text and end in text, (start, end)
    return text[text.index(start):text.index(end, text.index(start))]


def test_the_clinician_copy_tells_the_story_of_the_pain() -> None:
    text = text_of(build(score(QUESTIONNAIRE, STORY)))
    story = _between(text, "The story of the pain (patient's report)", "Sleep and mood")
    for line in ("Pain began after an injury or surgery Yes", "What happened before the pain began I had surgery, "
                 "I wore a cast", "Month the pain began March", "Year the pain began Last year",
                 "Patient reports being told a nerve was hurt No", "Pain spread to another arm or leg Yes",
                 "Patient reports a doctor said it is CRPS Yes"):
        assert line in story
    assert "never change the suggestion or urgency" in story
    assert not DIAGNOSIS_WORDING.search(story)
    pain = _between(text, "The pain", "The story of the pain")
    assert "How long have you had this pain? More than 6 months" in pain
    assert "Did the pain start after" not in pain  # inciting_event is part of the story now


def test_no_story_without_pain() -> None:
    text = text_of(build(score(QUESTIONNAIRE, {**answers(), "pain_present": "no"})))
    assert "The story of the pain" not in text


def test_the_patient_copy_has_no_story_section_but_every_answer() -> None:
    text = text_of(build(score(QUESTIONNAIRE, STORY), variant="patient"))
    assert "The story of the pain" not in text
    assert "What happened before the pain began?" in text and "I had surgery, I wore a cast" in text


def _take_home(questionnaire: Questionnaire, result: ScreeningResult) -> str:
    header = SummaryHeader(reference="K7M-4PX", submitted_at=WHEN, language="en")
    return text_of(build_summary(result, questionnaire, header, SummaryOptions(variant="patient", generated_at=WHEN)))


@pytest.mark.parametrize("drop_the_lines", [False, True], ids=["as-written", "take_home-lines-removed"])
def test_renamed_self_harm_questions_stay_off_the_take_home_copy(drop_the_lines: bool) -> None:
    """Hazard H70: with the ids in code, a rename printed both self-harm questions on the copy
    that goes home. The rule is in the questionnaire (and the loader keeps it for talk_now flags
    and what follows them), so it holds after a rename."""
    document = copy.deepcopy(REAL)
    renamed(document, "self_harm_thoughts", "thoughts_of_self_harm_weeks")
    renamed(document, "self_harm_now", "thoughts_of_suicide_now")
    if drop_the_lines:
        for entry in document["items"]:
            entry.pop("take_home", None)
    questionnaire = parse_questionnaire(yaml.safe_dump(document, allow_unicode=True), "questionnaires/renamed.yaml")
    given = {key: value for key, value in with_categories("sensory").items() if not key.startswith("self_harm")}
    result = score(questionnaire, {**given, "thoughts_of_self_harm_weeks": "yes", "thoughts_of_suicide_now": "no"})
    assert {"thoughts_of_self_harm_weeks", "thoughts_of_suicide_now"} <= set(result.shown)
    take_home = _take_home(questionnaire, result)
    for item_id in ("thoughts_of_self_harm_weeks", "thoughts_of_suicide_now"):
        assert " ".join(questionnaire.item(item_id).text["en"].split())[:30] not in take_home
    assert "The answer to one safety question is not printed on this copy" in take_home
    clinician = text_of(build_summary(result, questionnaire, SummaryHeader("K7M-4PX", WHEN, "en"),
                                      SummaryOptions(generated_at=WHEN)))
    assert " ".join(questionnaire.item("thoughts_of_suicide_now").text["en"].split())[:30] in clinician
