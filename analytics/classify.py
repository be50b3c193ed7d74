"""Choropleth classes like DHIS2's: quantiles, equal intervals, natural breaks (Jenks), a fixed scale for
shares, plus a no-data class.

Colours come from ColorBrewer's YlOrRd, a sequential palette marked colour-blind safe, with one meaning on
every map and slide: **worse is warmer** (a metric where higher is better, such as coverage, runs the palette
backwards). Shares default to a fixed scale (so 98.9–99.2 % is not painted as a full ramp), counts get whole
class limits, and an area without a count is zero, not 无数据 (a share of nothing stays 无数据).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from storage.values import known

METHODS = {
    "fixed": "固定分档（比例）",
    "quantile": "分位数（等数量）",
    "equal_interval": "等间距",
    "jenks": "自然断点（Jenks）",
}
SHARE_LIMITS = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 1.0)
# ColorBrewer YlOrRd, 3 to 7 classes.
PALETTES = {
    3: ["#ffeda0", "#feb24c", "#f03b20"],
    4: ["#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"],
    5: ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"],
    6: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"],
    7: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"],
}
NO_DATA_COLOUR = "#d9d9d9"


@dataclass(frozen=True)
class Scale:
    """What a metric's values are: shares (0–1), whole counts, and whether higher is worse."""

    share: bool = False
    whole: bool = False
    higher_is_worse: bool = True


SCALES = {
    "remaining_persons": Scale(whole=True),
    "remaining_households": Scale(whole=True),
    "incidence": Scale(),
    "share_still_poor": Scale(share=True),
    "coverage": Scale(share=True, higher_is_worse=False),
    "new": Scale(whole=True),
    "returned": Scale(whole=True),
    "removed": Scale(whole=True),
    "exited": Scale(whole=True, higher_is_worse=False),
    "reported_share": Scale(share=True, higher_is_worse=False),  # a reported percentage, as a share
    "reported_value": Scale(higher_is_worse=False),  # a reported amount or count that should rise
    "reported_cap": Scale(),  # a reported amount that should stay low (a cap)
    "flagged": Scale(whole=True),  # households with a 防返贫 warning
}


def default_method(metric: str) -> str:
    """The classification a map of ``metric`` opens with, on the web and on the slides alike."""
    return "fixed" if SCALES[metric].share else "jenks"


def methods_for(metric: str) -> list[str]:
    """Classifications offered for ``metric``, its default first (the fixed scale only for shares)."""
    offered = [m for m in METHODS if m != "fixed" or SCALES[metric].share]
    return sorted(offered, key=lambda m: m != default_method(metric))


def fill_missing(values: Sequence[float | None], scale: Scale) -> list[float | None]:
    """Areas without a figure: zero for counts, no data (None) otherwise."""
    present = [known(v) for v in values]
    return [0.0 if scale.whole and v is None else v for v in present]


def palette(k: int) -> list[str]:
    """``k`` colours of the sequential palette."""
    return PALETTES.get(k) or {1: ["#fd8d3c"], 2: ["#ffeda0", "#f03b20"]}.get(k) or PALETTES[7]


@dataclass(frozen=True)
class Classes:
    """Class limits (``k + 1`` ascending values), colours, and the class index of every input value.

    Class i holds values in (limits[i], limits[i + 1]]; the first class also holds limits[0].
    """

    limits: tuple[float, ...]
    colours: tuple[str, ...]
    index: tuple[int | None, ...]  # None = no data

    def colour_of(self, i: int | None) -> str:
        return NO_DATA_COLOUR if i is None else self.colours[i]

    def legend(self, fmt: Callable[[float, int], str] = lambda v, d: f"{v:,.{d}f}") -> list[tuple[str, str, int]]:
        """(colour, label, count) per class, then the no-data class; ``fmt(value, decimals)`` formats limits,
        with one more decimal (up to three) while two limits would read the same."""
        counts = [sum(1 for i in self.index if i == k) for k in range(len(self.colours))]
        decimals = 1
        while decimals < 3 and len({fmt(v, decimals) for v in self.limits}) < len(set(self.limits)):
            decimals += 1
        rows = [
            (c, f"{fmt(self.limits[k], decimals)} – {fmt(self.limits[k + 1], decimals)}", counts[k])
            for k, c in enumerate(self.colours)
        ]
        return rows + [(NO_DATA_COLOUR, "无数据", sum(1 for i in self.index if i is None))]


