"""Tables as shown on pages: Chinese headers, Chinese number formats, status colours."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from analytics import fmt
from analytics.tables import goal_rows, league_rows, schedule_rows
from ui.status import cell_style

TABLE_PAGE_ROWS = 100  # a table drawn whole (st.table, all of it HTML) holds at most this many rows; longer ones page


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


def goals(rows: pd.DataFrame) -> tuple[Styler, dict[str, Any]]:
    """The goal table (``analytics.tables.goal_rows``) with coloured statuses and each target's trend over its
    reported periods as a sparkline; with its column configuration for ``st.dataframe``."""
    shown = goal_rows(rows).assign(趋势=[list(series) for series in rows["series"]])
    order = [
        "章节",
        "指标",
        "责任单位",
        "状态",
        "当前值",
        "目标值",
        "单位",
        "趋势",
        "判定依据",
        "数据来源",
        "期限",
        "说明",
    ]
    config: dict[str, Any] = {
        "章节": st.column_config.TextColumn(width="small"),
        "指标": st.column_config.TextColumn(width="large"),
        "趋势": st.column_config.LineChartColumn("趋势（各期审定值）", width="small"),
        "判定依据": st.column_config.TextColumn(width="large"),
    }
    return _coloured(shown[order], "状态").hide(axis="index"), config


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


def page_number(rows: int, size: int, key: str, note: str) -> int:
    """The page of a list of ``rows`` rows the reader picks (a page number input labelled with the page count and
    ``note``), from 1."""
    pages = max(1, -(-rows // size))
    return int(st.number_input(f"页码（共 {pages} 页，{note}）", 1, pages, 1, key=key))


def paged(rows: pd.DataFrame, key: str, note: str) -> pd.DataFrame:
    """``rows`` whole up to ``TABLE_PAGE_ROWS``; beyond, the page of them the reader picks (:func:`page_of`)."""
    return rows if len(rows) <= TABLE_PAGE_ROWS else page_of(rows, TABLE_PAGE_ROWS, key, note)


def page_of(frame: pd.DataFrame, size: int, key: str, note: str) -> pd.DataFrame:
    """The rows of the page the reader picks (:func:`page_number`)."""
    page = page_number(len(frame), size, key, note)
    return frame.iloc[(page - 1) * size : page * size]
