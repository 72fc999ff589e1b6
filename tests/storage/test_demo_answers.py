"""Made-up answers read the questionnaire's own gate, not a hard-coded item id (issue 21)."""

from __future__ import annotations

import copy
import random

import yaml

from scoring import load_questionnaire, parse_questionnaire, score
from storage.demo import random_answers
from tests.core.conftest import DEFAULT_QUESTIONNAIRE
from tests.core.test_instrument_facts import renamed
from tests.core.test_loader_errors import REAL


def test_most_made_up_patients_are_in_pain_whatever_the_gate_item_is_called() -> None:
    questionnaire = load_questionnaire(DEFAULT_QUESTIONNAIRE)
    document = copy.deepcopy(REAL)
    renamed(document, "pain_present", "ongoing_limb_pain")
    for condition in document["scoring"]["gate"]:
        if condition["item"] == "pain_present":
            condition["item"] = "ongoing_limb_pain"
    for tier in document["scoring"]["tiers"]:
        for rule in (tier.get("when") or {}).get("any_of", []):
            answers = rule.get("answers", {})
            if "pain_present" in answers:
                answers["ongoing_limb_pain"] = answers.pop("pain_present")
    renamed_questionnaire = parse_questionnaire(yaml.safe_dump(document, allow_unicode=True), "questionnaires/r.yaml")
    for q, gate_item in ((questionnaire, "pain_present"), (renamed_questionnaire, "ongoing_limb_pain")):
        rng = random.Random(7)
        drawn = [random_answers(q, rng) for _ in range(400)]
        in_pain = sum(answers[gate_item] == "yes" for answers in drawn) / len(drawn)
        assert 0.75 < in_pain < 0.95, (gate_item, in_pain)
        assert all(score(q, answers).complete for answers in drawn[:50])  # valid and complete