def quantile_breaks(values: Sequence[float], k: int) -> list[float]:
    """Limits putting about the same number of values in each class."""
    return [float(v) for v in np.quantile(np.asarray(values, dtype=float), np.linspace(0, 1, k + 1))]


def equal_interval_breaks(values: Sequence[float], k: int) -> list[float]:
    lo, hi = float(min(values)), float(max(values))
    return [lo + (hi - lo) * i / k for i in range(k + 1)]


def jenks_breaks(values: Sequence[float], k: int) -> list[float]:
    """Fisher-Jenks natural breaks: the k-class split minimising within-class squared deviations."""
    data = sorted(float(v) for v in values)
    n = len(data)
    k = min(k, n)
    prefix = np.concatenate([[0.0], np.cumsum(data)])
    prefix_sq = np.concatenate([[0.0], np.cumsum(np.square(data))])

    def ssd(i: int, j: int) -> float:  # values i..j-1
        s, s2, m = prefix[j] - prefix[i], prefix_sq[j] - prefix_sq[i], j - i
        return float(s2 - s * s / m)

    cost = [[math.inf] * (n + 1) for _ in range(k + 1)]
    split = [[0] * (n + 1) for _ in range(k + 1)]
    cost[0][0] = 0.0
    for c in range(1, k + 1):
        for j in range(c, n + 1):
            for i in range(c - 1, j):
                candidate = cost[c - 1][i] + ssd(i, j)
                if candidate < cost[c][j]:
                    cost[c][j], split[c][j] = candidate, i
    starts, j = [], n
    for c in range(k, 0, -1):
        i = split[c][j]
        starts.append(i)
        j = i
    starts = sorted(starts)[1:]
    return [data[0]] + [data[s - 1] for s in starts] + [data[-1]]


BREAKS = {"quantile": quantile_breaks, "equal_interval": equal_interval_breaks, "jenks": jenks_breaks}


def _whole_limits(limits: list[float]) -> list[float]:
    """Class limits of whole counts: the lowest rounded down, the others up, without repeats."""
    rounded = [float(math.floor(limits[0]))] + [float(math.ceil(v)) for v in limits[1:]]
    return sorted(set(rounded)) if len(set(rounded)) > 1 else rounded


def _limits(known: list[float], method: str, k: int, scale: Scale) -> list[float]:
    if method == "fixed" and scale.share:
        return list(SHARE_LIMITS)
    distinct = len(set(known))
    k = max(1, min(k, distinct))
    limits = BREAKS["quantile" if method == "fixed" else method](known, k) if distinct > 1 else [known[0], known[0]]
    limits = sorted(set(limits)) if len(set(limits)) > 1 else limits
    return _whole_limits(limits) if scale.whole else limits


def classify(values: Sequence[float | None], method: str, k: int = 5, scale: Scale = Scale()) -> Classes:
    """Classes for ``values`` (None or NaN = no data); fewer classes when there are fewer distinct values;
    warmer colours for worse values (see the module docstring)."""
    present = [known(v) for v in values]
    figures = [v for v in present if v is not None]
    if not figures:
        return Classes((), (), tuple(None for _ in values))
    limits = _limits(figures, method, k, scale)
    colours = palette(len(limits) - 1)
    if not scale.higher_is_worse:
        colours = colours[::-1]
    index: list[int | None] = []
    for v in present:
        if v is None:
            index.append(None)
        else:
            position = int(np.searchsorted(np.asarray(limits), v, side="left")) - 1  # classes are (lower, upper]
            index.append(min(max(position, 0), len(limits) - 2))
    return Classes(tuple(limits), tuple(colours), tuple(index))
