"""The clinician's examination, counted.

A clinician records the Budapest signs they saw, criterion D and their own conclusion; this module
only counts: which criteria the recorded findings meet and the CRPS Severity Score (CSS). The
conclusion is always the clinician's, never computed here, and nothing here is shown to a
patient. Pure Python: the signs, categories and CSS items come from the questionnaire's
`examination:` section (`scoring._examination`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from scoring._examination import SEVERITY_ITEM_COUNT, ExaminationSpec, SeverityItem, Sign
from scoring.model import Questionnaire, ScreeningResult

CRITERION_D_ANSWERS = ("yes", "no", "not_yet_known")
"""Criterion D: "another diagnosis better explains the signs and symptoms"."""
CONCLUSIONS = ("meets_budapest_clinical", "does_not_meet", "not_yet_decided")
"""The clinician's own conclusion; the app never chooses it."""
RED_FLAG_FINDINGS = ("confirmed", "false_alarm", "not_assessed")
MAX_OTHER_DIAGNOSIS = 500
TEMPERATURE_LIMIT_C = 20.0
"""A measured side-to-side difference above this is a typing error, not a limb."""

CONCLUSION_LABELS = {
    "meets_budapest_clinical": "Meets the Budapest clinical criteria (clinician's conclusion)",
    "does_not_meet": "Does not meet the Budapest clinical criteria (clinician's conclusion)",
    "not_yet_decided": "Not yet decided",
}
CRITERION_D_LABELS = {"yes": "Yes", "no": "No", "not_yet_known": "Not yet known"}
RED_FLAG_FINDING_LABELS = {"confirmed": "Confirmed", "false_alarm": "False alarm", "not_assessed": "Not assessed"}

__all__ = [
    "CONCLUSIONS",
    "CONCLUSION_LABELS",
    "CRITERION_D_ANSWERS",
    "CRITERION_D_LABELS",
    "RED_FLAG_FINDINGS",
    "RED_FLAG_FINDING_LABELS",
    "SEVERITY_ITEM_COUNT",
    "ExaminationFindings",
    "ExaminationInvalid",
    "ExaminationReadout",
    "ExaminationSpec",
    "SeverityItem",
    "Sign",
    "check_findings",
    "read_findings",
    "reported_symptoms",
]


class ExaminationInvalid(ValueError):
    """Findings that cannot be saved; str() is one line naming the field."""


@dataclass(frozen=True, slots=True)
class ExaminationFindings:
    """What the clinician recorded, as typed values (one examination)."""

    signs: frozenset[str]
    criterion_d: str
    conclusion: str
    other_diagnosis: str = ""
    temperature_difference_c: float | None = None
    red_flags: tuple[tuple[str, str], ...] = ()
    """(red-flag item id, finding) for each red flag the screening raised."""


@dataclass(frozen=True, slots=True)
class ExaminationReadout:
    """What the recorded findings meet, counted; shown to the clinician only."""

    criterion_a_reported: bool
    """The patient reported disproportionate pain (the gate): a proxy, the clinician judges it."""
    symptom_categories: tuple[str, ...]
    sign_categories: tuple[str, ...]
    criterion_b_met: bool
    criterion_c_met: bool
    criterion_d_met: bool | None
    """True when no other diagnosis explains it better ("no"), None while not yet known."""
    severity_items: tuple[tuple[SeverityItem, bool], ...]
    severity_score: int

    @property
    def all_criteria_met(self) -> bool:
        """A, B, C and D all hold on the recorded findings (the clinician still concludes)."""
        return (self.criterion_a_reported and self.criterion_b_met and self.criterion_c_met
                and self.criterion_d_met is True)


def spec_of(questionnaire: Questionnaire) -> ExaminationSpec:
    """The questionnaire's examination section; ExaminationInvalid when it has none."""
    if questionnaire.examination is None:
        raise ExaminationInvalid(f"questionnaire {questionnaire.id} {questionnaire.version} has no examination section")
    return questionnaire.examination


