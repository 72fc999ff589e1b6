"""What each reader sees: the take-home copy, the question as the patient read it, the
clinic's clock, and the wording that staff read."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
import textstat
import yaml

from scoring import score
from tests.support.answers import REPO, with_categories
from tests.support.pdf import QUESTIONNAIRE, build, text_of

SELF_HARM = QUESTIONNAIRE.item("self_harm_thoughts")


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("answer", ["yes", "prefer_not_to_say", "no"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_patient_copy_leaves_out_the_self_harm_answer(answer: str, language: str) -> None:
    result = score(QUESTIONNAIRE, with_categories("sensory", self_harm_thoughts=answer), language)
    take_home = text_of(build(result, variant="patient", language=language))
    assert _flat(SELF_HARM.text[language])[:30] not in take_home
    assert SELF_HARM.answer_label("prefer_not_to_say", language) not in take_home
    said = {"en": "The answer to one safety question is not printed on this copy",
            "es": "La respuesta a una pregunta de seguridad no se imprime en esta hoja"}[language]
    assert said in take_home
    clinician = text_of(build(result, language=language))
    assert _flat(SELF_HARM.text["en"])[:30] in clinician
    assert SELF_HARM.answer_label(answer, "en") in clinician


@pytest.mark.parametrize("language", ["en", "es"])
def test_patient_copy_leaves_out_the_suicide_acuity_question_too(language: str) -> None:
    """"thoughts of killing yourself right now?" (self_harm_now) follows a yes; the
    take-home copy, which others may read, prints neither question nor answer."""
    now = QUESTIONNAIRE.item("self_harm_now")
    result = score(QUESTIONNAIRE, with_categories("sensory", self_harm_thoughts="yes", self_harm_now="no"), language)
    assert "self_harm_now" in result.shown
    take_home = text_of(build(result, variant="patient", language=language))
    assert _flat(now.text[language])[:30] not in take_home
    clinician = text_of(build(result, language=language))
    assert _flat(now.text["en"])[:30] in clinician


def test_clinician_copy_of_a_spanish_screening_shows_both_languages() -> None:
    result = score(QUESTIONNAIRE, with_categories("sensory", "vasomotor", swelling="unsure"), "es")
    text = text_of(build(result, language="es"))
    assert "Question as asked (Spanish)" in text and "In English" in text
    for item in QUESTIONNAIRE.items:
        assert _flat(item.text["es"])[:30] in text, item.id
        assert _flat(item.text["en"])[:30] in text, item.id
    swelling = QUESTIONNAIRE.item("swelling")
    assert f"{swelling.answer_label('unsure', 'en')} ({swelling.answer_label('unsure', 'es')})" in text
    english_only = text_of(build(score(QUESTIONNAIRE, with_categories("sensory"), "en"), language="en"))
    assert "Question as asked" not in english_only


def test_times_are_in_the_clinic_time_zone() -> None:
    result = score(QUESTIONNAIRE, with_categories("sensory"))
    text = text_of(build(result, timezone=ZoneInfo("America/New_York")))
    assert "2026-11-24 04:30 EST" in text  # submitted, and the footer's "generated"
    assert text.count("2026-11-24 04:30 EST") >= 2
    assert "09:30" not in text and "UTC" not in text


def test_urgent_banner_says_now_and_names_the_level_emergency_first() -> None:
    result = score(QUESTIONNAIRE, with_categories("sensory", arm_or_leg_newly_swollen="yes",
                                                  stroke_signs_last_hours="yes"))
    assert result.red_flag_level == "emergency"
    banner = text_of(build(result)).split("Outcome of the screen")[0]
    assert "URGENT: talk with the patient now" in banner and "today" not in banner.split("Most severe")[0]
    assert "Most severe: EMERGENCY" in banner
    stroke, clot = (QUESTIONNAIRE.item(i).red_flag for i in ("stroke_signs_last_hours", "arm_or_leg_newly_swollen"))
    assert stroke is not None and clot is not None
    assert banner.index(stroke.concern["en"]) < banner.index(clot.concern["en"])


def test_self_harm_alone_reads_talk_before_they_leave() -> None:
    result = score(QUESTIONNAIRE, with_categories("sensory", self_harm_thoughts="prefer_not_to_say"))
    banner = text_of(build(result)).split("Outcome of the screen")[0]
    assert "Most severe: talk with the patient before they leave" in banner
    assert "EMERGENCY" not in banner


def test_symptom_groups_are_not_called_criteria_met() -> None:
    text = text_of(build(score(QUESTIONNAIRE, with_categories("sensory", "vasomotor", "sudomotor_edema"))))
    assert "Symptom groups with a yes" in text
    assert "categories met" not in text.lower() and "criteria" not in text.lower()


def test_both_languages_have_the_same_wording_and_spanish_disclaimer_reads() -> None:
    strings = yaml.safe_load((REPO / "report" / "strings.yaml").read_text(encoding="utf-8"))
    assert strings["en"].keys() == strings["es"].keys()
    disclaimer = _flat(strings["es"]["disclaimer"])
    assert "Para ver los signos clínicos y descartar otras causas, un médico tiene que examinar" in disclaimer
    assert "necesitan un examen por" not in disclaimer


PATIENT_COPY_WORDS = ("patient_title", "patient_urgent_title", "next_steps", "next_steps_text", "patient_answers",
                      "safety_left_out")


@pytest.mark.parametrize("key", PATIENT_COPY_WORDS)
def test_patient_copy_wording_reads_at_grade_6(key: str) -> None:
    strings = yaml.safe_load((REPO / "report" / "strings.yaml").read_text(encoding="utf-8"))
    assert textstat.flesch_kincaid_grade(strings["en"][key]) <= 6


def test_clinic_time_reads_a_naive_time_as_utc() -> None:
    from datetime import datetime

    from report.document import clinic_time

    naive = datetime(2026, 7, 1, 12, 0)
    assert clinic_time(naive, ZoneInfo("America/New_York")) == "2026-07-01 08:00 EDT"
    assert clinic_time(naive.replace(tzinfo=ZoneInfo("UTC")), ZoneInfo("UTC")) == "2026-07-01 12:00 UTC"
