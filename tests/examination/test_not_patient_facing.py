"""Nothing a patient sees shows the examination or the CRPS Severity Score: the
patient flow and the PDF cannot reach the examination code, the patient's
words never speak of it, and the patient copy of a screening that was examined shows none of it."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from report import SummaryHeader, SummaryOptions, build_summary
from scoring import load_questionnaire, score
from tests.support.answers import DEFAULT_QUESTIONNAIRE, with_categories
from ui.patient.strings import all_strings

REPO = Path(__file__).resolve().parents[2]
EXAMINATION_MODULES = {"scoring.examination", "scoring._examination", "scoring.accuracy", "storage.examinations",
                       "scoring.fhir.examination", "ui.coordinator.examination", "ui.coordinator.accuracy"}
EXAM_WORDS = ("severity score", "budapest", "examination", "examined", "criteria", "clinician's conclusion",
              "allodynia", "hyperalgesia", "false alarm")
PATIENT_CODE = sorted([*(REPO / "ui" / "patient").rglob("*.py"), *(REPO / "report").rglob("*.py"),
                       REPO / "app.py"])


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return found


@pytest.mark.parametrize("path", PATIENT_CODE, ids=lambda p: str(p.relative_to(REPO)))
def test_patient_flow_and_pdf_cannot_reach_the_examination(path: Path) -> None:
    assert _imports(path) & EXAMINATION_MODULES == set()


def _patient_strings() -> list[str]:
    questionnaire = load_questionnaire(DEFAULT_QUESTIONNAIRE)
    texts = [value for by_language in all_strings().values() for value in by_language.values()]
    for item in questionnaire.items:
        for text in (item.text, item.short, item.help, *(choice.label for choice in item.choices)):
            texts += [value for _, value in text.by_language] if text is not None else []
    for message in questionnaire.messages.values():
        texts += [value for _, value in message.by_language]
    for tier in questionnaire.tiers:
        texts += [value for _, value in tier.label.by_language]
    return texts


def test_no_patient_facing_string_speaks_of_the_examination_or_the_css() -> None:
    offenders = [text for text in _patient_strings() if any(word in text.lower() for word in EXAM_WORDS)]
    assert offenders == []


def test_the_patient_copy_of_an_examined_screening_shows_no_examination() -> None:
    questionnaire = load_questionnaire(DEFAULT_QUESTIONNAIRE)
    result = score(questionnaire, with_categories("sensory", "vasomotor", "motor_trophic"), "en")
    header = SummaryHeader(reference="K7M-4PX", submitted_at=datetime(2026, 12, 1, tzinfo=UTC), language="en",
                           status="reviewed", note=None)
    for variant in ("patient", "clinician"):
        options = SummaryOptions(variant=variant, clinic_name="Clinic", clinic_address="",  # type: ignore[arg-type]
                                 generated_at=datetime.now(UTC), timezone=UTC)
        pdf = build_summary(result, questionnaire, header, options)
        from io import BytesIO

        text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages).lower()
        assert not [word for word in ("severity score", "budapest", "hyperalgesia", "examination record")
                    if word in text], variant
