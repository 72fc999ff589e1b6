"""The patient screens' own words, from ui/strings.yaml (questions come from the questionnaire)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

STRINGS_FILE = Path(__file__).resolve().parents[1] / "strings.yaml"
LANGUAGES = ("en", "es")


class StringsError(ValueError):
    """ui/strings.yaml is malformed or a string is missing a language."""


@cache  # static text, the same for every session: no patient data here
def all_strings() -> dict[str, dict[str, str]]:
    """Every string by key, then language; checked once so a gap fails loudly, not on screen."""
    raw = yaml.safe_load(STRINGS_FILE.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise StringsError(f"{STRINGS_FILE}: expected a mapping of string keys")
    problems = [
        f"{key}: needs {', '.join(LANGUAGES)}"
        for key, value in raw.items()
        if not isinstance(value, dict) or any(not isinstance(value.get(lang), str) for lang in LANGUAGES)
    ]
    if problems:
        raise StringsError(f"{STRINGS_FILE}: " + "; ".join(problems))
    return {str(key): {lang: str(value[lang]) for lang in LANGUAGES} for key, value in raw.items()}


def text(key: str, language: str, **values: object) -> str:
    """The string `key` in `language`, with any {placeholders} filled in."""
    template = all_strings()[key][language]
    return template.format(**values) if values else template
