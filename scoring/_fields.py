"""The loader's small typed readers: each checks one field and records a problem if it is wrong.

Every problem reads ``FILE: WHERE: WHAT`` and is collected, never raised, so one run of the
loader lists everything wrong with a file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from scoring.model import RED_FLAG_LEVELS, RedFlagLevel, Text

_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")


class FieldReader:
    """Records problems against one file; the section readers build on it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[str] = []
        self.languages: tuple[str, ...] = ()

    def problem(self, where: str, what: str) -> None:
        self.problems.append(f"{self.name}: {where}: {what}")

    def keys(self, where: str, raw: Mapping[str, Any], allowed: set[str], required: set[str]) -> None:
        for key in raw:
            if key not in allowed:
                self.problem(f"{where}.{key}" if where else str(key), "unknown key")
        for key in sorted(required - set(raw)):
            self.problem(f"{where}.{key}" if where else key, "missing")

    def mapping(self, where: str, raw: object) -> Mapping[str, Any] | None:
        if isinstance(raw, Mapping):
            return raw
        self.problem(where, f"must be a mapping, not {kind_of(raw)}")
        return None

    def string(self, where: str, raw: object) -> str:
        if isinstance(raw, str) and raw.strip():
            return raw.strip()
        self.problem(where, "must be non-empty text" if raw is not None else "missing")
        return ""

    def identifier(self, where: str, raw: object) -> str:
        value = self.string(where, raw)
        if value and not _ID.match(value):
            self.problem(where, f"'{value}' must be lower case letters, digits and _")
        return value

    def level(self, where: str, raw: object) -> RedFlagLevel:
        """A red flag's or a red-flag rule's `level` (emergency when not given or unknown: when in
        doubt, the most urgent; an unknown one is also an error)."""
        for level in RED_FLAG_LEVELS:
            if raw == level:
                return level
        if raw is not None:
            self.problem(where, f"unknown level {raw!r}; use one of {', '.join(RED_FLAG_LEVELS)}")
        return "emergency"

    def boolean(self, where: str, raw: object, default: bool = False) -> bool:
        if raw is None:
            return default
        if isinstance(raw, bool):
            return raw
        self.problem(where, f"must be true or false, not {kind_of(raw)}")
        return default

    def integer(self, where: str, raw: object) -> int | None:
        if raw is None:
            return None
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        self.problem(where, f"must be a whole number, not {kind_of(raw)}")
        return None

    def text(self, where: str, raw: object) -> Text:
        """A string given in every declared language."""
        values = self.mapping(where, raw)
        if values is None:
            return Text(())
        pairs: list[tuple[str, str]] = []
        for language in self.languages:
            value = values.get(language)
            if not isinstance(value, str) or not value.strip():
                self.problem(f"{where}.{language}", "missing text for this language")
                continue
            pairs.append((language, value.strip()))
        for extra in values:
            if extra not in self.languages:
                self.problem(f"{where}.{extra}", "language not listed in 'languages'")
        return Text(tuple(pairs))

    def optional_text(self, where: str, raw: object) -> Text | None:
        return None if raw is None else self.text(where, raw)

    def string_list(self, where: str, raw: object) -> tuple[str, ...]:
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not raw:
            self.problem(where, "must be a non-empty list")
            return ()
        return tuple(self.string(f"{where}[{index}]", value) for index, value in enumerate(raw))

    def entries(
        self, section: str, raw: object, key: str = "id", empty: str = "must be a non-empty list"
    ) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
        """A list of mappings each named by a unique `key`: yields (where, name, fields).

        `where` is ``section[name]`` once the name is known; a name used twice is a problem
        at the second use. Entries that are not mappings are reported and skipped.
        """
        if not isinstance(raw, list) or not raw:
            self.problem(section, empty)
            return
        seen: set[str] = set()
        for index, entry in enumerate(raw):
            fields = self.mapping(f"{section}[{index}]", entry)
            if fields is None:
                continue
            name = self.identifier(f"{section}[{index}].{key}", as_written(fields.get(key)))
            where = f"{section}[{name or index}]"
            if name and name in seen:
                self.problem(f"{where}.{key}", f"'{name}' is listed twice")
            seen.add(name)
            yield where, name, fields


def listify(raw: object) -> list[object]:
    if raw is None:
        return []
    return raw if isinstance(raw, list) else [raw]


def as_written(raw: object) -> object:
    """YAML reads `yes`/`no` unquoted as booleans and `1.0` as a number; take them as written."""
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, (int, float)):
        return str(raw)
    return raw


def kind_of(raw: object) -> str:
    return {dict: "a mapping", list: "a list", str: "text", type(None): "nothing"}.get(
        type(raw), type(raw).__name__
    )
