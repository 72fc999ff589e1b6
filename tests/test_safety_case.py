"""`make safety-case` writes a safety case a Clinical Safety Officer can sign: the questionnaire
version and hash it covers, every hazard with its residual risk, and whether each test the
hazard log names passed in that run."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from scoring import load_questionnaire

REPO = Path(__file__).resolve().parents[1]


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("safety_case", REPO / "docs" / "safety" / "safety_case.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["safety_case"] = module
    spec.loader.exec_module(module)
    return module


safety_case = _module()

LOG = """
## H90: A made-up hazard
- **Cause**: c
- **Residual risk**: low × major = **3**
- **Status**: closed
- **Residual risk accepted because**: a reason given here.
- **Test controls**: `tests/a/test_one.py::test_plain`, `tests/a/test_one.py::TestGroup::test_in_class`

## H91: Another one
- **Residual risk**: very low × major = **2**
- **Status**: open (waiting)
- **Test controls**: `tests/a/test_one.py::test_parametrised[case-1]`

## H92: Residual 3 with no reason
- **Residual risk**: low × major = **3**
- **Status**: closed
- **Test controls**: `tests/a/test_one.py::test_plain`
"""

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest">
<testcase classname="tests.a.test_one" name="test_plain"/>
<testcase classname="tests.a.test_one.TestGroup" name="test_in_class"><skipped message="no"/></testcase>
<testcase classname="tests.a.test_one" name="test_parametrised[case-1]"/>
<testcase classname="tests.a.test_one" name="test_parametrised[case-2]"><failure message="x"/></testcase>
</testsuite></testsuites>
"""


@pytest.fixture
def junit(tmp_path: Path) -> Path:
    path = tmp_path / "results.xml"
    path.write_text(JUNIT, encoding="utf-8")
    return path


def test_outcomes_fold_parameter_sets_and_read_classes(junit: Path) -> None:
    results = safety_case.outcomes(junit)
    assert results == {
        "tests/a/test_one.py::test_plain": "passed",
        "tests/a/test_one.py::TestGroup::test_in_class": "skipped",
        "tests/a/test_one.py::test_parametrised": "failed",  # one failing parameter set fails the test
    }


def test_each_hazard_reports_its_named_tests_and_risk(junit: Path) -> None:
    hazards = safety_case.hazards(LOG)
    assert [h.id for h in hazards] == ["H90", "H91", "H92"]
    assert hazards[0].tests == ["tests/a/test_one.py::test_plain", "tests/a/test_one.py::TestGroup::test_in_class"]
    assert hazards[1].tests == ["tests/a/test_one.py::test_parametrised"]
    text = safety_case.render(hazards, safety_case.outcomes(junit), dt.datetime(2026, 12, 5, tzinfo=dt.UTC))
    assert "| H90 | A made-up hazard | ? | 3 | closed | 1 of 2 |" in text
    assert "| H91 | Another one | ? | 2 | open | 0 of 1 |" in text
    assert "- failed: `tests/a/test_one.py::test_parametrised`" in text
    assert "- skipped: `tests/a/test_one.py::TestGroup::test_in_class`" in text
    assert "**H90** (A made-up hazard): a reason given here." in text
    assert "**H92** (Residual 3 with no reason): **NO REASON GIVEN**" in text


def test_the_safety_case_names_the_questionnaire_version_and_hash(junit: Path) -> None:
    text = safety_case.render(safety_case.hazards(LOG), {}, dt.datetime(2026, 12, 5, tzinfo=dt.UTC))
    for path in sorted((REPO / "questionnaires").glob("*.yaml")):
        questionnaire = load_questionnaire(path)
        assert f"| {questionnaire.id} | {questionnaire.version} | `{questionnaire.content_hash}` |" in text
    sign_off = text[text.index("## Sign-off"):]
    assert "| Clinical Safety Officer (clinic) | | | |" in sign_off  # left blank for the clinic


def test_a_named_test_that_did_not_pass_fails_the_command(junit: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "hazard-log.md"
    log.write_text(LOG, encoding="utf-8")
    monkeypatch.setattr(safety_case, "LOG", log)
    out = tmp_path / "safety-case.md"
    assert safety_case.main(["--junit", str(junit), "--out", str(out)]) == 1
    assert "Tests named by the log: 3; passed in this run: 1; not passed: 2" in out.read_text(encoding="utf-8")
    passing = tmp_path / "passing.xml"
    passing.write_text(JUNIT.replace('<skipped message="no"/>', "").replace('<failure message="x"/>', ""),
                       encoding="utf-8")
    assert safety_case.main(["--junit", str(passing), "--out", str(out)]) == 0
