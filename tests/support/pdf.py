"""The PDF summary built with a fixed header and clinic, and its text read back with pypdf."""

from __future__ import annotations

import io
from datetime import UTC, datetime, tzinfo

from pypdf import PdfReader

from report import SummaryHeader, SummaryOptions, build_summary
from scoring import Questionnaire, ScreeningResult, load_questionnaire
from tests.support.answers import DEFAULT_QUESTIONNAIRE

QUESTIONNAIRE: Questionnaire = load_questionnaire(DEFAULT_QUESTIONNAIRE)
WHEN = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def build(result: ScreeningResult, variant: str = "clinician", note: str | None = None, language: str = "en",
          timezone: tzinfo = UTC) -> bytes:
    header = SummaryHeader(reference="K7M-4PX", submitted_at=WHEN, language=language, status="new", note=note)
    options = SummaryOptions(variant=variant, clinic_name="Bayside Pain Clinic",  # type: ignore[arg-type]
                             clinic_address="100 Main St, Tampa, FL", generated_at=WHEN, timezone=timezone)
    return build_summary(result, QUESTIONNAIRE, header, options)


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
