"""Tables as shown on pages: Chinese headers, Chinese number formats, status colours."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from analytics import fmt
from analytics.tables import league_rows, schedule_rows
from ui.status import cell_style


def _coloured(frame: pd.DataFrame, column: str) -> Styler:
    return frame.style.map(cell_style, subset=[column])


def as_read(frame: pd.DataFrame, rows: int | None = None) -> Styler:
    """A table (its first ``rows`` rows) formatted as on every page, slide and deck (``fmt.column``), statuses and
    traffic lights as coloured cells."""
    shown = pd.DataFrame({column: fmt.column(str(column), frame[column].tolist()) for column in frame.columns})
    return shown.head(rows).style.map(cell_style).hide(axis="index")


def league(table: pd.DataFrame, level_label: str) -> Styler:
    return as_read(league_rows(table, level_label))


def schedule(rows: pd.DataFrame) -> Styler:
    return as_read(schedule_rows(rows, "区域"))


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
