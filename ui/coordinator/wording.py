"""The coordinator pages' words from ui/coordinator/strings.yaml, checked against the
questionnaire's languages (the one list of languages), plus labels taken from the questionnaire."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

import yaml

from scoring import Questionnaire

STRINGS_FILE = Path(__file__).resolve().parent / "strings.yaml"


class StringsError(ValueError):
    """ui/coordinator/strings.yaml is malformed or a string lacks one of the questionnaire's languages."""


@cache  # static text, the same for every session: no patient data here
def _raw() -> dict[str, dict[str, str]]:
    raw = yaml.safe_load(STRINGS_FILE.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise StringsError(f"{STRINGS_FILE}: expected a mapping of string keys to languages")
    return {str(key): {str(lang): str(text) for lang, text in value.items()} for key, value in raw.items()}


def check(languages: Iterable[str]) -> None:
    """Every string has every language the questionnaire offers (called at start-up, fails loudly)."""
    wanted = list(languages)
    problems = [f"{key}: needs {', '.join(wanted)}" for key, value in _raw().items()
                if any(lang not in value for lang in wanted)]
    if problems:
        raise StringsError(f"{STRINGS_FILE}: " + "; ".join(problems))


def problem(languages: Iterable[str]) -> str | None:
    """`check`'s one-line complaint, or None when the strings file is usable."""
    try:
        check(languages)
    except StringsError as exc:
        return str(exc)
    return None


def text(key: str, language: str = "en") -> str:
    entry = _raw()[key]
    return entry.get(language) or entry["en"]


def status_label(status: str, language: str = "en") -> str:
    key = f"status_{status}"
    return text(key, language) if key in _raw() else status


def language_name(code: str, language: str = "en") -> str:
    key = f"language_{code}"
    return text(key, language) if key in _raw() else code


def tier_label(questionnaire: Questionnaire, tier: str, language: str = "en") -> str:
    try:
        return questionnaire.tier(tier).label[language]
    except KeyError:  # a tier from an older questionnaire version
        return tier


def category_labels(questionnaire: Questionnaire, ids: Iterable[str]) -> str:
    names = []
    for category_id in ids:
        try:
            names.append(questionnaire.category(category_id).label["en"])
        except KeyError:
            names.append(category_id)
    return ", ".join(names)
