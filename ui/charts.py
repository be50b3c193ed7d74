"""Plotly figures (local rendering only; no fonts or tiles fetched)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from analytics import fmt
from analytics.classify import SCALES
from analytics.dynamics import OUTFLOWS

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"


def remaining_curve_figure(curve: pd.DataFrame) -> go.Figure:
    """Remaining poor persons per month against the plan's straight path."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=curve["month"],
            y=curve["persons"],
            name="现存贫困人口（实际）",
            mode="lines+markers",
            line={"width": 3, "color": "#b2182b"},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=curve["month"],
            y=curve["plan_persons"],
            name="规划路径（2016年底清零）",
            mode="lines",
            line={"dash": "dash", "color": "#2166ac"},
        )
    )
    fig.update_layout(
        font={"family": FONT, "size": 15},
        height=380,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.12},
        yaxis={"title": "人", "tickformat": ",d", "rangemode": "tozero"},
        xaxis={"tickformat": "%Y年%m月", "dtick": "M3"},
        hovermode="x unified",
    )
    return fig


def breakdown_bar(frame: pd.DataFrame, title: str, unit: str) -> go.Figure:
    """Horizontal bars of one breakdown (households or persons), largest first."""
    column = "households" if unit == "户" else "persons"
    heights, labels, positions = _suppressed_bars(frame[column].tolist())
    fig = go.Figure(
        go.Bar(
            x=heights, y=frame["value"], orientation="h", marker_color="#d6604d", text=labels, textposition=positions
        )
    )
    fig.update_layout(
        title={"text": f"{title}（{unit}）", "font": {"size": 16}},
        font={"family": FONT, "size": 13},
        height=60 + 26 * max(len(frame), 1),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        yaxis={"autorange": "reversed"},
        xaxis={"tickformat": ",d"},
    )
    return fig


def _suppressed_bars(values: list[float | None]) -> tuple[list[float], list[str], list[str]]:
    """Bars of counts under the small-count rule: a hidden count is a zero-length bar labelled ``<3`` outside."""
    heights, labels = fmt.bar_values(values)
    positions = ["outside" if h is None else "auto" for h in heights]
    return [0.0 if h is None else h for h in heights], labels, positions


def legend_formatter(metric: str) -> Callable[[float | None, int], str]:
    """How a metric's class limits read in the legend: ``f(value, decimals)``."""
    return fmt.percent if SCALES[metric].share else fmt.number


def histogram_bar(frame: pd.DataFrame, x: str, y: str, x_title: str, y_title: str, dtick: float = 1) -> go.Figure:
    heights, labels, _ = _suppressed_bars(frame[y].tolist())
    fig = go.Figure(go.Bar(x=frame[x], y=heights, marker_color="#4393c3", text=labels, textposition="outside"))
    fig.update_layout(
        font={"family": FONT, "size": 13},
        height=320,
        margin={"l": 10, "r": 10, "t": 20, "b": 10},
        xaxis={"title": x_title, "dtick": dtick},
        yaxis={"title": y_title, "tickformat": ",d"},
    )
    return fig


def trend_lines(frame: pd.DataFrame, x: str, y: str, series: str, y_title: str) -> go.Figure:
    """One line per ``series`` value over ``x`` (e.g. each quality check over snapshots)."""
    fig = go.Figure()
    for name, part in frame.groupby(series, sort=False):
        fig.add_trace(go.Scatter(x=part[x], y=part[y], name=name, mode="lines+markers"))
    fig.update_layout(
        font={"family": FONT, "size": 13},
        height=340,
        margin={"l": 10, "r": 10, "t": 20, "b": 10},
        legend={"orientation": "h", "y": -0.2},
        yaxis={"title": y_title, "tickformat": ",d", "rangemode": "tozero"},
        xaxis={"tickformat": "%Y年%m月"},
        hovermode="x unified",
    )
    return fig


def stacked_flows(flows: pd.DataFrame, labels: dict[str, str]) -> go.Figure:
    """Monthly flows as stacked bars: inflows up, outflows down."""
    colours = {"new": "#4393c3", "returned": "#d6604d", "exited": "#1a9850", "removed": "#878787"}
    fig = go.Figure()
    for flow, label in labels.items():
        sign = -1 if flow in OUTFLOWS else 1
        heights, texts = fmt.bar_values(flows[flow].tolist())  # counts of households: the small-count rule
        fig.add_trace(
            go.Bar(
                x=flows["month"],
                y=[None if h is None else sign * h for h in heights],
                name=label,
                marker_color=colours[flow],
                customdata=texts,
                hovertemplate=f"{label}：%{{customdata}} 户<extra></extra>",
            )
        )
    fig.update_layout(
        barmode="relative",
        font={"family": FONT, "size": 14},
        height=360,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.12},
        yaxis={"title": "户（流出为负）", "tickformat": ",d"},
        xaxis={"tickformat": "%Y年%m月"},
    )
    return fig


def transition_sankey(table: pd.DataFrame, first_label: str, second_label: str) -> go.Figure:
    """Households moving between statuses from the first month to the second."""
    left = sorted(table["from_status"].unique())
    right = sorted(table["to_status"].unique())
    nodes = [f"{s}（{first_label}）" for s in left] + [f"{s}（{second_label}）" for s in right]
    fig = go.Figure(
        go.Sankey(
            node={"label": nodes, "pad": 18, "thickness": 16, "color": "#92c5de"},
            link={
                "source": [left.index(s) for s in table["from_status"]],
                "target": [len(left) + right.index(s) for s in table["to_status"]],
                "value": table["households"].tolist(),
            },
        )
    )
    fig.update_layout(font={"family": FONT, "size": 14}, height=380, margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return fig


def exit_timeline(timeline: pd.DataFrame, goals: list[Any], labels: dict[str, str]) -> go.Figure:
    """Cumulative village and town exits per month, with the stage goals as markers."""
    colours = {"provincial_villages": "#b2182b", "weak_villages": "#ef8a62", "weak_towns": "#2166ac"}
    fig = go.Figure()
    for series, label in labels.items():
        fig.add_trace(
            go.Scatter(
                x=timeline["month"],
                y=timeline[series],
                name=label,
                mode="lines",
                line={"width": 3, "color": colours[series]},
            )
        )
    for month, series, count in goals:
        fig.add_trace(
            go.Scatter(
                x=[month],
                y=[count],
                mode="markers+text",
                marker={"symbol": "diamond", "size": 12, "color": colours[series]},
                text=[f"目标 {count}"],
                textposition="top center",
                showlegend=False,
            )
        )
    fig.update_layout(
        font={"family": FONT, "size": 14},
        height=360,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.12},
        yaxis={"title": "累计摘帽（个）", "tickformat": ",d"},
        xaxis={"tickformat": "%Y年%m月", "range": ["2016-01-01", "2018-01-31"]},
    )
    return fig
