"""The PDF summary read back with pypdf, and every page rendered with pdftoppm."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from report import summary_filename
from scoring import answer_text, score
from tests.support.answers import NO_PAIN, RED_FLAGS, answers, with_categories
from tests.support.pdf import QUESTIONNAIRE, build, text_of
from tests.support.wording import DIAGNOSIS_WORDING

PNG_FOLDER = Path(__file__).resolve().parents[2] / "artifacts" / "pdf"


REFERRAL = score(QUESTIONNAIRE, with_categories("sensory", "vasomotor", "sudomotor_edema"))
URGENT_ES = score(QUESTIONNAIRE, with_categories("sensory", "vasomotor", self_harm_thoughts="prefer_not_to_say"), "es")


def test_clinician_copy_has_everything() -> None:
    text = text_of(build(REFERRAL))
    assert "CRPS symptom screening summary" in text and "K7M-4PX" in text
    assert "Bayside Pain Clinic" in text
    assert "Suggestion: Referral suggested" in text
    assert "This is a screening aid, not a diagnosis." in text
    assert "exclusion of other causes need an examination" in text
    for category in ("Feeling and touch", "Skin warmth and color", "Sweating and swelling"):
        assert category in text
    for item in QUESTIONNAIRE.items:  # every question as the patient saw it
        assert " ".join(item.text["en"].split())[:40] in text
    assert "URGENT" not in text
    assert f"{QUESTIONNAIRE.id}, version {QUESTIONNAIRE.version}" in text


def test_page_numbers_and_footer_on_every_page() -> None:
    reader = PdfReader(io.BytesIO(build(URGENT_ES)))
    total = len(reader.pages)
    assert total >= 2
    for number, page in enumerate(reader.pages, start=1):
        page_text = page.extract_text() or ""
        assert f"Page {number} of {total}" in page_text
        assert "K7M-4PX" in page_text and "2026-11-24 09:30 UTC" in page_text


def test_metadata_set() -> None:
    metadata = PdfReader(io.BytesIO(build(REFERRAL))).metadata
    assert metadata is not None
    assert metadata.title == "CRPS symptom screening summary"
    assert metadata.subject == "Reference K7M-4PX"


def test_urgent_banner_only_when_urgent() -> None:
    text = text_of(build(URGENT_ES))
    assert "URGENT: talk with the patient now" in text
    assert "possible risk of self-harm" in text
    assert "URGENT" not in text_of(build(REFERRAL))


def test_patient_copy_in_spanish_round_trips_accents() -> None:
    text = text_of(build(URGENT_ES, variant="patient", language="es"))
    assert "Su revisión de síntomas de dolor" in text
    assert "Por favor, avise ahora a alguien del personal" in text
    assert "llame al 911" in text and "988" in text
    assert "No es un diagnóstico" in text or "no es un diagnóstico" in text
    assert QUESTIONNAIRE.item("pain_present").text["es"][:40] in text
    assert "Página 1 de" in text
    assert "categor" not in text.lower() and "3 de 4" not in text  # no scores or counts


def test_answers_read_as_scoring_words_them() -> None:
    """One owner for answer text: the PDF says what `scoring.answer_text` says."""
    result = score(QUESTIONNAIRE, answers(swelling="unsure", pain_duration=None, pain_intensity=7))
    text = text_of(build(result))
    assert "Not sure" in text
    skipped = answer_text(QUESTIONNAIRE, result, "pain_duration", None, "en")
    assert skipped == "Skipped" and skipped in text
    assert answer_text(QUESTIONNAIRE, result, "pain_intensity", 7, "en") == "7 out of 10"
    assert "7 out of 10" in text


def test_not_asked_when_hidden_by_branching() -> None:
    result = score(QUESTIONNAIRE, NO_PAIN)
    assert "Not asked" in text_of(build(result))


@pytest.mark.parametrize("variant", ["clinician", "patient"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_no_diagnosis_wording(variant: str, language: str) -> None:
    result = score(QUESTIONNAIRE, with_categories("sensory", "vasomotor", "sudomotor_edema", "motor_trophic"), language)
    text = text_of(build(result, variant=variant, language=language))
    assert DIAGNOSIS_WORDING.search(text) is None


def test_hostile_note_is_inert_and_long_text_wraps() -> None:
    hostile = '<script>alert(1)</script> <font size=99>big</font> & ' + "W" * 500
    every_flag = score(QUESTIONNAIRE, answers(**{flag: "yes" for flag in RED_FLAGS}))
    pdf = build(every_flag, note=hostile)
    text = text_of(pdf)
    assert "<script>alert(1)</script>" in text and "<font size=99>" in text
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) <= 5
    width = float(reader.pages[0].mediabox.width)
    for page in reader.pages:  # nothing drawn past the right edge
        xs: list[float] = []
        page.extract_text(visitor_text=lambda t, cm, tm, *_: xs.append(tm[4]) if t.strip() else None)
        assert max(xs) < width


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_any_note_builds(note: str) -> None:
    assert build(REFERRAL, note=note).startswith(b"%PDF")


def test_file_name_has_only_the_reference() -> None:
    assert summary_filename("K7M-4PX", "clinician") == "crps-screen-K7M-4PX-clinician.pdf"
    assert summary_filename("../K7M 4PX", "patient") == "crps-screen-K7M4PX-patient.pdf"


def test_every_page_renders_with_pdftoppm() -> None:
    if shutil.which("pdftoppm") is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("pdftoppm missing (apt-get install poppler-utils); REQUIRE_BROWSER=1")
        pytest.skip("pdftoppm not installed")
    PNG_FOLDER.mkdir(parents=True, exist_ok=True)
    cases = {"clinician-referral": build(REFERRAL), "clinician-urgent": build(URGENT_ES),
             "patient-urgent-es": build(URGENT_ES, variant="patient", language="es")}
    for name, pdf in cases.items():
        source = PNG_FOLDER / f"{name}.pdf"
        source.write_bytes(pdf)
        for old in PNG_FOLDER.glob(f"{name}-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-png", "-r", "70", str(source), str(PNG_FOLDER / name)], check=True,
                       capture_output=True)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        assert len(list(PNG_FOLDER.glob(f"{name}-*.png"))) == pages
        assert all(re.search(r"-\d+\.png$", p.name) for p in PNG_FOLDER.glob(f"{name}-*.png"))
