"""Screenings per day as a static SVG bar chart: no "Download as PNG", "Show data" or other
built-in way for data to leave the page. Only counts, never patient data. The page
shows it as an image (`st.image`): st.html's sanitiser drops <svg>; the legend and
a text alternative are made here too."""

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
    tiers = _tiers(rows, labels)
    peak = max((sum(v.values()) for v in per_day.values()), default=1) or 1
    slot = (WIDTH - LEFT) / max(1, len(days))
    parts = [f'<svg role="img" aria-label="Screenings per day" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'width="{WIDTH}" height="{HEIGHT}" xmlns="http://www.w3.org/2000/svg">',
             f'<text x="0" y="12" font-size="11" font-family="sans-serif">{peak}</text>',
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
            parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 6}" font-size="11" font-family="sans-serif">'
                         f'{day:%d %b}</text>')
    parts.append("</svg>")
    return "".join(parts)


COLOUR_NAMES = ("blue", "brown", "green", "purple", "red")
"""COLOURS in words, for the legend under the image."""


def _tiers(rows: list[tuple[date, str, int]], labels: dict[str, str]) -> list[str]:
    return list(labels) + sorted({t for _, t, _ in rows} - set(labels))


def legend(rows: list[tuple[date, str, int]], labels: dict[str, str]) -> str:
    """"blue: Referral suggested · brown: ..." (plain text: st.caption shows it as text)."""
    return " · ".join(f"{COLOUR_NAMES[n % len(COLOUR_NAMES)]}: {labels.get(t, t)}"
                      for n, t in enumerate(_tiers(rows, labels)))


def chart_alt(rows: list[tuple[date, str, int]]) -> str:
    """The image's text alternative: the span and the totals a screen reader needs."""
    days = sorted({day for day, _, _ in rows})
    total = sum(count for _, _, count in rows)
    span = f"{days[0]:%d %b} to {days[-1]:%d %b}" if days else "no days"
    return f"Screenings per day, {span}: {total} screenings on {len(days)} days"
