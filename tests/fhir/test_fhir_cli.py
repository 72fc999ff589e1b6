"""`python -m scoring` with FHIR: export the Questionnaire, score a QuestionnaireResponse captured
anywhere (refusals in one line, exit 2), and `batch` over NDJSON of responses."""

from __future__ import annotations

import copy
import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scoring import Questionnaire, score
from scoring.cli import main
from scoring.fhir import ndjson_lines, screening_resources
from tests.support.answers import DEFAULT_QUESTIONNAIRE, REPO, answers, with_categories
from tests.support.fhir import AUTHORED, BASE

Q = str(DEFAULT_QUESTIONNAIRE)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _response(questionnaire: Questionnaire, flat: dict[str, object], base: str = BASE) -> dict[str, Any]:
    result = score(questionnaire, flat)
    return next(screening_resources(questionnaire, result, response_id="cli", authored=AUTHORED, complete=True,
                                    base_url=base))


def test_fhir_questionnaire_prints_the_resource(exported: dict[str, Any]) -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "scoring", "fhir-questionnaire", Q, "--base-url", BASE],
        capture_output=True, text=True, cwd=REPO, check=False,
    )
    assert finished.returncode == 0, finished.stderr
    assert json.loads(finished.stdout) == exported


def test_base_url_comes_from_the_setting(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("FHIR_BASE_URL", "https://portal.example/r4")
    code, out, _ = run(capsys, "fhir-questionnaire", Q)
    assert code == 0 and json.loads(out)["url"] == "https://portal.example/r4/Questionnaire/crps_symptom_screen"
    for bad in ("ftp://nope", "https://", "https://clinic example/fhir", "https://x\x1b[2J"):
        monkeypatch.setenv("FHIR_BASE_URL", bad)
        code, out, err = run(capsys, "fhir-questionnaire", Q)
        assert code == 2 and out == "" and "FHIR_BASE_URL" in err and len(err.splitlines()) == 1, err
        assert "\x1b" not in err


def test_score_accepts_a_questionnaire_response(
    questionnaire: Questionnaire, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flat = with_categories("sensory", "vasomotor", "sudomotor_edema", self_harm_thoughts="yes")
    path = tmp_path / "response.json"
    path.write_text(json.dumps(_response(questionnaire, flat)), encoding="utf-8")
    code, out, err = run(capsys, "score", "--questionnaire", Q, "--answers", str(path), "--base-url", BASE)
    assert code == 0, err
    assert json.loads(out) == score(questionnaire, flat).to_dict()


def test_score_reads_an_in_progress_response_as_the_answers_so_far(
    questionnaire: Questionnaire, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = score(questionnaire, {"pain_present": "no", "hand_or_foot_newly_pale": "yes"}, partial=True)
    response = next(screening_resources(questionnaire, result, response_id="stop", authored=AUTHORED))
    path = tmp_path / "response.json"
    path.write_text(json.dumps(response), encoding="utf-8")
    code, out, err = run(capsys, "score", "--questionnaire", Q, "--answers", str(path))
    assert code == 0, err
    printed = json.loads(out)
    assert printed == result.to_dict() and printed["complete"] is False and printed["urgent"] is True
    response["status"] = "completed"  # the same answers claimed complete: required answers missing
    path.write_text(json.dumps(response), encoding="utf-8")
    code, out, err = run(capsys, "score", "--questionnaire", Q, "--answers", str(path))
    assert code == 2 and "required answer missing" in err and len(err.splitlines()) == 1


def _nested(depth: int) -> dict[str, Any]:
    group: dict[str, Any] = {"linkId": "g0"}
    for level in range(1, depth):
        group = {"linkId": f"g{level}", "item": [group]}
    return group


def _edit(response: dict[str, Any], link_id: str, **changes: Any) -> None:
    item = next(i for i in response["item"] if i["linkId"] == link_id)
    item.update(changes)


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        pytest.param(lambda r: r.update(questionnaire="https://other.example/Questionnaire/phq9|1.0.0"),
                     "is not https://clinic.example/fhir/Questionnaire/crps_symptom_screen", id="other-questionnaire"),
        pytest.param(lambda r: r.update(questionnaire=r["questionnaire"].split("|")[0] + "|0.9.0"),
                     "version 0.9.0 is not 1.", id="other-version"),
        pytest.param(lambda r: r["item"].append({"linkId": "favourite_colour", "answer": []}),
                     "item favourite_colour: unknown linkId", id="unknown-linkId"),
        pytest.param(lambda r: _edit(r, "burning_pain", answer=[{"valueCoding": {"code": "often"}}]),
                     "item burning_pain: code often is not one of: yes, no, unsure", id="code-not-in-options"),
        pytest.param(lambda r: r.update(item=[i for i in r["item"] if i["linkId"] != "self_harm_thoughts"]),
                     "self_harm_thoughts: required answer missing", id="missing-required"),
        pytest.param(lambda r: _edit(r, "pain_intensity", answer=[{"valueString": "7"}]),
                     "item pain_intensity: needs valueInteger", id="number-as-text"),
        pytest.param(lambda r: _edit(r, "pain_present", answer=[{"valueCoding": {"code": "yes"}}] * 2),
                     "2 answers to a question that takes one", id="two-answers-single"),
        pytest.param(lambda r: r.update(status="bogus"), "status bogus", id="bad-status"),
        pytest.param(lambda r: r["item"].append(_nested(20)), "item g19: unknown linkId", id="nested-groups"),
        pytest.param(lambda r: r["item"].append({"linkId": "\x1b]0;pwned\x07", "answer": []}),
                     "item \\x1b]0;pwned\\x07: unknown linkId", id="control-characters"),
    ],
)
def test_score_refuses_a_response_in_one_line(
    questionnaire: Questionnaire, tmp_path: Path, capsys: pytest.CaptureFixture[str], change: Any, fragment: str
) -> None:
    response = copy.deepcopy(_response(questionnaire, answers()))
    change(response)
    path = tmp_path / "response.json"
    path.write_text(json.dumps(response), encoding="utf-8")
    code, out, err = run(capsys, "score", "--questionnaire", Q, "--answers", str(path), "--base-url", BASE)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and fragment in err, err
    assert all(ch.isprintable() for ch in err.rstrip("\n"))


def test_batch_scores_ndjson_of_responses(
    questionnaire: Questionnaire, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Our own NDJSON export (responses and Observations mixed) scores back; bad lines are rows."""
    flats = [answers(), with_categories("sensory", "vasomotor", "motor_trophic", stroke_signs_last_hours="yes")]
    lines: list[str] = []
    for number, flat in enumerate(flats):
        result = score(questionnaire, flat)
        lines += ndjson_lines(screening_resources(questionnaire, result, response_id=f"s{number}",
                                                  authored=AUTHORED, complete=True))
    lines += ["{not json\n", "[" * 50_000 + "\n", json.dumps({"resourceType": "QuestionnaireResponse",
                                                             "questionnaire": "urn:x|1", "status": "completed"}) + "\n"]
    source, target = tmp_path / "responses.ndjson", tmp_path / "results.csv"
    source.write_text("".join(lines), encoding="utf-8")
    code, _, err = run(capsys, "batch", "--questionnaire", Q, "--input", str(source), "--output", str(target))
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert code == 0
    assert [row["response_id"] for row in rows] == ["s0", "s1", "", "", ""]
    assert [row["tier"] for row in rows[:2]] == ["no_referral_suggested", "referral_suggested"]
    assert [row["urgent"] for row in rows[:2]] == ["False", "True"]
    assert "not valid JSON" in rows[2]["error"] and "nested too deeply" in rows[3]["error"]
    assert "is not urn:crps-screen:Questionnaire:crps_symptom_screen" in rows[4]["error"]
    assert err.strip().endswith("skipped 5 other resources")


def test_batch_refuses_an_overlong_ndjson_line_and_goes_on(
    questionnaire: Questionnaire, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = json.dumps(_response(questionnaire, answers(), base="")) + "\n"
    source, target = tmp_path / "responses.ndjson", tmp_path / "results.csv"
    source.write_text(good + '{"resourceType": "QuestionnaireResponse", "id": "' + "x" * 3_000_000 + '"}\n' + good)
    code, _, err = run(capsys, "batch", "--questionnaire", Q, "--input", str(source), "--output", str(target))
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert code == 0, err
    assert [row["line"] for row in rows] == ["1", "2", "3"]
    assert [row["tier"] for row in rows] == ["no_referral_suggested", "", "no_referral_suggested"]
    assert "too large" in rows[1]["error"] and len(rows[1]["error"]) < 100


# --- a red-flag answer in a response is never lost --------- -------------------------------------


def _with_answer(response: dict[str, Any], link_id: str, code: str) -> dict[str, Any]:
    changed = copy.deepcopy(response)
    _edit(changed, link_id, answer=[{"valueCoding": {"code": code}}])
    return changed


@pytest.mark.parametrize("status", ["completed", "in-progress"])
def test_score_response_with_a_red_flag_hidden_by_branching_is_urgent(
    questionnaire: Questionnaire, tmp_path: Path, capsys: pytest.CaptureFixture[str], status: str
) -> None:
    """1.1: cast "no" hid the compartment-syndrome "yes" and the response scored not urgent."""
    response = _with_answer(_response(questionnaire, answers()), "cast_or_tight_bandage", "no")
    response = _with_answer(response, "tight_cast_worsening_pain", "yes")
    response["status"] = status
    path = tmp_path / "response.json"
    path.write_text(json.dumps(response), encoding="utf-8")
    code, out, err = run(capsys, "score", "--questionnaire", Q, "--answers", str(path), "--base-url", BASE)
    assert code == 0, err
    printed = json.loads(out)
    assert printed["urgent"] is True and printed["red_flags"] == ["tight_cast_worsening_pain"]
    assert printed["red_flag_level"] == "emergency" and printed["complete"] is (status == "completed")


def test_score_refusing_a_response_still_says_urgent(
    questionnaire: Questionnaire, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    response = _with_answer(_response(questionnaire, answers()), "stroke_signs_last_hours", "Yes")
    path = tmp_path / "response.json"
    path.write_text(json.dumps(response), encoding="utf-8")
    code, out, err = run(capsys, "score", "--questionnaire", Q, "--answers", str(path), "--base-url", BASE)
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert "item stroke_signs_last_hours: code Yes is not one of: yes, no" in err
    assert "URGENT" in err and "stroke_signs_last_hours (emergency)" in err


def test_batch_ndjson_rows_with_errors_still_report_urgent(
    questionnaire: Questionnaire, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """1.1 left `urgent` blank for every refused response, whatever its red-flag answers said."""
    plain = _response(questionnaire, answers(), base="")
    near_miss = _with_answer(plain, "self_harm_thoughts", "Yes")
    other_version = _with_answer(plain, "stroke_signs_last_hours", "yes")
    other_version["questionnaire"] = other_version["questionnaire"].split("|")[0] + "|1.0.0"
    in_progress = _with_answer(_with_answer(plain, "cast_or_tight_bandage", "no"), "tight_cast_worsening_pain", "yes")
    in_progress["status"] = "in-progress"
    no_but_broken = _with_answer(_with_answer(plain, "stroke_signs_last_hours", "No"), "burning_pain", "often")
    lines = [json.dumps(resource) + "\n" for resource in (near_miss, other_version, in_progress, no_but_broken, plain)]
    source, target = tmp_path / "responses.ndjson", tmp_path / "results.csv"
    source.write_text("".join([*lines, "{not json\n"]), encoding="utf-8")
    code, _, err = run(capsys, "batch", "--questionnaire", Q, "--input", str(source), "--output", str(target))
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert code == 0, err
    assert [row["urgent"] for row in rows] == ["True", "True", "True", "False", "False", "True"]
    assert [bool(row["error"]) for row in rows] == [True, True, False, True, False, True]
    assert rows[0]["red_flags"] == "self_harm_thoughts" and "when in doubt, urgent" in rows[0]["warnings"]
    assert rows[1]["red_flags"] == "stroke_signs_last_hours" and "version 1.0.0" in rows[1]["error"]
    assert rows[2]["red_flags"] == "tight_cast_worsening_pain" and "hidden by branching" in rows[2]["warnings"]
    assert "urgent 4 (3 in rows with errors)" in err
