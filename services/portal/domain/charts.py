"""Horizontal bar charts drawn by the server as SVG (no script, no inline style: templates/cockpit/chart.html
draws the geometry computed here; portal.css colours it by class). Each bar's label and value are text in the
SVG, so the chart reads without colour, and the page prints it."""
from __future__ import annotations

from dataclasses import dataclass

WIDTH = 480  # narrow, so the text stays legible on a phone (the CSS caps the chart's width on a desktop)
LABEL_WIDTH = 150
VALUE_WIDTH = 120
ROW_HEIGHT = 28
BAR_HEIGHT = 18


@dataclass(frozen=True)
class Bar:
    label: str
    value: str  # as people read it: "3件", "200,000.00元", "4.5"
    y: int
    width: float  # in SVG units, proportional to the quantity
    tone: str = "primary"

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 4


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    bars: tuple[Bar, ...]
    bar_x: int = LABEL_WIDTH
    plot_width: int = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    width: int = WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * ROW_HEIGHT + 8

    def value_x(self, bar: Bar) -> float:
        return self.bar_x + bar.width + 6


def bar_chart(chart_id: str, title: str, rows: list[tuple[str, int, str]], tones: list[str] | None = None) -> BarChart:
    """rows: (label, quantity ≥ 0, the quantity as text). The longest bar fills the plot; zero draws no bar."""
    largest = max((quantity for _, quantity, _ in rows), default=0)
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = tuple(
        Bar(label=_short(label), value=text, y=8 + index * ROW_HEIGHT,
            width=round(plot * quantity / largest, 1) if largest else 0.0,
            tone=(tones[index] if tones and index < len(tones) else "primary"))
        for index, (label, quantity, text) in enumerate(rows)
    )
    return BarChart(chart_id, title, bars)


def _short(label: str, limit: int = 10) -> str:
    """A label that fits beside the bars (the table under the chart carries it whole)."""
    return label if len(label) <= limit else label[: limit - 1] + "…"
