"""Plotly figures (local rendering only; no fonts or tiles fetched)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"


def remaining_curve_figure(curve: pd.DataFrame) -> go.Figure:
    """Remaining poor persons per month against the plan's straight path."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=curve["month"], y=curve["persons"], name="现存贫困人口（实际）", mode="lines+markers", line={"width": 3, "color": "#b2182b"}))
    fig.add_trace(go.Scatter(x=curve["month"], y=curve["plan_persons"], name="规划路径（2016年底清零）", mode="lines", line={"dash": "dash", "color": "#2166ac"}))
    fig.update_layout(
        font={"family": FONT, "size": 15}, height=380, margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.12}, yaxis={"title": "人", "tickformat": ",d", "rangemode": "tozero"},
        xaxis={"tickformat": "%Y-%m", "dtick": "M3"}, hovermode="x unified",
    )
    return fig
