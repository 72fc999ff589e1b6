"""A red-flag answer is never lost on any input path (`score`, `batch`, answer files).

Red flags are read from the raw answers before anything else is checked: a red flag hidden by
branching, a row with another error, a near-miss answer code all still say urgent, and why.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

from scoring import AnswersInvalid, Questionnaire, parse_questionnaire, score
from scoring.cli import main
from tests.support.answers import DEFAULT_QUESTIONNAIRE, answers

Q = str(DEFAULT_QUESTIONNAIRE)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def score_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str) -> tuple[int, str, str]:
    path = tmp_path / "answers.json"
    path.write_text(content, encoding="utf-8")
    return run(capsys, "score", "--questionnaire", Q, "--answers", str(path))


# --- hidden by branching ---------------------------------------------------------------------


def test_score_red_flag_hidden_by_branching_is_still_urgent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """1.1 printed urgent false: the cast "no" hid the compartment-syndrome "yes", which was dropped."""
    flat = answers(cast_or_tight_bandage="no", tight_cast_worsening_pain="yes")
    code, out, err = score_file(tmp_path, capsys, json.dumps(flat))
    result = json.loads(out)
    assert code == 0, err
    assert result["urgent"] is True and result["red_flag_level"] == "emergency"
    assert result["red_flags"] == ["tight_cast_worsening_pain"]
    assert result["answers"]["tight_cast_worsening_pain"] == "yes"
    assert "tight_cast_worsening_pain" not in result["shown"]  # it was not asked: say so, still urgent
    assert any("tight_cast_worsening_pain" in w and "urgent" in w for w in result["warnings"]), result["warnings"]


def test_hidden_red_flag_answered_no_is_still_ignored(questionnaire: Questionnaire) -> None:
    result = score(questionnaire, answers(cast_or_tight_bandage="no", tight_cast_worsening_pain="no"))
    assert not result.urgent
    assert any("ignored" in warning for warning in result.warnings)


def test_partial_score_keeps_a_hidden_red_flag(questionnaire: Questionnaire) -> None:
    so_far = {"pain_present": "no", "cast_or_tight_bandage": "no", "tight_cast_worsening_pain": "yes"}
    result = score(questionnaire, so_far, partial=True)
    assert result.urgent and result.red_flags == ("tight_cast_worsening_pain",)


# --- the error carries the red flags read from the raw answers --------------------------------


@pytest.mark.parametrize(
    ("overrides", "urgent_items"),
    [
        pytest.param({"stroke_signs_last_hours": "yes", "pain_intensity": "7/10"}, ("stroke_signs_last_hours",),
                     id="other-error"),
        pytest.param({"stroke_signs_last_hours": "Yes"}, ("stroke_signs_last_hours",), id="near-miss-Yes"),
        pytest.param({"self_harm_thoughts": "Sí"}, ("self_harm_thoughts",), id="near-miss-Si"),
        pytest.param({"stroke_signs_last_hours": True}, ("stroke_signs_last_hours",), id="json-true"),
        pytest.param({"stroke_signs_last_hours": "No", "burning_pain": "Yes"}, (), id="near-miss-no"),
        pytest.param({"pain_intensity": "7/10"}, (), id="error-without-red-flag"),
    ],
)
def test_answers_invalid_says_which_red_flags_were_raised(
    questionnaire: Questionnaire, overrides: dict[str, object], urgent_items: tuple[str, ...]
) -> None:
    with pytest.raises(AnswersInvalid) as caught:
        score(questionnaire, answers(**overrides))
    assert tuple(flag.item for flag in caught.value.red_flags) == urgent_items


def test_a_near_miss_names_the_item_and_the_codes_allowed(questionnaire: Questionnaire) -> None:
    with pytest.raises(AnswersInvalid, match=r"stroke_signs_last_hours: 'Yes' is not one of: yes, no"):
        score(questionnaire, answers(stroke_signs_last_hours="Yes"))


def test_a_bad_language_still_reads_the_red_flags(questionnaire: Questionnaire) -> None:
    with pytest.raises(AnswersInvalid, match="'ES' is not one of en, es") as caught:
        score(questionnaire, answers(hand_or_foot_newly_pale="yes"), "ES")
    assert [flag.item for flag in caught.value.red_flags] == ["hand_or_foot_newly_pale"]


def test_score_command_error_line_says_urgent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = score_file(tmp_path, capsys, json.dumps(answers(stroke_signs_last_hours="Yes")))
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1
    assert "stroke_signs_last_hours: 'Yes' is not one of: yes, no" in err and "URGENT" in err and "emergency" in err


# --- batch: every row error keeps its red flags ----------------------------------------------


BATCH_ROWS: list[tuple[str, dict[str, object], bool]] = [
    # (respondent, answers, urgent): each error the issue lists, with a red-flag yes
    ("stroke-7/10", answers(stroke_signs_last_hours="yes", pain_intensity="7/10"), True),
    ("chest-blank-self-harm", answers(breathless_or_chest_pain="yes", self_harm_thoughts=None), True),
    ("self-harm-missing-gate", answers(self_harm_thoughts="yes", pain_disproportionate=None), True),
    ("Yes", answers(stroke_signs_last_hours="Yes"), True),
    ("Si", answers(self_harm_thoughts="Sí"), True),
    ("language-ES", {**answers(hand_or_foot_newly_pale="yes"), "language": "ES"}, True),
    ("symptom-Yes-fever", answers(burning_pain="Yes", fever_with_hot_red_limb="yes"), True),
    ("hidden-cast", answers(cast_or_tight_bandage="no", tight_cast_worsening_pain="yes"), True),
    ("error-no-flag", answers(pain_intensity="7/10"), False),
    ("No", answers(stroke_signs_last_hours="No"), False),
    ("clean", answers(), False),
]


def write_batch(path: Path, rows: list[tuple[str, dict[str, object], bool]]) -> None:
    header = ["respondent_id", "language", *answers().keys()]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for respondent, flat, _ in rows:
            cells = {"respondent_id": respondent, **flat}
            writer.writerow([";".join(v) if isinstance(v, list) else str(cells.get(k, "")) for k in header
                             for v in [cells.get(k, "")]])


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_batch_rows_with_errors_still_report_urgent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """1.1 left `urgent` blank on every row with an error and said "urgent 0"."""
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    write_batch(source, BATCH_ROWS)
    code, _, err = run(capsys, "batch", "--questionnaire", Q, "--input", str(source), "--output", str(target))
    rows = read_rows(target)
    assert code == 0, err
    assert [row["respondent_id"] for row in rows] == [name for name, _, _ in BATCH_ROWS]
    assert [row["urgent"] for row in rows] == [str(urgent) for _, _, urgent in BATCH_ROWS]
    by_name = {row["respondent_id"]: row for row in rows}
    for name in ("stroke-7/10", "chest-blank-self-harm", "self-harm-missing-gate", "Yes", "Si", "language-ES",
                 "symptom-Yes-fever", "error-no-flag", "No"):
        assert by_name[name]["error"], name
        assert by_name[name]["tier"] == "", name
    for name in ("stroke-7/10", "chest-blank-self-harm", "self-harm-missing-gate", "Yes", "Si", "language-ES",
                 "symptom-Yes-fever", "hidden-cast"):
        assert "urgent" in by_name[name]["warnings"], (name, by_name[name]["warnings"])
    assert by_name["Yes"]["red_flags"] == "stroke_signs_last_hours"
    assert "stroke_signs_last_hours: 'Yes' is not one of: yes, no" in by_name["Yes"]["error"]
    assert "self_harm_thoughts: 'Sí' is not one of: yes, no, prefer_not_to_say" in by_name["Si"]["error"]
    assert "'ES' is not one of en, es" in by_name["language-ES"]["error"]
    assert by_name["hidden-cast"]["tier"] and not by_name["hidden-cast"]["error"]
    assert by_name["clean"]["warnings"] == "" and by_name["error-no-flag"]["warnings"] == ""
    errors = sum(1 for row in rows if row["error"])
    urgent_errors = sum(1 for row in rows if row["error"] and row["urgent"] == "True")
    assert (errors, urgent_errors) == (9, 7)
    assert f"{errors} errors" in err and f"urgent 8 ({urgent_errors} in rows with errors)" in err


def test_batch_row_whose_fields_do_not_line_up_is_urgent_in_doubt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    write_batch(source, [("shifted", answers(self_harm_thoughts="yes"), True), ("ok", answers(), False)])
    lines = source.read_text(encoding="utf-8").splitlines()
    lines[1] += ",surprise"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "batch", "--questionnaire", Q, "--input", str(source), "--output", str(target))
    rows = read_rows(target)
    assert code == 0, err
    assert [row["urgent"] for row in rows] == ["True", "False"]
    assert "fields" in rows[0]["error"] and "urgent" in rows[0]["warnings"]


# --- answer files: duplicated keys, questionnaire version ------------------------------------


def test_score_refuses_a_duplicated_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """1.1 kept the last "stroke_signs_last_hours" (no) and printed urgent false, exit 0."""
    body = json.dumps(answers(stroke_signs_last_hours="yes"))[:-1] + ', "stroke_signs_last_hours": "no"}'
    code, out, err = score_file(tmp_path, capsys, body)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and "stroke_signs_last_hours" in err and "twice" in err


def test_score_refuses_another_questionnaire_version(
    questionnaire: Questionnaire, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flat = {"questionnaire_version": "1.0.0", **answers(arm_or_leg_newly_swollen="yes")}
    code, out, err = score_file(tmp_path, capsys, json.dumps(flat))
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1
    assert f"questionnaire_version 1.0.0 is not {questionnaire.version}" in err
    same = {"questionnaire_version": questionnaire.version, **answers()}
    code, out, err = score_file(tmp_path, capsys, json.dumps(same))
    assert code == 0 and json.loads(out)["questionnaire_version"] == questionnaire.version, err


def test_batch_refuses_a_csv_of_another_questionnaire_version(
    questionnaire: Questionnaire, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    header = ["respondent_id", "questionnaire_version", *answers().keys()]
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for respondent, version in (("a", questionnaire.version), ("b", "1.0.0")):
            cells = {"respondent_id": respondent, "questionnaire_version": version, **answers()}
            writer.writerow([";".join(v) if isinstance(v, list) else str(v) for v in (cells[k] for k in header)])
    code, _, err = run(capsys, "batch", "--questionnaire", Q, "--input", str(source), "--output", str(target))
    assert code == 2 and len(err.splitlines()) == 1
    assert "row 3" in err and f"questionnaire_version 1.0.0 is not {questionnaire.version}" in err
    assert not target.exists()
    source.write_text(source.read_text(encoding="utf-8").replace("1.0.0", questionnaire.version), encoding="utf-8")
    code, _, err = run(capsys, "batch", "--questionnaire", Q, "--input", str(source), "--output", str(target))
    assert code == 0, err
    assert [row["questionnaire_version"] for row in read_rows(target)] == [questionnaire.version] * 2


# --- red flags on multiple-choice items ------------------------------------------------------


def multiple_red_flag_questionnaire() -> Questionnaire:
    """The default questionnaire with `pain_location` (a multiple choice) made a red flag on "right_leg"."""
    document = yaml.safe_load(DEFAULT_QUESTIONNAIRE.read_text(encoding="utf-8"))
    item = next(entry for entry in document["items"] if entry["id"] == "pain_location")
    item["required"] = True
    item["red_flag"] = {"urgent_if": ["right_leg"], "level": "same_day",
                        "concern": {"en": "test concern", "es": "prueba"},
                        "message": {"en": "test message", "es": "prueba"}}
    return parse_questionnaire(yaml.safe_dump(document, allow_unicode=True), "multiple-red-flag.yaml")


def test_a_red_flag_on_a_multiple_choice_item_is_urgent_everywhere() -> None:
    """1.1's loader took it and the tablet raised it, but `score` compared a tuple with the codes."""
    from scoring import escalation

    questionnaire = multiple_red_flag_questionnaire()
    item = questionnaire.item("pain_location")
    assert item.kind == "multiple" and item.red_flag is not None and "right_leg" in item.codes
    raised = answers(pain_location=["left_arm", "right_leg"])
    result = score(questionnaire, raised)
    assert result.urgent and result.red_flags == ("pain_location",) and result.red_flag_level == "same_day"
    assert [i.id for i in escalation.raised(questionnaire, dict(result.answers))] == ["pain_location"]
    assert not score(questionnaire, answers(pain_location=["left_arm"])).urgent
    with pytest.raises(AnswersInvalid) as caught:
        score(questionnaire, answers(pain_location=["Right_leg"]))
    assert [flag.item for flag in caught.value.red_flags] == ["pain_location"]
