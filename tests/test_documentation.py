"""The documentation stays true: every setting the code reads is in the README, the two commands a
newcomer needs come first, and docstrings and comments cite only files in the repository and no
issue numbers."""

from __future__ import annotations

import ast
import io
import re
import subprocess
import tokenize
from pathlib import Path

import pytest

from settings import SETTING_NAMES

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented() -> None:
    assert {"DATABASE_URL", "IDLE_TIMEOUT_SECONDS", "STAFF_IDLE_MINUTES"} <= set(SETTING_NAMES)
    assert sorted(name for name in SETTING_NAMES if f"`{name}`" not in README) == []


def test_nothing_reads_a_setting_around_the_settings_module() -> None:
    """Only `settings.py` reads the environment or secrets.toml for the app's settings."""
    for path in [*REPO.glob("ui/**/*.py"), REPO / "app.py", *REPO.glob("storage/**/*.py"),
                 *REPO.glob("report/*.py"), *REPO.glob("access/*.py")]:
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"os\.environ|getenv|st\.secrets\.get|secrets\.toml", source), path


def test_settings_table_is_one_table() -> None:
    """A blank line inside a Markdown table splits it, and the second half stops rendering."""
    section = README[README.index("## Settings"):README.index("\n## ", README.index("## Settings") + 3)]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    first, last = section.index(rows[0]), section.index(rows[-1])
    assert "\n\n" not in section[first:last]


def test_readme_starts_with_the_two_commands() -> None:
    start = README.index("## Start")
    assert README.index("make run", start) < README.index("## How the parts fit")
    assert README.index("make test", start) < README.index("## How the parts fit")


NOT_IN_THE_REPOSITORY = re.compile(r"CLINICAL\.md|STREAMLIT-NOTES\.md")
ISSUE_NUMBER = re.compile(r"\b[Ii]ssues?\s+#?\d|\(#\d+\)|(?<![\w&#/])#\d{1,3}\b(?![\w-])")
SKIPPED: tuple[str, ...] = ()


def _python_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "*.py"], cwd=REPO, capture_output=True, text=True, check=True)
    return [REPO / name for name in listed.stdout.split()
            if "node_modules" not in name and not name.startswith(SKIPPED)]


def _docstrings_and_comments(source: str) -> list[tuple[int, str]]:
    """Every comment, and every string that stands alone as a statement (docstrings, and the
    strings that document a constant), with its line number."""
    found = [(token.start[0], token.string) for token in tokenize.generate_tokens(io.StringIO(source).readline)
             if token.type == tokenize.COMMENT]
    found += [(node.lineno, node.value.value) for node in ast.walk(ast.parse(source))
              if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
              and isinstance(node.value.value, str)]
    return found


def _offenders(pattern: re.Pattern[str]) -> list[str]:
    return [f"{path.relative_to(REPO)}:{line}: {pattern.search(text).group(0)}"  # type: ignore[union-attr]
            for path in _python_files()
            for line, text in _docstrings_and_comments(path.read_text(encoding="utf-8"))
            if pattern.search(text)]


def test_docstrings_and_comments_cite_only_files_in_the_repository() -> None:
    """The team's own notes (clinical rules, Streamlit pitfalls) are not in the repository: cite
    what is."""
    assert _offenders(NOT_IN_THE_REPOSITORY) == []


def test_docstrings_and_comments_carry_no_issue_numbers() -> None:
    """A docstring says what the code does; the issue that asked for it is in the git log."""
    assert _offenders(ISSUE_NUMBER) == []


@pytest.mark.parametrize("text", ["(issue 16)", "Issue 20 item 2: x", "fixed in #9.", "(#12)", "issues 3 and 4"])
def test_an_issue_number_is_found(text: str) -> None:
    assert ISSUE_NUMBER.search(text)


@pytest.mark.parametrize("text", ["color: #111827", "item 3 of 7", "`tests/scoring`", "page #main", "url#1a"])
def test_what_is_not_an_issue_number_is_not_found(text: str) -> None:
    assert not ISSUE_NUMBER.search(text)
