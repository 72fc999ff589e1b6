"""The patient screens' own words, from ui/strings.yaml (questions come from the questionnaire).

The languages a patient may choose are the questionnaire's `languages:` (the one list); every
string here must exist in each of them (`problem`, checked at start by app.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

import yaml

from ui import resources

STRINGS_FILE = Path(__file__).resolve().parents[1] / "strings.yaml"


class StringsError(ValueError):
    """ui/strings.yaml is malformed or a string is missing one of the questionnaire's languages."""


def languages() -> tuple[str, ...]:
    """The languages a patient may choose, in the questionnaire's order (its `languages:`)."""
    return resources.questionnaire().languages


@cache  # static text, the same for every session: no patient data here
def all_strings() -> dict[str, dict[str, str]]:
    """Every string by key, then language, as the file gives them (`check` says what is missing)."""
    raw = yaml.safe_load(STRINGS_FILE.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise StringsError(f"{STRINGS_FILE}: expected a mapping of string keys")
    problems = [f"{key}: needs a text per language" for key, value in raw.items()
                if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values())]
    if problems:
        raise StringsError(f"{STRINGS_FILE}: " + "; ".join(problems))
    return {str(key): {str(lang): str(text) for lang, text in value.items()} for key, value in raw.items()}


def check(wanted: Iterable[str]) -> None:
    """Every string has every language the questionnaire offers, so a gap fails loudly at start,
    not on a patient's screen."""
    needed = list(wanted)
    problems = [f"{key}: needs {', '.join(needed)}" for key, value in all_strings().items()
                if any(not value.get(language, "").strip() for language in needed)]
    if problems:
        raise StringsError(f"{STRINGS_FILE}: " + "; ".join(problems))


def problem(wanted: Iterable[str]) -> str | None:
    """`check`'s one-line complaint, or None when the strings file is usable."""
    try:
        check(wanted)
    except StringsError as exc:
        return str(exc)
    return None


def text(key: str, language: str, **values: object) -> str:
    """The string `key` in `language`, with any {placeholders} filled in."""
    template = all_strings()[key][language]
    return template.format(**values) if values else template
