"""The README stays true: every setting the code reads is documented, and the two commands a
newcomer needs come first (Datasette's practice: a test checks every setting is documented)."""

from __future__ import annotations

import re
from pathlib import Path

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
