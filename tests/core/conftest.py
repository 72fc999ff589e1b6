"""Fixtures for the core tests: the real questionnaire and answer sets built from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring import Questionnaire, load_questionnaire

REPO = Path(__file__).resolve().parents[2]
DEFAULT_QUESTIONNAIRE = REPO / "questionnaires" / "crps.yaml"

# A patient with ongoing, disproportionate pain, no symptom "yes" and no red flag.
BASE_ANSWERS: dict[str, object] = {
    "pain_present": "yes",
    "pain_location": ["left_arm"],
    "inciting_event": "yes",
    "pain_disproportionate": "yes",
    "pain_duration": "3_6m",
    "pain_intensity": 6,
    "burning_pain": "no",
    "touch_sensitivity": "no",
    "temperature_difference": "no",
    "color_change": "no",
    "sweating_change": "no",
    "swelling": "no",
    "stiffness": "no",
    "weakness_tremor_spasm": "no",
    "skin_hair_nail_change": "no",
    "sleep_problems": "no",
    "mood_low": "no",
    "cold_pale_numb_limb": "no",
    "sudden_leg_swelling_or_breathless": "no",
    "breathless_or_chest_pain": "no",
    "fever_with_hot_red_limb": "no",
    "spreading_redness_or_pus": "no",
    "cast_or_tight_bandage": "yes",  # so the cast red flag is asked: any red flag can be switched on
    "tight_cast_worsening_pain": "no",
    "stroke_signs": "no",
    "self_harm_thoughts": "no",
}
# One item per category (the first), used to switch a category on with a single "yes".
FIRST_ITEM = {
    "sensory": "touch_sensitivity",
    "vasomotor": "temperature_difference",
    "sudomotor_edema": "sweating_change",
    "motor_trophic": "stiffness",
}
RED_FLAGS = (
    "cold_pale_numb_limb",
    "sudden_leg_swelling_or_breathless",
    "breathless_or_chest_pain",
    "fever_with_hot_red_limb",
    "spreading_redness_or_pus",
    "tight_cast_worsening_pain",
    "stroke_signs",
    "self_harm_thoughts",
)
# The questions everyone is asked, pain or not, all answered "no" (no cast: the cast red flag
# is then not asked).
SAFETY_NO: dict[str, object] = {
    **{flag: "no" for flag in RED_FLAGS if flag != "tight_cast_worsening_pain"},
    "cast_or_tight_bandage": "no",
}
NO_PAIN: dict[str, object] = {"pain_present": "no", **SAFETY_NO}


def answers(**overrides: object) -> dict[str, object]:
    """BASE_ANSWERS with some answers changed; a value of None removes the answer."""
    merged = {**BASE_ANSWERS, **overrides}
    return {key: value for key, value in merged.items() if value is not None}


def with_categories(*categories: str, **overrides: object) -> dict[str, object]:
    """Answers with a "yes" in each named category."""
    return answers(**{FIRST_ITEM[c]: "yes" for c in categories}, **overrides)


@pytest.fixture(scope="session")
def questionnaire() -> Questionnaire:
    return load_questionnaire(DEFAULT_QUESTIONNAIRE)
