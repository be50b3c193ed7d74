"""Server-side chart images for the projected slides: fixed 16:10 pixels, so a slide scales as a whole.

Long category names (over six characters, or more names than fit under the bars) make horizontal bars, read
left to right and never rotated;
values are labelled with ``fmt``; the legend sits above the plot, clear of the axes.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from analytics import fmt  # noqa: E402
from reports.slides import Chart  # noqa: E402
from reports.static_map import cjk_font  # noqa: E402

LONG_LABEL = 6
CROWDED = 40  # longest name × number of names: beyond this the names do not fit under vertical bars
PALETTE = ("#4c6ef5", "#e8590c", "#2f9e44", "#868e96")
THEMES = {
    False: {"background": "#ffffff", "text": "#111111", "grid": "#dddddd"},
    True: {"background": "#0e1117", "text": "#f5f5f5", "grid": "#444444"},
}


def render_chart(chart: Chart, dark: bool = False, width: float = 10.0, height: float = 7.0) -> bytes:
    """A PNG of a briefing chart (``width`` × ``height`` inches at 100 dpi) in the light or dark theme."""
    theme = THEMES[dark]
    plt.rcParams["font.family"] = cjk_font()
    fig, ax = plt.subplots(figsize=(width, height), dpi=100, facecolor=theme["background"])
    ax.set_facecolor(theme["background"])
    horizontal = chart.kind != "line" and (
        any(len(c) > LONG_LABEL for c in chart.categories)
        or max(map(len, chart.categories), default=0) * len(chart.categories) > CROWDED
    )
    positions = list(range(len(chart.categories)))
    names = list(chart.series)
    bar = 0.8 / (1 if chart.kind == "stacked" else max(len(names), 1))
    bottoms = [0.0] * len(positions)
    for i, name in enumerate(names):
        # Counts follow the small-count rule (no bar, <3); percentages never.
        heights, labels = (
            (chart.series[name], [chart.label(v) for v in chart.series[name]])
            if chart.percent or not chart.counts
            else fmt.bar_values(chart.series[name])
        )
        values = [v if v is not None else 0.0 for v in heights]
        colour = PALETTE[i % len(PALETTE)]
        if chart.kind == "line":
            ax.plot(positions, values, marker="o", color=colour, label=name, linewidth=3)
            continue
        offset = 0.0 if chart.kind == "stacked" else (i - (len(names) - 1) / 2) * bar
        places = [p + offset for p in positions]
        if horizontal:
            bars = ax.barh(
                places, values, height=bar, left=bottoms if chart.kind == "stacked" else None, color=colour, label=name
            )
        else:
            bars = ax.bar(
                places, values, width=bar, bottom=bottoms if chart.kind == "stacked" else None, color=colour, label=name
            )
        if chart.kind != "stacked":
            ax.bar_label(bars, labels=labels, fontsize=13, color=theme["text"], padding=3)
        if chart.kind == "stacked":
            bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    thousands = FuncFormatter(lambda v, _: chart.label(v))
    if horizontal:
        ax.set_yticks(positions, chart.categories, fontsize=15)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(thousands)
        ax.grid(axis="x", color=theme["grid"])
    else:
        ax.set_xticks(positions, chart.categories, fontsize=15)
        ax.yaxis.set_major_formatter(thousands)
        ax.grid(axis="y", color=theme["grid"])
    ax.set_axisbelow(True)
    ax.tick_params(colors=theme["text"], labelsize=14)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(chart.title, fontsize=22, color=theme["text"], loc="left", pad=40 if len(names) > 1 else 12)
    if len(names) > 1:
        ax.legend(
            loc="lower left",
            bbox_to_anchor=(0, 1.0),
            ncol=len(names),
            frameon=False,
            fontsize=15,
            labelcolor=theme["text"],
        )
    if not chart.categories:
        ax.text(
            0.5,
            0.5,
            "所选范围本页没有可画的数据",
            transform=ax.transAxes,
            ha="center",
            fontsize=18,
            color=theme["text"],
        )
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", facecolor=theme["background"])
    plt.close(fig)
    return buffer.getvalue()
