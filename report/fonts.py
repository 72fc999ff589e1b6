"""Fonts shipped inside reportlab (Bitstream Vera), so accents, "≥" and "—" draw on any machine."""

from __future__ import annotations

from pathlib import Path

import reportlab
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR, BOLD = "Vera", "VeraBd"
_FONTS = Path(reportlab.__file__).parent / "fonts"


def register() -> None:
    """Register the two faces once (idempotent); Paragraph <b> maps to the bold face."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(REGULAR, str(_FONTS / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(_FONTS / "VeraBd.ttf")))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
