"""Staff-entered text shown as text, never as Markdown.

`st.caption`, `st.markdown`, `st.error`/`st.success` and the cells of `st.table` all render
Markdown (and Streamlit's directives: `:red[...]`, `:material/...:`, `$...$` maths). A display
name `**BOLD** ![t](http://elsewhere/track.png)` there turned bold and made the admin's browser
fetch an outside image. Every string a person typed (usernames, display names, e-mails, audit
details, filters, messages that quote them) goes through `as_text` before such an element;
CommonMark shows a backslash-escaped ASCII punctuation character as itself.
"""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def as_text(value: object) -> str:
    """`value` as a string that a Markdown element shows character for character, on one line."""
    return _PUNCTUATION.sub(r"\\\1", _LINE_BREAKS.sub(" ", str(value)))
