"""Yes answers in each symptom group, as horizontal bars.

Drawn with plain shapes rather than reportlab's chart widget: the title, group names, axis and
ticks are the same for every screening, so they are built once per process and shared; only
the bars are made per document. Nothing about a patient is cached.
"""

from __future__ import annotations

from functools import lru_cache

from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import inch

from report import fonts
from report.styles import WIDTH

_ROW = 22.0
_BOTTOM = 16.0
_TOP = 22.0
_LEFT = 2.2 * inch
_PLOT_WIDTH = WIDTH - 2.6 * inch
_BAR = colors.Color(0.3, 0.3, 0.3)


def bar_chart(title: str, labels: tuple[str, ...], counts: tuple[int, ...]) -> Drawing:
    """One bar per group, first group at the top; the value axis runs 0 to at least 3."""
    rows = max(1, len(labels))
    top = max(3, *counts) if counts else 3
    height = _BOTTOM + _TOP + _ROW * rows
    drawing = Drawing(WIDTH, height)
    drawing.add(_static(title, labels, top))
    for row, count in enumerate(counts):
        if count > 0:
            y = _BOTTOM + _ROW * (rows - 1 - row) + _ROW * 0.2
            drawing.add(Rect(_LEFT, y, _PLOT_WIDTH * count / top, _ROW * 0.6, fillColor=_BAR, strokeColor=None))
    return drawing


@lru_cache(maxsize=64)
def _static(title: str, labels: tuple[str, ...], top: int) -> Group:
    rows = max(1, len(labels))
    height = _BOTTOM + _TOP + _ROW * rows
    plot_top = _BOTTOM + _ROW * rows
    group = Group()
    group.add(String(0, height - 12, title, fontName=fonts.BOLD, fontSize=9))
    for row, label in enumerate(labels):
        y = _BOTTOM + _ROW * (rows - 1 - row) + _ROW * 0.5 - 3
        group.add(String(_LEFT - 6, y, label, fontName=fonts.REGULAR, fontSize=8, textAnchor="end"))
    group.add(Line(_LEFT, _BOTTOM, _LEFT, plot_top, strokeColor=colors.black, strokeWidth=0.6))
    group.add(Line(_LEFT, _BOTTOM, _LEFT + _PLOT_WIDTH, _BOTTOM, strokeColor=colors.black, strokeWidth=0.6))
    for value in range(top + 1):
        x = _LEFT + _PLOT_WIDTH * value / top
        group.add(Line(x, _BOTTOM, x, _BOTTOM - 3, strokeColor=colors.black, strokeWidth=0.6))
        group.add(String(x, _BOTTOM - 12, str(value), fontName=fonts.REGULAR, fontSize=8, textAnchor="middle"))
    return group
