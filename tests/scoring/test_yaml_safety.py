"""Hostile questionnaire YAML: refused fast, with one line naming the file.

On 1.0 a "billion laughs" file ran 70 s and died of MemoryError (`content_hash` serialised the
expanded document); a self-referencing anchor and deep nesting crashed with tracebacks.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from scoring import QuestionnaireError, load_questionnaire, parse_questionnaire
from tests.support.answers import DEFAULT_QUESTIONNAIRE, REPO

BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
       f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]" for i in range(8)]
    + ["id: bomb", "items: *i"]
)
SELF_REFERENCE = "id: loop\nitems: &x [*x]\n"
DEEP_FLOW = "id: deep\nitems: " + "[" * 10_000 + "]" * 10_000 + "\n"
DEEPEST_FLOW = "id: deep\nitems: " + "{" * 500_000 + "\n"  # just under 1 MB: refused at the scanner
DEEP_BLOCK = "id: deep\nitems:\n" + "- " * 10_000 + "x\n"
MERGE_KEY = "base: &base {type: single}\nitems:\n  - <<: *base\n    id: x\n"


def refusal(text: str, name: str = "questionnaires/hostile.yaml") -> str:
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(text, name)
    assert len(caught.value.problems) == 1
    line = caught.value.problems[0]
    assert line.startswith(f"{name}: ") and "\n" not in line
    return line


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param(BILLION_LAUGHS, "anchors and aliases", id="billion-laughs"),
        pytest.param(SELF_REFERENCE, "anchors and aliases", id="self-referencing-anchor"),
        pytest.param(MERGE_KEY, "anchors and aliases", id="merge-key"),
        pytest.param(DEEP_FLOW, "nested more than 32 levels", id="10000-deep-flow"),
        pytest.param(DEEP_BLOCK, "nested more than 32 levels", id="10000-deep-block"),
        pytest.param(DEEPEST_FLOW, "nested more than 32 levels", id="500000-deep-flow"),
    ],
)
def test_hostile_yaml_is_one_line(text: str, fragment: str) -> None:
    assert fragment in refusal(text)


def test_anchor_line_is_named() -> None:
    assert refusal(SELF_REFERENCE).startswith("questionnaires/hostile.yaml: line 2: ")


def test_billion_laughs_fails_fast_in_a_fresh_process(tmp_path: Path) -> None:
    """A time limit the test can enforce: the whole command, start-up included, within 5 s
    (the refusal itself is measured below at under 0.2 s)."""
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BILLION_LAUGHS, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "scoring", "validate", str(bomb)],
        cwd=REPO, capture_output=True, text=True, timeout=5, check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"{bomb}: line 1: anchors and aliases (&name, *name) are not allowed in a questionnaire"
    ]
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "text", [BILLION_LAUGHS, DEEP_FLOW, DEEPEST_FLOW, SELF_REFERENCE], ids=["bomb", "deep", "deepest", "self"]
)
def test_refusal_is_quick(text: str) -> None:
    start = time.perf_counter()
    refusal(text)
    assert time.perf_counter() - start < 2.0  # a limit, not a benchmark: measured under 15 ms


def test_file_over_1_mb_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("# padding\n" * 120_000, encoding="utf-8")
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(big)
    assert caught.value.problems == (
        f"{big}: file is larger than 1,048,576 bytes (1 MB), the most a questionnaire may be",
    )
    assert "1 MB" in refusal("# padding\n" * 120_000)


def test_the_real_questionnaire_is_well_inside_the_limits() -> None:
    assert DEFAULT_QUESTIONNAIRE.stat().st_size < 100_000
    assert load_questionnaire(DEFAULT_QUESTIONNAIRE).items
