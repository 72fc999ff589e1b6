"""Any valid answer set for the default questionnaire (a hypothesis strategy), and its red-flag
rules written out by hand to check the engine against."""

from __future__ import annotations

from hypothesis import strategies as st

from scoring import Questionnaire, load_questionnaire
from tests.support.answers import DEFAULT_QUESTIONNAIRE

QUESTIONNAIRE: Questionnaire = load_questionnaire(DEFAULT_QUESTIONNAIRE)


@st.composite
def answer_sets(draw: st.DrawFn) -> dict[str, object]:
    """Any valid, complete answer set for the default questionnaire."""
    result: dict[str, object] = {}
    for item in QUESTIONNAIRE.items:
        optional = not item.required
        if optional and draw(st.booleans()):
            continue
        if item.kind == "integer":
            assert item.minimum is not None and item.maximum is not None
            result[item.id] = draw(st.integers(item.minimum, item.maximum))
        elif item.kind == "multiple":
            result[item.id] = draw(st.lists(st.sampled_from([c.code for c in item.choices]), unique=True,
                                            min_size=1 if item.required else 0))
        else:
            result[item.id] = draw(st.sampled_from([c.code for c in item.choices]))
    return result


def expected_rules(given_answers: dict[str, object]) -> set[str]:
    """The red-flag rules of questionnaires/crps.yaml, written out by hand (all items asked of everyone,
    or after a yes to the spine question)."""
    said = given_answers.get
    spine = said("spine_procedure_4_weeks") == "yes"
    rules = set()
    if said("fever_with_hot_red_limb") == "yes" and "yes" in (said("redness_spreading_fast"),
                                                            said("arm_or_leg_newly_swollen")):
        rules.add("deep_infection")
    if spine and "yes" in (said("fever_with_hot_red_limb"), said("legs_newly_weak"),
                           said("bladder_or_bowel_new_trouble")):
        rules.add("spine_procedure_warning")
    if said("breathless_or_chest_pain") == "no" and said("chest_pain_or_breathless_2_days") == "yes":
        rules.add("chest_symptoms_stopped")
    return rules
