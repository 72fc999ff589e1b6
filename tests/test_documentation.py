"""The README stays true: every setting the code reads is documented, and the two commands a
newcomer needs come first (Datasette's practice: a test checks every setting is documented)."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def settings_read_by_the_code() -> set[str]:
    names: set[str] = set()
    for path in [*REPO.glob("ui/**/*.py"), REPO / "app.py", *REPO.glob("storage/*.py"), *REPO.glob("report/*.py")]:
        source = path.read_text(encoding="utf-8")
        names |= set(re.findall(r'setting\("([A-Z_]+)"', source))
        names |= set(re.findall(r'environ\.get\("([A-Z_]+)"', source))
    return names


def test_every_setting_is_documented() -> None:
    names = settings_read_by_the_code()
    assert {"DATABASE_URL", "IDLE_TIMEOUT_SECONDS", "STAFF_IDLE_MINUTES"} <= names  # the scan finds them
    assert sorted(name for name in names if f"`{name}`" not in README) == []


def test_readme_starts_with_the_two_commands() -> None:
    start = README.index("## Start")
    assert README.index("make run", start) < README.index("## How the parts fit")
    assert README.index("make test", start) < README.index("## How the parts fit")
