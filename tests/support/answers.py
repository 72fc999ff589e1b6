"""Answer sets for the default questionnaire: a base patient and the changes tests make to it."""

from __future__ import annotations

from pathlib import Path

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
    "skin_color_change": "no",
    "sweating_change": "no",
    "swelling": "no",
    "stiffness": "no",
    "weakness_tremor_or_odd_position": "no",
    "skin_hair_nail_change": "no",
    "sleep_problems": "no",
    "mood_low": "no",
    "hand_or_foot_newly_pale": "no",
    "hand_or_foot_newly_cold": "no",
    "hand_or_foot_newly_numb": "no",
    "hand_or_foot_newly_weak": "no",
    "arm_or_leg_newly_swollen": "no",
    "breathless_or_chest_pain": "no",
    "chest_pain_or_breathless_2_days": "no",
    "fever_with_hot_red_limb": "no",
    "redness_spreading_fast": "no",
    "wound_with_pus": "no",
    "cast_or_tight_bandage": "yes",  # so the cast red flag is asked: any red flag can be switched on
    "tight_cast_worsening_pain": "no",
    "injury_or_surgery_2_weeks": "yes",  # likewise for the red flag after a recent injury
    "pain_worse_fast_after_injury": "no",
    "stroke_signs_last_hours": "no",
    "spine_procedure_4_weeks": "no",
    "self_harm_thoughts": "no",
}
# One item per category (the first), used to switch a category on with a single "yes".
FIRST_ITEM = {
    "sensory": "touch_sensitivity",
    "vasomotor": "temperature_difference",
    "sudomotor_edema": "sweating_change",
    "motor_trophic": "stiffness",
}
# Each red-flag item a single "yes" switches on from BASE_ANSWERS. self_harm_now is asked only
# after a yes (or a refusal) to self_harm_thoughts, so it is tested with it (SELF_HARM_NOW).
RED_FLAGS = (
    "hand_or_foot_newly_pale",
    "hand_or_foot_newly_cold",
    "hand_or_foot_newly_numb",
    "hand_or_foot_newly_weak",
    "arm_or_leg_newly_swollen",
    "breathless_or_chest_pain",
    "fever_with_hot_red_limb",
    "redness_spreading_fast",
    "wound_with_pus",
    "tight_cast_worsening_pain",
    "pain_worse_fast_after_injury",
    "stroke_signs_last_hours",
    "self_harm_thoughts",
)
SHOWN_AFTER_A_YES = ("tight_cast_worsening_pain", "pain_worse_fast_after_injury")
# The questions everyone is asked, pain or not, all answered "no" (no cast, no recent injury, no
# spine procedure: the questions that follow those are then not asked).
SAFETY_NO: dict[str, object] = {
    **{flag: "no" for flag in RED_FLAGS if flag not in SHOWN_AFTER_A_YES},
    "chest_pain_or_breathless_2_days": "no",
    "cast_or_tight_bandage": "no",
    "injury_or_surgery_2_weeks": "no",
    "spine_procedure_4_weeks": "no",
}
NO_PAIN: dict[str, object] = {"pain_present": "no", **SAFETY_NO}


def answers(**overrides: object) -> dict[str, object]:
    """BASE_ANSWERS with some answers changed; a value of None removes the answer.

    A yes (or a refusal) to self_harm_thoughts asks self_harm_now (required): it is answered
    "no" here unless given, like every other red flag in BASE_ANSWERS.
    """
    merged = {**BASE_ANSWERS, **overrides}
    if merged.get("self_harm_thoughts") in ("yes", "prefer_not_to_say") and "self_harm_now" not in overrides:
        merged["self_harm_now"] = "no"
    return {key: value for key, value in merged.items() if value is not None}


def with_categories(*categories: str, **overrides: object) -> dict[str, object]:
    """Answers with a "yes" in each named category."""
    return answers(**{FIRST_ITEM[c]: "yes" for c in categories}, **overrides)

