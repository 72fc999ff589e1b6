"""The benchmarks' made-up data is what they say it is, for today's questionnaire: the scoring
bench's batch rows are valid answers (one in a thousand made bad on purpose), so its timing is of
scoring, not of refusing rows; the report bench's urgent screening scores. Questionnaire 1.2 once
made 80 % of the batch rows errors (the story-of-the-pain items shown after `pain_duration`), and
`make bench` stop at the report bench (`self_harm_now` unanswered), without anyone noticing."""

from __future__ import annotations

import random
from pathlib import Path

from bench.bench_report import urgent_answers
from bench.bench_scoring import FULL_ANSWERS, bare_rule, write_answers_csv
from scoring import Questionnaire, score
from scoring.batch import score_csv


def test_the_scoring_benchs_rows_are_valid_but_the_ones_made_bad(questionnaire: Questionnaire, tmp_path: Path) -> None:
    source, target = tmp_path / "answers.csv", tmp_path / "scored.csv"
    write_answers_csv(questionnaire, source, 3000)
    summary = score_csv(questionnaire, source, target)
    assert (summary.rows, summary.errors) == (3000, 3)  # rows 999, 1999, 2999: "seven" for the pain score
    assert set(summary.tiers) == {"referral_suggested", "clinician_review", "no_referral_suggested"}
    assert 0 < summary.urgent < 3000 * 0.3  # red flags are rare, not absent


def test_the_bare_rule_agrees_with_the_engine_on_the_full_answers(questionnaire: Questionnaire) -> None:
    assert bare_rule(FULL_ANSWERS)[0] == score(questionnaire, FULL_ANSWERS).tier


def test_the_report_benchs_screening_scores_urgent_with_pain(questionnaire: Questionnaire) -> None:
    for seed in range(5):
        result = score(questionnaire, urgent_answers(questionnaire, random.Random(seed)))
        assert result.urgent and "self_harm_thoughts" in result.red_flags and result.gate_met
