"""Read questionnaire YAML safely: plain data only, small, shallow, no anchors or aliases.

`yaml.SafeLoader` already refuses Python objects; it still expands aliases, so a "billion
laughs" file (anchors of anchors) grows to gigabytes, and a self-referencing anchor or deep
nesting makes the composer recurse. A questionnaire needs none of these, so they are refused
while the file is read, before anything is built or hashed. Each refusal is one line.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_BYTES = 1_048_576
"""1 MB: the default questionnaire is about 25 kB."""
MAX_DEPTH = 32
"""Nesting levels; the default questionnaire uses 6."""


class YamlRefused(Exception):
    """The text is not acceptable questionnaire YAML; `str()` is one line without the file name."""


class _GuardedLoader(yaml.SafeLoader):
    """SafeLoader that stops at the first anchor or alias, and at nesting deeper than MAX_DEPTH."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # PyYAML's own signature
        event = self.peek_event()  # type: ignore[no-untyped-call]  # PyYAML ships no types here
        line = event.start_mark.line + 1 if event.start_mark else 0
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise YamlRefused(f"line {line}: anchors and aliases (&name, *name) are not allowed in a questionnaire")
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise YamlRefused(f"line {line}: nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


TOO_BIG = f"file is larger than {MAX_BYTES:,} bytes (1 MB), the most a questionnaire may be"


def read_yaml(text: str) -> object:
    """The plain data in `text`. Raises `YamlRefused` (size, anchors, depth) or `yaml.YAMLError`."""
    if len(text) > MAX_BYTES or len(text.encode("utf-8")) > MAX_BYTES:
        raise YamlRefused(TOO_BIG)
    loader = _GuardedLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
