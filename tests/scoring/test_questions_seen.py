"""Each result keeps the words its patient saw; a 1.1 screening stored before
that still shows the 1.1 words (from the frozen copy in questionnaires/archive/), on the
coordinator page and in the clinician PDF, labelled as such."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from scoring import (
    Questionnaire,
    ScreeningResult,
    answered_under,
    archived_version,
    load_questionnaire,
    question_text,
    score,
    wording_note,
)
from tests.support.answers import DEFAULT_QUESTIONNAIRE, answers

ARCHIVE = DEFAULT_QUESTIONNAIRE.parent / "archive" / "crps_symptom_screen-1.1.0.yaml"
HASH_1_1 = "5353b3e47a690eacfceff8fc1a788df857e97be63e3e60c65dea177823eb61d2"
"""The content hash every screening stored under 1.1.0 carries (the released 1.1.0 file)."""
STROKE_1_1 = "Right now, is your face, an arm or a leg suddenly weak or numb? Or is it hard to speak?"


def stored_1_1_screening() -> ScreeningResult:
    """A 1.1 screening as the database holds it: scored by 1.1, stored without `questions_seen`."""
    old = load_questionnaire(ARCHIVE)
    given = {
        "pain_present": "no", "cold_pale_numb_limb": "no", "sudden_leg_swelling_or_breathless": "no",
        "breathless_or_chest_pain": "no", "fever_with_hot_red_limb": "no", "spreading_redness_or_pus": "no",
        "cast_or_tight_bandage": "no", "stroke_signs": "yes", "self_harm_thoughts": "no",
    }
    stored = score(old, given).to_dict()
    del stored["questions_seen"]  # 1.1 never wrote it
    return ScreeningResult.from_dict(stored)


def test_the_archived_1_1_file_is_the_released_one() -> None:
    archived = load_questionnaire(ARCHIVE)
    assert (archived.version, archived.content_hash) == ("1.1.0", HASH_1_1)


def test_a_new_result_keeps_every_question_shown_in_the_patients_language(questionnaire: Questionnaire) -> None:
    result = score(questionnaire, answers(), "es")
    assert [seen.item for seen in result.questions_seen] == list(result.shown)
    first = result.questions_seen[0]
    assert (first.version, first.language, first.text) == ("1.2.0", "es", questionnaire.item(first.item).text["es"])
    assert ScreeningResult.from_dict(result.to_dict()).questions_seen == result.questions_seen


def test_kept_words_win_over_todays(questionnaire: Questionnaire) -> None:
    result = score(questionnaire, answers())
    seen = result.questions_seen
    reworded = ScreeningResult.from_dict({
        **result.to_dict(),
        "questions_seen": [{"id": s.item, "version": s.version, "language": s.language,
                            "text": "Old words." if s.item == "swelling" else s.text} for s in seen],
    })
    assert question_text(questionnaire, reworded, "swelling") == ("Old words.", "as_shown")
    assert wording_note(questionnaire, reworded) is None


def test_a_1_1_screening_still_shows_the_words_its_patient_saw(questionnaire: Questionnaire) -> None:
    old = stored_1_1_screening()
    assert old.questions_seen == ()
    assert old.red_flags == ("stroke_signs",)  # a retired id: still read, never reused
    seen = question_text(questionnaire, old, "stroke_signs")
    assert seen == (STROKE_1_1, "archived_version")
    assert question_text(questionnaire, old, "cold_pale_numb_limb") is not None
    assert answered_under(questionnaire, old).version == "1.1.0"
    note = wording_note(questionnaire, old)
    assert note is not None and "1.1.0" in note


def test_without_the_archive_todays_words_are_labelled(questionnaire: Questionnaire, tmp_path: Path) -> None:
    alone = tmp_path / "crps.yaml"
    alone.write_bytes(DEFAULT_QUESTIONNAIRE.read_bytes())
    moved = load_questionnaire(alone)
    assert archived_version(str(alone), "crps_symptom_screen", "1.1.0") is None
    old = stored_1_1_screening()
    assert question_text(moved, old, "self_harm_thoughts").source == "current_version"  # type: ignore[union-attr]
    assert "was not found" in (wording_note(moved, old) or "")


def test_coordinator_page_shows_the_1_1_words(questionnaire: Questionnaire) -> None:
    from types import SimpleNamespace

    from ui.coordinator.screening import answers_table

    old = stored_1_1_screening()
    row = SimpleNamespace(result=old, language="en", answers=dict(old.answers))
    html = answers_table(row, questionnaire)  # type: ignore[arg-type]
    assert "is your face, an arm or a leg suddenly weak or numb" in html
    assert questionnaire.item("stroke_signs_last_hours").text["en"] not in html  # not today's question
    assert "questionnaire 1.1.0" in html


@pytest.mark.parametrize("language", ["en", "es"])
def test_clinician_pdf_shows_the_words_the_patient_saw(questionnaire: Questionnaire, language: str) -> None:
    from datetime import UTC, datetime

    from report import SummaryHeader, SummaryOptions, build_summary

    def build(result: ScreeningResult) -> bytes:
        header = SummaryHeader(reference="K7M-4PX", submitted_at=datetime(2026, 1, 15, tzinfo=UTC),
                               language=result.language)
        return build_summary(result, questionnaire, header, SummaryOptions(variant="clinician"))

    old = stored_1_1_screening()
    pdf = build(old)
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "is your face, an arm or a leg suddenly weak" in text
    assert "In the last few hours, did your face start to droop" not in text
    new = score(questionnaire, answers(), language)
    text_new = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(build(new))).pages)
    assert "Say yes only if this is new for you" in text_new or "Diga que sí solo si" in text_new
