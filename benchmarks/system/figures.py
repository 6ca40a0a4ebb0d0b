"""Figures of the system benchmarks: percentiles, the median and spread of repeats, ratios to a
baseline, and the printed lines. Everything printed is also kept for the closing JSON line."""
from __future__ import annotations

import math
import os
import statistics
from dataclasses import dataclass, field


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0–100); NaN when there is nothing to rank."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


@dataclass
class Repeats:
    """One figure measured once per repeat: its median and spread (max − min)."""

    values: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        self.values.append(value)

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else math.nan

    @property
    def spread(self) -> float:
        return max(self.values) - min(self.values) if self.values else math.nan


@dataclass
class Report:
    """Lines for people as they come, and every figure by name for the JSON line at the end."""

    figures: dict[str, float | None] = field(default_factory=dict)
    notes: dict[str, object] = field(default_factory=dict)

    def section(self, title: str) -> None:
        print(f"\n{title}   (load average {load_average()})", flush=True)

    def figure(self, name: str, repeats: Repeats, unit: str, *, baseline: Repeats | None = None,
               goal: str = "") -> None:
        """Prints median ± spread (and the ratio of the medians to the baseline's); records name and
        name_spread (and name_ratio)."""
        self.figures[name] = _number(repeats.median)
        self.figures[f"{name}_spread"] = _number(repeats.spread)
        line = f"  {name:<44} {repeats.median:>10,.1f} {unit:<8} spread {repeats.spread:>8,.1f}  n={len(repeats.values)}"
        if baseline is not None:
            ratio = repeats.median / baseline.median if baseline.median else math.nan
            self.figures[f"{name}_baseline"] = _number(baseline.median)
            self.figures[f"{name}_ratio"] = _number(ratio)
            line += f"   baseline {baseline.median:,.1f} ± {baseline.spread:,.1f}  ratio {ratio:.2f}"
        if goal:
            line += f"   (goal {goal})"
        print(line, flush=True)

    def value(self, name: str, value: float, unit: str, *, goal: str = "") -> None:
        self.figures[name] = _number(value)
        print(f"  {name:<44} {value:>10,.1f} {unit}" + (f"   (goal {goal})" if goal else ""), flush=True)

    def note(self, text: str) -> None:
        print(f"  {text}", flush=True)


def _number(value: float) -> float | None:
    return None if value is None or math.isnan(value) else round(value, 3)
