"""Small line charts of the summary, as inline SVG for the self-contained report.

One chart per indicator and unit that has values in at least two years: a line per place
through its values by year (two values for one year show as a vertical stroke, never as an
average nobody wrote), a dot per value, grey where nobody has reviewed it. leather draws the
SVG: plain elements, no script, no font or image to fetch, so the report's
Content-Security-Policy (nothing loaded from anywhere) holds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import leather

from llmextract.dataset.summary import SummaryRow

WIDTH, HEIGHT = 380, 230
PLACE_COLORS = ("#1b6ca8", "#c8553d", "#2a9d8f", "#8e5ea2", "#e9a23b", "#5c6b73")
UNREVIEWED_COLOR = "#b8b8b8"
MAX_PLACES = len(PLACE_COLORS)  # beyond that a small chart is unreadable: the table has them


@dataclass(frozen=True)
class Chart:
    indicator: str
    unit: str | None
    places: tuple[str, ...]
    left_out: int  # places not drawn (more than MAX_PLACES); the table lists every one
    svg: str


class _Dots(leather.Dots):
    """Dots that leave the legend to their place's line (one entry a place, not two)."""

    def legend_to_svg(self, series: object, palette: object) -> list[object]:
        return []


def _theme() -> None:
    """A quieter look than leather's default, in the report's own font and sizes."""
    for part in ("title", "legend", "axis_title", "tick"):
        setattr(leather.theme, f"{part}_font_family", "system-ui, sans-serif")
    leather.theme.legend_font_size = leather.theme.tick_font_size = 11
    leather.theme.legend_font_char_width = leather.theme.tick_font_char_width = 7
    leather.theme.legend_font_char_height = leather.theme.tick_font_char_height = 11
    leather.theme.background_color = "#ffffff"
    leather.theme.margin = 0.04


def _year(value: float, index: int, count: int) -> str:
    return str(int(value)) if value == int(value) else ""


def _number(value: float, index: int, count: int) -> str:
    return f"{value:,.10g}".replace(",", " ")


def _chart(rows: list[SummaryRow]) -> Chart | None:
    years = sorted({r.year for r in rows if r.year is not None})
    if len(years) < 2:
        return None
    by_place: dict[str, list[SummaryRow]] = defaultdict(list)
    for r in rows:
        if r.year is not None:
            by_place[r.place or "place unknown"].append(r)
    places = sorted(by_place, key=lambda p: (-len(by_place[p]), p))
    drawn = places[:MAX_PLACES]
    _theme()
    chart = leather.Chart()
    chart.add_x_scale(years[0], years[-1])
    values = [r.value for p in drawn for r in by_place[p]]
    low, high = min(0.0, *values), max(values)
    chart.add_y_scale(low, high if high > low else low + 1)
    chart.add_x_axis(ticks=years, tick_formatter=_year)
    chart.add_y_axis(tick_formatter=_number)
    for place, color in zip(drawn, PLACE_COLORS, strict=False):
        points = sorted((r.year, r.value, r.reviewed > 0) for r in by_place[place])
        chart.add_line([(x, y) for x, y, _ in points], name=place, stroke_color=color)
        chart.add_series(
            leather.Series(points, x=0, y=1),
            _Dots(lambda d, color=color: color if d.row[2] else UNREVIEWED_COLOR, 4),
        )
    svg = chart.to_svg(width=WIDTH, height=HEIGHT)
    first = rows[0]
    return Chart(first.indicator, first.unit, tuple(drawn), len(places) - len(drawn), svg)


def summary_charts(rows: list[SummaryRow]) -> list[Chart]:
    """The charts of a summary, in the order of its indicators."""
    groups: dict[tuple[str, str], list[SummaryRow]] = defaultdict(list)
    for r in rows:
        groups[(r.indicator, r.unit or "")].append(r)
    charts = (_chart(group) for _, group in sorted(groups.items(), key=lambda g: g[0][0].lower()))
    return [c for c in charts if c is not None]
