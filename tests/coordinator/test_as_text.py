"""Staff-entered text is shown as text. The Chromium test
(`tests/browser/test_staff_access.py`) shows no image is fetched; here, the escaping rule."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from ui.coordinator.as_text import as_text


def test_every_markdown_and_directive_character_is_escaped() -> None:
    hostile = "**BOLD** ![t](http://127.0.0.1:9/track.png) :red[RED] $x^2$ <b>x</b> # h\n- item"
    shown = as_text(hostile)
    assert "\n" not in shown
    for char in "*![]():$^<>#-":
        assert char not in shown.replace("\\" + char, "")  # each one is escaped


@given(st.text())
def test_unescaping_gives_the_typed_text_back_on_one_line(typed: str) -> None:
    shown = as_text(typed)
    unescaped, i = [], 0
    while i < len(shown):
        if shown[i] == "\\" and i + 1 < len(shown) and shown[i + 1] in string.punctuation:
            unescaped.append(shown[i + 1])
            i += 2
        else:
            assert shown[i] not in string.punctuation  # no bare punctuation left for Markdown
            unescaped.append(shown[i])
            i += 1
    expected = "".join(" " if c in "\r\n\u2028\u2029" else c for c in typed)
    assert "".join(unescaped).split() == expected.split()
