"""Answer plans for whole screenings, by item id (unlisted items are skipped if optional)."""

from __future__ import annotations

from scoring import AnswerValue

NO_RED_FLAGS: dict[str, AnswerValue] = {
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
    "cast_or_tight_bandage": "no",  # so the tight-cast red flag is not asked
    "injury_or_surgery_2_weeks": "no",  # so the after-injury red flag is not asked
    "stroke_signs_last_hours": "no",
    "spine_procedure_4_weeks": "no",  # so its two follow-up questions are not asked
    "self_harm_thoughts": "no",
}
PAIN: dict[str, AnswerValue] = {
    "pain_present": "yes",
    "pain_location": ("left_arm",),
    "inciting_event": "yes",
    "pain_disproportionate": "yes",
    "pain_duration": "3_6m",
    "pain_intensity": 7,
}
# Three symptom groups (sensory, vasomotor, sudomotor/edema) → referral suggested (burning pain
# is the pain itself and counts for no group since 1.1).
REFERRAL = {**PAIN, "burning_pain": "yes", "touch_sensitivity": "yes", "temperature_difference": "yes",
            "swelling": "yes", "stiffness": "unsure", **NO_RED_FLAGS}
# Two symptom groups → clinician review.
CLINICIAN_REVIEW = {**PAIN, "touch_sensitivity": "yes", "skin_color_change": "yes", "swelling": "no", **NO_RED_FLAGS}
NO_PAIN = {"pain_present": "no", **NO_RED_FLAGS}
# A refusal on the self-harm question counts as positive (PHQ-9 item 9 / ASQ practice); the
# acuity question that follows it (self_harm_now) is "no", so it stays talk_now.
URGENT = {**NO_PAIN, "self_harm_thoughts": "prefer_not_to_say", "self_harm_now": "no"}
BEFORE_STROKE = {"pain_present": "no",
                 **{k: "no" for k in NO_RED_FLAGS if k not in ("stroke_signs_last_hours", "self_harm_thoughts")}}
"""No pain, and "no" to each red flag asked before the stroke question."""
