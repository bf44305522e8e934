"""The report's two charts as plain shapes (rectangles, lines, text), drawn as SVG by
templates/report/chart.svg: the trend of six months, and the tasks of each unit.

No plotting library: a few stacked bars do not need one, and the shapes stay testable.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from engine.domain.categories import Category
from engine.domain.review import Figures, TrendPoint, UnitFigures

#: the design's colours: green on time, orange late, blue within deadline, red overdue,
#: grey ongoing
COLOURS = {
    Category.COMPLETED_ON_TIME: "#15803d",
    Category.COMPLETED_LATE: "#ea580c",
    Category.IN_PROGRESS_WITHIN_DEADLINE: "#2563eb",
    Category.IN_PROGRESS_OVERDUE: "#dc2626",
    Category.ONGOING: "#9ca3af",
    Category.PAUSED: "#7c3aed",  # violet: waiting on another body, not late
    Category.DECLINED: "#db2777",  # pink: waiting on the office's decision
}
RATE_COLOUR = "#111827"
#: the labels' size in the chart's units: drawn 165 mm wide, 600 units make 10 a 8 pt text
FONT = 10


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    title: str = ""


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"  # start | middle | end
    size: float = FONT
    bold: bool = False
    fill: str = "#111827"


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = "#d1d5db"
    width: float = 0.6


@dataclass
class Chart:
    width: float
    height: float
    label: str
    rects: list[Rect] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    polylines: list[list[tuple[float, float]]] = field(default_factory=list)  # broken at gaps
    dots: list[tuple[float, float]] = field(default_factory=list)


def nice_ceiling(value: int) -> int:
    """A round axis maximum at or above `value`: 1, 2, 5, 10, 20, 50 …"""
    if value <= 0:
        return 1
    magnitude: int = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover


def _text_width(text: str, size: float = FONT) -> float:
    """Roughly how wide a sans face sets `text`: the report's serif (Times New Roman or
    Liberation Serif) is narrower, so legend entries stay apart."""
    return len(text) * size * 0.6


def _legend(
    chart: Chart, y: float, names: Callable[[Category], str], with_rate: str | None
) -> float:
    """The legend from `y` down, wrapped to the chart's width; returns the last line's y."""
    entries: list[tuple[str, str | None]] = [(names(c), COLOURS[c]) for c in Category]
    if with_rate:
        entries.append((with_rate, None))
    x = 0.0
    for label, colour in entries:
        width = 14 + _text_width(label) + 12
        if x and x + width > chart.width:
            x, y = 0.0, y + 13
        if colour is None:
            chart.lines.append(Line(x, y - 3, x + 11, y - 3, RATE_COLOUR, 1.5))
        else:
            chart.rects.append(Rect(x, y - 7, 8, 8, colour))
        chart.texts.append(Text(x + 14, y, label))
        x += width
    return y


def trend_chart(
    trend: Sequence[TrendPoint],
    names: Callable[[Category], str],
    rate_label: str,
    label: str,
    pct: Callable[[float], str],
) -> Chart:
    """Stacked bars of the categories, month by month, and the on-time rate as a line."""
    width, height = 600.0, 262.0
    left, right, top, bottom = 34.0, 40.0, 14.0, 72.0
    chart = Chart(width, height, label)
    plot_h = height - top - bottom
    plot_w = width - left - right
    axis_max = nice_ceiling(max((p.figures.total for p in trend), default=0))
    if axis_max % 4:  # whole numbers on the four gridlines
        axis_max = max(4, -(-max(p.figures.total for p in trend) // 4) * 4)
    for i in range(5):
        value = axis_max * i / 4
        y = top + plot_h - plot_h * i / 4
        chart.lines.append(Line(left, y, width - right, y))
        shown = f"{value:.0f}" if value == int(value) else f"{value:.1f}"
        chart.texts.append(Text(left - 4, y + 3, shown, "end"))
        chart.texts.append(Text(width - right + 4, y + 3, f"{25 * i}%", "start"))
    slot = plot_w / max(len(trend), 1)
    bar_w = min(46.0, slot * 0.55)
    for i, point in enumerate(trend):
        x = left + slot * i + (slot - bar_w) / 2
        y = top + plot_h
        for category in Category:
            n = point.figures.count(category)
            if not n:
                continue
            h = plot_h * n / axis_max
            y -= h
            title = f"{point.month.label}: {names(category)} {n}"
            chart.rects.append(Rect(x, y, bar_w, h, COLOURS[category], title))
        total = point.figures.total
        chart.texts.append(Text(x + bar_w / 2, y - 3, str(total), "middle", bold=True))
        chart.texts.append(Text(x + bar_w / 2, top + plot_h + 13, point.month.label, "middle"))
        rate = point.figures.on_time_rate
        if rate is None:  # no rate this month: the line stops rather than bridge the gap
            chart.polylines.append([])
        else:
            dot = (x + bar_w / 2, top + plot_h - plot_h * rate / 100)
            if not chart.polylines:
                chart.polylines.append([])
            chart.polylines[-1].append(dot)
            chart.dots.append(dot)
            chart.texts.append(
                Text(dot[0] + 5, dot[1] - 4, pct(rate) + "%", size=9, fill=RATE_COLOUR)
            )
    chart.lines.append(Line(left, top + plot_h, width - right, top + plot_h, "#6b7280", 0.8))
    _legend(chart, top + plot_h + 34, names, rate_label)
    return chart


def unit_chart(
    units: Sequence[UnitFigures],
    unit_names: Callable[[str], str],
    names: Callable[[Category], str],
    label: str,
) -> Chart:
    """One horizontal stacked bar per unit, with its total at the end."""
    width = 600.0
    row_h, top, left, right = 18.0, 6.0, 160.0, 30.0
    height = top + row_h * max(len(units), 1) + 44
    chart = Chart(width, height, label)
    plot_w = width - left - right
    axis_max = nice_ceiling(max((u.figures.total for u in units), default=0))
    for i, unit in enumerate(units):
        y = top + row_h * i
        name = unit_names(unit.unit)
        shown = name if len(name) <= 30 else name[:29] + "…"
        chart.texts.append(Text(left - 6, y + row_h * 0.68, shown, "end"))
        x = left
        figures: Figures = unit.figures
        for category in Category:
            n = figures.count(category)
            if not n:
                continue
            w = plot_w * n / axis_max
            chart.rects.append(
                Rect(x, y + 2, w, row_h - 5, COLOURS[category], f"{name}: {names(category)} {n}")
            )
            x += w
        chart.texts.append(Text(x + 4, y + row_h * 0.68, str(figures.total), bold=True))
    bottom = top + row_h * max(len(units), 1)
    chart.lines.append(Line(left, top, left, bottom, "#6b7280", 0.8))
    _legend(chart, bottom + 20, names, None)
    return chart
