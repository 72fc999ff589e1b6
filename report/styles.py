"""Styles and paragraphs of the PDF summary, made once per process and reused by every document.

Two kinds of paragraph:
- `paragraph(text)`: data or a person's words (a note, a reference, a date). Escaped, parsed
  fresh for each document, never cached.
- `wording(text)`: fixed wording from the questionnaire or `strings.yaml` (questions, answer
  labels, headings). Its parsed form and its line breaks at each width are cached for the life
  of the process, keyed by the wording itself, so no patient's answer or note is ever a key.
"""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, TableStyle
from reportlab.platypus.paragraph import cleanBlockQuotedText
from reportlab.platypus.paraparser import ParaParser

from report import fonts

_LONG_WORD = re.compile(r"(\S{40})(?=\S)")

BASE = ParagraphStyle("base", fontName=fonts.REGULAR, fontSize=10, leading=13)
SMALL = ParagraphStyle("small", parent=BASE, fontSize=8.5, leading=11)
TITLE = ParagraphStyle("title", parent=BASE, fontName=fonts.BOLD, fontSize=17, leading=21, spaceAfter=4)
HEADING = ParagraphStyle("heading", parent=BASE, fontName=fonts.BOLD, fontSize=12, leading=15,
                         spaceBefore=10, spaceAfter=4)
BOX = ParagraphStyle("box", parent=BASE, fontSize=11, leading=14)
URGENT = ParagraphStyle("urgent", parent=BASE, fontName=fonts.BOLD, fontSize=15, leading=19)
URGENT_LEVEL = ParagraphStyle("urgent-level", parent=BASE, fontName=fonts.BOLD, fontSize=12, leading=16, spaceAfter=4)
_BY_NAME = {style.name: style for style in (BASE, SMALL, TITLE, HEADING, BOX, URGENT, URGENT_LEVEL)}

GRID = TableStyle([
    ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
    ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
])
FACTS = TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)])
WIDTH = LETTER[0] - 1.6 * inch
"""The frame's width: the page less both margins."""


def markup(value: str) -> str:
    """Data or a person's words made safe for Paragraph markup; very long words broken."""
    return escape(_LONG_WORD.sub(r"\1 ", value)).replace("\n", "<br/>")


def paragraph(text: str, style: ParagraphStyle = BASE) -> Paragraph:
    """A paragraph of data or a person's words: escaped, parsed for this document only."""
    return Paragraph(markup(text), style)


def wording(text: str, style: ParagraphStyle = BASE) -> Paragraph:
    """A paragraph of fixed wording (questionnaire, strings): parsed once per process."""
    marked = markup(text)
    key = (marked, style.name)
    frags = _FRAGS.get(key)
    if frags is None:
        _, frags, _ = ParaParser().parse(cleanBlockQuotedText(marked), _BY_NAME[style.name])
        if frags is None:
            raise ValueError(f"report wording does not parse: {marked[:40]!r}")
        _bounded(_FRAGS)[key] = frags
    return _Wording(marked, style, frags=frags)


_FRAGS: dict[tuple[str, str], Any] = {}
_LINES: dict[tuple[str, str, tuple[float, ...]], Any] = {}


def _bounded(cache: dict[Any, Any]) -> dict[Any, Any]:
    """A questionnaire's wording is a few hundred entries; a runaway key set starts over."""
    if len(cache) > 20_000:
        cache.clear()
    return cache


class _Wording(Paragraph):  # type: ignore[misc]  # reportlab ships no types
    """Line breaks of fixed wording at a given width, worked out once per process."""

    def breakLines(self, width: Any) -> Any:  # reportlab's name
        if len(self.frags) != 1:  # markup with several runs: reportlab rewrites self.frags
            return super().breakLines(width)
        key = (self.text, self.style.name, tuple(width) if isinstance(width, list | tuple) else (width,))
        lines = _LINES.get(key)
        if lines is None:
            lines = _bounded(_LINES)[key] = super().breakLines(width)
        return lines
