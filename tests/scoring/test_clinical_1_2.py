"""Vignettes against the real questionnaire 1.2.0: new-not-usual red flags, the ASQ
acuity question, red-flag rules (combinations), the 1.2 counting, retired ids and the loader's
errors for bad `red_flag_rules`."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from scoring import Questionnaire, QuestionnaireError, parse_questionnaire, red_flag_concerns, score
from tests.support.answers import DEFAULT_QUESTIONNAIRE, NO_PAIN, answers, with_categories

# A patient with long-standing CRPS of the left arm, reading each red flag as written: the limb
# is cold, numb, weak, blotchy and swells in flares, every day. None of it is new, so each
# "Say yes only if this is new for you" question is no; the symptom questions are yes.
CHRONIC_CRPS_ARM = answers(
    pain_duration="gt_6m", touch_sensitivity="yes", temperature_difference="yes", skin_color_change="yes",
    sweating_change="yes", swelling="yes", stiffness="yes", weakness_tremor_or_odd_position="yes",
    cast_or_tight_bandage="no", injury_or_surgery_2_weeks="no",
)


def test_chronic_crps_limb_with_no_new_change_is_not_urgent(questionnaire: Questionnaire) -> None:
    result = score(questionnaire, CHRONIC_CRPS_ARM)
    assert result.tier == "referral_suggested"
    assert not result.urgent and result.red_flags == () and result.red_flag_level is None


@pytest.mark.parametrize(
    ("given", "flags", "level"),
    [
        pytest.param({"fever_with_hot_red_limb": "yes", "redness_spreading_fast": "yes"},
                     ("fever_with_hot_red_limb", "redness_spreading_fast", "deep_infection"), "emergency",
                     id="fever+spreading-redness=emergency"),
        pytest.param({"fever_with_hot_red_limb": "yes", "arm_or_leg_newly_swollen": "yes"},
                     ("arm_or_leg_newly_swollen", "fever_with_hot_red_limb", "deep_infection"), "emergency",
                     id="fever+hot-swollen-limb=emergency"),
        pytest.param({"fever_with_hot_red_limb": "yes"}, ("fever_with_hot_red_limb",), "same_day",
                     id="fever-alone=same-day"),
        pytest.param({"redness_spreading_fast": "yes"}, ("redness_spreading_fast",), "same_day",
                     id="redness-alone=same-day"),
        pytest.param({"spine_procedure_4_weeks": "yes", "legs_newly_weak": "no", "bladder_or_bowel_new_trouble": "no",
                      "fever_with_hot_red_limb": "yes"},
                     ("fever_with_hot_red_limb", "spine_procedure_warning"), "emergency", id="spine+fever=emergency"),
        pytest.param({"spine_procedure_4_weeks": "yes", "legs_newly_weak": "yes", "bladder_or_bowel_new_trouble": "no"},
                     ("spine_procedure_warning",), "emergency", id="spine+new-leg-weakness=emergency"),
        pytest.param({"spine_procedure_4_weeks": "yes", "legs_newly_weak": "no", "bladder_or_bowel_new_trouble": "yes"},
                     ("spine_procedure_warning",), "emergency", id="spine+bladder=emergency"),
        pytest.param({"spine_procedure_4_weeks": "yes", "legs_newly_weak": "no", "bladder_or_bowel_new_trouble": "no"},
                     (), None, id="spine-alone=not-urgent"),
        pytest.param({"chest_pain_or_breathless_2_days": "yes"}, ("chest_symptoms_stopped",), "same_day",
                     id="chest-symptoms-stopped=same-day"),
        pytest.param({"chest_pain_or_breathless_2_days": "yes", "breathless_or_chest_pain": "yes"},
                     ("breathless_or_chest_pain",), "emergency", id="chest-symptoms-now=emergency-not-the-rule"),
        pytest.param({"injury_or_surgery_2_weeks": "yes", "pain_worse_fast_after_injury": "yes"},
                     ("pain_worse_fast_after_injury",), "emergency", id="compartment-after-injury-no-cast=emergency"),
        pytest.param({"cast_or_tight_bandage": "yes", "tight_cast_worsening_pain": "yes"},
                     ("tight_cast_worsening_pain",), "emergency", id="compartment-under-cast=emergency"),
        pytest.param({"self_harm_thoughts": "yes", "self_harm_now": "yes"},
                     ("self_harm_thoughts", "self_harm_now"), "emergency", id="asq-acuity-yes=emergency"),
        pytest.param({"self_harm_thoughts": "prefer_not_to_say", "self_harm_now": "yes"},
                     ("self_harm_thoughts", "self_harm_now"), "emergency", id="refusal-then-acuity-yes=emergency"),
        pytest.param({"self_harm_thoughts": "yes", "self_harm_now": "no"}, ("self_harm_thoughts",), "talk_now",
                     id="asq-acuity-no-leaves-talk-now"),
        pytest.param({"self_harm_thoughts": "prefer_not_to_say", "self_harm_now": "no"}, ("self_harm_thoughts",),
                     "talk_now", id="refusal-acuity-no-leaves-talk-now"),
    ],
)
def test_red_flag_vignettes(
    questionnaire: Questionnaire, given: dict[str, object], flags: tuple[str, ...], level: str | None
) -> None:
    result = score(questionnaire, {**NO_PAIN, **given})
    assert result.red_flags == flags
    assert result.urgent is bool(flags)
    assert result.red_flag_level == level


def test_a_rule_is_shown_to_staff_as_its_concern_and_in_the_reasons(questionnaire: Questionnaire) -> None:
    result = score(questionnaire, {**NO_PAIN, "fever_with_hot_red_limb": "yes", "redness_spreading_fast": "yes"})
    concerns = red_flag_concerns(questionnaire, result, "en")
    assert concerns[0].endswith("possible necrotising or deep infection: emergency now")  # most severe first
    assert any(reason.startswith("Urgent: fever or chills with spreading redness") for reason in result.reasons)
    spanish = score(questionnaire, {**NO_PAIN, "fever_with_hot_red_limb": "yes", "redness_spreading_fast": "yes"}, "es")
    assert any("necrosante" in line for line in red_flag_concerns(questionnaire, spanish, "es"))


def test_self_harm_now_is_asked_only_after_yes_or_refusal_and_then_required(questionnaire: Questionnaire) -> None:
    assert "self_harm_now" not in score(questionnaire, NO_PAIN).shown
    from scoring import AnswersInvalid

    for answer in ("yes", "prefer_not_to_say"):
        with pytest.raises(AnswersInvalid, match="self_harm_now: required"):
            score(questionnaire, {**NO_PAIN, "self_harm_thoughts": answer})
    item = questionnaire.item("self_harm_now")
    assert item.text["en"] == "Are you having thoughts of killing yourself right now?"
    assert item.red_flag is not None and item.red_flag.level == "emergency"
    assert "988" in item.red_flag.message["en"] and "988" in item.red_flag.message["es"]


def test_talk_now_message_does_not_thank_a_refusal(questionnaire: Questionnaire) -> None:
    flag = questionnaire.item("self_harm_thoughts").red_flag
    assert flag is not None
    assert "Thank you for telling us" not in flag.message["en"]
    assert "Gracias por decírnoslo" not in flag.message["es"]
    assert questionnaire.item("self_harm_thoughts").choice("prefer_not_to_say").label["es"] == "Prefiero no responder"


# --- counting (1.2) -----------------------------------------------------------------------------

COUNTING = [
    pytest.param(with_categories("sensory", "vasomotor", "sudomotor_edema", pain_duration="1_3m"),
                 "referral_suggested", id="3-yes-1-month=referral"),
    pytest.param(with_categories("sensory", "vasomotor", "sudomotor_edema", pain_duration="lt_1m"),
                 "clinician_review", id="3-yes-under-1-month=clinician-review"),
    pytest.param(with_categories("sensory", "vasomotor", "sudomotor_edema", "motor_trophic", pain_duration="lt_1m"),
                 "clinician_review", id="4-yes-under-1-month=clinician-review"),
    pytest.param(with_categories("sensory", "vasomotor", "sudomotor_edema", pain_duration=None),
                 "clinician_review", id="3-yes-length-unknown=clinician-review"),
    pytest.param(with_categories("sensory", "vasomotor", sweating_change="unsure"),
                 "clinician_review", id="2-yes+1-unsure=clinician-review"),
    pytest.param(with_categories("sensory", sweating_change="unsure", stiffness="unsure"),
                 "clinician_review", id="1-yes+2-unsure=clinician-review"),
    pytest.param(with_categories("sensory", sweating_change="unsure"),
                 "no_referral_suggested", id="1-yes+1-unsure=no-referral"),
    pytest.param(with_categories("sensory", sweating_change="unsure", stiffness="unsure", pain_disproportionate="no"),
                 "no_referral_suggested", id="unsure-counts-only-with-the-gate"),
    pytest.param(with_categories("sensory", "vasomotor", "sudomotor_edema", pain_duration="lt_1m",
                                 pain_disproportionate="no"),
                 "clinician_review", id="not-out-of-proportion-under-1-month=clinician-review"),
]


@pytest.mark.parametrize(("given", "tier"), COUNTING)
def test_counting_boundaries(questionnaire: Questionnaire, given: dict[str, object], tier: str) -> None:
    assert score(questionnaire, given).tier == tier


def test_cramp_is_not_asked_and_colour_that_comes_and_goes_is(questionnaire: Questionnaire) -> None:
    motor = questionnaire.item("weakness_tremor_or_odd_position").text
    assert "cramp" not in motor["en"].lower() and "calambre" not in motor["es"].lower()
    colour = questionnaire.item("skin_color_change").text
    assert "now and then" in colour["en"] and "blotchy" in colour["en"]


def test_pain_location_is_required_when_shown(questionnaire: Questionnaire) -> None:
    from scoring import AnswersInvalid

    with pytest.raises(AnswersInvalid, match="pain_location: required"):
        score(questionnaire, answers(pain_location=None))
    assert score(questionnaire, NO_PAIN).tier == "no_referral_suggested"  # not asked without pain


def test_no_referral_words_fit_a_patient_already_in_a_pain_clinic(questionnaire: Questionnaire) -> None:
    tier = questionnaire.tier("no_referral_suggested")
    assert tier.message["en"].startswith("Your answers do not point to a visit with a pain specialist.")
    assert "right now" not in tier.message["en"]
    assert tier.message["es"].startswith("Sus respuestas no sugieren una visita con un especialista en dolor.")
    assert "indican" not in questionnaire.tier("referral_suggested").message["es"]
    assert "la comentará con usted" in questionnaire.tier("referral_suggested").message["es"]


# --- ids mean one thing forever, and the loader's errors for red_flag_rules -----------------------

REAL: dict[str, Any] = yaml.safe_load(DEFAULT_QUESTIONNAIRE.read_text(encoding="utf-8"))


def problems_after(mutate: Any) -> tuple[str, ...]:
    document = copy.deepcopy(REAL)
    mutate(document)
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(yaml.safe_dump(document, allow_unicode=True), "questionnaires/test.yaml")
    return caught.value.problems


def _rule(document: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(rule for rule in document["red_flag_rules"] if rule["id"] == rule_id)


def _item(document: dict[str, Any], item_id: str) -> dict[str, Any]:
    return next(item for item in document["items"] if item["id"] == item_id)


def test_every_retired_id_is_listed_and_unused(questionnaire: Questionnaire) -> None:
    assert set(questionnaire.retired_ids) >= {
        "cold_pale_numb_limb", "sudden_leg_swelling_or_breathless", "spreading_redness_or_pus", "stroke_signs",
        "color_change", "weakness_tremor_spasm",
    }
    assert not set(questionnaire.retired_ids) & set(questionnaire.items_by_id)


def test_a_retired_id_cannot_come_back_with_another_meaning() -> None:
    problems = problems_after(lambda d: _item(d, "hand_or_foot_newly_cold").update(id="cold_pale_numb_limb"))
    assert len(problems) == 1
    assert problems[0].startswith(
        "questionnaires/test.yaml: items[cold_pale_numb_limb].id: 'cold_pale_numb_limb' is a retired id"
    )
    rule_problems = problems_after(lambda d: _rule(d, "deep_infection").update(id="stroke_signs"))
    assert rule_problems[0].startswith(
        "questionnaires/test.yaml: red_flag_rules[stroke_signs].id: 'stroke_signs' is a retired id"
    )


RULE_ERRORS = [
    pytest.param(lambda d: _rule(d, "deep_infection")["all"][0].update(item="fever_typo"),
                 "questionnaires/test.yaml: red_flag_rules[deep_infection].all[0]: unknown item 'fever_typo'",
                 id="unknown-item"),
    pytest.param(lambda d: _rule(d, "deep_infection")["any"][1].update({"in": ["maybe"]}),
                 "questionnaires/test.yaml: red_flag_rules[deep_infection].any[1]: 'maybe' is not an answer of item "
                 "'arm_or_leg_newly_swollen'", id="unknown-answer"),
    pytest.param(lambda d: _rule(d, "deep_infection")["message"].pop("es"),
                 "questionnaires/test.yaml: red_flag_rules[deep_infection].message.es: missing text for this language",
                 id="missing-language"),
    pytest.param(lambda d: _rule(d, "chest_symptoms_stopped").update(level="soon"),
                 "questionnaires/test.yaml: red_flag_rules[chest_symptoms_stopped].level: unknown level 'soon'; "
                 "use one of emergency, talk_now, same_day", id="bad-level"),
    pytest.param(lambda d: _rule(d, "chest_symptoms_stopped").pop("concern"),
                 "questionnaires/test.yaml: red_flag_rules[chest_symptoms_stopped].concern: missing",
                 id="missing-concern"),
    pytest.param(lambda d: _rule(d, "chest_symptoms_stopped").update(all=[]),
                 "questionnaires/test.yaml: red_flag_rules[chest_symptoms_stopped].all: must be a non-empty list "
                 "of conditions", id="empty-all"),
    pytest.param(lambda d: _rule(d, "chest_symptoms_stopped").update(when="x"),
                 "questionnaires/test.yaml: red_flag_rules[chest_symptoms_stopped].when: unknown key",
                 id="unknown-key"),
    pytest.param(lambda d: _rule(d, "deep_infection").update(id="swelling"),
                 "questionnaires/test.yaml: red_flag_rules[swelling].id: 'swelling' is already an item id",
                 id="id-of-an-item"),
    pytest.param(lambda d: _rule(d, "deep_infection")["any"].append({"item": "swelling", "in": ["yes"]}),
                 "questionnaires/test.yaml: red_flag_rules[deep_infection].any[2]: item 'swelling' must be required "
                 "and shown always or only after a required, always-shown item (a red-flag rule must not be skipped)",
                 id="optional-item"),
    pytest.param(lambda d: d["scoring"]["tiers"][1]["when"]["any_of"][3].update(count=["yes", "maybe"]),
                 "questionnaires/test.yaml: scoring.tiers[clinician_review].when.any_of[3].count: 'maybe' is not an "
                 "answer of any category item", id="tier-count-unknown-answer"),
]


@pytest.mark.parametrize(("mutate", "expected"), RULE_ERRORS)
def test_bad_red_flag_rule_is_one_line_naming_file_rule_and_field(mutate: Any, expected: str) -> None:
    problems = problems_after(mutate)
    assert expected in problems, problems
    assert all("\n" not in problem for problem in problems)


def test_a_rule_in_a_refused_answer_set_still_says_urgent(questionnaire: Questionnaire) -> None:
    """When in doubt, urgent for combinations too: a row with another error still
    carries the rule its raw answers meet (neither chest answer is a red flag alone)."""
    from scoring import AnswersInvalid

    given = {**NO_PAIN, "chest_pain_or_breathless_2_days": "yes", "swelling": "maybe"}
    with pytest.raises(AnswersInvalid) as caught:
        score(questionnaire, given)
    assert [(flag.item, flag.level) for flag in caught.value.red_flags] == [("chest_symptoms_stopped", "same_day")]
