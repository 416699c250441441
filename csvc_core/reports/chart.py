"""A case's levels over time as an inline SVG: time across, the case scale (1-4) up, a line per sector."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from xml.sax.saxutils import escape

import attrs

WIDTH = 640
LEFT, RIGHT, TOP, PLOT_BOTTOM, PAD = 110, 20, 16, 176, 12
LEGEND_TOP, LEGEND_ROW, LEGEND_COLUMNS = 214, 16, 3
#: colours that stay apart for common colour-vision deficiencies (Okabe-Ito), one per sector in order.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")


@attrs.frozen
class Point:
    at: datetime
    compromission: int
    series: str  # the sector's display name


def x_at(at: datetime, start: datetime, span: float) -> float:
    inner = WIDTH - LEFT - RIGHT - 2 * PAD
    if span <= 0:
        return LEFT + PAD + inner / 2
    return LEFT + PAD + (at - start).total_seconds() / span * inner


def y_at(level: int) -> float:
    return TOP + (4 - level) / 3 * (PLOT_BOTTOM - TOP)


def frame(points: Sequence[Point]) -> tuple[list[Point], datetime, float, list[str]]:
    """The points in time order, the first time, the span in seconds, the series in order of appearance."""
    ordered = sorted(points, key=lambda point: point.at)
    start = ordered[0].at if ordered else datetime.now().astimezone()
    span = (ordered[-1].at - start).total_seconds() if ordered else 0.0
    return ordered, start, span, list(dict.fromkeys(point.series for point in ordered))


def height(series_count: int) -> int:
    """The chart's height: the plot, the dates under it, and a legend row per three series."""
    return LEGEND_TOP + max(1, -(-series_count // LEGEND_COLUMNS)) * LEGEND_ROW


def legend_at(index: int) -> tuple[int, int]:
    """Where the legend of the ``index``-th series sits (its text's baseline), three to a row."""
    column, row = index % LEGEND_COLUMNS, index // LEGEND_COLUMNS
    return LEFT + column * (WIDTH - LEFT) // LEGEND_COLUMNS, LEGEND_TOP + row * LEGEND_ROW


def trend_svg(points: Sequence[Point], scale: Sequence[str], title: str, description: str) -> str:
    """The SVG markup; ``scale`` holds the four level names, rank 1 first. All text is escaped here."""
    ordered, start, span, series = frame(points)
    tall = height(len(series))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {tall}" '
        f'width="{WIDTH}" height="{tall}" aria-labelledby="trend-title trend-desc">',
        f'<title id="trend-title">{escape(title)}</title>',
        f'<desc id="trend-desc">{escape(description)}</desc>',
    ]
    for rank, name in enumerate(scale, start=1):
        y = y_at(rank)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            'stroke="#ccc" stroke-dasharray="4 4"/>'
        )
        parts.append(
            f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="12">'
            f"{rank} {escape(name)}</text>"
        )
    if ordered:
        for at in dict.fromkeys((ordered[0].at, ordered[-1].at)):
            parts.append(
                f'<text x="{x_at(at, start, span):.1f}" y="{PLOT_BOTTOM + 22}" text-anchor="middle" '
                'font-size="11">'
                f"{at:%Y-%m-%d}</text>"
            )
    for index, name in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        mine = [point for point in ordered if point.series == name]
        coordinates = " ".join(f"{x_at(p.at, start, span):.1f},{y_at(p.compromission):.1f}" for p in mine)
        if len(mine) > 1:
            parts.append(f'<polyline points="{coordinates}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for point in mine:
            parts.append(
                f'<circle cx="{x_at(point.at, start, span):.1f}" cy="{y_at(point.compromission):.1f}" r="5" '
                f'fill="{colour}"><title>{escape(name)} — {point.at:%Y-%m-%d %H:%M} — '
                f"{point.compromission}/4</title></circle>"
            )
        legend_x, legend_y = legend_at(index)
        parts.append(f'<rect x="{legend_x}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{legend_x + 15}" y="{legend_y}" font-size="11">{escape(name)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
