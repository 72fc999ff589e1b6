"""The `examination:` section is validated at load, and the counting of criteria and the CRPS
Severity Score follows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring import QuestionnaireError, load_questionnaire, parse_questionnaire, score
from scoring.examination import ExaminationFindings, ExaminationInvalid, check_findings, read_findings
from tests.support.answers import DEFAULT_QUESTIONNAIRE, with_categories

TEXT = Path(DEFAULT_QUESTIONNAIRE).read_text(encoding="utf-8")
NAME = "questionnaires/crps.yaml"


def _problems(text: str) -> list[str]:
    with pytest.raises(QuestionnaireError) as refused:
        parse_questionnaire(text, NAME)
    return list(refused.value.problems)


def test_the_default_questionnaire_has_16_signs_and_17_severity_items() -> None:
    spec = load_questionnaire(DEFAULT_QUESTIONNAIRE).examination
    assert spec is not None
    assert len(spec.signs) == 16 and len(spec.severity_items) == 17
    assert sum(item.is_sign for item in spec.severity_items) == 9  # Harden 2010: 8 symptoms, 9 signs


def test_a_sign_in_an_unknown_category_is_one_line_naming_file_sign_and_field() -> None:
    text = TEXT.replace("{id: oedema, category: sudomotor_edema,", "{id: oedema, category: sudomotor,")
    assert _problems(text) == [f"{NAME}: examination.signs[oedema].category: unknown category 'sudomotor'"]


def test_a_severity_score_not_17_items_long_is_refused() -> None:
    line = next(line for line in TEXT.splitlines() if "id: sign_range_of_motion" in line)
    problems = _problems(TEXT.replace(line + "\n", ""))
    assert problems == [f"{NAME}: examination.severity_score: has 16 items; the CRPS Severity Score has exactly 17"]


def test_a_severity_item_naming_an_unknown_sign_or_item_is_refused() -> None:
    text = TEXT.replace("signs: [hyperalgesia_pinprick]}", "signs: [hyperalgesia_pinpick]}")
    text = text.replace("symptom_items: [swelling]}", "symptom_items: [sweling]}")
    problems = _problems(text)
    assert f"{NAME}: examination.severity_score[sign_hyperalgesia].signs: unknown sign 'hyperalgesia_pinpick'" \
        in problems
    assert f"{NAME}: examination.severity_score[symptom_oedema].symptom_items: unknown item 'sweling'" in problems


def test_an_unknown_key_in_the_section_is_refused() -> None:
    text = TEXT.replace("  measured_temperature_sign:", "  measured_temprature_sign:")
    assert f"{NAME}: examination.measured_temprature_sign: unknown key" in _problems(text)


def test_without_the_section_the_questionnaire_still_loads_and_has_no_form() -> None:
    text = TEXT[: TEXT.index("\n# The clinician's examination")] + "\n"
    assert parse_questionnaire(text, NAME).examination is None


@pytest.fixture(scope="module")
def questionnaire():  # type: ignore[no-untyped-def]
    return load_questionnaire(DEFAULT_QUESTIONNAIRE)


def test_criteria_and_css_from_signs_and_reported_symptoms(questionnaire) -> None:  # type: ignore[no-untyped-def]
    result = score(questionnaire, with_categories("sensory", "vasomotor", "motor_trophic"), "en")
    findings = ExaminationFindings(signs=frozenset({"hyperalgesia_pinprick", "allodynia_light_touch", "oedema"}),
                                   criterion_d="no", conclusion="meets_budapest_clinical")
    readout = read_findings(questionnaire, result, findings)
    assert readout.symptom_categories == ("sensory", "vasomotor", "motor_trophic")
    assert readout.sign_categories == ("sensory", "sudomotor_edema")
    assert readout.criterion_b_met and readout.criterion_c_met and readout.criterion_d_met is True
    # 3 reported symptom items (one per category) + hyperalgesia + allodynia + oedema = 6
    assert readout.severity_score == 6
    assert readout.all_criteria_met == readout.criterion_a_reported


def test_signs_in_one_category_do_not_meet_c_and_d_unknown_is_none(questionnaire) -> None:  # type: ignore[no-untyped-def]
    result = score(questionnaire, with_categories("sensory"), "en")
    findings = ExaminationFindings(signs=frozenset({"weakness", "tremor", "dystonia"}), criterion_d="not_yet_known",
                                   conclusion="not_yet_decided")
    readout = read_findings(questionnaire, result, findings)
    assert not readout.criterion_c_met and not readout.criterion_b_met
    assert readout.criterion_d_met is None and not readout.all_criteria_met
    assert readout.severity_score == 2  # reported touch sensitivity; one motor sign item (three signs, one point)


def test_every_sign_and_every_symptom_is_17(questionnaire) -> None:  # type: ignore[no-untyped-def]
    every = {"touch_sensitivity", "temperature_difference", "skin_color_change", "sweating_change", "swelling",
             "stiffness", "weakness_tremor_or_odd_position", "skin_hair_nail_change"}
    result = score(questionnaire, with_categories(**dict.fromkeys(every, "yes")), "en")
    spec = questionnaire.examination
    findings = ExaminationFindings(signs=frozenset(sign.id for sign in spec.signs), criterion_d="no",
                                   conclusion="meets_budapest_clinical")
    assert read_findings(questionnaire, result, findings).severity_score == 17


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"signs": frozenset({"nonsense"})}, "unknown sign 'nonsense'", id="unknown-sign"),
        pytest.param({"conclusion": "has_crps"}, "conclusion", id="conclusion-not-allowed"),
        pytest.param({"criterion_d": "maybe"}, "criterion D", id="criterion-d"),
        pytest.param({"other_diagnosis": "gout"}, "only when criterion D is 'yes'", id="other-without-d"),
        pytest.param({"temperature_difference_c": 99.0}, "temperature difference", id="temperature"),
        pytest.param({"red_flags": (("stroke_signs_last_hours", "confirmed"),)}, "red flags", id="flag-not-raised"),
    ],
)
def test_findings_that_do_not_fit_are_refused_in_one_line(questionnaire, change, message) -> None:  # type: ignore[no-untyped-def]
    result = score(questionnaire, with_categories("sensory"), "en")
    fields = {"signs": frozenset(), "criterion_d": "no", "conclusion": "does_not_meet", **change}
    with pytest.raises(ExaminationInvalid, match=message) as refused:
        check_findings(questionnaire, result, ExaminationFindings(**fields))
    assert "\n" not in str(refused.value)


def test_every_raised_red_flag_needs_a_finding(questionnaire) -> None:  # type: ignore[no-untyped-def]
    result = score(questionnaire, with_categories("sensory", stroke_signs_last_hours="yes"), "en")
    assert "stroke_signs_last_hours" in result.red_flags
    bare = ExaminationFindings(signs=frozenset(), criterion_d="no", conclusion="does_not_meet")
    with pytest.raises(ExaminationInvalid, match="red flags"):
        check_findings(questionnaire, result, bare)
    check_findings(questionnaire, result, ExaminationFindings(
        signs=frozenset(), criterion_d="no", conclusion="does_not_meet",
        red_flags=tuple((flag, "false_alarm") for flag in result.red_flags)))