def check_findings(questionnaire: Questionnaire, result: ScreeningResult, findings: ExaminationFindings) -> None:
    """Raise ExaminationInvalid (one line) unless the findings fit this questionnaire and screening:
    known signs, allowed answers, and a finding for every red flag the screening raised, no other."""
    spec = spec_of(questionnaire)
    unknown = sorted(findings.signs - {sign.id for sign in spec.signs})
    if unknown:
        raise ExaminationInvalid(f"signs: unknown sign '{unknown[0]}'")
    if findings.criterion_d not in CRITERION_D_ANSWERS:
        raise ExaminationInvalid(f"criterion D: must be one of {', '.join(CRITERION_D_ANSWERS)}")
    if findings.conclusion not in CONCLUSIONS:
        raise ExaminationInvalid(f"conclusion: must be one of {', '.join(CONCLUSIONS)}")
    if len(findings.other_diagnosis) > MAX_OTHER_DIAGNOSIS:
        raise ExaminationInvalid(f"other diagnosis: at most {MAX_OTHER_DIAGNOSIS} characters")
    if any(ord(char) < 32 and char not in "\n\t" for char in findings.other_diagnosis):
        raise ExaminationInvalid("other diagnosis: control characters are not allowed")
    if findings.other_diagnosis.strip() and findings.criterion_d != "yes":
        raise ExaminationInvalid("other diagnosis: only when criterion D is 'yes'")
    measured = findings.temperature_difference_c
    if measured is not None and (not math.isfinite(measured) or not 0 <= measured <= TEMPERATURE_LIMIT_C):
        raise ExaminationInvalid(f"temperature difference: between 0 and {TEMPERATURE_LIMIT_C:g} °C")
    flagged = dict(findings.red_flags)
    if len(flagged) != len(findings.red_flags) or set(flagged) != set(result.red_flags):
        raise ExaminationInvalid("red flags: one finding for each red flag this screening raised, and no other")
    bad = [finding for finding in flagged.values() if finding not in RED_FLAG_FINDINGS]
    if bad:
        raise ExaminationInvalid(f"red flags: a finding must be one of {', '.join(RED_FLAG_FINDINGS)}")


def reported_symptoms(questionnaire: Questionnaire, result: ScreeningResult) -> dict[str, tuple[str, ...]]:
    """Category id -> the items the patient answered so that they count (e.g. "yes"): the
    symptoms shown beside the signs of that category."""
    return {finding.category: tuple(finding.items) for finding in result.findings}


def read_findings(
    questionnaire: Questionnaire, result: ScreeningResult, findings: ExaminationFindings
) -> ExaminationReadout:
    """Count the recorded findings against the Budapest criteria and the CSS (see module doc)."""
    spec = spec_of(questionnaire)
    categories = [category.id for category in questionnaire.categories]
    signs_by_id: Mapping[str, Sign] = {sign.id: sign for sign in spec.signs}
    seen = {signs_by_id[sign].category for sign in findings.signs if sign in signs_by_id}
    sign_categories = tuple(category for category in categories if category in seen)
    symptom_categories = tuple(category for category in categories if category in result.categories_met)
    counted = {item_id for item_id, value in result.answers
               if isinstance(value, str) and value in questionnaire.category_met_if}
    items = tuple(
        (item, bool(set(item.signs) & findings.signs) if item.is_sign else bool(set(item.symptom_items) & counted))
        for item in spec.severity_items
    )
    return ExaminationReadout(
        criterion_a_reported=result.gate_met,
        symptom_categories=symptom_categories,
        sign_categories=sign_categories,
        criterion_b_met=len(symptom_categories) >= spec.symptom_categories_needed,
        criterion_c_met=len(sign_categories) >= spec.sign_categories_needed,
        criterion_d_met={"no": True, "yes": False}.get(findings.criterion_d),
        severity_items=items,
        severity_score=sum(present for _, present in items),
    )
