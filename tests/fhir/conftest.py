"""Fixtures for the FHIR tests: the questionnaire's export and one scored screening."""

from __future__ import annotations

from typing import Any

import pytest

from scoring import Questionnaire, ScreeningResult, score
from scoring.fhir import questionnaire_resource
from tests.support.answers import with_categories
from tests.support.fhir import BASE


@pytest.fixture(scope="session")
def exported(questionnaire: Questionnaire) -> dict[str, Any]:
    return questionnaire_resource(questionnaire, base_url=BASE)


@pytest.fixture
def urgent_referral(questionnaire: Questionnaire) -> ScreeningResult:
    """Three categories and two red flags, answered in Spanish."""
    flat = with_categories("sensory", "vasomotor", "sudomotor_edema", self_harm_thoughts="yes",
                           hand_or_foot_newly_pale="yes", pain_location=["left_arm", "right_leg"])
    return score(questionnaire, flat, "es")
