"""Tables as shown on pages: Chinese headers, Chinese number formats, status colours."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from analytics import fmt
from ui.status import cell_style

PERSON_TARGETS = ("households", "persons")  # back-scheduling targets counting households or persons (not places)


def _coloured(frame: pd.DataFrame, column: str) -> Styler:
    return frame.style.map(cell_style, subset=[column])


def league(table: pd.DataFrame, level_label: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "排名": table["rank"],
            level_label: table["area_name"],
            "综合得分": table["score"].map(fmt.fixed),
            "脱贫率（户）": table["exit_rate"].map(fmt.percent),
            "进度/应有进度": table["pace_ratio"].map(lambda v: fmt.fixed(v, 2)),
            "措施覆盖率": table["measures_coverage"].map(fmt.percent),
            "每千户返贫": table["returns_per_1000"].map(fmt.fixed),
            "现存贫困户": fmt.column("现存贫困户", table["remaining_households"].astype("int64").tolist()),
            "现存贫困人口": fmt.column("现存贫困人口", table["remaining_persons"].astype("int64").tolist()),
        }
    ).set_index("排名")


def schedule(rows: pd.DataFrame) -> Styler:
    shown = pd.DataFrame(
        {
            "区域": rows["area_name"],
            "目标": rows["label"],
            "截止": rows["deadline"].map(fmt.day),
            "剩余": [
                fmt.count(r) if t in PERSON_TARGETS else fmt.whole(r)
                for r, t in zip(rows["remaining"], rows["target"], strict=True)
            ],
            "剩余月数": rows["months_left"].map(fmt.months_left),
            "需月均完成": rows["required_pace"].map(fmt.fixed),
            "近3月月均": rows["actual_pace"].map(fmt.fixed),
            "按现速度完成于": rows["projected_month"].map(
                lambda m: fmt.month(m) if m is not None and m == m else "无法完成"
            ),
            "预警": rows["rag"],
        }
    )
    return _coloured(shown.reset_index(drop=True), "预警").hide(axis="index")


def goals(rows: pd.DataFrame) -> Styler:
    shown = pd.DataFrame(
        {
            "指标": rows["indicator"],
            "期限": rows["deadline"].map(fmt.day),
            "判定月份": rows["judged_at"].map(fmt.month),
            "当前值": rows["value"].map(fmt.number),
            "目标值": rows["target"].map(fmt.number),
            "单位": rows["unit"].fillna(""),
            "状态": rows["status"],
            "判定依据": rows["basis"].fillna(""),
            "说明": rows["note"].fillna(""),
        }
    )
    return _coloured(shown.reset_index(drop=True), "状态").hide(axis="index")


def unmeasurable(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "指标": rows["indicator"],
            "章节": rows["chapter"],
            "期限": rows["deadline"].map(fmt.day),
            "原因": rows["note"],
        }
    ).reset_index(drop=True)


def number_columns(frame: pd.DataFrame) -> dict[str, Any]:
    """Column configuration for a long list shown with ``st.dataframe``: its numeric columns keep sorting as
    numbers and read with thousands separators (the browser's zh-CN grouping, like ``fmt.count``)."""
    return {
        column: st.column_config.NumberColumn(format="localized")
        for column in frame.columns
        if pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(frame[column])
    }


def counts(frame: pd.DataFrame) -> pd.DataFrame:
    """A small display table whose numeric columns are all counts of households or persons, as text under
    the small-count rule (``fmt.column``)."""
    return frame.apply(
        lambda c: (
            pd.Series(fmt.column(str(c.name), c.astype("int64").tolist(), counts=True), index=c.index)
            if pd.api.types.is_numeric_dtype(c)
            else c
        )
    )
