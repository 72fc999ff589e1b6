"""`python -m scoring`: exit codes, one-line messages naming the item, never a traceback."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from scoring.cli import main
from tests.support.answers import DEFAULT_QUESTIONNAIRE, REPO, answers, with_categories

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
        input=json.dumps(answers(hand_or_foot_newly_pale="yes")), capture_output=True, text=True, cwd=REPO,
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
    assert list(scored["urgent"]) == ["False", "False", "False", "True"]  # an error row too
    assert "pain_intensity" in scored.loc[2, "error"] and "row 4" in scored.loc[2, "error"]
    assert err.strip() == (
        "batch: 4 rows, 3 scored, 1 errors; by tier: clinician_review 1, no_referral_suggested 1, "
        "referral_suggested 1; urgent 1 (0 in rows with errors)"
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


# --- Hostile input: each of these failed on 1.0 -----------------------------------


def _csv_line(cells: list[str]) -> str:
    return ",".join(cells)


def _batch_rows(*rows: dict[str, object]) -> tuple[list[str], list[list[str]]]:
    header = ["respondent_id", *answers().keys(), "self_harm_now"]  # asked after a self-harm yes
    lines = []
    for row in rows:
        lines.append([";".join(v) if isinstance(v, list) else str(v) for v in (row.get(k, "") for k in header)])
    return header, lines


def test_batch_trailing_commas_never_shift_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every row ending in a comma: 1.0 (pandas) took the ids as the index, shifted every column,
    dropped the self-harm "yes" and exited 0. Now the file is refused in one line."""
    header, lines = _batch_rows(
        {"respondent_id": "r1", **answers()}, {"respondent_id": "r2", **answers(self_harm_thoughts="yes")}
    )
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("\n".join([_csv_line(header), *(_csv_line(cells) + "," for cells in lines)]) + "\n")
    code, _, err = run(capsys, "batch", "--questionnaire", Q, "--input", str(source), "--output", str(target))
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "trailing comma" in err and "Traceback" not in err
    assert not target.exists()


def test_batch_row_with_extra_fields_is_that_rows_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    header, lines = _batch_rows(
        {"respondent_id": "r1", **answers()},
        {"respondent_id": "r2", **answers(self_harm_thoughts="yes")},
        {"respondent_id": "r3", **answers(self_harm_thoughts="yes")},
    )
    lines[1] = [*lines[1], "surprise"]
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("\n".join(_csv_line(cells) for cells in [header, *lines]) + "\n")
    code, _, err = run(capsys, "batch", "--questionnaire", Q, "--input", str(source), "--output", str(target))
    scored = pd.read_csv(target, dtype=str, keep_default_na=False, index_col=False)
    assert code == 0 and "Traceback" not in err
    assert list(scored["respondent_id"]) == ["r1", "r2", "r3"]
    assert list(scored["urgent"]) == ["False", "True", "True"]  # unreadable, so urgent in doubt
    assert scored.loc[1, "error"].startswith("row 3:") and "fields" in scored.loc[1, "error"]
    assert "when in doubt, urgent" in scored.loc[1, "warnings"]
    assert scored.loc[2, "red_flags"] == "self_harm_thoughts"


@pytest.mark.parametrize("hostile", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "\0cmd"])
def test_batch_output_cells_cannot_run_as_formulas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], hostile: str
) -> None:
    header, lines = _batch_rows({"respondent_id": hostile, **answers()})
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *lines])
    code, _, _ = run(capsys, "batch", "--questionnaire", Q, "--input", str(source), "--output", str(target))
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert code == 0
    assert rows[0]["respondent_id"] == "'" + hostile.replace("\0", "")
    assert rows[0]["tier"] == "no_referral_suggested"


def _score_err(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str) -> tuple[int, str, str]:
    path = tmp_path / "answers.json"
    path.write_text(content, encoding="utf-8")
    return run(capsys, "score", "--questionnaire", Q, "--answers", str(path))


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        pytest.param("[" * 100_000 + "]" * 100_000, "nested", id="100k-deep"),
        pytest.param('{"pain_intensity": ' + "7" * 5000 + "}", "digits", id="5000-digit-number"),
        pytest.param(json.dumps({f"unknown_{i}": "yes" for i in range(500_000)}), "too large", id="500k-keys"),
        pytest.param(json.dumps({**answers(), **{f"unknown_{i}": "yes" for i in range(20_000)}}),
                     "unknown item", id="20k-keys-under-the-size-cap"),
        pytest.param(json.dumps({**answers(), "\x1b[2J\x1b[31mred\x07": "yes"}), "\\x1b", id="control-characters"),
        pytest.param(json.dumps({"pain_intensity": float("inf")}, allow_nan=True), "Infinity", id="infinity"),
    ],
)
def test_score_hostile_json_is_one_short_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, fragment: str
) -> None:
    code, out, err = _score_err(tmp_path, capsys, content)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and len(err) < 400, err[:400]
    assert fragment in err
    assert all(ch.isprintable() for ch in err.rstrip("\n")), repr(err)


def test_batch_does_not_import_the_command_line() -> None:
    """`cli.py` and `batch.py` imported each other; batch now raises its own BatchInputError."""
    import ast

    tree = ast.parse((REPO / "scoring" / "batch.py").read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "scoring.cli" not in imported


def test_score_reads_the_questionnaire_setting_when_no_file_is_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command line reads QUESTIONNAIRE (and FHIR_BASE_URL) through settings.py."""
    answer_file = tmp_path / "answers.json"
    answer_file.write_text(json.dumps(with_categories("sensory", "vasomotor", "motor_trophic")), encoding="utf-8")
    monkeypatch.setenv("QUESTIONNAIRE", Q)
    code, out, _ = run(capsys, "score", "--answers", str(answer_file))
    assert code == 0 and json.loads(out)["tier"] == "referral_suggested"
    monkeypatch.setenv("QUESTIONNAIRE", str(tmp_path / "missing.yaml"))
    code, out, err = run(capsys, "score", "--answers", str(answer_file))
    assert code == 2 and out == "" and "QUESTIONNAIRE" in err and len(err.strip().splitlines()) == 1
