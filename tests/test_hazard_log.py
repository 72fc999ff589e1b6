"""The hazard log cannot drift from the code: every test it names exists, every hazard has a
test control, and the hazards the safety review asked for are all there."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LOG = REPO / "docs" / "safety" / "hazard-log.md"
NODE_ID = re.compile(r"`(tests/[\w/]+\.py)::([\w:]+)(?:\[[^\]`]*\])?`")
HAZARD_HEADING = re.compile(r"^## (H\d+): (.+)$", re.MULTILINE)
REQUIRED_FIELDS = ("Cause", "Effect", "Initial risk", "Design controls", "Test controls",
                   "Training and process", "Residual risk", "Status")


def _defined_tests(path: Path) -> set[str]:
    """`test_x` and `TestClass::test_x` for every test function defined in the file."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names |= {f"{node.name}::{item.name}" for item in node.body
                      if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return names


def _hazards() -> list[tuple[str, str, str]]:
    text = LOG.read_text(encoding="utf-8")
    headings = list(HAZARD_HEADING.finditer(text))
    ends = [match.start() for match in headings[1:]] + [len(text)]
    return [(match.group(1), match.group(2), text[match.end():end]) for match, end in zip(headings, ends, strict=True)]


def _node_ids() -> list[tuple[str, str]]:
    return sorted(set(NODE_ID.findall(LOG.read_text(encoding="utf-8"))))


@pytest.mark.parametrize(("path", "name"), _node_ids(), ids=lambda value: str(value))
def test_every_named_test_exists(path: str, name: str) -> None:
    file = REPO / path
    assert file.exists(), f"hazard log names {path}, which does not exist"
    assert name in _defined_tests(file), f"hazard log names {path}::{name}, which is not defined"


def test_each_hazard_has_every_field_and_a_test_control() -> None:
    hazards = _hazards()
    assert len(hazards) >= 15
    for hazard_id, title, body in hazards:
        for field in REQUIRED_FIELDS:
            assert f"**{field}**" in body, f"{hazard_id} ({title}) has no {field}"
        tests_line = body.split("**Test controls**", 1)[1].split("**Training and process**", 1)[0]
        assert NODE_ID.search(tests_line), f"{hazard_id} ({title}) names no test"


@pytest.mark.parametrize("words", [
    "red flag skipped", "walks away", "emergency", "save fails", "reload", "nobody watches",
    "false reassurance", "over-referral", "diagnosis", "spanish", "previous patient",
    "wrong patient", "self-harm answer", "locked out", "questionnaire edited",
])
def test_the_reviewed_hazards_are_logged(words: str) -> None:
    titles = " | ".join(title.lower() for _, title, _ in _hazards())
    assert words in titles, f"no hazard titled with '{words}'"


def test_each_hazard_has_an_owner_dates_and_a_reason_for_a_residual_risk_of_3() -> None:
    """DCB0129: every hazard is owned and dated, and a residual risk of 3 is accepted for a reason."""
    for hazard_id, title, body in _hazards():
        for field in ("Owner", "Raised", "Reviewed"):
            assert f"- **{field}**:" in body, f"{hazard_id} ({title}) has no {field}"
        residual = body.split("**Residual risk**:", 1)[1].split("\n", 1)[0]
        if "**3**" in residual:
            reason = "- **Residual risk accepted because**:"
            assert reason in body, f"{hazard_id} ({title}) accepts a 3 without a reason"
