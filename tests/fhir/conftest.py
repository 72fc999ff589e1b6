"""Shared pieces for the FHIR tests: the questionnaire, its export and one scored screening."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from scoring import Questionnaire, ScreeningResult, score
from scoring.fhir import questionnaire_resource
from tests.support.answers import DEFAULT_QUESTIONNAIRE, NO_PAIN, REPO, answers, with_categories

BASE = "https://clinic.example/fhir"
AUTHORED = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)

__all__ = ["AUTHORED", "BASE", "DEFAULT_QUESTIONNAIRE", "NO_PAIN", "REPO", "answers", "with_categories"]


@pytest.fixture(scope="session")
def exported(questionnaire: Questionnaire) -> dict[str, Any]:
    return questionnaire_resource(questionnaire, base_url=BASE)


@pytest.fixture
def urgent_referral(questionnaire: Questionnaire) -> ScreeningResult:
    """Three categories and two red flags, answered in Spanish."""
    flat = with_categories("sensory", "vasomotor", "sudomotor_edema", self_harm_thoughts="yes",
                           hand_or_foot_newly_pale="yes", pain_location=["left_arm", "right_leg"])
    return score(questionnaire, flat, "es")
