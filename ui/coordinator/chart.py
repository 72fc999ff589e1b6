"""Screenings per day as a static SVG bar chart: no "Download as PNG", "Show data" or other
built-in way for data to leave the page (issue 11). Only counts, never patient data."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from html import escape

COLOURS = ("#1d4ed8", "#b45309", "#047857", "#7c3aed", "#be123c")
WIDTH, HEIGHT, LEFT, BOTTOM = 900, 200, 36, 24


def daily_svg(rows: list[tuple[date, str, int]], labels: dict[str, str]) -> str:
    """Stacked bars, one per day, one colour per tier (legend below); `labels` maps tier → name."""
    per_day: dict[date, dict[str, int]] = defaultdict(dict)
    for day, tier, count in rows:
        per_day[day][tier] = per_day[day].get(tier, 0) + count
    days = sorted(per_day)
    tiers = list(labels) + sorted({t for _, t, _ in rows} - set(labels))
    peak = max((sum(v.values()) for v in per_day.values()), default=1) or 1
    slot = (WIDTH - LEFT) / max(1, len(days))
    parts = [f'<svg role="img" aria-label="Screenings per day" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'width="100%" height="{HEIGHT}" xmlns="http://www.w3.org/2000/svg">',
             f'<text x="0" y="12" font-size="11">{peak}</text>',
             f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH}" y2="{HEIGHT - BOTTOM}" stroke="#6b7280"/>']
    for index, day in enumerate(days):
        x, base = LEFT + index * slot, float(HEIGHT - BOTTOM)
        for number, tier in enumerate(tiers):
            count = per_day[day].get(tier, 0)
            if not count:
                continue
            height = count / peak * (HEIGHT - BOTTOM - 16)
            base -= height
            parts.append(f'<rect x="{x + 1:.1f}" y="{base:.1f}" width="{max(1.0, slot - 2):.1f}" '
                         f'height="{height:.1f}" fill="{COLOURS[number % len(COLOURS)]}">'
                         f'<title>{day:%d %b}: {escape(labels.get(tier, tier))} {count}</title></rect>')
        if index % 7 == 0:
            parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 6}" font-size="11">{day:%d %b}</text>')
    parts.append("</svg>")
    legend = " · ".join(
        f'<span style="color:{COLOURS[n % len(COLOURS)]}">■</span> {escape(labels.get(t, t))}'
        for n, t in enumerate(tiers)
    )
    return "".join(parts) + f'<div style="font-size:0.8rem">{legend}</div>'
