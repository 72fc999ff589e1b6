"""`python -m scoring`: exit codes, one-line messages naming the item, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from scoring.cli import main
from tests.core.conftest import DEFAULT_QUESTIONNAIRE, REPO, answers, with_categories

Q = str(DEFAULT_QUESTIONNAIRE)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_validate_ok(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "validate", Q)
    assert code == 0 and "ok" in err


def test_validate_broken_lists_every_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.yaml"
    text = DEFAULT_QUESTIONNAIRE.read_text(encoding="utf-8")
    broken.write_text(text.replace("show_if: {item: pain_present", "show_if: {item: pain_presnt", 2)
                      .replace("category: sensory", "category: sensorial", 1), encoding="utf-8")
    code, _, err = run(capsys, "validate", Q, str(broken))
    lines = err.strip().splitlines()
    assert code == 2
    assert f"{broken}: items[pain_location].show_if: unknown item 'pain_presnt'" in lines
    assert f"{broken}: items[touch_sensitivity].category: unknown category 'sensorial'" in lines
    assert all(line.startswith(str(broken)) for line in lines)


def test_score_prints_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(with_categories("sensory", "vasomotor", "sudomotor_edema")), encoding="utf-8")
    code, out, _ = run(capsys, "score", "--questionnaire", Q, "--answers", str(path), "--language", "es")
    result = json.loads(out)
    assert code == 0
    assert result["tier"] == "referral_suggested" and result["urgent"] is False
    assert result["language"] == "es"


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        pytest.param(json.dumps(answers(pain_intensity="seven")), "pain_intensity: 'seven' is not a whole number",
                     id="wrong-type"),
        pytest.param(json.dumps(answers(pain_location="left_arm")), "pain_location:", id="single-for-multi"),
        pytest.param(json.dumps({**answers(), "pain_typo": "yes"}), "pain_typo: unknown item", id="unknown-item"),
        pytest.param(json.dumps(answers(self_harm_thoughts=None)), "self_harm_thoughts: required answer missing",
                     id="missing-required"),
        pytest.param("{not json", "not valid JSON", id="bad-json"),
        pytest.param("[1, 2]", "must be a JSON object", id="not-an-object"),
    ],
)
def test_score_bad_answers_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, fragment: str
) -> None:
    path = tmp_path / "answers.json"
    path.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "score", "--questionnaire", Q, "--answers", str(path))
    assert code == 2 and out == ""
    assert fragment in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_score_reads_stdin_in_a_real_process() -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "scoring", "score", "--questionnaire", Q, "--answers", "-"],
        input=json.dumps(answers(cold_pale_numb_limb="yes")), capture_output=True, text=True, cwd=REPO,
    )
    assert finished.returncode == 0
    assert json.loads(finished.stdout)["urgent"] is True


def test_score_missing_answer_file_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "score", "--questionnaire", Q, "--answers", "/nonexistent.json")
    assert code == 2 and "cannot read answers" in err and len(err.strip().splitlines()) == 1


def test_batch_scores_every_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [
        {"respondent_id": "a", **with_categories("sensory", "vasomotor", "sudomotor_edema")},
        {"respondent_id": "b", **with_categories("sensory", "vasomotor")},
        {"respondent_id": "c", **answers(pain_intensity="seven")},
        {"respondent_id": "d", "language": "es", **answers(self_harm_thoughts="prefer_not_to_say")},
    ]
    frame = pd.DataFrame(rows)
    frame["pain_location"] = frame["pain_location"].map(lambda codes: ";".join(codes))
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    frame.to_csv(source, index=False)
    code, _, err = run(capsys, "batch", "--questionnaire", Q, "--input", str(source), "--output", str(target))
    scored = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert code == 0
    assert list(scored["respondent_id"]) == ["a", "b", "c", "d"]
    assert list(scored["tier"]) == ["referral_suggested", "clinician_review", "", "no_referral_suggested"]
    assert list(scored["urgent"]) == ["False", "False", "", "True"]
    assert "pain_intensity" in scored.loc[2, "error"] and "row 4" in scored.loc[2, "error"]
    assert err.strip() == (
        "batch: 4 rows, 3 scored, 1 errors; by tier: clinician_review 1, no_referral_suggested 1, "
        "referral_suggested 1; urgent 1"
    )


def test_batch_unknown_column_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.csv"
    source.write_text("respondent_id,pain_presnt\nx,yes\n", encoding="utf-8")
    code, _, err = run(capsys, "batch", "--questionnaire", Q, "--input", str(source),
                       "--output", str(tmp_path / "out.csv"))
    assert code == 2 and "column 'pain_presnt'" in err


def test_batch_missing_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "batch", "--questionnaire", Q, "--input", str(tmp_path / "none.csv"),
                       "--output", str(tmp_path / "out.csv"))
    assert code == 2 and "cannot read CSV" in err and "Traceback" not in err
