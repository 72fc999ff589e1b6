"""score() per call against a bare hand-written rule; `batch` on 100,000 CSV rows.

Targets: score() ≤ 50 µs per call and ≤ 5× the bare rule; batch ≤ 10 s, ≤ 500 MB.
"""

from __future__ import annotations

import csv
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from scoring import Questionnaire, load_questionnaire, score, shown_items

QUESTIONNAIRE = "questionnaires/crps.yaml"
FULL_ANSWERS: dict[str, object] = {
    "pain_present": "yes", "pain_location": ["left_arm", "right_leg"], "inciting_event": "yes",
    "pain_disproportionate": "unsure", "pain_duration": "3_6m", "pain_intensity": 7,
    "burning_pain": "yes", "touch_sensitivity": "no", "temperature_difference": "yes",
    "skin_color_change": "unsure", "sweating_change": "no", "swelling": "yes", "stiffness": "yes",
    "weakness_tremor_or_odd_position": "no", "skin_hair_nail_change": "no", "sleep_problems": "yes",
    "mood_low": "no", "hand_or_foot_newly_pale": "no", "arm_or_leg_newly_swollen": "no",
    "breathless_or_chest_pain": "no", "fever_with_hot_red_limb": "no", "redness_spreading_fast": "no",
    "cast_or_tight_bandage": "yes", "tight_cast_worsening_pain": "no", "stroke_signs_last_hours": "no",
    "hand_or_foot_newly_cold": "no", "hand_or_foot_newly_numb": "no", "hand_or_foot_newly_weak": "no",
    "chest_pain_or_breathless_2_days": "no", "wound_with_pus": "no", "injury_or_surgery_2_weeks": "no",
    "spine_procedure_4_weeks": "no",
    "self_harm_thoughts": "no",
}
_CATEGORIES = {
    "sensory": ("touch_sensitivity",),
    "vasomotor": ("temperature_difference", "skin_color_change"),
    "sudomotor_edema": ("sweating_change", "swelling"),
    "motor_trophic": ("stiffness", "weakness_tremor_or_odd_position", "skin_hair_nail_change"),
}
_RED_FLAGS = (
    "hand_or_foot_newly_pale", "arm_or_leg_newly_swollen", "breathless_or_chest_pain",
    "fever_with_hot_red_limb", "redness_spreading_fast", "tight_cast_worsening_pain", "stroke_signs_last_hours",
    "hand_or_foot_newly_cold", "hand_or_foot_newly_numb", "hand_or_foot_newly_weak", "wound_with_pus",
    "pain_worse_fast_after_injury",
)


def bare_rule(answers: dict[str, object]) -> tuple[str, bool]:
    """The default rule written by hand on a dict: no validation, branching or reasons."""
    pain = answers.get("pain_present") == "yes"
    gate = pain and answers.get("pain_disproportionate") in ("yes", "unsure")
    met = sum(any(answers.get(i) == "yes" for i in items) for items in _CATEGORIES.values())
    not_out_of_proportion = pain and answers.get("pain_disproportionate") == "no"
    month = answers.get("pain_duration") in ("1_3m", "3_6m", "gt_6m")
    unsure = sum(any(answers.get(i) in ("yes", "unsure") for i in items) for items in _CATEGORIES.values())
    tier = (
        "referral_suggested" if gate and met >= 3 and month
        else "clinician_review" if (gate and met == 2) or (not_out_of_proportion and met >= 3)
        or (gate and (met >= 3 or unsure >= 3))
        else "none"
    )
    urgent = any(answers.get(i) == "yes" for i in _RED_FLAGS) or answers.get("self_harm_thoughts") in (
        "yes", "prefer_not_to_say",
    )
    return tier, urgent


def per_call_us(function: Callable[[], object], calls: int = 2000, repeats: int = 15) -> list[float]:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(calls):
            function()
        timings.append((time.perf_counter() - started) / calls * 1e6)
    return timings


def write_answers_csv(questionnaire: Questionnaire, path: Path, rows: int, seed: int = 7) -> None:
    """Made-up respondents: mostly valid rows, one in a thousand with a bad answer."""
    rng = random.Random(seed)
    ids = [item.id for item in questionnaire.items]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["respondent_id", *ids])
        # Questions behind a red flag or a red-flag rule (1.2) are "yes" one time in a hundred;
        # every shown question is answered, hidden ones left empty (branching from the questionnaire).
        rare = {c.item for rule in questionnaire.red_flag_rules for c in (*rule.all, *rule.any)}
        rare |= {c.item for item in questionnaire.items for c in item.show_if if c.item != "pain_present"}
        for number in range(rows):
            pain = rng.random() < 0.8
            answers: dict[str, object] = {}
            for item in questionnaire.items:
                codes = sorted(item.codes)
                if item.id == "pain_present":
                    answers[item.id] = "yes" if pain else "no"
                elif item.kind == "integer":
                    answers[item.id] = rng.randint(0, 10)
                elif item.kind == "multiple":
                    answers[item.id] = tuple(rng.sample(codes, 2))
                elif (item.red_flag is not None or item.id in rare) and {"yes", "no"} <= item.codes:
                    answers[item.id] = "yes" if rng.random() < 0.01 else "no"
                else:
                    answers[item.id] = rng.choice(codes)
            shown = {item.id for item in shown_items(questionnaire, answers)}  # type: ignore[arg-type]
            row: list[str] = [f"r{number}"]
            for item_id in ids:
                value = answers[item_id] if item_id in shown else ""
                row.append(";".join(value) if isinstance(value, tuple) else str(value))
            if number % 1000 == 999:
                row[ids.index("pain_intensity") + 1] = "seven"
            writer.writerow(row)


def main() -> None:
    questionnaire = load_questionnaire(QUESTIONNAIRE)
    assert bare_rule(FULL_ANSWERS)[0] == score(questionnaire, FULL_ANSWERS).tier
    engine = per_call_us(lambda: score(questionnaire, FULL_ANSWERS))
    bare = per_call_us(lambda: bare_rule(FULL_ANSWERS))
    engine_median, bare_median = statistics.median(engine), statistics.median(bare)
    print(f"score(): median {engine_median:.1f} µs/call (target ≤ 50); "
          f"bare rule {bare_median:.2f} µs/call; ratio {engine_median / bare_median:.1f} (target ≤ 5)")
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "answers.csv", Path(folder) / "scored.csv"
        write_answers_csv(questionnaire, source, 100_000)
        started = time.perf_counter()
        finished = subprocess.run(
            [sys.executable, "-m", "scoring", "batch", "--questionnaire", QUESTIONNAIRE,
             "--input", str(source), "--output", str(target)],
            capture_output=True, text=True, check=True,
        )
        elapsed = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"batch 100,000 rows: {elapsed:.2f} s end to end (target ≤ 10), "
              f"peak memory {peak_mb:.0f} MB (target ≤ 500)")
        print(f"   {finished.stderr.strip()}")


if __name__ == "__main__":
    main()
